"""APPEND's answers before the "+" of a synchronising literal (RFC 3501
§6.3.11): a missing target gets NO [TRYCREATE] and an over-limit size NO
[TOOBIG] at once, so the client never sends the message; the connection then
goes on with the next command."""


import unittest

from imap_support import ImapTestCase


class ImapAppendEarlyAnswerTest(ImapTestCase):

    def setUp(self):
        self.start_imap(options={"autocreate_quota": "0", "maxmessagesize": "1000"})
        self.c = self.raw("imaps", tls=True)
        self.assertIn("OK", self.c.command("l", "LOGIN alice alice-secret")[-1])

    def first_line_after(self, text):
        self.c.send(text)
        return self.c.readline()

    def test_missing_mailbox_is_refused_before_the_literal(self):
        line = self.first_line_after("a1 APPEND INBOX.nope {20}\r\n")
        self.assertEqual(line, "a1 NO [TRYCREATE] Mailbox does not exist")
        # The 20 bytes were never sent; the next command works.
        self.assertEqual(self.c.command("a2", "NOOP")[-1], "a2 OK Completed")

    def test_mailbox_of_another_user_is_refused_before_the_literal(self):
        line = self.first_line_after("a1 APPEND user.bob {20}\r\n")
        self.assertTrue(line.startswith("a1 NO "), line)

    def test_over_limit_size_is_refused_before_the_literal(self):
        line = self.first_line_after("a1 APPEND INBOX {5000}\r\n")
        self.assertEqual(line, "a1 NO [TOOBIG] Message too big")
        self.assertEqual(self.c.command("a2", "NOOP")[-1], "a2 OK Completed")

    def test_existing_mailbox_gets_the_continuation_and_the_message(self):
        message = b"Subject: x\r\n\r\nhello\r\n"
        line = self.first_line_after("a1 APPEND INBOX (\\Seen) {%d}\r\n" % len(message))
        self.assertTrue(line.startswith("+ "), line)
        self.c.send(message + b"\r\n")
        self.assertRegex(self.c.read_until_tagged("a1")[-1], r"^a1 OK \[APPENDUID \d+ 1\]")
        status = self.c.command("s", "STATUS INBOX (MESSAGES)")
        self.assertIn("* STATUS INBOX (MESSAGES 1)", status)

    def test_not_logged_in_is_refused_before_the_literal(self):
        c = self.raw("imaps", tls=True)
        c.send("a1 APPEND INBOX {20}\r\n")
        self.assertEqual(c.readline(), "a1 BAD Please login first")

    def test_nonsync_literal_to_missing_mailbox_still_answers_trycreate(self):
        self.c.send("a1 APPEND INBOX.nope {5+}\r\nhello\r\n")
        self.assertEqual(self.c.read_until_tagged("a1")[-1],
                         "a1 NO [TRYCREATE] Mailbox does not exist")


if __name__ == "__main__":
    unittest.main()
