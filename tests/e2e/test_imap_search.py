"""SEARCH and UID SEARCH through a real cyrmaster: every key, nested OR/NOT
and lists, sequence and UID sets, CHARSET, decoding of base64,
quoted-printable and RFC 2047 words with case folding, ESEARCH."""

import imaplib
import unittest

from imap_support import ImapTestCase

MESSAGES = [
    # 1: plain ASCII, flagged later
    (b"From: Alice <alice@example.com>\r\nTo: bob@example.com\r\nCc: carol@example.com\r\n"
     b"Subject: Lunch plans\r\nDate: Mon, 7 Feb 1994 21:52:25 -0800\r\n\r\n"
     b"Shall we meet at noon?\r\n", '"07-Feb-1994 21:52:25 -0800"'),
    # 2: encoded-word subject, quoted-printable body
    (b"From: =?UTF-8?Q?J=C3=BCrgen?= <jurgen@example.de>\r\nTo: alice@example.com\r\n"
     b"Subject: =?UTF-8?B?R3LDvMOfZSBhdXMgTcO8bmNoZW4=?=\r\nDate: Tue, 1 Mar 2022 10:00:00 +0100\r\n"
     b"MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n"
     b"Content-Transfer-Encoding: quoted-printable\r\n\r\n"
     b"Sch=C3=B6ne Gr=C3=BC=C3=9Fe, das Wetter ist STRAHLEND.\r\n", '"01-Mar-2022 10:00:00 +0100"'),
    # 3: base64 body in a multipart, bigger
    (b"From: Carol <carol@example.com>\r\nTo: alice@example.com\r\nBcc: secret@example.com\r\n"
     b"Subject: Report\r\nDate: Wed, 2 Mar 2022 12:00:00 +0000\r\nX-Tracking: abc123\r\n"
     b"MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b1\r\n\r\n--b1\r\n"
     b"Content-Type: text/plain\r\nContent-Transfer-Encoding: base64\r\n\r\n"
     b"VGhlIHF1YXJ0ZXJseSBudW1iZXJzIGFyZSBpbi4=\r\n--b1--\r\n" + b"x" * 2000 + b"\r\n",
     '"02-Mar-2022 12:00:00 +0000"'),
]


class ImapSearchTest(ImapTestCase):

    def setUp(self):
        self.start_imap(options={"autocreate_quota": "0"})
        self.c = self.login("alice")
        for data, date in MESSAGES:
            self.c.append("INBOX", None, date, data)
        self.c.select("INBOX")
        self.c.store("1", "+FLAGS", r"(\Flagged \Seen $Todo)")
        self.c.store("2", "+FLAGS", r"(\Answered)")

    def search(self, *criteria, uid=False):
        if uid:
            typ, data = self.c.uid("SEARCH", *criteria)
        else:
            typ, data = self.c.search(None, *criteria)
        self.assertEqual(typ, "OK", data)
        return [int(n) for n in data[0].split()]

    def test_every_key(self):
        cases = [
            (["ALL"], [1, 2, 3]),
            (["ANSWERED"], [2]), (["UNANSWERED"], [1, 3]),
            (["FLAGGED"], [1]), (["UNFLAGGED"], [2, 3]),
            (["SEEN"], [1]), (["UNSEEN"], [2, 3]),
            (["DELETED"], []), (["UNDELETED"], [1, 2, 3]),
            (["DRAFT"], []), (["UNDRAFT"], [1, 2, 3]),
            (["KEYWORD", "$Todo"], [1]), (["UNKEYWORD", "$Todo"], [2, 3]),
            (["RECENT"], [1, 2, 3]), (["NEW"], [2, 3]), (["OLD"], []),
            (["FROM", "alice"], [1]), (["TO", "bob"], [1]), (["CC", "carol"], [1]),
            (["BCC", "secret"], [3]), (["SUBJECT", "lunch"], [1]),
            (["HEADER", "X-Tracking", "abc"], [3]), (["HEADER", "X-Tracking", '""'], [3]),
            (["LARGER", "1000"], [3]), (["SMALLER", "1000"], [1, 2]),
            (["BEFORE", "1-Jan-2000"], [1]), (["ON", "1-Mar-2022"], [2]),
            (["SINCE", "2-Mar-2022"], [3]),
            (["SENTBEFORE", "1-Jan-2000"], [1]), (["SENTON", "2-Mar-2022"], [3]),
            (["SENTSINCE", "1-Mar-2022"], [2, 3]),
            (["BODY", "noon"], [1]), (["TEXT", "report"], [3]), (["TEXT", "NOON"], [1]),
            (["2:*"], [2, 3]), (["*:2"], [2, 3]), (["1,3"], [1, 3]),
            (["UID", "1:2"], [1, 2]),
            (["OR", "FLAGGED", "ANSWERED"], [1, 2]),
            (["NOT", "OR", "FLAGGED", "ANSWERED"], [3]),
            (["(FROM carol SUBJECT report)"], [3]),
            (["OR", "(FROM carol SUBJECT nope)", "NOT", "NOT", "SEEN"], [1]),
        ]
        for criteria, expected in cases:
            with self.subTest(criteria=criteria):
                self.assertEqual(self.search(*criteria), expected)

    def test_decoding_and_case_folding(self):
        # 8-bit search strings travel as literals (RFC 3501 §4.3).
        for key, value in (("SUBJECT", "grüße"), ("FROM", "JÜRGEN"), ("BODY", "schöne")):
            self.c.literal = value.encode()
            typ, data = self.c.search("UTF-8", key)
            self.assertEqual((typ, data), ("OK", [b"2"]), key)
        self.assertEqual(self.search("BODY", "strahlend"), [2])
        self.assertEqual(self.search("BODY", "QUARTERLY"), [3])
        self.assertEqual(self.search("CHARSET", "US-ASCII", "BODY", "quarterly"), [3])
        typ, data = self.c.search("KOI8-R", "BODY", "x")
        self.assertEqual(typ, "NO")
        self.assertIn(b"[BADCHARSET", data[0])

    def test_uid_search_returns_uids(self):
        self.c.store("1", "+FLAGS", r"(\Deleted)")
        self.c.expunge()
        self.assertEqual(self.search("ALL", uid=True), [2, 3])
        self.assertEqual(self.search("ALL"), [1, 2])
        self.assertEqual(self.search("UID", "3:*", uid=True), [3])

    def test_esearch(self):
        typ, data = self.c._simple_command("SEARCH", "RETURN", "(MIN MAX COUNT ALL)", "ALL")
        self.assertEqual(typ, "OK")
        line = self.c.untagged_responses.pop("ESEARCH")[0].decode()
        self.assertRegex(line, r'^\(TAG "[A-Z0-9]+"\) MIN 1 MAX 3 COUNT 3 ALL 1:3$')
        typ, data = self.c._simple_command("UID", "SEARCH", "RETURN", "()", "FLAGGED")
        line = self.c.untagged_responses.pop("ESEARCH")[0].decode()
        self.assertRegex(line, r"UID ALL 1$")

    def test_bad_criteria(self):
        for criteria in (["FROB"], ["FROM"], ["LARGER", "x"], ["BEFORE", "31-Feb-2020"],
                         ["0"], ["OR", "SEEN"], ["NOT " * 200 + "SEEN"]):
            with self.subTest(criteria=criteria):
                with self.assertRaisesRegex(imaplib.IMAP4.error, "BAD"):
                    self.c.search(None, *criteria)
        self.assertEqual(self.search("ALL"), [1, 2, 3])


if __name__ == "__main__":
    unittest.main()
