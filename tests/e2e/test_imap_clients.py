"""Real IMAP clients from Debian against imapd through a real cyrmaster:
curl and fetchmail over IMAP (STARTTLS) and IMAPS; imtest (cyrus-clients)
logging in and running commands. Tests for clients that are not installed
are skipped (scripts/install-deps.sh with SATRAP_TEST_DEPS=1 installs them)."""

import os
import shutil
import subprocess
import tempfile
import unittest

from imap_support import USERS, ImapTestCase

MESSAGE = b"From: a@example.com\r\nTo: alice@example.com\r\nSubject: fetch me\r\n\r\nhello curl\r\n"


def need(program):
    if shutil.which(program) is None:
        raise unittest.SkipTest("%s is not installed" % program)


class ImapClientsTest(ImapTestCase):

    def setUp(self):
        self.start_imap(options={"autocreate_quota": "0"})
        c = self.login("alice")
        c.create("INBOX.Work")
        for _ in range(2):
            c.append("INBOX", None, None, MESSAGE)
        c.logout()

    def curl(self, *args):
        result = subprocess.run(["curl", "-sS", "-k", "--max-time", "30",
                                 "-u", "alice:" + USERS["alice"]] + list(args),
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
        self.assertEqual(result.returncode, 0, result.stderr)
        return result.stdout

    def test_curl_lists_and_fetches_over_imaps_and_starttls(self):
        need("curl")
        base = "imaps://127.0.0.1:%d" % self.inst.port("imaps")
        listing = self.curl(base + "/")
        self.assertIn(b"INBOX.Work", listing)
        body = self.curl(base + "/INBOX;UID=1")
        self.assertEqual(body, MESSAGE)
        clear = "imap://127.0.0.1:%d" % self.inst.port("imap")
        body = self.curl("--ssl-reqd", clear + "/INBOX;UID=2")
        self.assertEqual(body, MESSAGE)
        search = self.curl(base + "/INBOX?SUBJECT%20fetch")
        self.assertIn(b"SEARCH 1 2", search)

    def test_fetchmail_fetches_and_deletes(self):
        need("fetchmail")
        home = tempfile.mkdtemp(prefix="satrap-fetchmail-")
        self.addCleanup(shutil.rmtree, home, True)
        out = os.path.join(home, "mbox")
        rc = os.path.join(home, "fetchmailrc")
        with open(rc, "w") as f:
            f.write('set no bouncemail\n'
                    'poll 127.0.0.1 service %d protocol IMAP auth password\n'
                    '  user "alice" there with password "%s" is "root" here\n'
                    '  nokeep ssl no sslcertck\n'
                    '  mda "/bin/sh -c \'cat >> %s\'"\n'
                    % (self.inst.port("imaps"), USERS["alice"], out))
        os.chmod(rc, 0o600)
        env = dict(os.environ, HOME=home)
        result = subprocess.run(["fetchmail", "-f", rc, "-i", os.path.join(home, "ids"),
                                 "--nodetach", "--nosyslog", "-v"],
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env,
                                timeout=60)
        self.assertIn(result.returncode, (0, 1), result.stdout)
        with open(out, "rb") as f:
            self.assertEqual(f.read().count(b"hello curl"), 2)
        c = self.login("alice")
        self.assertEqual(c.select("INBOX")[1], [b"0"])

    def test_imtest_logs_in_and_runs_commands(self):
        need("imtest")
        script = b"a1 SELECT INBOX\r\na2 FETCH 1 (FLAGS)\r\na3 LOGOUT\r\n"
        result = subprocess.run(["imtest", "-t", "", "-a", "alice", "-w", USERS["alice"],
                                 "-m", "PLAIN", "-p", str(self.inst.port("imap")), "127.0.0.1"],
                                input=script, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                timeout=60)
        out = result.stdout.decode(errors="replace")
        self.assertIn("Authenticated.", out)
        self.assertIn("* 2 EXISTS", out)
        self.assertIn("a2 OK", out)


if __name__ == "__main__":
    unittest.main()
