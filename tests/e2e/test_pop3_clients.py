"""pop3d end to end with Debian's clients: fetchmail (UIDL bookkeeping,
STLS, POP3S, deletion) and curl (LIST, RETR, DELE, SASL mechanisms, TLS)."""

import os
import subprocess
import unittest

from test_pop3_basic import Pop3TestCase, message


class FetchmailTest(Pop3TestCase):

    def fetchmail(self, service, keep=True, ssl=False):
        """Runs fetchmail once against `service`; returns (exit code, mail, log)."""
        work = os.path.join(self.inst.root, "fetchmail")
        os.makedirs(work, exist_ok=True)
        out = os.path.join(work, "mbox")
        rc = os.path.join(work, "fetchmailrc")
        with open(rc, "w") as f:
            f.write('set no bouncemail\n'
                    'poll 127.0.0.1 service %d protocol POP3 uidl auth password\n'
                    '  user "alice" there with password "secret" is "root" here\n'
                    '  %s %s no sslcertck\n'
                    '  mda "/bin/sh -c \'cat >> %s\'"\n'
                    % (self.inst.port(service), "keep" if keep else "nokeep",
                       "ssl" if ssl else "sslproto tls1.2+", out))
        os.chmod(rc, 0o600)
        env = dict(os.environ, HOME=work)
        result = subprocess.run(["fetchmail", "-f", rc, "-i", os.path.join(work, "ids"),
                                 "--nosyslog", "-v", "--nodetach"],
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env,
                                timeout=60)
        mail = b""
        if os.path.exists(out):
            with open(out, "rb") as f:
                mail = f.read()
        return result.returncode, mail, result.stdout.decode(errors="replace")

    def test_fetchmail_keeps_uidl_state_over_stls(self):
        self.start_pop3(options={"allowplaintext": "no"})
        self.deliver("alice", message(1), message(2))
        code, mail, log = self.fetchmail("pop3")
        self.assertEqual(code, 0, log)
        self.assertIn("STLS", log)
        self.assertIn(b"Subject: message 1", mail)
        self.assertIn(b"Subject: message 2", mail)
        # UIDL: the second run finds nothing new (fetchmail exit 1: no mail).
        code, mail2, log = self.fetchmail("pop3")
        self.assertEqual(code, 1, log)
        self.assertEqual(mail2, mail)
        self.deliver("alice", message(3))
        code, mail3, log = self.fetchmail("pop3")
        self.assertEqual(code, 0, log)
        self.assertEqual(mail3.count(b"Subject: message"), 3, log)
        self.assertEqual(len(self.stored("alice")["uids"]), 3)  # keep

    def test_fetchmail_pop3s_deletes_what_it_fetched(self):
        self.start_pop3()
        self.deliver("alice", message(1), message(2, body="..dots\r\n.\r\nend\r\n"))
        code, mail, log = self.fetchmail("pop3s", keep=False, ssl=True)
        self.assertEqual(code, 0, log)
        self.assertIn(b"\n..dots\n", mail.replace(b"\r\n", b"\n"))
        self.assertEqual(self.stored("alice")["uids"], [])


class CurlTest(Pop3TestCase):

    def curl(self, url, *args):
        result = subprocess.run(["curl", "-sS", "-k", "--max-time", "30", "-u", "alice:secret"]
                                + list(args) + [url],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
        self.assertEqual(result.returncode, 0, result.stderr.decode())
        return result.stdout

    def url(self, service, path=""):
        return "%s://127.0.0.1:%d/%s" % (service, self.inst.port(service), path)

    def test_curl_list_retr_dele(self):
        self.start_pop3()
        self.deliver("alice", message(1), message(2))
        listing = self.curl(self.url("pop3"))
        self.assertEqual(listing, b"1 %d\r\n2 %d\r\n" % (len(message(1)), len(message(2))))
        self.assertEqual(self.curl(self.url("pop3", "2")), message(2))
        self.curl(self.url("pop3", "1"), "-X", "DELE", "-I")
        self.assertEqual(len(self.stored("alice")["uids"]), 1)

    def test_curl_over_tls_and_sasl_mechanisms(self):
        self.start_pop3(options={"allowplaintext": "no"})
        self.deliver("alice", message(1))
        self.assertEqual(self.curl(self.url("pop3s", "1")), message(1))
        self.assertEqual(self.curl(self.url("pop3", "1"), "--ssl-reqd"), message(1))
        for mechanism in ("CRAM-MD5", "DIGEST-MD5"):
            with self.subTest(mechanism=mechanism):
                self.assertEqual(self.curl(self.url("pop3", "1"),
                                           "--login-options", "AUTH=" + mechanism), message(1))
        self.assertEqual(self.curl(self.url("pop3s", "1"), "--login-options", "AUTH=PLAIN",
                                   "--sasl-ir"), message(1))
        self.assertEqual(self.curl(self.url("pop3s", "1"), "--login-options", "AUTH=+APOP"),
                         message(1))


if __name__ == "__main__":
    unittest.main()
