"""Three private mail servers for the benchmark, configured alike.

Each Server is one instance in its own temporary folder, listening on free
loopback ports (> 1024): IMAP, IMAPS, POP3 and LMTP over TCP. Every instance
gets the same users (user001..userNNN, password BENCH_PASSWORD) and an admin
(for Cyrus and Satrap, which create INBOXes through an admin CREATE).

    server = make_server("cyrus", users=100)
    server.start()            # a freshly started instance: new folder, new processes
    server.ports["imap"], server.root_pid()
    server.stop()             # SIGTERM, then SIGKILL what is left of the tree
    server.cleanup()          # removes the folder

Durability is each server's durable default: Cyrus and Satrap fsync on commit;
Dovecot runs with mail_fsync = optimized (its default, stated explicitly).
settings() returns what the README and the results folder must state.
"""

import imaplib
import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time

BENCH_PASSWORD = "bench-Pass-1"
ADMIN_USER = "benchadmin"
ADMIN_PASSWORD = "bench-Admin-1"
DEPS_DIR = os.environ.get("SATRAP_BENCH_DEPS", "/var/cache/satrap-bench")
CYRUS_BIN = "/usr/lib/cyrus/bin"
RUN_USER = "cyrus"
SERVERNAME = "localhost"  # also the SASL realm of the users in the sasldb  # every server's mail processes run as this user


def user_name(i):
    return "user%03d" % i


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _connect(address):
    if isinstance(address, str):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(1)
        s.connect(address)
        return s
    return socket.create_connection(("127.0.0.1", address), timeout=1)


def wait_for_port(port, timeout=30, process=None, log=None, greeting=True):
    """Waits until `port` (a TCP port on 127.0.0.1 or a unix socket path)
    accepts, and with greeting, sends its first bytes."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError("server exited (%s) before %s answered%s"
                               % (process.returncode, port, _tail(log)))
        try:
            with _connect(port) as s:
                s.settimeout(5)
                if not greeting or s.recv(512):
                    return
        except OSError:
            pass
        time.sleep(0.05)
    raise RuntimeError("%s did not answer within %ds%s" % (port, timeout, _tail(log)))


def _tail(path, lines=30):
    if not path or not os.path.exists(path):
        return ""
    with open(path, "rb") as f:
        text = f.read().decode(errors="replace")
    return "\n--- %s ---\n%s" % (path, "\n".join(text.splitlines()[-lines:]))


def process_tree(root_pid):
    """root_pid and all its live descendants."""
    children = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % entry) as f:
                data = f.read()
        except OSError:
            continue
        rest = data[data.rindex(")") + 2:].split()
        if rest[0] == "Z":
            continue
        children.setdefault(int(rest[1]), []).append(int(entry))
    tree, todo = [], [root_pid]
    while todo:
        pid = todo.pop()
        tree.append(pid)
        todo.extend(children.get(pid, []))
    return tree


def pss_kb(pids):
    """Proportional set size summed over pids, from smaps_rollup, in KiB."""
    total = 0
    for pid in pids:
        try:
            with open("/proc/%d/smaps_rollup" % pid) as f:
                for line in f:
                    if line.startswith("Pss:"):
                        total += int(line.split()[1])
                        break
        except OSError:
            pass
    return total


class Server:
    name = "?"

    def __init__(self, users, tls=True):
        self.users = users
        self.tls = tls
        self.root = None
        self.process = None
        self.ports = {}
        self.log_path = None

    # ----- common ---------------------------------------------------------
    def _make_root(self):
        self.root = tempfile.mkdtemp(prefix="satrap-bench-%s-" % self.name, dir=os.environ.get("TMPDIR") or "/tmp")
        os.chmod(self.root, 0o755)
        os.makedirs(os.path.join(self.root, "log"))
        self.log_path = os.path.join(self.root, "log", "server.log")
        # LMTP listens on a unix socket, as MTAs use it (Cyrus asks TCP
        # clients to authenticate first).
        self.ports = {k: free_port() for k in ("imap", "imaps", "pop3")}
        self.ports["lmtp"] = self.lmtp_socket_path()

    def _certificate(self):
        cert = os.path.join(self.root, "server.pem")
        key = os.path.join(self.root, "server.key")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                        "-subj", "/CN=localhost", "-keyout", key, "-out", cert],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        return cert, key

    def _chown(self, path):
        if os.geteuid() != 0:
            return
        pw = pwd.getpwnam(RUN_USER)
        for dirpath, dirnames, filenames in os.walk(path):
            os.chown(dirpath, pw.pw_uid, pw.pw_gid)
            for n in filenames:
                os.chown(os.path.join(dirpath, n), pw.pw_uid, pw.pw_gid)

    def _spawn(self, argv, env=None):
        self._argv, self._env = argv, env
        log = open(self.log_path, "ab")
        self.process = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT,
                                        stdin=subprocess.DEVNULL, start_new_session=True,
                                        env=dict(os.environ, **(env or {})))
        log.close()

    def _wait_ready(self):
        for name, port in self.ports.items():
            wait_for_port(port, process=self.process, log=self.log_path,
                          greeting=not name.endswith("s"))

    def restart(self):
        """Stops the instance and starts it again on the same folder (for
        measurements on a freshly started server over existing mail)."""
        self.stop()
        self._spawn(self._argv, self._env)
        self._wait_ready()

    def root_pid(self):
        return self.process.pid

    def pss_kb(self):
        return pss_kb(process_tree(self.root_pid()))

    def stop(self, timeout=30):
        if self.process is None:
            return
        tree = process_tree(self.process.pid)
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        for pid in tree:
            try:
                os.kill(pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        # Wait for the killed to be gone, so nothing writes into the folder
        # while cleanup() removes it.
        deadline = time.time() + 5
        while time.time() < deadline and any(os.path.exists("/proc/%d" % p) for p in tree):
            time.sleep(0.05)
        self.process = None

    def cleanup(self):
        if self.root and not os.environ.get("SATRAP_BENCH_KEEP"):
            for _ in range(5):
                shutil.rmtree(self.root, ignore_errors=True)
                if not os.path.exists(self.root):
                    break
                time.sleep(0.2)

    def log_text(self):
        return _tail(self.log_path, 200)

    def _sasldb(self, path):
        entries = [(user_name(i), BENCH_PASSWORD) for i in range(1, self.users + 1)]
        entries.append((ADMIN_USER, ADMIN_PASSWORD))
        for user, password in entries:
            # The realm is the servername, as a Cyrus server looks it up.
            subprocess.run(["saslpasswd2", "-p", "-c", "-f", path, "-u", SERVERNAME, user],
                           input=password.encode(), check=True)

    def _create_inboxes(self):
        """Admin CREATE user.userNNN (Cyrus' namespace for other users)."""
        imap = imaplib.IMAP4("127.0.0.1", self.ports["imap"])
        imap.login(ADMIN_USER, ADMIN_PASSWORD)
        # The hierarchy separator ('/' with unixhierarchysep, else '.').
        typ, data = imap.list('""', '""')
        match = re.search(rb'"(.)"', data[0] or b"") if typ == "OK" else None
        sep = match.group(1).decode() if match else "."
        for i in range(1, self.users + 1):
            typ, data = imap.create("user%s%s" % (sep, user_name(i)))
            if typ != "OK" and b"exist" not in b" ".join(d or b"" for d in data).lower():
                raise RuntimeError("%s: CREATE user.%s: %s %s" % (self.name, user_name(i), typ, data))
        imap.logout()


class CyrusLike(Server):
    """Cyrus IMAP and Satrap share their configuration files."""

    def lmtp_socket_path(self):
        return os.path.join(self.root, "conf", "socket", "lmtp")

    def imapd_options(self, cert, key):
        conf = os.path.join(self.root, "conf")
        return {
            "configdirectory": conf,
            "partition-default": os.path.join(self.root, "spool"),
            "sievedir": os.path.join(conf, "sieve"),
            "admins": ADMIN_USER,
            "sasl_pwcheck_method": "auxprop",
            "sasl_auxprop_plugin": "sasldb",
            "sasl_sasldb_path": os.path.join(conf, "sasldb2"),
            "sasl_mech_list": "PLAIN LOGIN",
            "allowplaintext": "yes",
            "hashimapspool": "true",
            "tls_server_cert": cert,
            "tls_server_key": key,
            "tls_session_timeout": "1440",
            "syslog_prefix": "bench-%s" % self.name,
            "servername": SERVERNAME,
        }

    def services(self):
        raise NotImplementedError

    def start_entries(self):
        return []

    def master_argv(self, imapd_conf, cyrus_conf, pidfile):
        raise NotImplementedError

    def start(self):
        self._make_root()
        conf = os.path.join(self.root, "conf")
        for d in ("", "proc", "socket", "sieve", "db", "log", "lock"):
            os.makedirs(os.path.join(conf, d), exist_ok=True)
        os.makedirs(os.path.join(self.root, "spool"))
        cert, key = self._certificate()
        self._sasldb(os.path.join(conf, "sasldb2"))
        imapd_conf = os.path.join(self.root, "imapd.conf")
        cyrus_conf = os.path.join(self.root, "cyrus.conf")
        with open(imapd_conf, "w") as f:
            for k, v in self.imapd_options(cert, key).items():
                f.write("%s: %s\n" % (k, v))
        with open(cyrus_conf, "w") as f:
            f.write("START {\n")
            for name, cmd in self.start_entries():
                f.write('  %s cmd="%s"\n' % (name, cmd))
            f.write("}\nSERVICES {\n")
            for name, cmd, extra in self.services():
                listen = self.ports[name]
                if not isinstance(listen, str):
                    listen = "127.0.0.1:%d" % listen
                f.write('  %s cmd="%s" listen="%s" %s\n' % (name, cmd, listen, extra))
            f.write("}\nEVENTS {\n}\n")
        self._chown(self.root)
        self._spawn(self.master_argv(imapd_conf, cyrus_conf, os.path.join(self.root, "master.pid")))
        self._wait_ready()
        self._create_inboxes()
        return self


class CyrusServer(CyrusLike):
    """Debian's Cyrus IMAP 3.6 (cyrus-imapd, cyrus-pop3d). Settings are
    Debian's cyrus.conf defaults for the services (imapd -U 30, prefork=0)
    except maxchild, raised so that 1000 idle clients fit. delete_mode and
    expunge_mode stay at their default (delayed); the scenarios delete no
    mailbox, and EXPUNGE under delayed mode only marks the record."""
    name = "cyrus"

    def services(self):
        # Cyrus' master does not hand its -C to the services: each names it.
        limit = "prefork=0 maxchild=2000"
        conf = "-C " + os.path.join(self.root, "imapd.conf")
        return [("imap", "%s/imapd %s -U 30" % (CYRUS_BIN, conf), limit),
                ("imaps", "%s/imapd %s -s -U 30" % (CYRUS_BIN, conf), limit),
                ("pop3", "%s/pop3d %s -U 30" % (CYRUS_BIN, conf), limit),
                ("lmtp", "%s/lmtpd %s" % (CYRUS_BIN, conf), limit)]

    def start_entries(self):
        return [("recover", "%s/ctl_cyrusdb -C %s -r"
                 % (CYRUS_BIN, os.path.join(self.root, "imapd.conf")))]

    def master_argv(self, imapd_conf, cyrus_conf, pidfile):
        return ["/usr/sbin/cyrmaster", "-D", "-C", imapd_conf, "-M", cyrus_conf, "-p", pidfile]

    def settings(self):
        return ("Cyrus IMAP %s (Debian): fsync on commit (built in), imapd -U 30 prefork=0 "
                "maxchild=2000, lmtpd prefork=0, delete_mode/expunge_mode delayed (default), "
                "singleinstancestore yes, duplicate suppression on, twoskip databases"
                % _dpkg_version("cyrus-imapd"))


class SatrapServer(CyrusLike):
    """Satrap from a build folder's bin/ (cyrmaster finds its workers beside
    itself). Same imapd.conf and cyrus.conf as Cyrus."""
    name = "satrap"

    def __init__(self, users, bin_dir, tls=True):
        super().__init__(users, tls)
        self.bin_dir = bin_dir

    def available(self):
        """Which of the servers this build has."""
        return {s: os.path.exists(os.path.join(self.bin_dir, s))
                for s in ("cyrmaster", "imapd", "lmtpd", "pop3d")}

    def services(self):
        have = self.available()
        limit = "prefork=0 maxchild=2000"
        out = []
        if have["imapd"]:
            out += [("imap", "imapd", limit), ("imaps", "imapd -s", limit)]
        if have["pop3d"]:
            out.append(("pop3", "pop3d", limit))
        if have["lmtpd"]:
            out.append(("lmtp", "lmtpd", limit))
        return out

    def start(self):
        have = self.available()
        # Ports of servers this build lacks are not waited for.
        self._missing = [p for p, s in (("imap", "imapd"), ("imaps", "imapd"), ("pop3", "pop3d"),
                                        ("lmtp", "lmtpd")) if not have[s]]
        return super().start()

    def _wait_ready(self):
        for name, port in self.ports.items():
            if name not in self._missing:
                wait_for_port(port, process=self.process, log=self.log_path,
                              greeting=not name.endswith("s"))

    def master_argv(self, imapd_conf, cyrus_conf, pidfile):
        return [os.path.join(self.bin_dir, "cyrmaster"), "-D", "-C", imapd_conf,
                "-M", cyrus_conf, "-p", pidfile]

    def settings(self):
        return ("Satrap (%s): fsync on commit, prefork=0 maxchild=2000, defaults otherwise"
                % self.bin_dir)


class DovecotServer(Server):
    """Debian's Dovecot 2.3: dovecot-core and dovecot-lmtpd installed, imap and
    pop3 unpacked beside them (see install.sh). Maildir, mail_fsync =
    optimized, passwd-file passdb, static userdb (the cyrus user), login
    processes in Dovecot's default high-security mode (service_count = 1)."""
    name = "dovecot"

    def lmtp_socket_path(self):
        return os.path.join(self.root, "run", "lmtp")

    def start(self):
        self._make_root()
        cert, key = self._certificate()
        for d in ("run", "state", "home"):
            os.makedirs(os.path.join(self.root, d))
        passwd = os.path.join(self.root, "passwd")
        with open(passwd, "w") as f:
            for i in range(1, self.users + 1):
                f.write("%s:{PLAIN}%s::::::\n" % (user_name(i), BENCH_PASSWORD))
            f.write("%s:{PLAIN}%s::::::\n" % (ADMIN_USER, ADMIN_PASSWORD))
        extracted = os.path.join(DEPS_DIR, "dovecot", "usr", "lib", "dovecot")
        conf = os.path.join(self.root, "dovecot.conf")
        with open(conf, "w") as f:
            f.write(DOVECOT_CONF % dict(root=self.root, cert=cert, key=key, passwd=passwd,
                                        bin=extracted, user=RUN_USER, **self.ports))
        self._chown(os.path.join(self.root, "home"))
        self._spawn(["/usr/sbin/dovecot", "-F", "-c", conf])
        self._wait_ready()
        return self

    def settings(self):
        return ("Dovecot %s (Debian): maildir, mail_fsync = optimized (default), "
                "login processes high-security (service_count=1), default_process_limit=2000, "
                "mail_max_userip_connections=2000" % _dpkg_version("dovecot-core"))


DOVECOT_CONF = """
instance_name = satrap-bench-%(imap)d
base_dir = %(root)s/run
state_dir = %(root)s/state
log_path = %(root)s/log/server.log
listen = 127.0.0.1
protocols = imap pop3 lmtp
ssl = yes
ssl_cert = <%(cert)s
ssl_key = <%(key)s
disable_plaintext_auth = no
auth_mechanisms = plain login
auth_username_format = %%Ln
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%%n %(passwd)s
}
userdb {
  driver = static
  args = uid=%(user)s gid=mail home=%(root)s/home/%%n
}
mail_location = maildir:~/Maildir
mail_fsync = optimized
first_valid_uid = 1
first_valid_gid = 1
default_process_limit = 2000
default_client_limit = 10000
default_vsz_limit = 1G
mail_max_userip_connections = 2000
service imap-login {
  executable = %(bin)s/imap-login
  inet_listener imap {
    address = 127.0.0.1
    port = %(imap)d
  }
  inet_listener imaps {
    address = 127.0.0.1
    port = %(imaps)d
    ssl = yes
  }
}
service imap {
  executable = %(bin)s/imap
}
service imap-urlauth-login {
  executable = %(bin)s/imap-urlauth-login
}
service imap-urlauth {
  executable = %(bin)s/imap-urlauth
}
service imap-urlauth-worker {
  executable = %(bin)s/imap-urlauth-worker
}
service imap-hibernate {
  executable = %(bin)s/imap-hibernate
}
service pop3-login {
  executable = %(bin)s/pop3-login
  inet_listener pop3 {
    address = 127.0.0.1
    port = %(pop3)d
  }
  inet_listener pop3s {
    port = 0
  }
}
service pop3 {
  executable = %(bin)s/pop3
}
service lmtp {
  unix_listener lmtp {
    mode = 0666
  }
}
protocol lmtp {
  auth_username_format = %%Ln
}
pop3_uidl_format = %%08Xu%%08Xv
"""


def _dpkg_version(package):
    try:
        return subprocess.run(["dpkg-query", "-W", "-f=${Version}", package], check=True,
                              stdout=subprocess.PIPE).stdout.decode()
    except (OSError, subprocess.CalledProcessError):
        return "?"


def make_server(name, users, bin_dir=None):
    if name == "satrap":
        return SatrapServer(users, bin_dir)
    if name == "cyrus":
        return CyrusServer(users)
    if name == "dovecot":
        return DovecotServer(users)
    raise ValueError(name)
