"""lmtpd against a hostile client, as an attacker would try it: SMTP
smuggling with dots ended by bare LF or CR, BDAT chunks sent where they are
refused, and TCP transactions without AUTH. Each time the session stays in
step, no byte of a message is read as a command, and nothing is stored that
the client was not allowed to store."""

import smtplib
import unittest

from test_lmtp_basic import LmtpClient, LmtpTestCase, message

# After the first message's body, something that ends DATA only for a
# server that takes a bare LF or CR as a line end, then a second,
# smuggled transaction for bob.
SMUGGLED = [
    b"x\r\n.\nMAIL FROM:<evil@x>\r\nRCPT TO:<bob@x>\r\nDATA\r\nSubject: evil\r\n\r\nevil\r\n",
    b"x\n.\nMAIL FROM:<evil@x>\nRCPT TO:<bob@x>\nDATA\nSubject: evil\n\nevil\r\n",
    b"x\r\n.\rMAIL FROM:<evil@x>\r\nRCPT TO:<bob@x>\r\nDATA\r\nSubject: evil\r\n\r\nevil\r\n",
    b"x\r\r\n.\r\r\nMAIL FROM:<evil@x>\r\nRCPT TO:<bob@x>\r\nDATA\r\nSubject: evil\r\n\r\nevil\r\n",
]


class LmtpHostileTest(LmtpTestCase):

    def smuggle(self, c, tail):
        """One DATA transaction for alice whose body carries `tail`, ended
        by the real CR LF . CR LF; returns the replies after it (one for
        alice, then NOOP's)."""
        c.assertcode(c.command("MAIL FROM:<s@x>"), 250)
        c.assertcode(c.command("RCPT TO:<alice@x>"), 250)
        c.assertcode(c.command("DATA"), 354)
        c.send(b"Subject: smuggle\r\n\r\n" + tail + b".\r\nNOOP\r\n")
        return c.reply(), c.reply()

    def test_bare_lf_or_cr_dot_does_not_end_data(self):
        self.start_lmtp()
        c = self.client()
        for tail in SMUGGLED:
            with self.subTest(tail=tail[:12]):
                data, noop = self.smuggle(c, tail)
                # lmtp_strict_rfc2821 (the default): the whole message is refused.
                self.assertEqual(data[0], 554, data)
                self.assertTrue(data[1][0].startswith("5.6.0"), data)
                self.assertEqual(noop[0], 250, noop)
        self.assertEqual(self.uids("user.alice"), [])
        self.assertEqual(self.uids("user.bob"), [])

    def test_lenient_mode_stores_the_smuggled_text_as_data(self):
        self.start_lmtp({"lmtp_strict_rfc2821": "no"})
        c = self.client()
        for tail in SMUGGLED:
            with self.subTest(tail=tail[:12]):
                data, noop = self.smuggle(c, tail)
                self.assertEqual(data[0], 250, data)
                self.assertEqual(noop[0], 250, noop)
        self.assertEqual(self.uids("user.bob"), [])
        stored = self.contents("user.alice")
        self.assertEqual(len(stored), len(SMUGGLED))
        for raw in stored:
            self.assertIn(b"RCPT TO:<bob@x>\r\n", raw)
            self.assertTrue(raw.endswith(b"evil\r\n"), raw)
            # Line ends repaired: no bare LF or CR is stored.
            self.assertEqual(raw.count(b"\n"), raw.count(b"\r\n"), raw)
            self.assertEqual(raw.count(b"\r"), raw.count(b"\r\n"), raw)

    def test_refused_bdat_consumes_exactly_its_chunk(self):
        self.start_lmtp()
        chunk = b"RCPT TO:<bob@x>\r\n"
        bdat = b"BDAT %d LAST\r\n" % len(chunk) + chunk
        cases = [
            ("before LHLO", []),
            ("before MAIL", ["LHLO x"]),
            ("before RCPT", ["LHLO x", "MAIL FROM:<s@x>"]),
            ("no recipient", ["LHLO x", "MAIL FROM:<s@x>", "RCPT TO:<nobody@x>"]),
        ]
        for name, before in cases:
            with self.subTest(name):
                c = self.client_raw()
                for line in before:
                    c.command(line)
                c.send(bdat + b"NOOP\r\n")
                code, texts = c.reply()
                self.assertEqual((code, texts[0][:5]), (503, "5.5.1"))
                # The chunk was not read as a RCPT: the next reply is NOOP's.
                self.assertEqual(c.reply(), (250, ["2.0.0 Ok"]))
                c.close()
        # A BDAT line ended by a bare LF is refused, and its chunk still read.
        c = self.client()
        c.assertcode(c.command("MAIL FROM:<s@x>"), 250)
        c.assertcode(c.command("RCPT TO:<alice@x>"), 250)
        c.send(b"BDAT %d LAST\n" % len(chunk) + chunk + b"NOOP\r\n")
        self.assertEqual(c.reply()[0], 500)
        self.assertEqual(c.reply(), (250, ["2.0.0 Ok"]))
        self.assertEqual(self.uids("user.alice"), [])
        self.assertEqual(self.uids("user.bob"), [])

    def client_raw(self):
        """A unix-socket client before LHLO."""
        c = LmtpClient(self.inst.socket_path("lmtp"))
        self.addCleanup(c.close)
        self.assertEqual(c.greeting[0], 220)
        return c

    def test_tcp_needs_auth_soft_by_default(self):
        self.start_lmtp()
        c = self.client(tcp=True)
        code, texts = c.command("MAIL FROM:<s@x>")
        self.assertEqual((code, texts[0][:5]), (430, "4.7.0"))
        self.assertEqual(c.command("RCPT TO:<alice@x>")[0], 503)
        self.assertEqual(c.command("VRFY alice")[0], 430)
        self.assertEqual(c.command("DATA")[0], 503)
        with smtplib.LMTP("127.0.0.1", self.inst.port("lmtptcp")) as lmtp:
            with self.assertRaises(smtplib.SMTPSenderRefused) as cm:
                lmtp.sendmail("s@x", ["alice"], message("no auth"))
            self.assertEqual(cm.exception.smtp_code, 430)
        # The unix socket and `lmtpd -a` stay trusted.
        self.assertEqual(self.client().command("MAIL FROM:<s@x>")[0], 250)
        self.assertEqual(self.client(service="lmtptrusted").command("MAIL FROM:<s@x>")[0], 250)
        self.assertEqual(self.uids("user.alice"), [])

    def test_tcp_needs_auth_permanent_without_soft_noauth(self):
        self.start_lmtp({"soft_noauth": "no"})
        c = self.client(tcp=True)
        code, texts = c.command("MAIL FROM:<s@x>")
        self.assertEqual((code, texts[0][:5]), (530, "5.7.0"))
        self.assertEqual(c.command("VRFY alice")[0], 530)


if __name__ == "__main__":
    unittest.main()
