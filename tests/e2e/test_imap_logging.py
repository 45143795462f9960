"""The client's name in imapd's log lines: reverse DNS by default, as Cyrus
always does ("localhost [127.0.0.1]"), the address alone with
reverse_lookups: no (a Satrap option, for sites whose DNS is slow)."""

import unittest

from imap_support import ImapTestCase


class ImapReverseLookupTest(ImapTestCase):

    def login_and_log(self):
        c = self.login("alice")
        c.logout()
        self.inst.wait_for_log(r"login: .* alice ")
        return self.inst.log()

    def test_default_logs_the_host_name(self):
        self.start_imap()
        log = self.login_and_log()
        self.assertRegex(log, r"accepted connection from localhost \[127\.0\.0\.1\]")
        self.assertRegex(log, r"login: localhost \[127\.0\.0\.1\] alice ")

    def test_reverse_lookups_off_logs_the_address_only(self):
        self.start_imap(options={"reverse_lookups": "no"})
        log = self.login_and_log()
        self.assertRegex(log, r"accepted connection from \[127\.0\.0\.1\]")
        self.assertRegex(log, r"login: \[127\.0\.0\.1\] alice ")
        self.assertNotIn("localhost [127.0.0.1]", log)


if __name__ == "__main__":
    unittest.main()
