"""lmtpd end to end: RFC 2033 deliveries through a real cyrmaster, checked
in the store with lmtpd_store_tool.

LmtpTestCase (no tests of its own) is the base of every test_lmtp_*.py file:
it starts an instance with lmtpd on a unix socket (lmtpsocket) and on TCP,
makes users, mailboxes, ACLs and quotas, and reads mailboxes back.
"""

import os
import smtplib
import threading
import unittest

from satrap_instance import SatrapTestCase, Service, bin_dir, connect, run_as_cyrus


def message(subject, body="hello", message_id=None, extra=""):
    mid = "Message-ID: <%s>\r\n" % message_id if message_id else ""
    return ("From: sender@example.org\r\nTo: rcpt@example.org\r\n%sSubject: %s\r\n%s\r\n%s\r\n"
            % (mid, subject, extra, body)).encode()


class LmtpClient:
    """A raw LMTP client (smtplib.LMTP reads one reply after DATA; LMTP sends
    one per recipient)."""

    def __init__(self, address, timeout=20):
        self.sock = connect(address, timeout)
        self.file = self.sock.makefile("rb")
        self.greeting = self.reply()

    def reply(self):
        """One reply, multi-line folded: (code, [texts])."""
        texts = []
        while True:
            line = self.file.readline()
            if not line:
                raise EOFError("connection closed")
            line = line.decode(errors="replace").rstrip("\r\n")
            texts.append(line[4:])
            if len(line) < 4 or line[3] != "-":
                return int(line[:3]), texts

    def send(self, data):
        self.sock.sendall(data if isinstance(data, bytes) else data.encode())

    def command(self, line):
        self.send(line + "\r\n")
        return self.reply()

    def transaction(self, sender, recipients, data):
        """MAIL, RCPTs, DATA; returns (rcpt replies, data replies)."""
        self.assertcode(self.command("MAIL FROM:<%s>" % sender), 250)
        rcpt = [self.command("RCPT TO:<%s>" % r) for r in recipients]
        accepted = sum(1 for code, _ in rcpt if code == 250)
        code, _ = self.command("DATA")
        if accepted == 0:
            return rcpt, [(code, None)]
        assert code == 354, code
        body = data.replace(b"\r\n.", b"\r\n..")
        if body.startswith(b"."):
            body = b"." + body
        self.send(body + b".\r\n")
        return rcpt, [self.reply() for _ in range(accepted)]

    @staticmethod
    def assertcode(reply, code):
        assert reply[0] == code, reply

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass


class LmtpTestCase(SatrapTestCase):
    """Starts cyrmaster with lmtpd and prepares the store."""

    def start_lmtp(self, options=None, users=("alice", "bob"), certificate=False, passwords=()):
        imapd_options = {"failedloginpause": "0", "allowplaintext": "yes"}
        imapd_options.update(options or {})
        inst = self.make_instance(
            services=[Service("lmtp", "lmtpd", unix=True), Service("lmtptcp", "lmtpd"),
                      Service("lmtptrusted", "lmtpd -a")],
            start=[("recover", "ctl_cyrusdb -r")],
            imapd_options=imapd_options)
        inst.imapd_options.setdefault("lmtpsocket", inst.socket_path("lmtp"))
        for user, password in passwords:
            inst.create_user(user, password)
        if certificate:
            inst.make_certificate()
        inst.start()
        self.inst = inst
        for user in users:
            self.tool("create", user)
        return inst

    def tool(self, *args, check=True):
        cmd = [os.path.join(bin_dir(), "lmtpd_store_tool"), self.inst.imapd_conf] + list(args)
        result = run_as_cyrus(cmd)
        if check and result.returncode != 0:
            self.fail("lmtpd_store_tool %s: %s" % (" ".join(args), result.stderr.decode()))
        return result.stdout

    def uids(self, mailbox):
        out = self.tool("show", mailbox).decode().split()
        return [int(x) for x in out[1:]]

    def raw_contents(self, mailbox):
        """The stored messages, with the Return-Path and Received lmtpd adds."""
        return [self.tool("cat", mailbox, str(uid)) for uid in self.uids(mailbox)]

    def contents(self, mailbox):
        """The stored messages as the client sent them."""
        return [split_delivery_headers(raw)[1] for raw in self.raw_contents(mailbox)]

    def client(self, tcp=False, service=None):
        """An LMTP client after LHLO: on the unix socket, or over TCP on
        `lmtptcp` (AUTH needed) or the given service (`lmtptrusted`: -a)."""
        if service is not None:
            address = ("127.0.0.1", self.inst.port(service))
        elif tcp:
            address = ("127.0.0.1", self.inst.port("lmtptcp"))
        else:
            address = self.inst.socket_path("lmtp")
        c = LmtpClient(address)
        self.addCleanup(c.close)
        self.assertEqual(c.greeting[0], 220)
        code, _ = c.command("LHLO test.example")
        self.assertEqual(code, 250)
        return c


def split_delivery_headers(raw):
    """(added, message): lmtpd's leading Return-Path and Received fields
    (with their folded lines), and the rest."""
    pos = 0
    for name in (b"Return-Path:", b"Received:"):
        if not raw.startswith(name, pos):
            return raw[:pos], raw[pos:]
        end = raw.index(b"\r\n", pos) + 2
        while raw[end:end + 1] in (b" ", b"\t"):
            end = raw.index(b"\r\n", end) + 2
        pos = end
    return raw[:pos], raw[pos:]


class LmtpBasicTest(LmtpTestCase):

    def test_smtplib_lmtp_delivers_over_the_unix_socket(self):
        self.start_lmtp()
        data = message("first")
        with smtplib.LMTP(self.inst.socket_path("lmtp")) as lmtp:
            code, caps = lmtp.ehlo_or_helo_if_needed() or (None, None)
            refused = lmtp.sendmail("sender@example.org", ["alice@example.org"], data)
            self.assertEqual(refused, {})
            for cap in ("pipelining", "8bitmime", "enhancedstatuscodes", "chunking", "size"):
                self.assertTrue(lmtp.has_extn(cap), cap)
        self.assertEqual(self.contents("user.alice"), [data])
        # RFC 5321 §4.4, as Cyrus lmtpd: the envelope sender and a trace
        # field are prepended; a local socket is authenticated (LMTPA).
        added = split_delivery_headers(self.raw_contents("user.alice")[0])[0].decode()
        self.assertRegex(added, r"^Return-Path: <sender@example.org>\r\n"
                                r"Received: from \S+ \(unix\)\r\n\tby \S+ \(Satrap\) "
                                r"with LMTPA;\r\n\t\w{3}, \d+ \w{3} \d{4} [\d:]{8} [+-]\d{4}\r\n$")

    def test_tcp_listener_delivers_too(self):
        # `lmtpd -a` trusts its TCP clients, as Cyrus's does: no AUTH.
        self.start_lmtp()
        with smtplib.LMTP("127.0.0.1", self.inst.port("lmtptrusted")) as lmtp:
            lmtp.sendmail("s@example.org", ["bob"], message("tcp"))
        self.assertEqual(len(self.uids("user.bob")), 1)
        added = split_delivery_headers(self.raw_contents("user.bob")[0])[0].decode()
        self.assertIn("with LMTPA;", added)

    def test_each_recipient_gets_its_own_reply(self):
        self.start_lmtp()
        # bob is over quota after his first message: under quota, a mailbox
        # takes a message of any size (the delivery rule).
        self.tool("setquota", "user.bob", "1")
        c = self.client()
        rcpt, data = c.transaction("s@x", ["bob@x"], message("fill", body="x" * 3000))
        self.assertEqual([r[0] for r in data], [250])
        rcpt, data = c.transaction("s@x", ["alice@x", "bob@x", "nobody@x", "Alice+nofolder@x"],
                                   message("multi"))
        self.assertEqual([r[0] for r in rcpt], [250, 250, 550, 250])
        self.assertTrue(rcpt[2][1][0].startswith("5.1.1"), rcpt[2])
        self.assertEqual([r[0] for r in data], [250, 452, 250])
        self.assertTrue(data[1][1][0].startswith("4.2.2"), data[1])
        self.assertEqual(len(self.uids("user.alice")), 2)  # alice and alice+nofolder
        self.assertEqual(len(self.uids("user.bob")), 1)

    def test_over_quota_permanent_failure_option(self):
        self.start_lmtp({"lmtp_over_quota_perm_failure": "yes"})
        self.tool("setquota", "user.bob", "1")
        c = self.client()
        c.transaction("s@x", ["bob@x"], message("fill", body="x" * 3000))
        _, data = c.transaction("s@x", ["bob@x"], message("again"))
        self.assertEqual(data[0][0], 552)
        self.assertTrue(data[0][1][0].startswith("5.2.2"))

    def test_plus_addressing(self):
        self.start_lmtp()
        self.tool("mkmailbox", "user.alice.work")
        self.tool("setacl", "user.alice.work", "anyone", "+p")
        self.tool("mkmailbox", "user.alice.private")  # no p for anyone
        c = self.client()
        _, data = c.transaction("s@x", ["alice+work@x", "alice+private@x", "alice+missing@x"],
                                message("plus"))
        self.assertEqual([r[0] for r in data], [250, 250, 250])
        self.assertEqual(len(self.uids("user.alice.work")), 1)
        self.assertEqual(len(self.uids("user.alice.private")), 0)
        self.assertEqual(len(self.uids("user.alice")), 2)

    def test_shared_folders(self):
        self.start_lmtp({"postuser": "bb"})
        self.tool("mkmailbox", "news")
        self.tool("setacl", "news", "anyone", "lrsp")
        self.tool("mkmailbox", "closed")
        self.tool("setacl", "closed", "anyone", "lrs")
        c = self.client()
        rcpt, data = c.transaction("s@x", ["+news@x", "bb+news@x", "+closed@x", "+nothere@x"],
                                   message("board", message_id="board@x"))
        self.assertEqual([r[0] for r in rcpt], [250, 250, 250, 550])
        # Both addresses name the same folder: with duplicate suppression it
        # gets the message once. The closed board refuses the anonymous poster.
        self.assertEqual([r[0] for r in data], [250, 250, 550])
        self.assertEqual(len(self.uids("news")), 1)
        self.assertEqual(len(self.uids("closed")), 0)

    def test_duplicate_suppression_by_message_id(self):
        self.start_lmtp()
        c = self.client()
        for _ in range(2):
            _, data = c.transaction("s@x", ["alice@x"], message("dup", message_id="same@x"))
            self.assertEqual(data[0][0], 250)
        c.transaction("s@x", ["alice@x"], message("other", message_id="other@x"))
        c.transaction("s@x", ["alice@x"], message("no id"))
        c.transaction("s@x", ["alice@x"], message("no id"))
        self.assertEqual(len(self.uids("user.alice")), 4)

    def test_duplicate_suppression_off(self):
        self.start_lmtp({"duplicatesuppression": "no"})
        c = self.client()
        for _ in range(2):
            c.transaction("s@x", ["alice@x"], message("dup", message_id="same@x"))
        self.assertEqual(len(self.uids("user.alice")), 2)

    def test_downcase_rcpt(self):
        self.start_lmtp()
        c = self.client()
        rcpt, _ = c.transaction("s@x", ["ALICE@X"], message("case"))
        self.assertEqual(rcpt[0][0], 250)
        self.start_lmtp({"lmtp_downcase_rcpt": "no"})
        c = self.client()
        rcpt, _ = c.transaction("s@x", ["ALICE@X"], message("case"))
        self.assertEqual(rcpt[0][0], 550)

    def test_virtdomains(self):
        self.start_lmtp({"virtdomains": "on", "defaultdomain": "example.org"},
                        users=("alice", "carol@example.com"))
        c = self.client()
        rcpt, data = c.transaction("s@x", ["carol@example.com", "alice@example.org",
                                           "carol@example.org"], message("vd"))
        self.assertEqual([r[0] for r in rcpt], [250, 250, 550])
        self.assertEqual(len(self.uids("example.com!user.carol")), 1)
        self.assertEqual(len(self.uids("user.alice")), 1)

    def test_eight_bit_headers(self):
        raw = b"Subject: caf\xc3\xa9\r\n\r\nbody \xc3\xa9\r\n"
        self.start_lmtp()
        c = self.client()
        _, data = c.transaction("s@x", ["alice@x"], raw)
        self.assertEqual(data[0][0], 250)
        self.assertEqual(self.contents("user.alice"), [b"Subject: cafXX\r\n\r\nbody \xc3\xa9\r\n"])
        self.start_lmtp({"reject8bit": "yes"})
        c = self.client()
        _, data = c.transaction("s@x", ["alice@x"], raw)
        self.assertEqual(data[0][0], 554)
        self.assertEqual(self.uids("user.alice"), [])

    def test_bdat_chunks(self):
        self.start_lmtp()
        c = self.client()
        c.assertcode(c.command("MAIL FROM:<s@x>"), 250)
        c.assertcode(c.command("RCPT TO:<alice@x>"), 250)
        c.assertcode(c.command("RCPT TO:<bob@x>"), 250)
        part1, part2 = b"Subject: chunks\r\n\r\n", b"one\r\n.two\r\n"
        c.send(b"BDAT %d\r\n%s" % (len(part1), part1))
        c.assertcode(c.reply(), 250)
        c.send(b"BDAT %d LAST\r\n%s" % (len(part2), part2))
        self.assertEqual([c.reply()[0], c.reply()[0]], [250, 250])
        self.assertEqual(self.contents("user.alice"), [part1 + part2])
        self.assertEqual(self.contents("user.bob"), [part1 + part2])

    def test_vrfy_rset_noop_quit(self):
        self.start_lmtp()
        c = self.client()
        self.assertEqual(c.command("VRFY alice")[0], 250)
        self.assertEqual(c.command("VRFY nobody")[0], 550)
        self.assertEqual(c.command("NOOP")[0], 250)
        c.assertcode(c.command("MAIL FROM:<s@x>"), 250)
        c.assertcode(c.command("RCPT TO:<alice@x>"), 250)
        self.assertEqual(c.command("RSET")[0], 250)
        self.assertEqual(c.command("DATA")[0], 503)
        self.assertEqual(c.command("QUIT")[0], 221)

    def test_pipelined_transaction(self):
        self.start_lmtp()
        c = self.client()
        c.send(b"MAIL FROM:<s@x>\r\nRCPT TO:<alice@x>\r\nRCPT TO:<bob@x>\r\nDATA\r\n")
        self.assertEqual([c.reply()[0] for _ in range(4)], [250, 250, 250, 354])
        c.send(message("piped") + b".\r\nQUIT\r\n")
        self.assertEqual([c.reply()[0] for _ in range(3)], [250, 250, 221])
        self.assertEqual(len(self.uids("user.bob")), 1)

    def test_concurrent_deliveries_to_one_mailbox_are_all_kept(self):
        self.start_lmtp()
        errors = []

        def send(index):
            try:
                c = LmtpClient(self.inst.socket_path("lmtp"))
                c.command("LHLO t")
                for n in range(25):
                    _, data = c.transaction("s@x", ["alice@x"], message("c %d-%d" % (index, n)))
                    if data[0][0] != 250:
                        errors.append(data)
                c.close()
            except Exception as e:  # reported below, on the test's thread
                errors.append(e)
        threads = [threading.Thread(target=send, args=(i,)) for i in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual(errors, [])
        uids = self.uids("user.alice")
        self.assertEqual(len(uids), 100)
        self.assertEqual(len(set(uids)), 100)


if __name__ == "__main__":
    unittest.main()
