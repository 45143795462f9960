"""Real IMAP clients from Debian against imapd through a real cyrmaster:
curl and fetchmail over IMAP (STARTTLS) and IMAPS; imtest (cyrus-clients)
logging in and running commands. Tests for clients that are not installed
are skipped (scripts/install-deps.sh with SATRAP_TEST_DEPS=1 installs them)."""

import os
import shutil
import subprocess
import tempfile
import unittest

from imap_support import USERS, ImapTestCase, PtyProgram

MESSAGE = b"From: a@example.com\r\nTo: alice@example.com\r\nSubject: fetch me\r\n\r\nhello curl\r\n"


# Debian's cyrus-clients installs imtest outside PATH.
EXTRA_PATH = "/usr/lib/cyrus/bin"


def need(program):
    """The program's path; skips the test when it is not installed."""
    path = shutil.which(program) or shutil.which(program, path=EXTRA_PATH)
    if path is None:
        raise unittest.SkipTest("%s is not installed" % program)
    return path


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

    def imtest(self, *args):
        """Runs imtest at a terminal, typing each command of SCRIPT once the
        previous one has completed, as a person would; returns the transcript."""
        imtest = need("imtest")
        program = PtyProgram([imtest, "-a", "alice", "-w", USERS["alice"], "-m", "PLAIN"]
                             + list(args) + ["127.0.0.1"])
        self.addCleanup(program.close)
        out = program.expect(r"Authenticated\.")
        for tag, command in self.SCRIPT:
            program.sendline("%s %s" % (tag, command))
            out += program.expect(r"\n%s (OK|NO|BAD)[^\n]*\n" % tag)
        return out

    SCRIPT = [("a1", "SELECT INBOX"), ("a2", "FETCH 1 (FLAGS)"),
              ("a3", "STORE 2 +FLAGS (\\Flagged)"), ("a4", "CREATE INBOX.FromImtest"),
              ("a5", "LOGOUT")]

    def check_transcript(self, out):
        self.assertIn("Authenticated.", out)
        self.assertIn("* 2 EXISTS", out)
        self.assertRegex(out, r"\* 1 FETCH \(FLAGS \(\\Recent\)\)|\* 1 FETCH \(FLAGS \(\)\)")
        self.assertIn("a2 OK", out)
        self.assertRegex(out, r"\* 2 FETCH \(FLAGS \([^)]*\\Flagged")
        self.assertIn("a4 OK", out)
        self.assertIn("* BYE", out)
        self.assertIn("a5 OK", out)
        # What imtest did is in the store.
        c = self.login("alice")
        self.assertEqual(c.select("INBOX.FromImtest")[0], "OK")
        c.select("INBOX")
        typ, data = c.fetch("2", "(FLAGS)")
        self.assertIn(b"\\Flagged", data[0])

    def test_imtest_starttls_logs_in_and_runs_commands(self):
        out = self.imtest("-t", "", "-p", str(self.inst.port("imap")))
        self.assertRegex(out, r"(?i)TLS connection established|starttls")
        self.check_transcript(out)

    def test_imtest_imaps_logs_in_and_runs_commands(self):
        out = self.imtest("-s", "-p", str(self.inst.port("imaps")))
        self.check_transcript(out)

    def test_imtest_fed_from_a_pipe_runs_every_command(self):
        # imtest reading a pipe sends its commands in one burst and
        # "Q01 LOGOUT" as soon as its input ends: every command is answered
        # (pipelined input already decrypted by TLS must not be left waiting
        # on the socket) and the connection ends with BYE, not a reset.
        imtest = need("imtest")
        script = b'a1 CAPABILITY\na2 NOOP\na3 LIST "" *\na4 SELECT INBOX\n'
        for args in (["-t", "", "-p", str(self.inst.port("imap"))],
                     ["-s", "-p", str(self.inst.port("imaps"))]):
            with self.subTest(args=args[0]):
                result = subprocess.run([imtest, "-a", "alice", "-w", USERS["alice"]] + args
                                        + ["127.0.0.1"], input=script, stdout=subprocess.PIPE,
                                        stderr=subprocess.STDOUT, timeout=60)
                out = result.stdout.decode(errors="replace")
                for tag in ("a1", "a2", "a3", "a4", "Q01"):
                    self.assertRegex(out, r"(?m)^%s OK" % tag, out)
                self.assertIn("* BYE", out)
                self.assertNotRegex(out, r"(?i)connection reset|reset by peer", out)

    def test_imtest_wrong_password_is_refused(self):
        imtest = need("imtest")
        result = subprocess.run([imtest, "-a", "alice", "-w", "wrong", "-m", "PLAIN", "-s",
                                 "-p", str(self.inst.port("imaps")), "127.0.0.1"],
                                input=b"", stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                timeout=60)
        out = result.stdout.decode(errors="replace")
        self.assertNotIn("Authenticated.", out)
        self.assertRegex(out, r"(?i)authentication failed|NO ")

if __name__ == "__main__":
    unittest.main()
