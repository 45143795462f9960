"""Hostile and broken input to imapd through a real cyrmaster: malformed
commands, unterminated and huge literals, absurd sequence sets, deep
nesting, wrong states, a client vanishing mid-literal. Each gets BAD/NO or
a clean close; the worker survives or exits cleanly (the harness fails the
test on a crash or sanitizer report) and no mailbox is altered."""

import os
import socket
import time
import unittest

from imap_support import ImapTestCase
from satrap_instance import bin_dir, run_as_cyrus

MESSAGE = b"From: a@example.com\r\nSubject: hi\r\n\r\nbody\r\n"


class ImapBadInputTest(ImapTestCase):

    def setUp(self):
        self.start_imap(options={"autocreate_quota": "0", "maxmessagesize": "100000"})
        c = self.login("alice")
        c.append("INBOX", None, None, MESSAGE)
        c.logout()
        self.c = self.raw("imaps", tls=True)
        self.c.command("l", "LOGIN alice alice-secret")

    def index_path(self):
        for d, _, files in os.walk(self.inst.spool):
            if d.endswith("/user/alice") and "cyrus.index" in files:
                return os.path.join(d, "cyrus.index")
        self.fail("no index for alice")

    def index_bytes(self):
        with open(self.index_path(), "rb") as f:
            return f.read()

    def assert_alive(self):
        self.assertEqual(self.c.command("z", "NOOP")[-1], "z OK Completed")

    def test_malformed_commands_get_bad(self):
        before = self.index_bytes()
        for line in ["", "a1", "a1 SELECT", 'a2 SELECT "INBOX', "a3 FETCH 1 (FLAGS", "a4 (", "* NOOP",
                     "a5 LOGIN", "a6 STORE 1 +FLAGS (\\Bogus)", "a7 SELECT INBOX extra junk",
                     "a8 LIST", "a9 UID", "a10 UID FROB 1"]:
            with self.subTest(line=line):
                self.c.send(line + "\r\n")
                reply = self.c.readline()
                self.assertRegex(reply, r"^(\*|a\d+) BAD ")
        self.assert_alive()
        self.assertEqual(before, self.index_bytes())

    def test_wrong_state(self):
        self.assertRegex(self.c.command("a", "FETCH 1 FLAGS")[-1], "^a BAD")
        self.assertRegex(self.c.command("b", "EXPUNGE")[-1], "^b BAD")
        self.assertRegex(self.c.command("c", "AUTHENTICATE PLAIN")[-1], "^c BAD")
        self.assert_alive()

    def test_absurd_sequence_sets(self):
        self.c.command("s", "SELECT INBOX")
        for seq in ["0", "1:0", "4294967296", "1,,2", "1:2:3", "*:*:*", "a", "99"]:
            with self.subTest(seq=seq):
                self.assertRegex(self.c.command("f", "FETCH %s FLAGS" % seq)[-1], r"^f BAD")
        lines = self.c.command("u", "UID FETCH 1:4294967295 (UID)")
        self.assertEqual(lines, ["* 1 FETCH (UID 1)", "u OK Completed"])
        huge = ",".join(str(i) for i in range(1, 20000))
        self.assertRegex(self.c.command("h", "UID FETCH %s (UID)" % huge)[-1], r"^h (OK|BAD)")
        self.assert_alive()

    def test_deep_nesting(self):
        self.c.command("s", "SELECT INBOX")
        self.assertRegex(self.c.command("d", "SEARCH " + "(" * 100 + "ALL" + ")" * 100)[-1],
                         r"^d BAD")
        self.assertRegex(self.c.command("n", "SEARCH " + "NOT " * 5000 + "ALL")[-1], r"^n BAD")
        self.assertRegex(self.c.command("o", "SEARCH " + "OR ALL " * 3000 + "ALL")[-1], r"^o BAD")
        self.assert_alive()

    def test_huge_literals_refused(self):
        before = self.index_bytes()
        self.c.send("a1 APPEND INBOX {99999999999}\r\n")
        self.assertRegex(self.c.readline(), r"^a1 (NO|BAD) ")
        self.c.send("a2 LOGIN {99999999}\r\n")
        self.assertRegex(self.c.readline(), r"^a2 BAD \[TOOBIG\]")
        # A non-synchronising one is already on its way: its bytes are skipped.
        self.c.send(b"a3 APPEND INBOX {200000+}\r\n" + b"x" * 200000 + b"\r\n")
        self.assertRegex(self.c.read_until_tagged("a3")[-1], r"^a3 NO \[TOOBIG\]")
        self.assert_alive()
        self.assertEqual(before, self.index_bytes())

    def test_overlong_line_closes_cleanly(self):
        self.c.send("a1 NOOP " + "x" * 300000 + "\r\n")
        lines = []
        while True:
            line = self.c.readline()
            if not line:
                break
            lines.append(line)
        self.assertTrue(any(l.startswith("* BYE") for l in lines), lines)

    def test_disconnect_mid_literal_leaves_mailbox_alone(self):
        before = self.index_bytes()
        self.c.send("a1 APPEND INBOX {5000}\r\n")
        self.assertTrue(self.c.readline().startswith("+"))
        self.c.send(b"From: x\r\n\r\n" + b"y" * 100)
        self.c.close()
        time.sleep(0.5)
        self.assertEqual(before, self.index_bytes())
        # The service still answers.
        c = self.login("alice")
        self.assertEqual(c.select("INBOX")[1], [b"1"])

    def test_many_bad_commands_end_the_session(self):
        for i in range(25):
            self.c.send("x%d FROB\r\n" % i)
        lines = []
        while True:
            line = self.c.readline()
            if not line:
                break
            lines.append(line)
        self.assertIn("* BYE Too many invalid commands", lines)

    def test_binary_garbage(self):
        self.c.sock.sendall(bytes(range(256)) * 4 + b"\r\n")
        reply = self.c.readline()
        self.assertRegex(reply, r"BAD")
        self.assert_alive()

    def test_damaged_index_record_refused_when_read(self):
        """A damaged record of a large mailbox's index: SELECT reads only a
        few blocks of records and succeeds; the first command reading the
        damaged one gets NO [CORRUPTION], and so does every later command on
        the mailbox in that session; nothing is altered; after reconstruct
        all is served again."""
        c = self.login("alice")
        for i in range(399):
            c.append("INBOX", None, None, MESSAGE)
        c.logout()
        path = self.index_path()
        with open(path, "r+b") as f:
            at = 128 + 300 * 96 + 9  # record 300: its internal date
            f.seek(at)
            byte = f.read(1)
            f.seek(at)
            f.write(bytes([byte[0] ^ 0x20]))
        damaged = self.index_bytes()
        self.inst.expected_log.append(r"record 300: checksum mismatch|damaged")
        lines = self.c.command("s", "SELECT INBOX")
        self.assertIn("* 400 EXISTS", lines)
        self.assertRegex(lines[-1], r"^s OK ")
        self.assertEqual(self.c.command("f", "FETCH 1:3 (UID)")[-1], "f OK Completed")
        # UIDs are found by binary search: this one never reads the damage.
        lines = self.c.command("e", "UID FETCH 2:3 (UID)")
        self.assertEqual(lines, ["* 2 FETCH (UID 2)", "* 3 FETCH (UID 3)", "e OK Completed"])
        self.assertRegex(self.c.command("g", "FETCH 1:* (FLAGS)")[-1], r"^g NO \[CORRUPTION\]")
        self.assertRegex(self.c.command("h", "FETCH 1 (UID)")[-1], r"^h NO \[CORRUPTION\]")
        self.assertRegex(self.c.command("i", "UID SEARCH ALL")[-1], r"^i NO \[CORRUPTION\]")
        self.assert_alive()
        # The records are as they were (SELECT claimed \Recent in the header).
        self.assertEqual(damaged[128:], self.index_bytes()[128:])
        result = run_as_cyrus([os.path.join(bin_dir(), "reconstruct"), "-C", self.inst.imapd_conf,
                               "user.alice"], timeout=120, text=True)
        self.assertEqual(result.returncode, 0, result.stderr)
        lines = self.c.command("t", "SELECT INBOX")
        self.assertRegex(lines[-1], r"^t OK ")
        lines = self.c.command("u", "FETCH 1:* (UID)")
        self.assertEqual(lines[-1], "u OK Completed")
        self.assertEqual(len(lines) - 1, 400)


if __name__ == "__main__":
    unittest.main()
