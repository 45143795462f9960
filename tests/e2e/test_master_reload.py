"""SIGHUP: cyrmaster re-reads its configuration without cutting connections."""

import socket
import time
import unittest

from satrap_instance import SatrapTestCase, Service


def refused(port):
    try:
        socket.create_connection(("127.0.0.1", port), timeout=2).close()
        return False
    except ConnectionRefusedError:
        return True


class MasterReloadTest(SatrapTestCase):

    def test_sighup_adds_and_removes_services(self):
        keep = Service("echo", "echo_service", prefork=1)
        gone = Service("old", "echo_service", prefork=1)
        inst = self.start_instance(services=[keep, gone])
        in_progress = self.echo(inst, "old")
        added = Service("new", "echo_service")
        inst.reconfigure(services=[keep, added])
        # The added service accepts; the removed one stops listening...
        client = self.echo(inst, "new")
        self.assertEqual(client.command("ping"), "ping")
        inst.wait_until(lambda: refused(gone.port), message="removed port to refuse")
        # ...but its connection in progress goes on, then its worker leaves.
        self.assertEqual(in_progress.command("still here"), "still here")
        pid = int(in_progress.command("PID").split()[1])
        in_progress.command("QUIT")
        inst.wait_until(lambda: not inst.alive(pid), message="removed service's worker to exit")
        self.assertEqual(inst.workers("old"), [])
        # The untouched service kept its worker.
        self.assertEqual(self.echo(inst, "echo").command("ping"), "ping")

    def test_changed_service_restarts_workers_on_same_socket(self):
        svc = Service("echo", "echo_service", prefork=2)
        inst = self.start_instance(services=[svc])
        old = set(inst.wait_until(lambda: inst.workers("echo") if len(inst.workers("echo")) == 2 else None,
                                  message="two workers"))
        busy = self.echo(inst)
        busy_pid = int(busy.command("PID").split()[1])
        changed = Service("echo", "echo_service -U 5", listen=svc.listen, prefork=1)
        inst.reconfigure(services=[changed])
        inst.wait_until(lambda: [p for p in inst.workers("echo") if p not in old],
                        message="a new-generation worker")
        # The busy old worker finishes its connection undisturbed.
        self.assertEqual(busy.command("ping"), "ping")
        busy.command("QUIT")
        inst.wait_until(lambda: not inst.alive(busy_pid), message="old busy worker to leave")
        inst.wait_until(lambda: not (set(inst.workers("echo")) & old), message="old workers gone")
        self.assertEqual(self.echo(inst).command("ping"), "ping")

    def test_bad_reload_keeps_running_configuration(self):
        svc = Service("echo", "echo_service")
        inst = self.start_instance(services=[svc])
        with open(inst.cyrus_conf, "a") as f:
            f.write("SERVICES {\n  bad cmd=\"x\" listen=\"[::1\"\n}\n")
        import os, signal
        os.kill(inst.master_pid, signal.SIGHUP)
        inst.wait_for_log(r"reload refused")
        self.assertIn("%s:" % inst.cyrus_conf, inst.log())
        self.assertEqual(self.echo(inst).command("ping"), "ping")


if __name__ == "__main__":
    unittest.main()
