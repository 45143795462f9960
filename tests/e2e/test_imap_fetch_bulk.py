"""FETCH of many messages reads cyrus.cache in batches (cmd_fetch.cc
CacheBatches): the responses to FETCH over a range must be byte-identical to
the per-message FETCH n responses, on a mailbox of a few hundred varied
messages with expunged ones in between (gaps in cyrus.cache)."""

import imaplib
import re
import unittest

from imap_support import ImapTestCase

COUNT = 320


def message(i):
    """A varied message: plain, multipart, nested message/rfc822, encoded
    words, groups, long folded headers, missing headers, RFC 2231."""
    kind = i % 8
    head = []
    if i % 5:
        head.append("From: \"User %d, Jr.\" <u%d@example.com>" % (i, i))
    if kind == 1:
        head.append("To: undisclosed:;")
    else:
        head.append("To: a@example.com, \"B \\\"q\\\" C\" <b@example.org>")
    if i % 7:
        head.append("Date: Mon, %d Feb 1994 21:52:25 -0800" % (i % 28 + 1))
    subject = ["Subject %d" % i, "=?utf-8?q?caf=C3=A9_%d?=" % i,
               "a very long subject " + "word " * (i % 40), "", "(paren) \"quoted\""][i % 5]
    if subject:
        head.append("Subject: " + subject)
    head.append("Message-ID: <%d@example.com>" % i)
    if i % 3 == 0:
        head.append("In-Reply-To: <%d@example.com>" % (i - 1))
        head.append("Cc: c@example.net,\r\n d@example.net")
    if kind in (0, 1):
        body = "line %d\r\n" % i * (i % 13)
        if kind == 1:
            head.append("Content-Type: text/plain; charset=iso-8859-1; format=flowed")
            head.append("Content-Transfer-Encoding: quoted-printable")
        return ("\r\n".join(head) + "\r\n\r\n" + body).encode()
    head.append("MIME-Version: 1.0")
    if kind == 2:
        head.append("Content-Type: message/rfc822")
        inner = "From: inner@example.com\r\nSubject: inner %d\r\n\r\ninner body\r\n" % i
        return ("\r\n".join(head) + "\r\n\r\n" + inner).encode()
    head.append("Content-Type: multipart/%s; boundary=\"b%d\"" %
                (["mixed", "alternative", "related"][i % 3], i))
    parts = []
    for p in range(1 + i % 4):
        if p == 2:
            parts.append("Content-Type: application/octet-stream;\r\n"
                         " name*=utf-8''na%%C3%%AFve%d.bin\r\n"
                         "Content-Disposition: attachment; filename=\"x%d.bin\"\r\n"
                         "Content-Transfer-Encoding: base64\r\n\r\nAAECAwQF\r\n" % (i, i))
        elif p == 3:
            parts.append("Content-Type: multipart/mixed; boundary=in%d\r\n\r\n"
                         "--in%d\r\nContent-Type: text/html\r\n\r\n<p>%d</p>\r\n--in%d--\r\n"
                         % (i, i, i, i))
        else:
            parts.append("Content-Type: text/plain; charset=us-ascii\r\n"
                         "Content-Language: en\r\n\r\npart %d of %d\r\n" % (p, i))
    body = "".join("--b%d\r\n%s" % (i, part) for part in parts) + "--b%d--\r\n" % i
    return ("\r\n".join(head) + "\r\n\r\npreamble\r\n" + body).encode()


class ImapFetchBulkTest(ImapTestCase):

    def setUp(self):
        self.start_imap(options={"autocreate_quota": "0"})
        conn = self.login("alice")
        for i in range(COUNT):
            typ, data = conn.append("INBOX", None, None, message(i))
            self.assertEqual(typ, "OK", data)
        # Expunge some: their cache records stay, as gaps between the others.
        conn.select("INBOX")
        conn.store("7,50:60,200", "+FLAGS", "\\Deleted")
        conn.expunge()
        self.exists = int(conn.select("INBOX")[1][0])
        self.c = self.raw("imaps", tls=True)
        self.assertIn("OK", self.c.command("l", "LOGIN alice alice-secret")[-1])
        self.assertIn("OK", self.c.command("s", "EXAMINE INBOX")[-1])

    def read_exact(self, n):
        while len(self.c.buf) < n:
            chunk = self.c.sock.recv(65536)
            self.assertTrue(chunk, "connection closed")
            self.c.buf += chunk
        data, self.c.buf = self.c.buf[:n], self.c.buf[n:]
        return data

    def read_response(self):
        """One response as raw bytes, literals included."""
        out = b""
        while True:
            while b"\r\n" not in self.c.buf:
                chunk = self.c.sock.recv(65536)
                self.assertTrue(chunk, "connection closed")
                self.c.buf += chunk
            line, self.c.buf = self.c.buf.split(b"\r\n", 1)
            out += line + b"\r\n"
            m = re.search(rb"\{(\d+)\}$", line)
            if not m:
                return out
            out += self.read_exact(int(m.group(1)))

    def fetch(self, tag, text):
        """The untagged responses to a command, as raw bytes each."""
        self.c.send("%s %s\r\n" % (tag, text))
        responses = []
        while True:
            response = self.read_response()
            if response.startswith(tag.encode() + b" "):
                self.assertTrue(response.startswith(tag.encode() + b" OK"), response)
                return responses
            responses.append(response)

    def test_range_equals_per_message(self):
        items = ["(ENVELOPE)", "(BODYSTRUCTURE)", "(BODY)",
                 "(BODY.PEEK[HEADER.FIELDS (From Subject Message-ID)])",
                 "(UID FLAGS ENVELOPE BODY.PEEK[HEADER.FIELDS (To Cc)] BODYSTRUCTURE RFC822.SIZE)",
                 "FULL", "(BODY.PEEK[1] ENVELOPE)"]
        one = {}
        for item in items:
            one[item] = {n: self.fetch("o", "FETCH %d %s" % (n, item))
                         for n in range(1, self.exists + 1)}
        sets = ["1:*", "5:40,100,102:150,%d" % self.exists, "3,2,1,%d:%d" % (self.exists - 3,
                                                                               self.exists)]
        for item in items:
            for message_set in sets:
                with self.subTest(item=item, set=message_set):
                    bulk = self.fetch("b", "FETCH %s %s" % (message_set, item))
                    wanted = []
                    for n in self.expand(message_set):
                        wanted += one[item][n]
                    self.assertEqual(len(bulk), len(wanted))
                    self.assertEqual(bulk, wanted)
        # Something was really fetched: every message answered, envelopes vary.
        self.assertEqual(len(set(tuple(v) for v in one["(ENVELOPE)"].values())), self.exists)

    def expand(self, message_set):
        out = []
        for piece in message_set.split(","):
            if ":" in piece:
                lo, hi = piece.split(":")
                hi = self.exists if hi == "*" else int(hi)
                out += range(int(lo), hi + 1)
            else:
                out.append(int(piece))
        # The server answers in ascending order, each message once.
        return sorted(set(out))


if __name__ == "__main__":
    unittest.main()
