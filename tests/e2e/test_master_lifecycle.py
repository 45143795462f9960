"""cyrmaster start-up, events, shutdown, configuration errors, socket kinds."""

import os
import signal
import socket
import stat
import time
import unittest

from satrap_instance import Instance, LineClient, SatrapTestCase, Service


def read(path):
    try:
        with open(path) as f:
            return f.read()
    except FileNotFoundError:
        return ""


def write_script(inst, name, body):
    path = os.path.join(inst.root, name)
    with open(path, "w") as f:
        f.write("#!/bin/sh\n" + body)
    os.chmod(path, 0o755)
    return path


class MasterLifecycleTest(SatrapTestCase):

    def test_start_entries_run_in_order_before_first_accept(self):
        inst = self.make_instance(services=[Service("echo", "echo_service", prefork=1)])
        stamps = os.path.join(inst.root, "stamps")
        # Each START job sleeps a little and appends "<name> <time>".
        script = write_script(inst, "stamp", 'sleep 0.3; echo "$1 $(date +%%s.%%N)" >> %s\n' % stamps)
        inst.start_entries = [("first", script + " first"), ("second", script + " second"),
                              ("third", script + " third")]
        inst.start()
        with open(stamps) as f:
            lines = [line.split() for line in f]
        self.assertEqual([name for name, _ in lines], ["first", "second", "third"])
        times = [float(t) for _, t in lines]
        self.assertEqual(times, sorted(times))
        client = self.echo(inst)
        accepted = float(client.greeting.split("time=")[1])
        self.assertGreater(accepted, times[-1])

    def test_port_refuses_until_start_entries_finish(self):
        inst = self.make_instance(services=[Service("echo", "echo_service")])
        script = write_script(inst, "slow", "sleep 2\n")
        inst.start_entries = [("slow", script)]
        inst.write_imapd_conf()
        inst.write_cyrus_conf()
        inst.chown_tree()
        import subprocess
        inst.log_file = open(inst.log_path, "ab")
        inst.process = subprocess.Popen(inst.master_command(), stdout=inst.log_file,
                                        stderr=subprocess.STDOUT)
        inst.master_pid = inst.process.pid
        time.sleep(0.8)
        with self.assertRaises(ConnectionRefusedError):
            socket.create_connection(("127.0.0.1", inst.port("echo")), timeout=2)
        inst.wait_for_log(r"ready for work")
        self.echo(inst).command("QUIT")

    def test_periodic_event_fires_repeatedly(self):
        inst = self.make_instance(env={"SATRAP_EVENT_MINUTE_SECONDS": "1"})
        marks = os.path.join(inst.root, "marks")
        script = write_script(inst, "mark", 'echo tick >> %s\n' % marks)
        once = write_script(inst, "once", 'echo once >> %s\n' % marks)
        inst.events = [("tick", script, "period=1"), ("single", once, "")]
        inst.start()
        inst.wait_until(lambda: read(marks).count("tick") >= 3,
                        timeout=10, message="three ticks")
        time.sleep(1.5)
        self.assertEqual(read(marks).count("once"), 1)

    def test_sigterm_stops_everything_and_removes_pidfile(self):
        inst = self.start_instance(services=[Service("echo", "echo_service", prefork=3)],
                                   daemons=[("sleeper", "/bin/sleep 1000")])
        pids = inst.wait_until(lambda: inst.workers("echo") if len(inst.workers("echo")) == 3 else None,
                               message="three workers")
        daemon = inst.wait_until(lambda: [p for p in inst.children() if p not in pids],
                                 message="the daemon")
        self.assertTrue(os.path.exists(inst.pidfile))
        with open(inst.pidfile) as f:
            self.assertEqual(int(f.read()), inst.master_pid)
        start = time.time()
        os.kill(inst.master_pid, signal.SIGTERM)
        code = inst.process.wait(timeout=15)
        self.assertEqual(code, 0)
        self.assertLess(time.time() - start, 5)
        for pid in pids + daemon:
            self.assertFalse(inst.alive(pid), "process %d survived" % pid)
        self.assertFalse(os.path.exists(inst.pidfile))

    def test_sigterm_waits_for_busy_worker_to_finish(self):
        inst = self.start_instance(services=[Service("echo", "echo_service")])
        client = self.echo(inst)
        client.send("SLEEP 2")
        time.sleep(0.3)
        os.kill(inst.master_pid, signal.SIGTERM)
        self.assertEqual(client.readline(), "+OK slept")
        client.send("QUIT")
        self.assertEqual(inst.process.wait(timeout=15), 0)

    def test_bad_cyrus_conf_refuses_to_start_naming_file_and_line(self):
        inst = self.make_instance()
        with open(inst.cyrus_conf, "w") as f:
            f.write("SERVICES {\n  imap cmd=\"imapd\" listen=\"imap\"\n"
                    "  broken cmd=\"imapd\" listen=\"127.0.0.1:99999\"\n}\n")
        code, output = inst.run_master_expect_failure()
        self.assertEqual(code, 78)  # EX_CONFIG
        self.assertIn("%s:3: broken:" % inst.cyrus_conf, output)
        self.assertIn("port out of range", output)
        self.assertFalse(os.path.exists(inst.pidfile))

    def test_missing_cmd_refuses_to_start(self):
        inst = self.make_instance()
        with open(inst.cyrus_conf, "w") as f:
            f.write("START {\n}\nEVENTS {\n  checkpoint period=30\n}\n")
        code, output = inst.run_master_expect_failure()
        self.assertEqual(code, 78)
        self.assertIn("%s:4: checkpoint: cmd= is required" % inst.cyrus_conf, output)

    def test_udp_service_answers(self):
        inst = self.start_instance(services=[Service("fud", "echo_service", proto="udp")])
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.settimeout(10)
            s.sendto(b"hello", ("127.0.0.1", inst.port("fud")))
            data, _ = s.recvfrom(200)
        pid, text = data.decode().split(" ", 1)
        self.assertEqual(text, "hello")
        self.assertIn(int(pid), inst.workers("fud"))

    def test_unix_socket_service(self):
        inst = self.start_instance(services=[Service("lmtpunix", "echo_service", unix=True)])
        path = inst.socket_path("lmtpunix")
        mode = os.stat(path).st_mode
        self.assertTrue(stat.S_ISSOCK(mode))
        self.assertEqual(mode & 0o777, 0o777)
        client = LineClient(path)
        self.assertTrue(client.readline().startswith("+OK echo service=lmtpunix"))
        self.assertEqual(client.command("hello"), "hello")
        client.close()
        inst.stop()
        self.assertFalse(os.path.exists(path))

    def test_proc_entry_written_while_connected(self):
        inst = self.start_instance(services=[Service("echo", "echo_service")])
        client = self.echo(inst)
        pid = int(client.command("PID").split()[1])
        path = os.path.join(inst.configdir, "proc", str(pid))
        self.assertEqual(read(path), "echo\t[127.0.0.1]:%d\ttester\tINBOX\n"
                         % client.sock.getsockname()[1])
        client.command("QUIT")
        inst.wait_until(lambda: not os.path.exists(path), message="proc entry removed")


if __name__ == "__main__":
    unittest.main()
