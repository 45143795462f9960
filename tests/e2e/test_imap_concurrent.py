"""Several sessions on one mailbox through a real cyrmaster: other
sessions' appends, flag changes and expunges reach a client as EXISTS,
FETCH and EXPUNGE at the moments RFC 3501 §7 allows, and at once during
IDLE (woken by the index changing, not by the 60 s poll)."""

import time
import unittest

from imap_support import ImapTestCase

MESSAGE = b"From: a@example.com\r\nSubject: hi\r\n\r\nbody\r\n"


class ImapConcurrentTest(ImapTestCase):

    def setUp(self):
        self.start_imap(options={"autocreate_quota": "0"})
        self.writer = self.login("alice")
        for _ in range(3):
            self.writer.append("INBOX", None, None, MESSAGE)
        self.writer.select("INBOX")
        self.reader = self.raw("imaps", tls=True)
        self.reader.command("l", "LOGIN alice alice-secret")
        lines = self.reader.command("s", "SELECT INBOX")
        self.assertIn("* 3 EXISTS", lines)

    def test_append_by_another_session_shows_on_noop(self):
        self.writer.append("INBOX", None, None, MESSAGE)
        lines = self.reader.command("n", "NOOP")
        self.assertIn("* 4 EXISTS", lines)
        self.assertEqual(lines[-1], "n OK Completed")

    def test_flag_change_by_another_session_shows_as_fetch(self):
        self.writer.store("2", "+FLAGS", r"(\Flagged)")
        lines = self.reader.command("n", "NOOP")
        self.assertTrue(any(l.startswith("* 2 FETCH (FLAGS (\\Flagged") for l in lines), lines)

    def test_expunge_waits_for_an_allowed_moment(self):
        self.writer.store("1", "+FLAGS", r"(\Deleted)")
        self.writer.expunge()
        # FETCH by sequence number may not announce the expunge ...
        lines = self.reader.command("f", "FETCH 1:* (UID)")
        self.assertFalse([l for l in lines if l.endswith("EXPUNGE")], lines)
        self.assertIn("* 1 FETCH (UID 1)", lines)
        # ... NOOP must.
        lines = self.reader.command("n", "NOOP")
        self.assertIn("* 1 EXPUNGE", lines)
        lines = self.reader.command("f2", "FETCH 1:* (UID)")
        self.assertEqual(lines[:2], ["* 1 FETCH (UID 2)", "* 2 FETCH (UID 3)"])

    def test_uid_fetch_may_announce_expunges(self):
        self.writer.store("3", "+FLAGS", r"(\Deleted)")
        self.writer.expunge()
        lines = self.reader.command("u", "UID FETCH 1:* (FLAGS)")
        self.assertIn("* 3 EXPUNGE", lines)

    def test_idle_wakes_at_once(self):
        self.reader.send("i IDLE\r\n")
        self.assertEqual(self.reader.readline(), "+ idling")
        start = time.time()
        self.writer.append("INBOX", None, None, MESSAGE)
        self.reader.sock.settimeout(10)
        line = self.reader.readline()
        self.assertEqual(line, "* 4 EXISTS")
        self.assertLess(time.time() - start, 3)
        self.writer.store("1", "+FLAGS", r"(\Deleted)")
        self.writer.expunge()
        lines = [self.reader.readline() for _ in range(1)]
        while not any(l.endswith("EXPUNGE") for l in lines):
            lines.append(self.reader.readline())
        self.assertIn("* 1 EXPUNGE", lines)
        self.reader.send("DONE\r\n")
        self.assertEqual(self.reader.read_until_tagged("i")[-1], "i OK Idle completed")

    def test_idle_in_authenticated_state_and_bad_end(self):
        client = self.raw("imaps", tls=True)
        client.command("l", "LOGIN bob bob-secret")
        client.send("i IDLE\r\n")
        self.assertEqual(client.readline(), "+ idling")
        client.send("NOPE\r\n")
        self.assertEqual(client.readline(), "i BAD Expected DONE")

    def test_many_sessions_append_at_once(self):
        clients = [self.login("alice") for _ in range(4)]
        for round_ in range(5):
            for c in clients:
                self.assertEqual(c.append("INBOX", None, None, MESSAGE)[0], "OK")
        lines = self.reader.command("n", "NOOP")
        self.assertIn("* 23 EXISTS", lines)
        typ, data = self.writer.select("INBOX")
        self.assertEqual(data, [b"23"])


if __name__ == "__main__":
    unittest.main()
