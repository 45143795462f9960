"""mbsync (isync) and offlineimap syncing alice's folder tree both ways with a
local Maildir through IMAPS, against imapd under a real cyrmaster.

One scenario for both tools: a first sync copies the tree down; then each side
gets a new message, a flagged message, a message moved between folders and a
deleted message; a second sync must leave both sides holding the same mail
with the same flags, read back from the store (IMAP) and from the Maildir
files. Skipped only when the tool is not installed."""

import email
import hashlib
import os
import re
import shutil
import ssl
import subprocess
import tempfile
import time
import unittest

from imap_support import USERS, ImapTestCase


def message(subject):
    return ("From: sync@example.com\r\nTo: alice@example.com\r\nSubject: %s\r\n"
            "Message-ID: <%s@example.com>\r\n\r\nbody of %s\r\n"
            % (subject, subject, subject)).encode()


# Maildir info flags (maildir.html) and their IMAP system flags.
MAILDIR_FLAGS = {"F": "\\Flagged", "S": "\\Seen", "R": "\\Answered", "D": "\\Draft"}


class SyncScenario:
    """The shared scenario; subclasses say how to run the tool and where it
    keeps each IMAP folder in the Maildir tree."""

    tool = None

    def setUp(self):
        if shutil.which(self.tool) is None:
            raise unittest.SkipTest("%s is not installed" % self.tool)
        self.start_imap(options={"autocreate_quota": "0"})
        self.home = tempfile.mkdtemp(prefix="satrap-%s-" % self.tool)
        self.addCleanup(shutil.rmtree, self.home, True)
        self.maildir = os.path.join(self.home, "mail")
        os.makedirs(self.maildir)
        c = self.login("alice")
        c.create("INBOX.Work")
        c.create("INBOX.Work.Old")
        for subject in ("s-keep", "s-flag", "s-delete"):
            c.append("INBOX", None, None, message(subject))
        c.append("INBOX.Work", None, None, message("s-move"))
        c.append("INBOX.Work.Old", None, None, message("s-old"))
        c.logout()

    # ----- reading each side -------------------------------------------------
    def server_state(self):
        """{folder: {subject: set of flags}} as the store has it."""
        c = self.login("alice")
        state = {}
        for folder in ("INBOX", "INBOX.Work", "INBOX.Work.Old"):
            c.select(folder)
            typ, data = c.fetch("1:*", "(FLAGS BODY.PEEK[HEADER.FIELDS (SUBJECT)])")
            mail = {}
            if typ == "OK" and data != [None]:
                for item in data:
                    if not isinstance(item, tuple):
                        continue
                    subject = email.message_from_bytes(item[1])["Subject"]
                    flags = set(re.search(rb"FLAGS \(([^)]*)\)", item[0]).group(1).decode().split())
                    flags.discard("\\Recent")
                    if "\\Deleted" in flags:
                        continue
                    mail[subject] = flags
            state[folder] = mail
        c.logout()
        return state

    def local_state(self):
        state = {}
        for folder in ("INBOX", "INBOX.Work", "INBOX.Work.Old"):
            mail = {}
            for path in self.local_files(folder):
                with open(path, "rb") as f:
                    subject = email.message_from_bytes(f.read())["Subject"]
                info = path.rsplit(":2,", 1)[1] if ":2," in path else ""
                if "T" in info:
                    continue
                mail[subject] = {MAILDIR_FLAGS[c] for c in info if c in MAILDIR_FLAGS}
            state[folder] = mail
        return state

    def local_files(self, folder):
        base = self.local_folder(folder)
        files = []
        for sub in ("cur", "new"):
            d = os.path.join(base, sub)
            if os.path.isdir(d):
                files += [os.path.join(d, n) for n in sorted(os.listdir(d))]
        return files

    def local_file(self, folder, subject):
        for path in self.local_files(folder):
            with open(path, "rb") as f:
                if email.message_from_bytes(f.read())["Subject"] == subject:
                    return path
        raise AssertionError("%s not in local %s" % (subject, folder))

    # ----- changing the local side ----------------------------------------
    def local_add(self, folder, subject, name=None):
        name = name or "%d.satrap%s.test" % (time.time(), subject)
        path = os.path.join(self.local_folder(folder), "new", name)
        with open(path, "wb") as f:
            f.write(message(subject))

    def local_set_flags(self, folder, subject, flags):
        path = self.local_file(folder, subject)
        base = path.rsplit(":2,", 1)[0]
        if os.path.basename(os.path.dirname(path)) == "new":
            base = os.path.join(os.path.dirname(os.path.dirname(path)), "cur",
                                os.path.basename(base))
        os.rename(path, base + ":2," + "".join(sorted(flags)))

    def local_move(self, from_folder, to_folder, subject):
        path = self.local_file(from_folder, subject)
        with open(path, "rb") as f:
            data = f.read()
        os.unlink(path)
        # A file arriving from elsewhere carries none of the tool's UID marks.
        name = "%d.moved%s.test:2,S" % (time.time(), subject)
        with open(os.path.join(self.local_folder(to_folder), "cur", name), "wb") as f:
            f.write(data)

    # ----- the scenario ------------------------------------------------------
    def test_two_way_sync_of_a_folder_tree(self):
        self.sync()
        first = self.local_state()
        self.assertEqual(first, {
            "INBOX": {"s-keep": set(), "s-flag": set(), "s-delete": set()},
            "INBOX.Work": {"s-move": set()},
            "INBOX.Work.Old": {"s-old": set()},
        })
        # Changes on the server: new, flagged, moved, deleted.
        c = self.login("alice")
        c.append("INBOX.Work", None, None, message("s-server-new"))
        c.select("INBOX")
        c.store("2", "+FLAGS", "(\\Flagged)")
        c.store("3", "+FLAGS", "(\\Deleted)")
        c.expunge()
        c.select("INBOX.Work")
        c.uid("MOVE", "1", "INBOX.Work.Old")
        c.logout()
        self.sync()
        expected = {
            "INBOX": {"s-keep": set(), "s-flag": {"\\Flagged"}},
            "INBOX.Work": {"s-server-new": set()},
            "INBOX.Work.Old": {"s-old": set(), "s-move": set()},
        }
        self.assertEqual(self.local_state(), expected)
        self.assertEqual(self.server_state(), expected)
        # Changes in the Maildir: new, flagged, moved, deleted.
        self.local_add("INBOX.Work", "s-local-new")
        self.local_set_flags("INBOX", "s-keep", {"F", "S"})
        self.local_move("INBOX.Work.Old", "INBOX", "s-old")
        os.unlink(self.local_file("INBOX.Work", "s-server-new"))
        self.sync()
        expected = {
            "INBOX": {"s-keep": {"\\Flagged", "\\Seen"}, "s-flag": {"\\Flagged"},
                      "s-old": {"\\Seen"}},
            "INBOX.Work": {"s-local-new": set()},
            "INBOX.Work.Old": {"s-move": set()},
        }
        self.assertEqual(self.server_state(), expected)
        self.assertEqual(self.local_state(), expected)
        # A folder created on one side appears on the other.
        os.makedirs(os.path.join(self.local_folder("INBOX.Local"), "new"))
        for sub in ("cur", "tmp"):
            os.makedirs(os.path.join(self.local_folder("INBOX.Local"), sub))
        self.local_add("INBOX.Local", "s-in-local-folder")
        self.sync()
        c = self.login("alice")
        self.assertEqual(c.select("INBOX.Local"), ("OK", [b"1"]))
        c.logout()


class MbsyncTest(SyncScenario, ImapTestCase):
    tool = "mbsync"

    def local_folder(self, folder):
        if folder == "INBOX":
            return os.path.join(self.maildir, "INBOX")
        return os.path.join(self.maildir, *folder.split(".")[1:])

    def sync(self):
        cert = self.inst.imapd_options["tls_server_cert"]
        rc = os.path.join(self.home, "mbsyncrc")
        with open(rc, "w") as f:
            f.write("IMAPAccount satrap\nHost localhost\nPort %d\nUser alice\nPass %s\n"
                    "SSLType IMAPS\nCertificateFile %s\n\n"
                    "IMAPStore remote\nAccount satrap\nPath INBOX.\n\n"
                    "MaildirStore local\nPath %s/\nInbox %s/INBOX\nSubFolders Verbatim\n\n"
                    "Channel sync\nFar :remote:\nNear :local:\nPatterns *\n"
                    "Create Both\nExpunge Both\nSyncState *\n"
                    % (self.inst.port("imaps"), USERS["alice"], cert, self.maildir,
                       self.maildir))
        result = subprocess.run(["mbsync", "-c", rc, "-a"], stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, timeout=120, env=dict(os.environ, HOME=self.home))
        self.assertEqual(result.returncode, 0, result.stdout.decode(errors="replace"))


class OfflineimapTest(SyncScenario, ImapTestCase):
    tool = "offlineimap"

    def local_folder(self, folder):
        return os.path.join(self.maildir, folder)

    def sync(self):
        cert = self.inst.imapd_options["tls_server_cert"]
        with open(cert) as f:
            der = ssl.PEM_cert_to_DER_cert(f.read())
        rc = os.path.join(self.home, "offlineimaprc")
        with open(rc, "w") as f:
            f.write("[general]\naccounts = test\nmetadata = %s/meta\n\n"
                    "[Account test]\nlocalrepository = local\nremoterepository = remote\n\n"
                    "[Repository local]\ntype = Maildir\nlocalfolders = %s\nsep = .\n\n"
                    "[Repository remote]\ntype = IMAP\nremotehost = 127.0.0.1\nremoteport = %d\n"
                    "remoteuser = alice\nremotepass = %s\nssl = yes\ncert_fingerprint = %s\n"
                    "createfolders = True\n"
                    % (self.home, self.maildir, self.inst.port("imaps"), USERS["alice"],
                       hashlib.sha512(der).hexdigest()))
        result = subprocess.run(["offlineimap", "-c", rc, "-o", "-u", "basic"],
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=180,
                                env=dict(os.environ, HOME=self.home))
        out = result.stdout.decode(errors="replace")
        self.assertEqual(result.returncode, 0, out)
        self.assertNotRegex(out, r"(?i)\bERROR\b", out)



if __name__ == "__main__":
    unittest.main()
