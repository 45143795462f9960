"""Crash recovery without an operator: a process killed inside Berkeley DB
leaves the shared environment needing recovery. cyrmaster notices (a fresh
worker's failchk says so), stops every process of the environment, runs
`ctl_cyrusdb -r` and starts the services again, so deliveries are deferred
for a few seconds, never bounced, and nothing acknowledged is lost.

The first test makes it happen on purpose (db_die_inside dies with a page
latched); the second SIGKILLs busy workers at random under mixed IMAP and
LMTP load."""

import imaplib
import os
import random
import re
import signal
import threading
import time
import unittest

from imap_support import USERS, ImapTestCase
from satrap_instance import Service, bin_dir, run_as_cyrus
from test_lmtp_basic import LmtpClient

# How long deliveries may be deferred after a death inside the library. The
# recovery itself takes well under a second; the rest is the grace given to
# busy workers (2 s) and starting fresh ones under the sanitizers.
OUTAGE_BOUND = 10.0


def numbered(tag):
    return ("Message-ID: <%s@test>\r\nX-Seq: %s\r\nSubject: %s\r\n\r\nbody %s\r\n"
            % (tag, tag, tag, tag)).encode()


class DbRecoveryTest(ImapTestCase):

    def setUp(self):
        super().setUp()
        inst = self.make_instance(
            services=[Service("lmtp", "lmtpd", unix=True, prefork=1),
                      Service("imap", "imapd", prefork=1)],
            start=[("recover", "ctl_cyrusdb -r")],
            imapd_options={"admins": "admin", "failedloginpause": "0", "allowplaintext": "yes",
                           "duplicatesuppression": "yes"})
        inst.imapd_options["lmtpsocket"] = inst.socket_path("lmtp")
        for user, password in USERS.items():
            inst.create_user(user, password)
        inst.expected_log += [r"signaled to death by 9", r"[Pp]anic|recover"]
        inst.start()
        self.inst = inst
        self.tool("create", "alice")
        # A quota root makes every delivery write quota.db too.
        self.tool("setquota", "user.alice", "1000000")

    def tool(self, *args):
        cmd = [os.path.join(bin_dir(), "lmtpd_store_tool"), self.inst.imapd_conf] + list(args)
        result = run_as_cyrus(cmd)
        self.assertEqual(result.returncode, 0, result.stderr.decode())
        return result.stdout.decode()

    def stored(self):
        """X-Seq of every message in alice's INBOX, in uid order."""
        lines = self.tool("field", "user.alice", "X-Seq").splitlines()
        return [line.split(" ", 1)[1] for line in lines]

    def deliver_once(self, tag, timeout=10):
        """The reply code for one delivery, or None when the connection failed."""
        try:
            c = LmtpClient(self.inst.socket_path("lmtp"), timeout=timeout)
            try:
                c.command("LHLO test")
                _, replies = c.transaction("s@x", ["alice@x"], numbered(tag))
                return replies[0][0]
            finally:
                c.close()
        except (OSError, EOFError, AssertionError):
            return None

    def deliver_until_accepted(self, tag):
        """Delivers `tag` until it gets a 250 or OUTAGE_BOUND passes; returns
        the last reply code (None for a failed connection)."""
        start = time.time()
        codes = []
        while time.time() - start < OUTAGE_BOUND:
            code = self.deliver_once(tag)
            codes.append(code)
            if code == 250:
                break
            time.sleep(0.1)
        # Deferred or cut off meanwhile, never refused for good.
        self.assertEqual([c for c in codes if c is not None and c >= 500], [])
        return codes[-1]

    def test_death_inside_berkeley_db_is_recovered_without_an_operator(self):
        self.assertEqual(self.deliver_once("before"), 250)
        session = self.login("alice", service="imap")
        self.assertEqual(session.select("INBOX")[0], "OK")
        # Dies with a page latched: the environment now needs recovery.
        result = run_as_cyrus([os.path.join(bin_dir(), "db_die_inside"),
                               os.path.join(self.inst.configdir, "db")])
        self.assertEqual(result.returncode, -signal.SIGKILL, result.stderr.decode())
        # The dead process is usually a worker: kill the idle LMTP worker as
        # well, so the master sees a worker die by a signal.
        start = time.time()
        for pid in self.inst.workers("lmtp"):
            os.kill(pid, signal.SIGKILL)
        self.assertEqual(self.deliver_until_accepted("after"), 250,
                         "still deferred after %.0f s\n%s" % (OUTAGE_BOUND, self.inst.log()))
        log = self.inst.log()
        self.assertRegex(log, r"the database environment needs recovery")
        self.assertRegex(log, r"database recovery: running .*ctl_cyrusdb -r")
        self.assertIn("database recovery done", log)
        self.assertEqual(self.stored(), ["before", "after"])
        # The IMAP session of before was stopped for the recovery; a new one
        # sees both messages.
        with self.assertRaises((imaplib.IMAP4.abort, imaplib.IMAP4.error, OSError)):
            session.noop()
        fresh = self.login("alice", service="imap")
        typ, data = fresh.select("INBOX")
        self.assertEqual((typ, data), ("OK", [b"2"]))

    def test_random_sigkills_under_mixed_load(self):
        duration = float(os.environ.get("SATRAP_RECOVERY_LOAD_SECONDS", "30"))
        stop = threading.Event()
        lock = threading.Lock()
        acked, appended, replies = [], [], []  # replies: (time, code or None)

        def deliverer(index):
            n = 0
            while not stop.is_set():
                n += 1
                tag = "l%d-%d" % (index, n)
                code = self.deliver_once(tag)
                with lock:
                    replies.append((time.time(), code))
                    if code == 250:
                        acked.append(tag)
                if code is None:
                    time.sleep(0.05)

        def imap_client(index):
            n = 0
            conn = None
            while not stop.is_set():
                try:
                    if conn is None:
                        conn = imaplib.IMAP4("127.0.0.1", self.inst.port("imap"), timeout=10)
                        conn.login("alice", USERS["alice"])
                        conn.select("INBOX")
                    n += 1
                    tag = "i%d-%d" % (index, n)
                    typ, _ = conn.append("INBOX", None, None, numbered(tag))
                    if typ == "OK":
                        with lock:
                            appended.append(tag)
                    conn.store("1:*", "+FLAGS", "\\Seen")
                    folder = "Tmp%d" % index
                    conn.create(folder)
                    conn.delete(folder)
                except (imaplib.IMAP4.abort, imaplib.IMAP4.error, OSError, EOFError):
                    conn = None
                    time.sleep(0.05)

        threads = [threading.Thread(target=deliverer, args=(i,)) for i in range(3)]
        threads += [threading.Thread(target=imap_client, args=(i,)) for i in range(2)]
        for t in threads:
            t.start()
        proc_dir = os.path.join(self.inst.configdir, "proc")
        kills = 0
        end = time.time() + duration
        try:
            while time.time() < end:
                time.sleep(random.uniform(0.05, 0.25))
                busy = [int(p) for p in os.listdir(proc_dir) if p.isdigit()]
                if busy:
                    try:
                        os.kill(random.choice(busy), signal.SIGKILL)
                        kills += 1
                    except ProcessLookupError:
                        pass
        finally:
            stop.set()
            for t in threads:
                t.join(timeout=60)
        self.assertGreater(kills, 10)
        self.assertGreater(len(acked), 20, "too few deliveries got through")
        # No outage longer than the bound: from the first reply that was not
        # a 250 to the next 250.
        replies.sort()
        longest, since = 0.0, None
        for when, code in replies:
            if code == 250:
                if since is not None:
                    longest = max(longest, when - since)
                since = None
            elif since is None:
                since = when
            self.assertFalse(code is not None and code >= 500, "a delivery was refused: %s" % code)
        self.assertLess(longest, OUTAGE_BOUND, "deliveries deferred for %.1f s" % longest)
        # Once things are calm (the last kill may have started a recovery),
        # every acknowledged message is there once.
        self.assertEqual(self.deliver_until_accepted("final"), 250, self.inst.log()[-3000:])
        counts = {}
        for seq in self.stored():
            counts[seq] = counts.get(seq, 0) + 1
        self.assertEqual([s for s, c in counts.items() if c > 1], [], "stored twice")
        self.assertEqual([s for s in acked + appended if s not in counts], [],
                         "acknowledged but lost")
        print("kills %d, deliveries %d, appends %d, recoveries %d, longest outage %.2f s"
              % (kills, len(acked), len(appended),
                 len(re.findall("database recovery done", self.inst.log())), longest))


if __name__ == "__main__":
    unittest.main()
