"""deliver, cyr_expire and ctl_deliver against a running lmtpd."""

import os
import unittest

from satrap_instance import bin_dir, run_as_cyrus
from test_lmtp_basic import LmtpTestCase, message

EX_OK, EX_USAGE, EX_NOUSER, EX_TEMPFAIL = 0, 64, 67, 75


class LmtpToolsTest(LmtpTestCase):

    def run_tool(self, name, *args, stdin=b""):
        cmd = [os.path.join(bin_dir(), name), "-C", self.inst.imapd_conf] + list(args)
        return run_as_cyrus(cmd, input=stdin, timeout=60)

    def test_deliver_to_users_with_lf_input(self):
        self.start_lmtp()
        data = b"Subject: via deliver\n\nline\n.dot line\n"
        result = self.run_tool("deliver", "-f", "s@example.org", "alice", "bob", stdin=data)
        self.assertEqual(result.returncode, EX_OK, result.stderr)
        want = b"Subject: via deliver\r\n\r\nline\r\n.dot line\r\n"
        self.assertEqual(self.contents("user.alice"), [want])
        self.assertEqual(self.contents("user.bob"), [want])

    def test_deliver_to_a_folder_and_a_board(self):
        self.start_lmtp()
        self.tool("mkmailbox", "user.alice.lists")
        self.tool("setacl", "user.alice.lists", "anyone", "+p")
        self.tool("mkmailbox", "board")
        self.tool("setacl", "board", "anyone", "lrsp")
        self.assertEqual(self.run_tool("deliver", "-m", "lists", "alice",
                                       stdin=message("f")).returncode, EX_OK)
        self.assertEqual(self.run_tool("deliver", "-m", "board", stdin=message("b")).returncode,
                         EX_OK)
        self.assertEqual(len(self.uids("user.alice.lists")), 1)
        self.assertEqual(len(self.uids("board")), 1)

    def test_deliver_exit_codes(self):
        self.start_lmtp()
        self.tool("setquota", "user.bob", "1")
        self.assertEqual(self.run_tool("deliver", "nobody", stdin=message("x")).returncode,
                         EX_NOUSER)
        self.assertEqual(self.run_tool("deliver", "bob", stdin=message("x", "y" * 3000)).returncode,
                         EX_OK)
        # Over quota is temporary, and beats the unknown user.
        result = self.run_tool("deliver", "bob", "nobody", "alice", stdin=message("x"))
        self.assertEqual(result.returncode, EX_TEMPFAIL, result.stderr)
        self.assertEqual(len(self.uids("user.alice")), 1)
        self.assertEqual(self.run_tool("deliver", stdin=b"").returncode, EX_USAGE)

    def test_deliver_without_lmtpd_is_a_temporary_failure(self):
        self.start_lmtp({"lmtpsocket": "/nonexistent/lmtp"})
        self.assertEqual(self.run_tool("deliver", "alice", stdin=message("x")).returncode,
                         EX_TEMPFAIL)

    def test_cyr_expire_and_ctl_deliver_prune_deliver_db(self):
        self.start_lmtp()
        mail = message("dup", message_id="expire-me@x")
        for _ in range(2):
            self.assertEqual(self.run_tool("deliver", "alice", stdin=mail).returncode, EX_OK)
        self.assertEqual(len(self.uids("user.alice")), 1)
        dump = self.run_tool("ctl_deliver", "-d")
        self.assertEqual(dump.returncode, 0, dump.stderr)
        self.assertIn(b"id: <expire-me@x>\tto: user.alice", dump.stdout)
        # Entries younger than a day stay...
        result = self.run_tool("cyr_expire", "-E", "1", "-v")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn(b"expired 0 and kept 1", result.stdout)
        self.assertEqual(self.run_tool("deliver", "alice", stdin=mail).returncode, EX_OK)
        self.assertEqual(len(self.uids("user.alice")), 1)
        # ...and -E 0 forgets them all, so the message is delivered again.
        self.assertEqual(self.run_tool("ctl_deliver", "-E", "0").returncode, 0)
        self.assertNotIn(b"expire-me", self.run_tool("ctl_deliver", "-d").stdout)
        self.assertEqual(self.run_tool("deliver", "alice", stdin=mail).returncode, EX_OK)
        self.assertEqual(len(self.uids("user.alice")), 2)
        self.assertEqual(self.run_tool("cyr_expire").returncode, EX_USAGE)


if __name__ == "__main__":
    unittest.main()
