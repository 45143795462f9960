"""Durability under SIGKILL: clients deliver a load of messages while lmtpd
workers, and once the master itself, are killed with SIGKILL at random
moments. Afterwards (recovery at restart), every message that got a 250 is
in its mailbox exactly once, none is there twice, and `reconstruct -n`
finds nothing to repair."""

import os
import random
import re
import signal
import threading
import time
import unittest

from satrap_instance import bin_dir, run_as_cyrus
from test_lmtp_basic import LmtpClient, LmtpTestCase

THREADS = 4
PER_THREAD = 200


class LmtpDurabilityTest(LmtpTestCase):

    def sender(self, index, acked, stop):
        """Delivers PER_THREAD numbered messages; records those answered 250."""
        client = None
        for n in range(PER_THREAD):
            if stop.is_set():
                break
            seq = "%d-%d" % (index, n)
            data = ("X-Seq: %s\r\nSubject: load %s\r\n\r\n%s\r\n" % (seq, seq, "b" * 4000)).encode()
            try:
                if client is None:
                    client = LmtpClient(self.inst.socket_path("lmtp"), timeout=10)
                    if client.greeting[0] != 220 or client.command("LHLO load")[0] != 250:
                        raise OSError("bad greeting")
                rcpt, replies = client.transaction("s@x", ["alice@x", "bob@x"], data)
                for (code, _), user in zip(replies, ("alice", "bob")):
                    if code == 250:
                        acked[user].append(seq)
            except (OSError, EOFError, AssertionError):
                if client is not None:
                    client.close()
                client = None
                time.sleep(0.05)
        if client is not None:
            client.close()

    def killer(self, stop, kill_master_at):
        start = time.time()
        master_killed = False
        while not stop.is_set():
            time.sleep(random.uniform(0.02, 0.15))
            if not master_killed and time.time() - start > kill_master_at:
                master_killed = True
                os.kill(self.inst.master_pid, signal.SIGKILL)
                self.inst.process.wait()
                time.sleep(0.2)
                ready = self.inst.log().count("ready for work")
                self.inst.start(write_config=False)
                self.inst.wait_for_log(r"ready for work", count=ready + 1)
                continue
            workers = self.inst.workers("lmtp")
            if workers:
                try:
                    os.kill(random.choice(workers), signal.SIGKILL)
                except ProcessLookupError:
                    pass

    def test_acknowledged_messages_survive_sigkill(self):
        self.start_lmtp({"duplicatesuppression": "no"})
        self.inst.expected_log.append(r"signaled to death by 9")
        self.inst.expected_log.append(r"[Pp]anic|recover")
        acked = {"alice": [], "bob": []}
        stop = threading.Event()
        senders = [threading.Thread(target=self.sender, args=(i, acked, stop))
                   for i in range(THREADS)]
        killer = threading.Thread(target=self.killer, args=(stop, 0.5))
        for t in senders:
            t.start()
        killer.start()
        for t in senders:
            t.join(timeout=300)
        stop.set()
        killer.join(timeout=60)
        # Restart: START runs ctl_cyrusdb -r, as after a real crash.
        ready = self.inst.log().count("ready for work")
        self.inst.stop()
        self.inst.start(write_config=False)
        self.inst.wait_for_log(r"ready for work", count=ready + 1)
        # The faults really happened: workers died by SIGKILL, the master was
        # restarted (one "ready for work" per start).
        self.assertIn("signaled to death by 9", self.inst.log())
        self.assertGreaterEqual(self.inst.log().count("ready for work"), 3)
        self.assertGreater(len(acked["alice"]), 20, "too few deliveries got through")
        for user in ("alice", "bob"):
            lines = self.tool("field", "user." + user, "X-Seq").decode().splitlines()
            stored = [line.split(" ", 1)[1] for line in lines]
            counts = {}
            for seq in stored:
                counts[seq] = counts.get(seq, 0) + 1
            twice = [seq for seq, c in counts.items() if c > 1]
            self.assertEqual(twice, [], "stored twice in %s" % user)
            missing = [seq for seq in acked[user] if seq not in counts]
            self.assertEqual(missing, [], "acknowledged but lost in %s" % user)
        # reconstruct -n: nothing to repair (exit 0, no "would repair" line).
        # lmtpd hands its O_TMPFILE spool to the store, which links it
        # straight in as "<uid>." under the index lock, so no named spool
        # file is ever left behind. But a worker killed between that link and
        # the index commit leaves "<uid>." at or past the index's uidnext: a
        # transaction that never got its 250 (the sender retries it). It is
        # not visible as a message (the X-Seq check above reads through the
        # index), and reconstruct removes it as a cleanup, never adds it.
        # Every report line must be such a cleanup (or a dead process's temp
        # file, or a quota charge the index does not match), and each file
        # must hold a message no client was told was delivered.
        result = self.run_reconstruct()
        output = result.stdout + result.stderr
        report = [line for line in output.splitlines() if line.strip()]
        uncommitted = re.compile(r"^would clean up: user\.(\w+): uid (\d+): "
                                 r"message file of an uncommitted append removed$")
        other_cleanup = re.compile(r"^would clean up: (?:user\.\w+: leftover \S+ of a dead "
                                   r"process removed|quota root user\.\w+: usage .*)$")
        for line in report:
            match = uncommitted.match(line)
            if match is None:
                self.assertRegex(line, other_cleanup, output)
                continue
            user, uid = match.group(1), match.group(2)
            with open(os.path.join(self.inst.spool, "user", user, uid + "."), "rb") as f:
                seq = re.search(rb"X-Seq: (\S+)", f.read()).group(1).decode()
            self.assertNotIn(seq, acked[user], "an acknowledged message would be removed")
        self.assertEqual(result.returncode, 0, output)

    def run_reconstruct(self):
        cmd = [os.path.join(bin_dir(), "reconstruct"), "-C", self.inst.imapd_conf, "-n", "-q"]
        return run_as_cyrus(cmd, timeout=120, text=True)


if __name__ == "__main__":
    unittest.main()
