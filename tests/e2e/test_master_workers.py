"""cyrmaster keeps worker pools: prefork, maxchild, -U, crash replacement,
privilege drop."""

import os
import signal
import socket
import time
import unittest

from satrap_instance import SatrapTestCase, Service


class MasterWorkersTest(SatrapTestCase):

    def test_prefork_count_kept_while_workers_busy(self):
        inst = self.start_instance(services=[Service("echo", "echo_service", prefork=2)])
        inst.wait_until(lambda: len(inst.workers("echo")) == 2, message="2 preforked workers")
        busy = self.echo(inst)
        # One worker is busy: the master forks another so two stay idle.
        inst.wait_until(lambda: len(inst.workers("echo")) == 3, message="a third worker")
        busy.command("QUIT")
        time.sleep(0.5)
        self.assertEqual(len(inst.workers("echo")), 3)

    def test_tcp_connections_have_nagle_off(self):
        # Replies are flushed in one write per burst; with Nagle on, the tail
        # of a reply would wait for the client's delayed ACK.
        inst = self.start_instance(services=[Service("echo", "echo_service")])
        client = self.echo(inst)
        self.assertEqual(client.command("NODELAY"), "+OK 1")
        client.command("QUIT")

    def test_maxchild_honoured_under_connection_burst(self):
        inst = self.start_instance(services=[Service("echo", "echo_service", maxchild=3)])
        clients = []
        for _ in range(8):
            s = socket.create_connection(("127.0.0.1", inst.port("echo")), timeout=10)
            clients.append(s)
        # Three greetings arrive; the other five wait in the backlog.
        greeted = []
        for s in clients[:8]:
            s.settimeout(0.2 if len(greeted) >= 3 else 5)
            try:
                if s.recv(200).startswith(b"+OK echo"):
                    greeted.append(s)
            except socket.timeout:
                pass
        self.assertEqual(len(greeted), 3)
        for _ in range(10):
            self.assertLessEqual(len(inst.workers("echo")), 3)
            time.sleep(0.05)
        # Closing the served ones lets the waiting clients in, three at a time.
        for s in greeted:
            s.sendall(b"QUIT\r\n")
            s.close()
        rest = [s for s in clients if s not in greeted]
        for s in rest:
            s.settimeout(10)
            self.assertTrue(s.recv(200).startswith(b"+OK echo"))
            s.sendall(b"QUIT\r\n")
            self.assertLessEqual(len(inst.workers("echo")), 3)
        for s in rest:
            s.close()

    def test_worker_retires_after_uses_and_is_replaced(self):
        # maxchild=1: one worker at a time, so both connections reach it.
        inst = self.start_instance(services=[Service("echo", "echo_service -U 2", maxchild=1)])
        first = self.echo(inst)
        pid = int(first.command("PID").split()[1])
        first.command("QUIT")
        second = self.echo(inst)
        self.assertEqual(int(second.command("PID").split()[1]), pid)
        second.command("QUIT")
        inst.wait_until(lambda: not inst.alive(pid), message="worker %d to retire" % pid)
        third = self.echo(inst)
        self.assertNotEqual(int(third.command("PID").split()[1]), pid)

    def test_killed_worker_is_logged_and_replaced(self):
        inst = self.start_instance(services=[Service("echo", "echo_service", prefork=1)])
        inst.expected_log.append(r"signaled to death by 9")
        [pid] = inst.wait_until(lambda: inst.workers("echo"), message="a worker")
        os.kill(pid, signal.SIGKILL)
        inst.wait_for_log(r"process %d exited, signaled to death by 9" % pid)
        new = inst.wait_until(lambda: [p for p in inst.workers("echo") if p != pid],
                              message="a replacement worker")
        client = self.echo(inst)
        self.assertIn(int(client.command("PID").split()[1]), new)

    def test_crashing_service_is_throttled_not_respawned_in_a_loop(self):
        inst = self.start_instance(services=[Service("broken", "/bin/false", prefork=1)])
        time.sleep(3)
        # 1s, then 2s delays: a handful of attempts, not hundreds.
        attempts = inst.log().count("(service broken)")
        self.assertGreaterEqual(attempts, 2)
        self.assertLessEqual(attempts, 4)
        self.assertIn("next start in", inst.log())

    @unittest.skipUnless(os.geteuid() == 0, "privilege drop needs root")
    def test_workers_run_as_cyrus_never_root(self):
        import pwd
        cyrus = pwd.getpwnam("cyrus").pw_uid
        inst = self.start_instance(services=[Service("echo", "echo_service", prefork=2)])
        pids = inst.wait_until(lambda: inst.workers("echo") if len(inst.workers("echo")) == 2 else None,
                               message="workers")
        for pid in pids + [inst.master_pid]:
            self.assertEqual(inst.uids(pid), (cyrus,) * 4)
        client = self.echo(inst)
        self.assertEqual(client.command("UID"), "+OK %d" % cyrus)

    @unittest.skipUnless(os.geteuid() == 0, "needs root")
    def test_worker_started_as_root_refuses(self):
        import subprocess
        from satrap_instance import bin_dir
        result = subprocess.run([os.path.join(bin_dir(), "echo_service"), "-L", "127.0.0.1:0"],
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=10)
        self.assertNotEqual(result.returncode, 0)
        self.assertIn(b"must not run as root", result.stdout)


if __name__ == "__main__":
    unittest.main()
