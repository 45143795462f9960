"""FETCH of a whole 20 MB message streams it from the message file: the
worker's peak resident set (VmHWM, reset through /proc/<pid>/clear_refs)
grows by far less than the message while BODY[], BODY[]<partial> and RFC822
go out, and the bytes are the message's."""

import os
import unittest

from imap_support import ImapTestCase

SIZE = 20 * 1024 * 1024


def hwm_kb(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    raise AssertionError("no VmHWM for %d" % pid)


def sanitized(pid):
    with open("/proc/%d/maps" % pid) as f:
        return "libasan" in f.read()


class ImapFetchStreamTest(ImapTestCase):

    def setUp(self):
        self.start_imap(options={"autocreate_quota": "0"})
        line = b"x" * 998 + b"\r\n"
        body = line * (SIZE // len(line))
        self.message = b"Subject: big\r\n\r\n" + body
        c = self.login("alice")
        self.assertEqual(c.append("INBOX", None, None, self.message)[0], "OK")
        c.logout()

    def reset_peaks(self):
        pids = self.inst.workers("imaps")
        for pid in pids:
            try:
                with open("/proc/%d/clear_refs" % pid, "w") as f:
                    f.write("5")
            except OSError as e:
                raise unittest.SkipTest("cannot reset VmHWM: %s" % e)
        return {pid: hwm_kb(pid) for pid in pids}

    def test_whole_message_fetches_do_not_hold_the_message_in_memory(self):
        c = self.login("alice")
        c.select("INBOX", readonly=True)
        before = self.reset_peaks()
        for item, want in (("BODY.PEEK[]", self.message),
                           ("BODY.PEEK[]<1000.5000000>", self.message[1000:5001000]),
                           ("RFC822", self.message)):
            typ, data = c.fetch("1", "(%s)" % item)
            self.assertEqual(typ, "OK")
            self.assertEqual(len(data[0][1]), len(want), item)
            self.assertTrue(data[0][1] == want, item)
        growth = max(hwm_kb(pid) - kb for pid, kb in before.items())
        # AddressSanitizer keeps freed memory in quarantine instead of
        # reusing it, so peak RSS says nothing about the code under it.
        if any(sanitized(pid) for pid in before):
            return
        self.assertLess(growth, SIZE // 1024 // 4, "worker peak RSS grew by %d KiB" % growth)


if __name__ == "__main__":
    unittest.main()
