"""pop3d end to end: RFC 1939 sessions over clear text with Python's poplib.

Mail is put into INBOXes with pop3d_mail_tool (the store's API), and the
tests check both the transcript and what is left in the store afterwards.
Pop3TestCase is the shared base of every test_pop3_*.py file.
"""

import os
import poplib
import socket
import ssl
import unittest

from satrap_instance import SatrapTestCase, Service, bin_dir, run_as_cyrus


def message(n, body=None, size=0):
    """A small CRLF message numbered n."""
    text = "From: sender@example.com\r\nTo: alice@example.com\r\nSubject: message %d\r\n\r\n" % n
    text += body if body is not None else "Body of message %d.\r\n" % n
    if size:
        line = "x" * 76 + "\r\n"
        text += line * (size // len(line))
    return text.encode()


def client_context():
    """A TLS client context that accepts the test's self-signed certificate."""
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    return ctx


class RawPop:
    """Byte-level POP3 client for tests that need exact wire control."""

    def __init__(self, port, tls=False, timeout=20):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        if tls:
            self.sock = client_context().wrap_socket(self.sock, server_hostname="localhost")
        self.file = self.sock.makefile("rb")
        self.greeting = self.readline()

    def send(self, data):
        if isinstance(data, str):
            data = data.encode()
        self.sock.sendall(data)

    def readline(self):
        return self.file.readline().decode(errors="replace").rstrip("\r\n")

    def command(self, line):
        self.send(line + "\r\n")
        return self.readline()

    def multiline(self):
        """The lines of a multi-line body, up to the terminating '.'."""
        lines = []
        while True:
            line = self.file.readline()
            if line in (b".\r\n", b""):
                return lines
            lines.append(line.decode(errors="replace").rstrip("\r\n"))

    def starttls(self):
        self.file.close()
        self.sock = client_context().wrap_socket(self.sock, server_hostname="localhost")
        self.file = self.sock.makefile("rb")

    def closed(self):
        """True when the server has closed the connection."""
        try:
            return self.file.readline() == b""
        except OSError:
            return True

    def close(self):
        try:
            self.file.close()
            self.sock.close()
        except OSError:
            pass


class Pop3TestCase(SatrapTestCase):
    """Starts cyrmaster with pop3 (and pop3s) and fills mailboxes."""

    services = None  # default: pop3 and pop3s

    def start_pop3(self, options=None, certificate=True, users=(("alice", "secret"),),
                   services=None):
        imapd_options = {"allowplaintext": "yes", "failedloginpause": "0"}
        imapd_options.update(options or {})
        inst = self.make_instance(
            services=services or [Service("pop3", "pop3d -T 30"), Service("pop3s", "pop3d -s -T 30")],
            imapd_options=imapd_options)
        for user, password in users:
            inst.create_user(user, password)
        if certificate:
            inst.make_certificate()
        inst.start()
        self.inst = inst
        for user, _ in users:
            self.mail_tool("create", user)
        return inst

    def mail_tool(self, *args):
        """Runs pop3d_mail_tool as the cyrus user; returns its output."""
        cmd = [os.path.join(bin_dir(), "pop3d_mail_tool"), self.inst.imapd_conf] + list(args)
        result = run_as_cyrus(cmd)
        if result.returncode != 0:
            self.fail("pop3d_mail_tool %s: %s" % (" ".join(args), result.stderr.decode()))
        return result.stdout.decode()

    def deliver(self, user, *messages):
        paths = []
        for i, data in enumerate(messages):
            path = os.path.join(self.inst.root, "msg-%d-%d" % (os.getpid(), i))
            with open(path, "wb") as f:
                f.write(data)
            os.chmod(path, 0o644)
            paths.append(path)
        self.mail_tool("append", user, *paths)
        for path in paths:
            os.unlink(path)

    def stored(self, user):
        """{'uidvalidity': n, 'uids': [...], 'quota': (bytes, messages) or None}"""
        out = {}
        for line in self.mail_tool("show", user).splitlines():
            key, _, rest = line.partition(" ")
            if key == "uidvalidity":
                out[key] = int(rest)
            elif key == "uids":
                out[key] = [int(x) for x in rest.split()]
            elif key == "quota":
                out[key] = None if rest == "none" else tuple(int(x) for x in rest.split())
        return out

    def pop(self, service="pop3"):
        client = poplib.POP3("127.0.0.1", self.inst.port(service), timeout=10)
        self.addCleanup(self._close, client)
        return client

    def login(self, user="alice", password="secret", service="pop3"):
        client = self.pop(service)
        client.user(user)
        client.pass_(password)
        return client

    @staticmethod
    def _close(client):
        try:
            client.close()
        except OSError:
            pass

    def client(self, service="pop3", tls=None):
        """A RawPop past the greeting (TLS from the start on pop3s)."""
        client = RawPop(self.inst.port(service), tls=(service == "pop3s") if tls is None else tls)
        self.addCleanup(client.close)
        return client

    def raw(self, service="pop3"):
        """A raw socket past the greeting: (sock, file, greeting)."""
        sock = socket.create_connection(("127.0.0.1", self.inst.port(service)), timeout=10)
        f = sock.makefile("rb")
        self.addCleanup(sock.close)
        self.addCleanup(f.close)
        greeting = f.readline()
        return sock, f, greeting


class BasicSessionTest(Pop3TestCase):

    def test_greeting_stat_list_retr_quit(self):
        self.start_pop3()
        self.deliver("alice", message(1), message(2), message(3))
        client = self.login()
        self.assertTrue(client.getwelcome().startswith(b"+OK"), client.getwelcome())
        count, size = client.stat()
        self.assertEqual(count, 3)
        self.assertEqual(size, len(message(1)) + len(message(2)) + len(message(3)))
        response, listing, _ = client.list()
        self.assertEqual(listing, [b"1 %d" % len(message(1)), b"2 %d" % len(message(2)),
                                   b"3 %d" % len(message(3))])
        self.assertEqual(client.list(2), b"+OK 2 %d" % len(message(2)))
        response, lines, octets = client.retr(2)
        self.assertTrue(response.startswith(b"+OK"))
        self.assertEqual(b"\r\n".join(lines) + b"\r\n", message(2))
        self.assertEqual(client.quit()[:3], b"+OK")
        self.assertEqual(len(self.stored("alice")["uids"]), 3)

    def test_uidl_is_uidvalidity_dot_uid_and_stable(self):
        self.start_pop3()
        self.deliver("alice", message(1), message(2))
        state = self.stored("alice")
        expected = [b"%d.%d" % (state["uidvalidity"], uid) for uid in state["uids"]]
        client = self.login()
        _, listing, _ = client.uidl()
        self.assertEqual(listing, [b"1 " + expected[0], b"2 " + expected[1]])
        self.assertEqual(client.uidl(2), b"+OK 2 " + expected[1])
        client.dele(1)
        client.quit()
        # The next session numbers differently, but the survivor keeps its id.
        client = self.login()
        _, listing, _ = client.uidl()
        self.assertEqual(listing, [b"1 " + expected[1]])
        client.quit()

    def test_dele_applies_at_quit_and_quota_follows(self):
        self.start_pop3()
        self.mail_tool("setquota", "alice", "100000")
        self.deliver("alice", message(1), message(2), message(3))
        before = self.stored("alice")
        self.assertEqual(before["quota"],
                         (len(message(1)) + len(message(2)) + len(message(3)), 3))
        client = self.login()
        client.dele(1)
        client.dele(3)
        self.assertEqual(client.stat(), (1, len(message(2))))
        with self.assertRaises(poplib.error_proto):
            client.retr(1)  # marked deleted: "no such message"
        with self.assertRaises(poplib.error_proto):
            client.dele(1)
        # Nothing has changed in the store before QUIT.
        self.assertEqual(self.stored("alice")["uids"], before["uids"])
        client.quit()
        after = self.stored("alice")
        self.assertEqual(after["uids"], [before["uids"][1]])
        self.assertEqual(after["quota"], (len(message(2)), 1))

    def test_rset_unmarks(self):
        self.start_pop3()
        self.deliver("alice", message(1), message(2))
        client = self.login()
        client.dele(1)
        self.assertEqual(client.stat()[0], 1)
        self.assertTrue(client.rset().startswith(b"+OK"))
        self.assertEqual(client.stat()[0], 2)
        client.quit()
        self.assertEqual(len(self.stored("alice")["uids"]), 2)

    def test_dropped_connection_after_dele_keeps_the_mail(self):
        self.start_pop3()
        self.deliver("alice", message(1), message(2))
        sock, f, _ = self.raw()
        for line in (b"USER alice", b"PASS secret", b"DELE 1", b"DELE 2"):
            sock.sendall(line + b"\r\n")
            self.assertTrue(f.readline().startswith(b"+OK"), line)
        f.close()
        sock.close()
        self.inst.wait_for_log(r"session ended: user=alice .*reason=EOF")
        self.assertEqual(len(self.stored("alice")["uids"]), 2)
        client = self.login()
        self.assertEqual(client.stat()[0], 2)
        client.quit()

    def test_top_and_byte_stuffing(self):
        self.start_pop3()
        body = ".starts with a dot\r\nline two\r\n..two dots\r\n.\r\nlast\r\n"
        self.deliver("alice", message(1, body=body))
        sock, f, _ = self.raw()
        for line in (b"USER alice", b"PASS secret"):
            sock.sendall(line + b"\r\n")
            f.readline()
        sock.sendall(b"RETR 1\r\n")
        self.assertTrue(f.readline().startswith(b"+OK"))
        wire = b""
        while True:
            line = f.readline()
            if line == b".\r\n":
                break
            wire += line
        stuffed = b"".join((b"." + l if l.startswith(b".") else l)
                           for l in message(1, body=body).splitlines(keepends=True))
        self.assertEqual(wire, stuffed)
        sock.sendall(b"TOP 1 2\r\n")
        self.assertTrue(f.readline().startswith(b"+OK"))
        lines = []
        while True:
            line = f.readline()
            if line == b".\r\n":
                break
            lines.append(line)
        header = message(1, body="").split(b"\r\n\r\n")[0]
        self.assertEqual(b"".join(lines),
                         header + b"\r\n\r\n..starts with a dot\r\nline two\r\n")
        sock.sendall(b"QUIT\r\n")
        self.assertTrue(f.readline().startswith(b"+OK"))

    def test_large_message_streams_exactly(self):
        self.start_pop3()
        big = message(1, size=5 * 1024 * 1024)
        self.deliver("alice", big)
        client = self.login()
        self.assertEqual(client.list(1), b"+OK 1 %d" % len(big))
        _, lines, _ = client.retr(1)
        self.assertEqual(b"\r\n".join(lines) + b"\r\n", big)
        client.quit()

    def test_empty_maildrop(self):
        self.start_pop3()
        client = self.login()
        self.assertEqual(client.stat(), (0, 0))
        self.assertEqual(client.list()[1], [])
        self.assertEqual(client.uidl()[1], [])
        client.quit()


if __name__ == "__main__":
    unittest.main()
