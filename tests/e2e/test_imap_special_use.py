"""SPECIAL-USE and CREATE-SPECIAL-USE (RFC 6154) through a real cyrmaster
with imaplib: CREATE ... (USE (...)), [USEATTR], the attributes on plain LIST,
LIST (SPECIAL-USE) selection, RETURN (SPECIAL-USE), RENAME and DELETE, and
that only the owner or an admin may set them."""

import imaplib
import re
import unittest

from imap_support import ImapTestCase


def listed(data):
    """{name: set of attributes} from LIST responses."""
    out = {}
    for line in data:
        if line is None:
            continue
        m = re.match(rb'\(([^)]*)\) "." (.*)$', line)
        if m:
            name = m.group(2).decode().strip('"')
            out[name] = set(m.group(1).decode().split())
    return out


class ImapSpecialUseTest(ImapTestCase):

    def setUp(self):
        self.start_imap(options={"autocreate_quota": "0"})

    def create(self, conn, name, params):
        return conn._simple_command("CREATE", name, params)

    def list_ext(self, conn, args):
        typ, data = conn._simple_command("LIST", args)
        self.assertEqual(typ, "OK", data)
        return listed(conn._untagged_response(typ, data, "LIST")[1])

    def test_capability(self):
        alice = self.login("alice")
        caps = alice.capability()[1][0].split()
        self.assertIn(b"SPECIAL-USE", caps)
        self.assertIn(b"CREATE-SPECIAL-USE", caps)

    def test_create_list_rename_delete(self):
        alice = self.login("alice")
        self.assertEqual(self.create(alice, "INBOX.Sent", r"(USE (\Sent))")[0], "OK")
        self.assertEqual(self.create(alice, "INBOX.Bin", r"(use (\Trash \Junk))")[0], "OK")
        self.assertEqual(alice.create("INBOX.Plain")[0], "OK")
        # RFC 6154 §3: an attribute the server does not know: NO [USEATTR],
        # and nothing is created.
        typ, data = self.create(alice, "INBOX.Odd", r"(USE (\Important))")
        self.assertEqual(typ, "NO")
        self.assertIn(b"[USEATTR]", data[0])
        self.assertNotIn("INBOX.Odd", listed(alice.list('""', "*")[1]))
        for params in (r"(FOO (\Sent))", r"(USE \Sent)", r"(USE)", r'(USE ("\Sent"))'):
            with self.assertRaisesRegex(imaplib.IMAP4.error, "BAD"):
                self.create(alice, "INBOX.Odd", params)

        # §2: plain LIST carries them.
        plain = listed(alice.list('""', "*")[1])
        self.assertIn(r"\Sent", plain["INBOX.Sent"])
        self.assertTrue({r"\Trash", r"\Junk"} <= plain["INBOX.Bin"])
        self.assertFalse(plain["INBOX.Plain"] & {r"\Sent", r"\Trash", r"\Junk"})
        # §5.1 selection: only mailboxes with a special use, with them.
        sel = self.list_ext(alice, '(SPECIAL-USE) "" *')
        self.assertEqual(set(sel), {"INBOX.Sent", "INBOX.Bin"})
        self.assertIn(r"\Sent", sel["INBOX.Sent"])
        # §5.2 return option: every mailbox, attributes where they exist.
        ret = self.list_ext(alice, '"" * RETURN (SPECIAL-USE)')
        self.assertIn("INBOX.Plain", ret)
        self.assertIn(r"\Trash", ret["INBOX.Bin"])
        # Extended LIST without the option does not show them.
        ext = self.list_ext(alice, '"" (*) RETURN (CHILDREN)')
        self.assertNotIn(r"\Sent", ext["INBOX.Sent"])

        # RENAME carries them; DELETE takes them.
        self.assertEqual(alice.rename("INBOX.Sent", "INBOX.Outbox")[0], "OK")
        sel = self.list_ext(alice, '(SPECIAL-USE) "" *')
        self.assertEqual(set(sel), {"INBOX.Outbox", "INBOX.Bin"})
        self.assertEqual(alice.delete("INBOX.Outbox")[0], "OK")
        self.assertEqual(alice.create("INBOX.Outbox")[0], "OK")
        sel = self.list_ext(alice, '(SPECIAL-USE) "" *')
        self.assertEqual(set(sel), {"INBOX.Bin"})

    def test_only_owner_or_admin(self):
        alice = self.login("alice")
        self.assertEqual(alice.create("INBOX.Shared")[0], "OK")
        self.assertEqual(alice.setacl("INBOX.Shared", "bob", "lrswipkxtecda")[0], "OK")
        bob = self.login("bob")
        typ, data = self.create(bob, "user.alice.Shared.Sub", r"(USE (\Sent))")
        self.assertEqual(typ, "NO")
        self.assertIn(b"[USEATTR]", data[0])
        self.assertEqual(bob.create("user.alice.Shared.Sub")[0], "OK")
        admin = self.login("admin")
        self.assertEqual(admin.setacl("user.alice", "admin", "lk")[0], "OK")
        typ, data = self.create(admin, "user.alice.Archive", r"(USE (\Archive))")
        self.assertEqual(typ, "OK", data)
        sel = self.list_ext(alice, '(SPECIAL-USE) "" *')
        self.assertEqual(set(sel), {"INBOX.Archive"})


if __name__ == "__main__":
    unittest.main()
