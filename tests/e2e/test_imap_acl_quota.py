"""RFC 4314 ACL and RFC 9208 QUOTA commands through a real cyrmaster, and
their effect: a right granted lets another user in, a quota refuses an
APPEND with [OVERQUOTA]."""

import imaplib
import unittest

from imap_support import ImapTestCase

MESSAGE = b"From: a@example.com\r\nSubject: hi\r\n\r\n" + b"x" * 3000 + b"\r\n"


class ImapAclQuotaTest(ImapTestCase):

    def setUp(self):
        self.start_imap(options={"autocreate_quota": "0"})

    def test_myrights_getacl_setacl_deleteacl(self):
        alice = self.login("alice")
        alice.create("INBOX.shared")
        typ, data = alice.myrights("INBOX")
        self.assertEqual(typ, "OK")
        self.assertRegex(data[0].decode(), r"^INBOX lrswipkxtecdan")
        typ, data = alice.getacl("INBOX.shared")
        self.assertIn(b"alice lrswipkxtecdan", data[0])
        bob = self.login("bob")
        self.assertEqual(bob.select("user.alice.shared")[0], "NO")
        self.assertEqual(alice.setacl("INBOX.shared", "bob", "lr")[0], "OK")
        self.assertIn(b"bob lr", alice.getacl("INBOX.shared")[1][0])
        self.assertEqual(bob.select("user.alice.shared")[0], "OK")
        self.assertEqual(bob.myrights("user.alice.shared")[1][0], b"user.alice.shared lr")
        # bob may read but not administer.
        typ, data = bob.setacl("user.alice.shared", "bob", "lrswi")
        self.assertEqual(typ, "NO")
        self.assertIn(b"[NOPERM]", data[0])
        typ, data = bob.append("user.alice.shared", None, None, MESSAGE)
        self.assertEqual(typ, "NO")
        self.assertEqual(alice.setacl("INBOX.shared", "bob", "+i")[0], "OK")
        self.assertEqual(bob.append("user.alice.shared", None, None, MESSAGE)[0], "OK")
        self.assertEqual(alice.deleteacl("INBOX.shared", "bob")[0], "OK")
        self.assertNotIn(b"bob", alice.getacl("INBOX.shared")[1][0])
        bob.close()
        self.assertEqual(bob.select("user.alice.shared")[0], "NO")
        with self.assertRaisesRegex(imaplib.IMAP4.error, "BAD"):
            alice.setacl("INBOX.shared", "bob", "lr!")

    def test_listrights(self):
        alice = self.login("alice")
        typ, data = alice._simple_command("LISTRIGHTS", "INBOX", "alice")
        self.assertEqual(typ, "OK")
        line = alice.untagged_responses.pop("LISTRIGHTS")[0].decode()
        self.assertTrue(line.startswith("INBOX alice lkxcan "), line)
        typ, data = alice._simple_command("LISTRIGHTS", "INBOX", "bob")
        line = alice.untagged_responses.pop("LISTRIGHTS")[0].decode()
        self.assertTrue(line.startswith('INBOX bob "" '), line)

    def test_quota_as_admin_and_user(self):
        alice = self.login("alice")
        admin = self.login("admin")
        typ, data = admin.setquota("user.alice", "(STORAGE 5 MESSAGE 10)")
        self.assertEqual(typ, "OK", data)
        typ, data = admin.getquota("user.alice")
        self.assertEqual(data, [b"user.alice (STORAGE 0 5 MESSAGE 0 10)"])
        typ, data = alice.getquotaroot("INBOX")
        self.assertEqual(typ, "OK")
        self.assertEqual(data, [[b"INBOX INBOX"], [b"INBOX (STORAGE 0 5 MESSAGE 0 10)"]])
        self.assertEqual(alice.append("INBOX", None, None, MESSAGE)[0], "OK")
        self.assertEqual(alice.getquota("INBOX")[1], [b"INBOX (STORAGE 2 5 MESSAGE 1 10)"])
        # A second message would take STORAGE past 5 KiB (RFC 9208 strict check).
        typ, data = alice.append("INBOX", None, None, MESSAGE)
        self.assertEqual(typ, "NO")
        self.assertIn(b"[OVERQUOTA]", data[0])
        # Users cannot set quotas.
        typ, data = alice.setquota("INBOX", "(STORAGE 100000)")
        self.assertEqual(typ, "NO")
        # Removing the limits lets mail in again.
        self.assertEqual(admin.setquota("user.alice", "()")[0], "OK")
        self.assertEqual(alice.append("INBOX", None, None, MESSAGE)[0], "OK")

    def test_quotawarn_alerts_after_append_and_copy(self):
        # Cyrus warn_about_quota: at or over quotawarn % of a limit, APPEND
        # and COPY say so in an untagged NO [ALERT].
        admin = self.login("admin")
        self.assertEqual(admin.setquota("user.alice", "(MESSAGE 10)")[0], "OK")
        alice = self.login("alice")
        alice.create("INBOX.x")
        for n in range(1, 10):
            self.assertEqual(alice.append("INBOX", None, None, MESSAGE)[0], "OK")
            alerts = alice.untagged_responses.pop("NO", [])
            if n < 9:
                self.assertEqual(alerts, [], n)
        self.assertEqual(alerts, [b"[ALERT] Mailbox is at 90% of quota"])
        alice.select("INBOX")
        self.assertEqual(alice.copy("1", "INBOX.x")[0], "OK")
        self.assertEqual(alice.untagged_responses.pop("NO", []),
                         [b"[ALERT] Mailbox is at 100% of quota"])

    def test_quota_errors(self):
        admin = self.login("admin")
        typ, data = admin.setquota("user.alice", "(FROBS 5)")
        self.assertEqual(typ, "NO")
        typ, data = admin.getquota("user.nobody")
        self.assertEqual(typ, "NO")


if __name__ == "__main__":
    unittest.main()
