"""imapd's authenticated and selected states through a real cyrmaster:
CREATE/DELETE/RENAME, LIST (extended, status), LSUB, SUBSCRIBE, STATUS,
APPEND (MULTIAPPEND, APPENDUID), SELECT/EXAMINE, FETCH of every item,
STORE, EXPUNGE, COPY/MOVE (COPYUID), CLOSE/UNSELECT, UID forms; and what
is on disk afterwards."""

import email
import imaplib
import os
import re
import shutil
import tempfile
import unittest

from imap_support import ImapTestCase

MESSAGE = (b"From: Alice <alice@example.com>\r\n"
           b"To: Bob <bob@example.com>\r\n"
           b"Subject: Hello there\r\n"
           b"Date: Mon, 7 Feb 1994 21:52:25 -0800\r\n"
           b"Message-ID: <1@example.com>\r\n"
           b"\r\n"
           b"Hello, world.\r\n")

MULTIPART = (b"From: Carol <carol@example.com>\r\n"
             b"To: Alice <alice@example.com>\r\n"
             b"Subject: Two parts\r\n"
             b"MIME-Version: 1.0\r\n"
             b"Content-Type: multipart/mixed; boundary=xyz\r\n"
             b"\r\n"
             b"--xyz\r\n"
             b"Content-Type: text/plain; charset=us-ascii\r\n"
             b"\r\n"
             b"first part\r\n"
             b"--xyz\r\n"
             b"Content-Type: text/html\r\n"
             b"\r\n"
             b"<p>second</p>\r\n"
             b"--xyz--\r\n")


class ImapRenamePartitionTest(ImapTestCase):

    def setUp(self):
        self.other = tempfile.mkdtemp(prefix="satrap-partition-")
        self.addCleanup(shutil.rmtree, self.other, True)
        os.chmod(self.other, 0o777)
        self.start_imap(options={"autocreate_quota": "0", "partition-other": self.other})

    def test_admin_renames_to_another_partition(self):
        # Cyrus: RENAME from to partition, for admins.
        alice = self.login("alice")
        alice.create("INBOX.p")
        alice.append("INBOX.p", None, None, b"Subject: moved\r\n\r\nhi\r\n")
        typ, data = alice._simple_command("RENAME", "INBOX.p", "INBOX.q", "other")
        self.assertEqual(typ, "NO", data)
        admin = self.login("admin")
        # The store gives admins `l` and `a`, not `x`: they grant it first.
        self.assertEqual(admin.setacl("user.alice.p", "admin", "lrxk")[0], "OK")
        self.assertEqual(admin.setacl("user.alice", "admin", "lk")[0], "OK")
        typ, data = admin._simple_command("RENAME", "user.alice.p", "user.alice.q", "other")
        self.assertEqual(typ, "OK", data)
        found = [f for _, _, files in os.walk(self.other) for f in files if f == "1."]
        self.assertEqual(len(found), 1)
        self.assertEqual(alice.select("INBOX.q")[1], [b"1"])
        typ, data = admin._simple_command("RENAME", "user.alice.q", "user.alice.q", "nowhere")
        self.assertEqual(typ, "NO", data)


class ImapMailboxTest(ImapTestCase):

    def assertBad(self, method, *args):
        with self.assertRaisesRegex(imaplib.IMAP4.error, "BAD"):
            method(*args)

    def setUp(self):
        self.start_imap(options={"autocreate_quota": "0"})

    def test_create_list_rename_delete(self):
        c = self.login("alice")
        self.assertEqual(c.create("INBOX.Work")[0], "OK")
        self.assertEqual(c.create("INBOX.Work.Projects")[0], "OK")
        typ, data = c.create("INBOX.Work")
        self.assertEqual(typ, "NO")
        self.assertIn(b"[ALREADYEXISTS]", data[0])
        typ, data = c.list()
        lines = [d.decode() for d in data]
        self.assertIn('(\\HasChildren) "." INBOX', lines)
        self.assertIn('(\\HasChildren) "." INBOX.Work', lines)
        self.assertIn('(\\HasNoChildren) "." INBOX.Work.Projects', lines)
        self.assertEqual(c.rename("INBOX.Work", "INBOX.Job")[0], "OK")
        names = [d.decode().split(" ")[-1] for d in c.list('""', "INBOX.*")[1]]
        self.assertEqual(sorted(names), ["INBOX.Job", "INBOX.Job.Projects"])
        self.assertEqual(c.delete("INBOX.Job.Projects")[0], "OK")
        typ, data = c.delete("INBOX.Nothing")
        self.assertEqual(typ, "NO")
        self.assertIn(b"[NONEXISTENT]", data[0])
        # On disk: hashed spool folders follow the renames.
        spool = self.inst.spool
        found = [d for d, _, files in os.walk(spool) if "cyrus.index" in files]
        self.assertTrue(any(d.endswith("/user/alice/Job") for d in found), found)
        self.assertFalse(any("Work" in d for d in found), found)

    def test_list_special_forms(self):
        c = self.login("alice")
        self.assertEqual(c.list('""', '""')[1], [b'(\\Noselect) "." ""'])
        c.create("INBOX.a")
        c.subscribe("INBOX.a")
        typ, data = c._simple_command("LIST", "(SUBSCRIBED)", '""', "*", "RETURN", "(CHILDREN)")
        typ, data = c._untagged_response(typ, data, "LIST")
        self.assertEqual([d.decode() for d in data], ['(\\HasNoChildren \\Subscribed) "." INBOX.a'])
        typ, data = c._simple_command("LIST", '""', '(INBOX INBOX.a)', "RETURN",
                                      "(STATUS (MESSAGES UIDNEXT))")
        self.assertEqual(typ, "OK")
        status = c.untagged_responses.pop("STATUS", [])
        self.assertEqual(len(status), 2)
        self.assertIn(b"MESSAGES 0 UIDNEXT 1", status[0])
        self.assertEqual(c.lsub()[1], [b'() "." INBOX.a'])
        c.unsubscribe("INBOX.a")
        self.assertEqual(c.lsub()[1], [None])

    def test_level_without_a_mailbox_is_noselect_or_nonexistent(self):
        # RFC 3501 §6.3.8: "%" shows a level that only has children
        # \Noselect; RFC 5258 §3: the extended form says \NonExistent.
        c = self.login("alice")
        # As in Cyrus, CREATE makes no intermediate mailboxes.
        self.assertEqual(c.create("INBOX.a.b.c")[0], "OK")
        self.assertEqual(c.list("INBOX.a.", "%")[1], [b'(\\Noselect \\HasChildren) "." INBOX.a.b'])
        typ, data = c._simple_command("LIST", '""', "(INBOX.a.%)", "RETURN", "(CHILDREN)")
        typ, data = c._untagged_response(typ, data, "LIST")
        self.assertEqual(data, [b'(\\NonExistent \\HasChildren) "." INBOX.a.b'])
        self.assertEqual(c.select("INBOX.a.b")[0], "NO")

    def test_append_select_fetch(self):
        c = self.login("alice")
        typ, data = c.append("INBOX", r"(\Flagged $Work)", '"07-Feb-1994 21:52:25 -0800"', MESSAGE)
        self.assertEqual(typ, "OK")
        self.assertRegex(data[0].decode(), r"^\[APPENDUID \d+ 1\] ")
        c.append("INBOX", None, None, MULTIPART)
        typ, data = c.select("INBOX")
        self.assertEqual(data, [b"2"])
        self.assertEqual(c.untagged_responses.get("RECENT"), [b"2"])
        typ, data = c.fetch("1", "(FLAGS INTERNALDATE RFC822.SIZE UID)")
        line = data[0].decode()
        self.assertIn("FLAGS (\\Flagged \\Recent $Work)", line)
        self.assertIn('INTERNALDATE " 7-Feb-1994 21:52:25 -0800"', line)
        self.assertIn("RFC822.SIZE %d" % len(MESSAGE), line)
        self.assertIn("UID 1", line)
        typ, data = c.fetch("1", "(ENVELOPE)")
        self.assertIn(b'"Hello there"', data[0])
        self.assertIn(b'(("Alice" NIL "alice" "example.com"))', data[0])
        typ, data = c.fetch("2", "(BODYSTRUCTURE)")
        self.assertIn(b'("text" "plain" ("charset" "us-ascii")', data[0])
        self.assertIn(b'"mixed" ("boundary" "xyz")', data[0])
        typ, data = c.fetch("1", "(BODY.PEEK[])")
        self.assertEqual(data[0][1], MESSAGE)
        typ, data = c.fetch("1", "(BODY.PEEK[HEADER.FIELDS (Subject)])")
        self.assertEqual(data[0][1], b"Subject: Hello there\r\n\r\n")
        typ, data = c.fetch("1", "(BODY.PEEK[HEADER.FIELDS.NOT (Subject From To Date)])")
        self.assertEqual(data[0][1], b"Message-ID: <1@example.com>\r\n\r\n")
        typ, data = c.fetch("1", "(BODY.PEEK[TEXT]<0.5>)")
        self.assertIn(b"BODY[TEXT]<0>", data[0][0])
        self.assertEqual(data[0][1], b"Hello")
        typ, data = c.fetch("2", "(BODY.PEEK[2] BODY.PEEK[1.MIME])")
        self.assertEqual(data[0][1], b"<p>second</p>")
        self.assertEqual(data[1][1], b"Content-Type: text/plain; charset=us-ascii\r\n\r\n")
        typ, data = c.fetch("1", "(RFC822.HEADER)")
        self.assertTrue(data[0][1].startswith(b"From: Alice"))
        # Not PEEK: \Seen gets set and FLAGS comes back with it.
        typ, data = c.fetch("1", "(BODY[TEXT])")
        self.assertIn(b"\\Seen", data[0][0] + data[1])
        typ, data = c.fetch("1:*", "FAST")
        self.assertEqual(len(data), 2)
        typ, data = c.uid("FETCH", "2", "(FLAGS)")
        self.assertIn(b"UID 2", data[0])
        self.assertBad(c.fetch, "3", "FLAGS")

    def test_store_and_expunge(self):
        c = self.login("alice")
        for _ in range(4):
            c.append("INBOX", None, None, MESSAGE)
        c.select("INBOX")
        typ, data = c.store("1:2", "+FLAGS", r"(\Deleted)")
        self.assertEqual(len(data), 2)
        self.assertIn(b"\\Deleted", data[0])
        typ, data = c.store("3", "FLAGS.SILENT", r"(\Answered $Label1)")
        self.assertEqual(data, [None])
        self.assertIn(b"$Label1", c.fetch("3", "FLAGS")[1][0])
        typ, data = c.store("3", "-FLAGS", r"($Label1)")
        self.assertNotIn(b"$Label1", data[0])
        self.assertBad(c.store, "1", "+FLAGS", r"(\Recent)")
        typ, data = c.expunge()
        self.assertEqual(data, [b"2", b"1"])
        self.assertEqual(c.select("INBOX")[1], [b"2"])
        # UID EXPUNGE removes only the named deleted messages.
        c.store("1:2", "+FLAGS", r"(\Deleted)")
        typ, data = c.uid("EXPUNGE", "4")
        self.assertEqual(typ, "OK")
        self.assertEqual(c.untagged_responses.pop("EXPUNGE", None), [b"2"])

    def test_copy_move_and_trycreate(self):
        c = self.login("alice")
        c.create("INBOX.Archive")
        for _ in range(3):
            c.append("INBOX", None, None, MESSAGE)
        c.select("INBOX")
        typ, data = c.copy("1:2", "INBOX.Archive")
        self.assertEqual(typ, "OK")
        self.assertRegex(data[0].decode(), r"^\[COPYUID \d+ 1:2 1:2\]")
        typ, data = c.copy("1", "INBOX.Missing")
        self.assertEqual(typ, "NO")
        self.assertIn(b"[TRYCREATE]", data[0])
        typ, data = c._simple_command("MOVE", "3", "INBOX.Archive")
        self.assertEqual(typ, "OK")
        self.assertEqual(c.untagged_responses.pop("EXPUNGE", None), [b"3"])
        typ, data = c.status("INBOX.Archive", "(MESSAGES UIDNEXT UNSEEN RECENT)")
        self.assertEqual(data[0], b'INBOX.Archive (MESSAGES 3 UIDNEXT 4 UNSEEN 3 RECENT 3)')
        typ, data = c.uid("MOVE", "1", "INBOX.Archive")
        self.assertEqual(typ, "OK")
        self.assertEqual(c.select("INBOX")[1], [b"1"])

    def test_examine_is_read_only_and_close_expunges(self):
        c = self.login("alice")
        c.append("INBOX", r"(\Deleted)", None, MESSAGE)
        c.append("INBOX", None, None, MESSAGE)
        typ, data = c.select("INBOX", readonly=True)
        self.assertIn("READ-ONLY", c.untagged_responses)
        # RFC 3501 §2.3.2: \Recent shows, and stays for the next session.
        self.assertEqual(c.untagged_responses.get("RECENT"), [b"2"])
        self.assertIn(b"\\Recent", c.fetch("2", "FLAGS")[1][0])
        self.assertEqual(c.store("1", "+FLAGS", r"(\Seen)")[0], "NO")
        self.assertEqual(c.expunge()[0], "NO")
        c.select("INBOX")
        self.assertEqual(c.untagged_responses.get("RECENT"), [b"2"])
        c.select("INBOX", readonly=True)
        self.assertEqual(c.untagged_responses.get("RECENT"), [b"0"])
        c.select("INBOX")
        c.close()
        self.assertEqual(c.select("INBOX")[1], [b"1"])
        self.assertEqual(c._simple_command("UNSELECT")[0], "OK")
        self.assertBad(c.fetch, "1", "FLAGS")

    def test_other_users_mailboxes_are_hidden(self):
        a = self.login("alice")
        a.create("INBOX.private")
        b = self.login("bob")
        typ, data = b.select("user.alice.private")
        self.assertEqual(typ, "NO")
        self.assertIn(b"[NONEXISTENT]", data[0])
        self.assertEqual(b.list('""', "user.alice*")[1], [None])
        typ, data = b.append("user.alice", None, None, MESSAGE)
        self.assertEqual(typ, "NO")

    def test_append_literal_plus_and_multiappend(self):
        c = self.raw("imaps", tls=True)
        c.command("l", "LOGIN alice alice-secret")
        c.send(("a1 APPEND INBOX (\\Seen) {%d+}\r\n" % len(MESSAGE)).encode() + MESSAGE +
               (" {%d+}\r\n" % len(MULTIPART)).encode() + MULTIPART + b"\r\n")
        self.assertRegex(c.read_until_tagged("a1")[-1], r"^a1 OK \[APPENDUID \d+ 1:2\]")
        # A synchronising literal waits for the go-ahead.
        c.send("a2 APPEND INBOX {%d}\r\n" % len(MESSAGE))
        self.assertTrue(c.readline().startswith("+ "))
        c.send(MESSAGE + b"\r\n")
        self.assertRegex(c.read_until_tagged("a2")[-1], r"^a2 OK \[APPENDUID \d+ 3\]")
        lines = c.command("a3", "SELECT INBOX")
        self.assertIn("* 3 EXISTS", lines)

    def test_status_and_select_missing(self):
        c = self.login("alice")
        typ, data = c.status("INBOX.nope", "(MESSAGES)")
        self.assertEqual(typ, "NO")
        self.assertBad(c.status, "INBOX", "(BOGUS)")
        typ, data = c.select("INBOX.nope")
        self.assertEqual(typ, "NO")
        self.assertEqual(c.state, "AUTH")


if __name__ == "__main__":
    unittest.main()
