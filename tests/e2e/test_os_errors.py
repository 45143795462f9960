"""An error from the operating system is temporary: a mailbox whose
cyrus.index went missing, a folder the server may not read, or a partition
that is not mounted defers mail (LMTP 451 4.3.0) and makes imapd answer
NO [SERVERBUG], logged with the folder's path. Only mailboxes.db decides
that a mailbox does not exist (550 5.1.1, [NONEXISTENT], [TRYCREATE]).
Once the files are back, the same delivery succeeds."""

import os
import re
import unittest

from imap_support import USERS, ImapTestCase
from satrap_instance import Service, bin_dir, run_as_cyrus
from test_lmtp_basic import LmtpClient, message


class OsErrorsTest(ImapTestCase):

    def setUp(self):
        super().setUp()
        inst = self.make_instance(
            services=[Service("lmtp", "lmtpd", unix=True), Service("imap", "imapd")],
            imapd_options={"admins": "admin", "failedloginpause": "0", "allowplaintext": "yes"})
        inst.imapd_options["lmtpsocket"] = inst.socket_path("lmtp")
        for user, password in USERS.items():
            inst.create_user(user, password)
        inst.start()
        self.inst = inst
        for user in ("alice", "bob"):
            self.tool("create", user)
        self.folder = self.mbpath("user.alice")

    def tool(self, *args):
        cmd = [os.path.join(bin_dir(), "lmtpd_store_tool"), self.inst.imapd_conf] + list(args)
        result = run_as_cyrus(cmd)
        self.assertEqual(result.returncode, 0, result.stderr.decode())
        return result.stdout.decode()

    def mbpath(self, name):
        result = run_as_cyrus([os.path.join(bin_dir(), "mbpath"), "-C", self.inst.imapd_conf, name])
        self.assertEqual(result.returncode, 0, result.stderr.decode())
        return result.stdout.decode().strip()

    def uids(self, mailbox):
        return [int(x) for x in self.tool("show", mailbox).split()[1:]]

    def deliver(self, recipients):
        """One transaction: (RCPT replies, one DATA reply per accepted RCPT)."""
        c = LmtpClient(self.inst.socket_path("lmtp"))
        self.addCleanup(c.close)
        c.assertcode(c.command("LHLO test"), 250)
        return c.transaction("s@example.org", recipients, message("os error"))

    def assert_deferred_then_delivered(self, break_it, mend_it, where, bob_too=False):
        break_it()
        try:
            rcpt, data = self.deliver(["alice@x", "bob@x"])
            self.assertEqual([r[0] for r in rcpt], [250, 250])
            self.assertEqual(data[0][0], 451, data)
            self.assertTrue(data[0][1][0].startswith("4.3.0"), data)
            # bob's mailbox is fine, unless the whole partition is gone.
            self.assertEqual(data[1][0], 451 if bob_too else 250, data)
            # The log says what failed, and where.
            self.inst.wait_for_log(r"rcpt=<alice@x>.*reply=451.*IoError.*" + re.escape(where))
        finally:
            mend_it()
        _, data = self.deliver(["alice@x"])
        self.assertEqual(data[0][0], 250, data)
        self.assertEqual(len(self.uids("user.alice")), 1)

    def test_missing_cyrus_index_defers_delivery(self):
        index = os.path.join(self.folder, "cyrus.index")
        aside = index + ".aside"
        self.assert_deferred_then_delivered(lambda: os.rename(index, aside),
                                            lambda: os.rename(aside, index), self.folder)

    def test_unreadable_folder_defers_delivery(self):
        mode = os.stat(self.folder).st_mode
        self.assert_deferred_then_delivered(lambda: os.chmod(self.folder, 0),
                                            lambda: os.chmod(self.folder, mode), self.folder)

    def test_unmounted_partition_defers_delivery(self):
        spool = self.inst.spool
        aside = spool + ".unmounted"
        self.assert_deferred_then_delivered(lambda: os.rename(spool, aside),
                                            lambda: os.rename(aside, spool), spool, bob_too=True)

    def test_imapd_says_serverbug_not_nonexistent(self):
        index = os.path.join(self.folder, "cyrus.index")
        os.rename(index, index + ".aside")
        try:
            c = self.raw("imap")
            self.assertTrue(c.command("l", "LOGIN alice %s" % USERS["alice"])[-1].startswith("l OK"))
            body = message("append")
            for tag, command in (("s", "SELECT INBOX"), ("t", "STATUS INBOX (MESSAGES UNSEEN)"),
                                 ("a", "APPEND INBOX {%d+}\r\n%s" % (len(body), body.decode()))):
                with self.subTest(command[:6]):
                    tagged = c.command(tag, command)[-1]
                    self.assertTrue(tagged.startswith(tag + " NO [SERVERBUG]"), tagged)
            # A mailbox that really does not exist is still [NONEXISTENT].
            self.assertTrue(c.command("n", "SELECT NoSuchFolder")[-1].startswith("n NO [NONEXISTENT]"))
        finally:
            os.rename(index + ".aside", index)
        self.inst.wait_for_log(r"internal error: IoError: user\.alice in " + re.escape(self.folder))
        self.assertEqual(self.uids("user.alice"), [])


if __name__ == "__main__":
    unittest.main()
