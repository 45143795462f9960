"""lmtpd and bad input: every kind is refused with an RFC 3463 code, the
session goes on where the protocol allows, and nothing is stored."""

import os
import socket
import time
import unittest

from test_lmtp_basic import LmtpTestCase, message


class LmtpErrorsTest(LmtpTestCase):

    def data_reply(self, c, body, recipients=("alice@x",)):
        c.assertcode(c.command("MAIL FROM:<s@x>"), 250)
        for r in recipients:
            c.assertcode(c.command("RCPT TO:<%s>" % r), 250)
        c.assertcode(c.command("DATA"), 354)
        c.send(body + b".\r\n")
        return [c.reply() for _ in recipients]

    def test_bad_message_bytes(self):
        self.start_lmtp()
        c = self.client()
        cases = [
            (b"Subject: nul\r\n\r\na\x00b\r\n", 554, "5.6.0"),
            (b"Subject: lf\r\n\r\nbare\nlf\r\n", 554, "5.6.0"),
            (b"Subject: cr\r\n\r\nbare\rcr\r\n", 554, "5.6.0"),
            (b"Subject: long\r\n\r\n" + b"x" * (2 * 1024 * 1024) + b"\r\n", 554, "5.6.0"),
        ]
        for body, code, enhanced in cases:
            with self.subTest(body=body[:20]):
                replies = self.data_reply(c, body, recipients=("alice@x", "bob@x"))
                self.assertEqual([r[0] for r in replies], [code, code])
                self.assertTrue(replies[0][1][0].startswith(enhanced), replies)
        self.assertEqual(c.command("NOOP")[0], 250)
        self.assertEqual(self.uids("user.alice"), [])

    def test_message_over_the_size_limit(self):
        self.start_lmtp({"maxmessagesize": "10000"})
        c = self.client()
        self.assertEqual(c.command("MAIL FROM:<s@x> SIZE=20000")[0], 552)
        replies = self.data_reply(c, message("big", body="y" * 20000))
        self.assertEqual(replies[0][0], 552)
        self.assertTrue(replies[0][1][0].startswith("5.3.4"))
        replies = self.data_reply(c, message("small"))
        self.assertEqual(replies[0][0], 250)
        self.assertEqual(len(self.uids("user.alice")), 1)

    def test_command_line_errors(self):
        self.start_lmtp()
        c = self.client()
        c.send(b"NOOP\n")
        self.assertEqual(c.reply()[0], 500)
        c.send(b"NO\x00OP\r\n")
        self.assertEqual(c.reply()[0], 500)
        c.send(b"NOOP " + b"a" * 100000 + b"\r\n")
        self.assertEqual(c.reply(), (500, ["5.5.2 Line too long"]))
        self.assertEqual(c.command("NOOP")[0], 250)

    def test_data_without_recipients(self):
        self.start_lmtp()
        c = self.client()
        self.assertEqual(c.command("DATA")[0], 503)
        c.assertcode(c.command("MAIL FROM:<s@x>"), 250)
        self.assertEqual(c.command("RCPT TO:<nobody@x>")[0], 550)
        code, texts = c.command("DATA")
        self.assertEqual(code, 503)
        self.assertTrue(texts[0].startswith("5.5.1"))

    def test_client_vanishing_mid_data_stores_nothing(self):
        self.start_lmtp()
        for _ in range(3):
            c = self.client()
            c.assertcode(c.command("MAIL FROM:<s@x>"), 250)
            c.assertcode(c.command("RCPT TO:<alice@x>"), 250)
            c.assertcode(c.command("DATA"), 354)
            c.send(b"Subject: cut\r\n\r\n" + b"z" * 100000)
            c.sock.shutdown(socket.SHUT_RDWR)
            c.close()
        self.inst.wait_for_log(r"client left during DATA", count=3)
        self.assertEqual(self.uids("user.alice"), [])
        # No stray files in the mailbox folder either.
        for dirpath, _, files in os.walk(self.inst.spool):
            for name in files:
                self.assertTrue(name.startswith("cyrus."), os.path.join(dirpath, name))
        c = self.client()
        self.assertEqual(self.data_reply(c, message("after"))[0][0], 250)

    def test_smtp_greeting_is_refused(self):
        self.start_lmtp()
        c = self.client()
        self.assertEqual(c.command("EHLO x")[0], 500)
        self.assertEqual(c.command("HELO x")[0], 500)


if __name__ == "__main__":
    unittest.main()
