"""Debian's cyradm (cyrus-admin, Cyrus::IMAP::Shell) driven by an admin at a
terminal against imapd through a real cyrmaster, over STARTTLS as cyradm
does by default. Each test checks what cyradm printed, in the shapes
Shell.pm prints them against Cyrus (lm: "name (attributes)" in columns; lq:
" STORAGE used/limit (pct%)"; lqr: "root STORAGE used/limit (pct%)"; lam:
"identifier rights" lines), and what the change did to the store (folders on
disk, rights and quota seen by the users). Skipped only when cyradm is not
installed (scripts/install-deps.sh with SATRAP_TEST_DEPS=1)."""

import os
import re
import shutil
import time
import unittest

from imap_support import USERS, ImapTestCase, PtyProgram

PROMPT = r"\S+> $"


class CyradmTest(ImapTestCase):

    def setUp(self):
        if shutil.which("cyradm") is None:
            raise unittest.SkipTest("cyradm is not installed (package cyrus-admin)")
        self.start_imap(options={"autocreate_quota": "0"},
                        users=dict(USERS, carol="carol-secret"))
        self.shell = self.cyradm()

    def cyradm(self):
        env = dict(os.environ, HOME=self.inst.root, COLUMNS="200", TERM="dumb")
        shell = PtyProgram(["cyradm", "--norc", "--user", "admin", "--auth", "PLAIN",
                            "--port", str(self.inst.port("imap")), "127.0.0.1"], env=env)
        self.addCleanup(shell.close)
        shell.expect(r"[Pp]assword: ?$")
        # cyradm turns echo off after printing the prompt, flushing what was
        # typed before: type again if the first try was thrown away.
        for attempt in range(5):
            time.sleep(0.3)
            shell.sendline(USERS["admin"])
            try:
                shell.expect(PROMPT, timeout=5)
                return shell
            except AssertionError:
                if attempt == 4:
                    raise
        return shell

    def run_cmd(self, line):
        """cyradm's output for one command line (without the echo and prompt)."""
        self.shell.sendline(line)
        out = self.shell.expect(PROMPT)
        out = re.sub(r"\S+> $", "", out)
        lines = out.split("\n")
        if lines and lines[0].strip() == line:
            lines = lines[1:]
        return "\n".join(lines).strip("\n")

    def folders(self):
        """Every mailbox folder on disk, as paths below the spool."""
        found = set()
        for dirpath, _, filenames in os.walk(self.inst.spool):
            if "cyrus.header" in filenames:
                found.add(os.path.relpath(dirpath, self.inst.spool))
        return found

    def lm(self, pattern="*"):
        return set(re.findall(r"(\S+ \([^)]*\))", self.run_cmd("lm " + pattern)))

    def test_create_users_and_folders_then_list(self):
        self.assertEqual(self.run_cmd("cm user.carol"), "")
        self.assertEqual(self.run_cmd("cm user.carol.Sent"), "")
        self.assertEqual(self.run_cmd("cm user.carol.Archive.2024"), "")
        listing = self.lm("user.carol*")
        self.assertEqual(listing, {
            r"user.carol (\HasChildren)",
            r"user.carol.Archive.2024 (\HasNoChildren)",
            r"user.carol.Sent (\HasNoChildren)",
        } | ({r"user.carol.Archive (\Noselect \HasChildren)"}
             & self.lm("user.carol.Archive")))
        self.assertEqual(len([f for f in self.folders() if "carol" in f]), 3)
        # carol sees them as her own.
        carol = self.connect("imaps")
        carol.login("carol", "carol-secret")
        self.assertEqual(carol.select("INBOX.Sent")[0], "OK")
        # A second cm of the same name is refused, and cyradm says so.
        self.assertRegex(self.run_cmd("cm user.carol.Sent"), r"(?i)exist")

    def test_setquota_listquota_listquotaroot(self):
        self.run_cmd("cm user.carol")
        self.run_cmd("cm user.carol.Sent")
        self.assertEqual(self.run_cmd("sq user.carol STORAGE 1000"), "")
        self.assertEqual(self.run_cmd("lq user.carol"), " STORAGE 0/1000 (0%)")
        self.assertEqual(self.run_cmd("lqr user.carol.Sent"), "user.carol STORAGE 0/1000 (0%)")
        carol = self.connect("imaps")
        carol.login("carol", "carol-secret")
        carol.append("INBOX", None, None, b"Subject: q\r\n\r\n" + b"x" * 20000 + b"\r\n")
        self.assertRegex(self.run_cmd("lq user.carol"), r"^ STORAGE 19/1000 \(1\.9%\)$")
        typ, data = carol.getquotaroot("INBOX")
        self.assertEqual(typ, "OK")
        self.assertIn(b"(STORAGE 19 1000)", data[1][0])
        # No quota on a user without one: lqr prints the mailbox's nothing.
        self.assertRegex(self.run_cmd("lq user.alice"), r"(?i)^$|no such|quota root|not")

    def test_setacl_listacl_deleteacl(self):
        self.run_cmd("cm user.carol")
        self.assertEqual(self.run_cmd("sam user.carol bob lrs"), "")
        acl = dict(line.split(" ", 1) for line in self.run_cmd("lam user.carol").splitlines())
        self.assertEqual(acl["bob"], "lrs")
        # Cyrus gives a new user "lrswipkxtecdan" (ACL_ALL, no 0-9).
        self.assertEqual(acl["carol"], "lrswipkxtecdan", acl)
        self.assertEqual(len(acl), 2, acl)
        bob = self.connect("imaps")
        bob.login("bob", USERS["bob"])
        self.assertEqual(bob.select("user.carol")[0], "OK")
        bob.logout()
        self.assertEqual(self.run_cmd("dam user.carol bob"), "")
        self.assertRegex(self.run_cmd("lam user.carol"), r"^carol lrswipkxtecdan$")
        bob = self.connect("imaps")
        bob.login("bob", USERS["bob"])
        self.assertEqual(bob.select("user.carol")[0], "NO")
        # A pattern lists every matching mailbox's ACL under its name.
        self.run_cmd("cm user.carol.Sent")
        out = self.run_cmd("lam user.carol*")
        self.assertRegex(out, r"(?m)^user.carol:\n  carol lrswipkxtecdan$")
        self.assertRegex(out, r"(?m)^user.carol.Sent:\n  carol lrswipkxtecdan$")

    def test_rename_and_delete(self):
        self.run_cmd("cm user.carol")
        self.run_cmd("cm user.carol.Keep")
        # As against Cyrus, an admin has only l and a on users' mailboxes
        # and needs x to delete or rename one: the usual cyradm step is to
        # grant herself rights, which new children inherit.
        self.assertEqual(self.run_cmd("sam user.carol admin all"), "")
        self.run_cmd("cm user.carol.Old")
        self.assertEqual(self.run_cmd("renm user.carol.Old user.carol.New"), "")
        self.assertEqual(self.lm("user.carol.*"), {r"user.carol.New (\HasNoChildren)",
                                                   r"user.carol.Keep (\HasNoChildren)"})
        self.assertTrue(any(f.endswith("New") for f in self.folders()), self.folders())
        self.assertFalse(any(f.endswith("Old") for f in self.folders()), self.folders())
        # Keep was made before the grant: no x there.
        self.assertRegex(self.run_cmd("dm user.carol.Keep"), r"(?i)permission denied")
        self.assertIn(r"user.carol.Keep (\HasNoChildren)", self.lm("user.carol.*"))
        self.assertEqual(self.run_cmd("dm user.carol.New"), "")
        self.assertEqual(self.lm("user.carol.*"), {r"user.carol.Keep (\HasNoChildren)"})
        self.assertFalse(any(f.endswith("New") for f in self.folders()), self.folders())
        # Deleting the user removes her whole tree.
        self.assertEqual(self.run_cmd("dm user.carol"), "")
        self.assertEqual(self.lm("user.carol*"), set())
        self.assertFalse(any("carol" in f for f in self.folders()), self.folders())

if __name__ == "__main__":
    unittest.main()
