"""The Satrap end-to-end harness (our Cassandane).

An Instance is a private Satrap installation in a temporary folder:

    inst = Instance(services=[
        Service("imap", "imapd"),                  # 127.0.0.1:<free port>
        Service("imaps", "imapd -s"),
        Service("pop3", "pop3d"),
        Service("lmtp", "lmtpd", unix=True),       # <configdirectory>/socket/lmtp
    ], imapd_options={"admins": "admin"})
    inst.create_user("alice", "secret")            # sasldb via saslpasswd2
    inst.make_certificate()                        # self-signed, tls_server_cert/key
    inst.start()                                   # real cyrmaster -D -C -M -p
    port = inst.port("imap"); path = inst.socket_path("lmtp")
    ...
    inst.stop()                                    # SIGTERM, then SIGKILL leftovers

Tests derive from SatrapTestCase and call self.start_instance(...), which
stops the instance at cleanup and fails the test if the log shows a panic, a
child "signaled to death" (unless the test said it expects one), or sanitizer
output.

Layout of the tree (inst.root):
    conf/            configdirectory (proc/, socket/, sieve/, db/ inside)
    spool/           partition-default
    imapd.conf, cyrus.conf, master.pid
    log/master.log   cyrmaster's stderr: the master's and every worker's log
                     lines (cyrmaster -D makes workers copy to stderr)

Binaries come from $SATRAP_BIN_DIR (set by ctest to <build>/bin).
When the tests run as root the tree is chowned to the cyrus user, since
cyrmaster drops to it before starting anything.
"""

import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import unittest

BAD_LOG_PATTERNS = [
    re.compile(r"panic", re.IGNORECASE),
    re.compile(r"signaled to death"),
    re.compile(r"ERROR: AddressSanitizer"),
    re.compile(r"ERROR: LeakSanitizer"),
    re.compile(r"runtime error:"),
    re.compile(r"CHECK failed", re.IGNORECASE),
]


def bin_dir():
    path = os.environ.get("SATRAP_BIN_DIR")
    if path:
        return path
    here = os.path.dirname(os.path.abspath(__file__))
    for candidate in ("build/debug/bin", "build/bin", "build/sanitize/bin"):
        full = os.path.join(here, "..", "..", candidate)
        if os.path.isdir(full):
            return os.path.normpath(full)
    raise RuntimeError("set SATRAP_BIN_DIR to the build's bin folder")


def run_as_cyrus(cmd, **kwargs):
    """Runs a tool as the servers would (as cyrus when the tests run as
    root, so that it writes files the servers can use); subprocess.run's
    result, stdout and stderr captured."""
    if os.geteuid() == 0:
        cyrus = pwd.getpwnam("cyrus")

        def drop():
            os.setgid(cyrus.pw_gid)
            os.setuid(cyrus.pw_uid)
        kwargs["preexec_fn"] = drop
    return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kwargs)


def free_port(kind=socket.SOCK_STREAM):
    """A loopback port nobody listens on right now (bind port 0)."""
    with socket.socket(socket.AF_INET, kind) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Service:
    """One SERVICES entry. listen defaults to 127.0.0.1:<free port>, or to
    <configdirectory>/socket/<name> with unix=True."""

    def __init__(self, name, cmd, listen=None, unix=False, proto=None, **options):
        self.name = name
        self.cmd = cmd
        self.listen = listen
        self.unix = unix
        self.proto = proto
        self.options = options  # prefork=, maxchild=, maxforkrate=, babysit=
        self.port = None

    def line(self):
        parts = ['%s cmd="%s" listen="%s"' % (self.name, self.cmd.replace('"', '\\"'), self.listen)]
        if self.proto:
            parts.append("proto=%s" % self.proto)
        for key, value in self.options.items():
            parts.append("%s=%s" % (key, value))
        return " ".join(parts)


class Instance:
    def __init__(self, services=(), start=(), events=(), daemons=(), imapd_options=None,
                 env=None, name="satrap"):
        self.root = tempfile.mkdtemp(prefix="satrap-e2e-", dir="/tmp")
        self.configdir = os.path.join(self.root, "conf")
        self.spool = os.path.join(self.root, "spool")
        self.logdir = os.path.join(self.root, "log")
        for d in (self.configdir, self.spool, self.logdir,
                  os.path.join(self.configdir, "proc"), os.path.join(self.configdir, "socket"),
                  os.path.join(self.configdir, "sieve"), os.path.join(self.configdir, "db")):
            os.makedirs(d, exist_ok=True)
        self.imapd_conf = os.path.join(self.root, "imapd.conf")
        self.cyrus_conf = os.path.join(self.root, "cyrus.conf")
        self.pidfile = os.path.join(self.root, "master.pid")
        self.log_path = os.path.join(self.logdir, "master.log")
        self.services = list(services)
        self.start_entries = list(start)    # (name, cmd)
        self.events = list(events)          # (name, cmd, "period=1" / "at=0401" / "")
        self.daemons = list(daemons)        # (name, cmd)
        self.imapd_options = dict(imapd_options or {})
        self.env = dict(env or {})
        self.process = None
        self.master_pid = None
        self.seen_pids = set()
        self.expected_log = []  # regexes that may match a BAD_LOG_PATTERNS line
        for service in self.services:
            self._assign_address(service)

    # ----- configuration -------------------------------------------------
    def _assign_address(self, service):
        if service.listen is None:
            if service.unix:
                service.listen = os.path.join(self.configdir, "socket", service.name)
            else:
                kind = socket.SOCK_DGRAM if (service.proto or "").startswith("udp") else socket.SOCK_STREAM
                service.port = free_port(kind)
                service.listen = "127.0.0.1:%d" % service.port
        elif not service.listen.startswith("/"):
            service.port = int(service.listen.rsplit(":", 1)[1]) if ":" in service.listen else None

    def service(self, name):
        for s in self.services:
            if s.name == name:
                return s
        raise KeyError(name)

    def port(self, name):
        return self.service(name).port

    def socket_path(self, name):
        return self.service(name).listen

    def write_imapd_conf(self):
        options = {
            "configdirectory": self.configdir,
            "partition-default": self.spool,
            "sievedir": os.path.join(self.configdir, "sieve"),
        }
        options.update(self.imapd_options)
        with open(self.imapd_conf, "w") as f:
            for key, value in options.items():
                f.write("%s: %s\n" % (key, value))

    def write_cyrus_conf(self):
        with open(self.cyrus_conf, "w") as f:
            f.write("START {\n")
            for name, cmd in self.start_entries:
                f.write('  %s cmd="%s"\n' % (name, cmd))
            f.write("}\nSERVICES {\n")
            for service in self.services:
                f.write("  %s\n" % service.line())
            f.write("}\nEVENTS {\n")
            for name, cmd, when in self.events:
                f.write('  %s cmd="%s" %s\n' % (name, cmd, when))
            f.write("}\nDAEMON {\n")
            for name, cmd in self.daemons:
                f.write('  %s cmd="%s"\n' % (name, cmd))
            f.write("}\n")

    def create_user(self, user, password, realm=None):
        """Adds a user to a sasldb (sasl2-bin's saslpasswd2) and points
        imapd.conf at it."""
        path = os.path.join(self.configdir, "sasldb2")
        cmd = ["saslpasswd2", "-p", "-c", "-f", path]
        if realm is not None:
            cmd += ["-u", realm]
        subprocess.run(cmd + [user], input=password.encode(), check=True)
        self.imapd_options.setdefault("sasl_pwcheck_method", "auxprop")
        self.imapd_options.setdefault("sasl_auxprop_plugin", "sasldb")
        self.imapd_options.setdefault("sasl_sasldb_path", path)
        return path

    def make_certificate(self, cn="localhost"):
        """A self-signed certificate and key, set as tls_server_cert/key."""
        cert = os.path.join(self.configdir, "server.pem")
        key = os.path.join(self.configdir, "server.key")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                        "-subj", "/CN=%s" % cn, "-keyout", key, "-out", cert],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.imapd_options["tls_server_cert"] = cert
        self.imapd_options["tls_server_key"] = key
        return cert, key

    def chown_tree(self):
        if os.geteuid() != 0:
            return
        cyrus = pwd.getpwnam("cyrus")
        for dirpath, dirnames, filenames in os.walk(self.root):
            for path in [dirpath] + [os.path.join(dirpath, name) for name in filenames]:
                try:
                    os.chown(path, cyrus.pw_uid, cyrus.pw_gid)
                except FileNotFoundError:
                    pass  # a restart while workers still run: their files come and go

    # ----- running -------------------------------------------------------
    def master_command(self):
        return [os.path.join(bin_dir(), "cyrmaster"), "-D", "-C", self.imapd_conf,
                "-M", self.cyrus_conf, "-p", self.pidfile]

    def run_master_expect_failure(self, timeout=10):
        """Runs cyrmaster expecting it to refuse to start; returns (code, output)."""
        self.write_imapd_conf()
        self.chown_tree()
        result = subprocess.run(self.master_command(), stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, timeout=timeout,
                                env=dict(os.environ, **self.env))
        return result.returncode, result.stdout.decode(errors="replace")

    def start(self, timeout=20, write_config=True):
        if write_config:
            self.write_imapd_conf()
            self.write_cyrus_conf()
        self.chown_tree()
        self.log_file = open(self.log_path, "ab")
        self.process = subprocess.Popen(self.master_command(), stdout=self.log_file,
                                        stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                        env=dict(os.environ, **self.env))
        self.master_pid = self.process.pid
        self.seen_pids.add(self.master_pid)
        self.wait_for_log(r"ready for work", timeout=timeout)
        return self

    def log(self):
        try:
            with open(self.log_path, "rb") as f:
                return f.read().decode(errors="replace")
        except FileNotFoundError:
            return ""

    def wait_for_log(self, pattern, timeout=20, count=1):
        """Waits until `pattern` (a regex) matches `count` times in the log."""
        regex = re.compile(pattern)
        deadline = time.time() + timeout
        while time.time() < deadline:
            if len(regex.findall(self.log())) >= count:
                return
            if self.process is not None and self.process.poll() is not None:
                raise AssertionError("cyrmaster exited (%s) waiting for %r:\n%s"
                                     % (self.process.returncode, pattern, self.log()))
            time.sleep(0.05)
        raise AssertionError("timed out waiting for %r in the log:\n%s" % (pattern, self.log()))

    def reconfigure(self, services=None, start=None, events=None, daemons=None):
        """Rewrites cyrus.conf with new entries and sends SIGHUP; waits for
        the reload to finish."""
        if services is not None:
            self.services = list(services)
            for service in self.services:
                self._assign_address(service)
        if events is not None:
            self.events = list(events)
        if daemons is not None:
            self.daemons = list(daemons)
        self.write_cyrus_conf()
        self.chown_tree()
        done = len(re.findall(r"reload done", self.log()))
        os.kill(self.master_pid, signal.SIGHUP)
        self.wait_for_log(r"reload done", count=done + 1)

    # ----- processes -----------------------------------------------------
    @staticmethod
    def _stat(pid):
        """(ppid, state) of a process, or None when gone."""
        try:
            with open("/proc/%d/stat" % pid) as f:
                data = f.read()
        except (FileNotFoundError, ProcessLookupError):
            return None
        rest = data[data.rindex(")") + 2:].split()
        return int(rest[1]), rest[0]

    def children(self):
        """Live (non-zombie) direct children of the master."""
        out = []
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            stat = self._stat(int(entry))
            if stat and stat[0] == self.master_pid and stat[1] != "Z":
                out.append(int(entry))
        self.seen_pids.update(out)
        return out

    @staticmethod
    def environ(pid):
        try:
            with open("/proc/%d/environ" % pid, "rb") as f:
                items = f.read().split(b"\0")
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            return {}
        env = {}
        for item in items:
            if b"=" in item:
                k, v = item.split(b"=", 1)
                env[k.decode()] = v.decode(errors="replace")
        return env

    def workers(self, service):
        """Pids of the live workers of `service`."""
        return [pid for pid in self.children()
                if self.environ(pid).get("CYRUS_SERVICE") == service]

    @staticmethod
    def uids(pid):
        """(real, effective, saved, fs) uids from /proc/<pid>/status."""
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith("Uid:"):
                    return tuple(int(x) for x in line.split()[1:5])
        return None

    def wait_until(self, predicate, timeout=15, message="condition"):
        deadline = time.time() + timeout
        while time.time() < deadline:
            value = predicate()
            if value:
                return value
            time.sleep(0.05)
        raise AssertionError("timed out waiting for %s\n--- log ---\n%s" % (message, self.log()))

    def alive(self, pid):
        stat = self._stat(pid)
        return stat is not None and stat[1] != "Z"

    def stop(self, timeout=20):
        """SIGTERM the master, wait, then SIGKILL whatever of the tree is left.
        Returns the master's exit code (None if it had to be killed)."""
        if self.process is None:
            return None
        self.children()
        code = None
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                code = self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        else:
            code = self.process.returncode
        for pid in self.seen_pids:
            if self.alive(pid):
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
        self.log_file.close()
        self.process = None
        return code

    def bad_log_lines(self):
        bad = []
        for line in self.log().splitlines():
            if any(p.search(line) for p in BAD_LOG_PATTERNS):
                if not any(re.search(e, line) for e in self.expected_log):
                    bad.append(line)
        return bad

    def cleanup(self):
        if os.environ.get("SATRAP_KEEP_E2E"):
            return
        shutil.rmtree(self.root, ignore_errors=True)


def connect(address, timeout=10):
    """A stream socket to a unix socket path (str) or a (host, port) pair."""
    if isinstance(address, str):
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(timeout)
        sock.connect(address)
        return sock
    return socket.create_connection(address, timeout=timeout)


class LineClient:
    """A CRLF line client over TCP or a unix socket."""

    def __init__(self, address, timeout=10):
        self.sock = connect(address, timeout)
        self.file = self.sock.makefile("rb")

    def readline(self):
        return self.file.readline().decode().rstrip("\r\n")

    def send(self, line):
        self.sock.sendall(line.encode() + b"\r\n")

    def command(self, line):
        self.send(line)
        return self.readline()

    def close(self):
        self.file.close()
        self.sock.close()


class SatrapTestCase(unittest.TestCase):
    """Starts instances that are torn down (and log-checked) at cleanup."""

    def make_instance(self, **kwargs):
        inst = Instance(**kwargs)
        self.addCleanup(self._finish, inst)
        return inst

    def start_instance(self, **kwargs):
        return self.make_instance(**kwargs).start()

    def _finish(self, inst):
        inst.stop()
        bad = inst.bad_log_lines()
        log = inst.log()
        inst.cleanup()
        if bad:
            self.fail("bad lines in the log:\n%s\n--- full log ---\n%s" % ("\n".join(bad), log))

    def echo(self, inst, service="echo"):
        """A LineClient to the echo service, past its greeting."""
        svc = inst.service(service)
        address = svc.listen if svc.listen.startswith("/") else ("127.0.0.1", svc.port)
        client = LineClient(address)
        greeting = client.readline()
        self.assertTrue(greeting.startswith("+OK echo"), greeting)
        client.greeting = greeting
        self.addCleanup(client.close)
        return client


def echo_cmd(args=""):
    return os.path.join(bin_dir(), "echo_service") + ((" " + args) if args else "")
