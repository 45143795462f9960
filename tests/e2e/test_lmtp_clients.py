"""lmtpd with real clients: Debian's cyrus-clients lmtptest, and Python's
smtplib.LMTP with STARTTLS and AUTH (an authenticated sender is no longer
anonymous for `p` rights)."""

import os
import shutil
import smtplib
import ssl
import subprocess
import unittest

from test_lmtp_basic import LmtpTestCase, message

LMTPTEST = shutil.which("lmtptest") or "/usr/lib/cyrus/bin/lmtptest"


def client_context():
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    return ctx


class LmtpClientsTest(LmtpTestCase):

    def start(self, **kwargs):
        return self.start_lmtp(certificate=True, passwords=(("bob", "bobpass"),), **kwargs)

    def test_starttls_then_auth_makes_the_poster_known(self):
        self.start()
        self.tool("mkmailbox", "user.alice.private")
        self.tool("setacl", "user.alice.private", "bob", "p")
        with smtplib.LMTP("127.0.0.1", self.inst.port("lmtptcp")) as lmtp:
            lmtp.ehlo_or_helo_if_needed()
            self.assertTrue(lmtp.has_extn("starttls"))
            lmtp.starttls(context=client_context())
            lmtp.ehlo_or_helo_if_needed()
            self.assertFalse(lmtp.has_extn("starttls"))
            self.assertIn("PLAIN", lmtp.esmtp_features.get("auth", "").upper())
            # Over TCP a transaction needs AUTH first (soft_noauth: 430,
            # so an MTA would queue the mail rather than bounce it).
            with self.assertRaises(smtplib.SMTPSenderRefused) as cm:
                lmtp.sendmail("s@x", ["alice+private@x"], message("anonymous"))
            self.assertEqual(cm.exception.smtp_code, 430)
            lmtp.login("bob", "bobpass")
            lmtp.sendmail("s@x", ["alice+private@x"], message("as bob"))
        self.assertEqual(len(self.uids("user.alice")), 0)
        self.assertEqual(len(self.uids("user.alice.private")), 1)
        self.assertIn(b"as bob", self.contents("user.alice.private")[0])

    def test_bad_password_is_refused(self):
        self.start()
        with smtplib.LMTP("127.0.0.1", self.inst.port("lmtptcp")) as lmtp:
            lmtp.starttls(context=client_context())
            with self.assertRaises(smtplib.SMTPAuthenticationError) as cm:
                lmtp.login("bob", "wrong")
            self.assertEqual(cm.exception.smtp_code, 535)

    def test_pipelined_starttls_is_refused(self):
        self.start()
        c = self.client(tcp=True)
        c.send(b"STARTTLS\r\nNOOP\r\n")
        self.assertEqual(c.reply()[0], 554)

    @unittest.skipUnless(os.path.exists(LMTPTEST), "cyrus-clients lmtptest not installed")
    def test_lmtptest_delivers(self):
        self.start()
        script = os.path.join(self.inst.root, "lmtptest.script")
        with open(script, "wb") as f:
            f.write(b"MAIL FROM:<s@example.org>\r\nRCPT TO:<alice>\r\nRCPT TO:<nobody>\r\n"
                    b"DATA\r\nSubject: from lmtptest\r\n\r\nhello\r\n.\r\nQUIT\r\n")
        result = subprocess.run(
            [LMTPTEST, "-t", "", "-m", "PLAIN", "-a", "bob", "-w", "bobpass",
             "-p", str(self.inst.port("lmtptcp")), "-f", script, "127.0.0.1"],
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            timeout=60)
        out = result.stdout.decode(errors="replace")
        self.assertIn("235 2.7.0", out)
        self.assertIn("550 5.1.1", out)
        self.assertIn("250 2.0.0", out)
        self.assertEqual(len(self.uids("user.alice")), 1)
        self.assertIn(b"from lmtptest", self.contents("user.alice")[0])


if __name__ == "__main__":
    unittest.main()
