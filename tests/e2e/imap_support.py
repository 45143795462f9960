"""Shared pieces of the imapd end-to-end tests (test_imap_*.py): an instance
with an imap (STARTTLS) and an imaps service, users in a sasldb, and small
SASL client mechanisms written from their RFCs so every mechanism libsasl2
offers can be driven through imaplib's authenticate()."""

import base64
import hashlib
import hmac
import imaplib
import os
import re
import socket
import ssl

from satrap_instance import SatrapTestCase, Service, bin_dir

# Commands imaplib does not know by name, for _simple_command().
for _name in ("LISTRIGHTS", "UNSELECT", "ID", "ENABLE", "IDLE"):
    imaplib.Commands.setdefault(_name, ("AUTH", "SELECTED"))

USERS = {"alice": "alice-secret", "bob": "bob-secret", "admin": "admin-secret"}


def client_context():
    """A TLS client context that accepts the test's self-signed certificate."""
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    return ctx


class ImapTestCase(SatrapTestCase):
    """Starts cyrmaster with imapd on a clear port (STARTTLS) and an IMAPS port."""

    imap_cmd = "imapd"

    def start_imap(self, options=None, imap_args="", users=USERS, tls=True, **kwargs):
        imapd_options = {"admins": "admin", "failedloginpause": "0"}
        imapd_options.update(options or {})
        services = [Service("imap", (self.imap_cmd + " " + imap_args).strip())]
        if tls:
            services.append(Service("imaps", (self.imap_cmd + " -s " + imap_args).strip()))
        inst = self.make_instance(services=services, imapd_options=imapd_options, **kwargs)
        for user, password in users.items():
            inst.create_user(user, password)
        if tls:
            inst.make_certificate()
        inst.start()
        self.inst = inst
        return inst

    def connect(self, service="imap"):
        port = self.inst.port(service)
        if service == "imaps":
            conn = imaplib.IMAP4_SSL("127.0.0.1", port, ssl_context=client_context(), timeout=20)
        else:
            conn = imaplib.IMAP4("127.0.0.1", port, timeout=20)
        self.addCleanup(self._close, conn)
        return conn

    def login(self, user="alice", service="imaps"):
        conn = self.connect(service)
        if service == "imap" and "STARTTLS" in conn.capabilities:
            conn.starttls(ssl_context=client_context())
        typ, _ = conn.login(user, USERS[user])
        self.assertEqual(typ, "OK")
        return conn

    @staticmethod
    def _close(conn):
        try:
            conn.shutdown()
        except Exception:
            pass

    def raw(self, service="imap", tls=False):
        """A RawClient past the greeting."""
        client = RawClient(("127.0.0.1", self.inst.port(service)), tls=tls)
        self.addCleanup(client.close)
        return client


class RawClient:
    """Byte-level IMAP client for tests that need exact wire control."""

    def __init__(self, address, tls=False, timeout=20, session=None):
        sock = socket.create_connection(address, timeout=timeout)
        if tls:
            sock = client_context().wrap_socket(sock, session=session)
        self.sock = sock
        self.buf = b""
        self.greeting = self.readline()

    def send(self, data):
        if isinstance(data, str):
            data = data.encode()
        self.sock.sendall(data)

    def readline(self):
        while b"\r\n" not in self.buf:
            chunk = self.sock.recv(65536)
            if not chunk:
                line, self.buf = self.buf, b""
                return line.decode(errors="replace")
            self.buf += chunk
        line, self.buf = self.buf.split(b"\r\n", 1)
        return line.decode(errors="replace")

    def read_until_tagged(self, tag):
        """Lines up to and including the tagged response of `tag`."""
        lines = []
        while True:
            line = self.readline()
            lines.append(line)
            if line.startswith(tag + " ") or line == "":
                return lines

    def command(self, tag, text):
        self.send("%s %s\r\n" % (tag, text))
        return self.read_until_tagged(tag)

    def starttls(self):
        lines = self.command("tls", "STARTTLS")
        assert lines[-1].startswith("tls OK"), lines
        self.sock = client_context().wrap_socket(self.sock)

    def closed(self):
        """True when the server has closed the connection."""
        try:
            return self.sock.recv(1) == b""
        except (ConnectionError, ssl.SSLError):
            return True

    def close(self):
        try:
            self.sock.close()
        except Exception:
            pass


# ----- SASL client mechanisms ------------------------------------------------

def plain(user, password, authzid=""):
    return lambda challenge: ("%s\0%s\0%s" % (authzid, user, password)).encode()


class LoginMech:
    def __init__(self, user, password):
        self.answers = [user.encode(), password.encode()]

    def __call__(self, challenge):
        return self.answers.pop(0) if self.answers else b""


def cram_md5(user, password):
    def step(challenge):
        digest = hmac.new(password.encode(), challenge, hashlib.md5).hexdigest()
        return ("%s %s" % (user, digest)).encode()
    return step


class DigestMd5:
    """RFC 2831, qop=auth, no integrity layer."""

    def __init__(self, user, password, host="localhost", service="imap"):
        self.user, self.password, self.host, self.service = user, password, host, service
        self.done = False

    def __call__(self, challenge):
        if self.done:
            return b""
        values = {}
        for m in re.finditer(r'([a-z-]+)=(?:"([^"]*)"|([^,]*))', challenge.decode()):
            values[m.group(1)] = m.group(2) if m.group(2) is not None else m.group(3)
        realm = values.get("realm", "")
        nonce = values["nonce"]
        cnonce = base64.b64encode(os.urandom(12)).decode()
        uri = "%s/%s" % (self.service, self.host)
        a1 = hashlib.md5(("%s:%s:%s" % (self.user, realm, self.password)).encode()).digest()
        a1 = a1 + (":%s:%s" % (nonce, cnonce)).encode()
        ha1 = hashlib.md5(a1).hexdigest()
        ha2 = hashlib.md5(("AUTHENTICATE:%s" % uri).encode()).hexdigest()
        response = hashlib.md5(("%s:%s:00000001:%s:auth:%s" % (ha1, nonce, cnonce, ha2))
                               .encode()).hexdigest()
        self.done = True
        return ('username="%s",realm="%s",nonce="%s",cnonce="%s",nc=00000001,qop=auth,'
                'digest-uri="%s",response=%s,charset=utf-8'
                % (self.user, realm, nonce, cnonce, uri, response)).encode()


class Scram:
    """RFC 5802 without channel binding."""

    def __init__(self, user, password, hash_name="sha1"):
        self.user, self.password, self.hash_name = user, password, hash_name
        self.step = 0
        self.nonce = base64.b64encode(os.urandom(18)).decode()
        self.server_signature = None

    def _hmac(self, key, msg):
        return hmac.new(key, msg, self.hash_name).digest()

    def __call__(self, challenge):
        self.step += 1
        if self.step == 1:
            self.first_bare = "n=%s,r=%s" % (self.user, self.nonce)
            return ("n,," + self.first_bare).encode()
        if self.step == 2:
            attrs = dict(item.split("=", 1) for item in challenge.decode().split(","))
            salt = base64.b64decode(attrs["s"])
            salted = hashlib.pbkdf2_hmac(self.hash_name, self.password.encode(), salt,
                                         int(attrs["i"]))
            client_key = self._hmac(salted, b"Client Key")
            stored_key = hashlib.new(self.hash_name, client_key).digest()
            final_bare = "c=biws,r=%s" % attrs["r"]
            auth_message = ("%s,%s,%s" % (self.first_bare, challenge.decode(), final_bare)).encode()
            signature = self._hmac(stored_key, auth_message)
            proof = bytes(a ^ b for a, b in zip(client_key, signature))
            server_key = self._hmac(salted, b"Server Key")
            self.server_signature = base64.b64encode(self._hmac(server_key, auth_message)).decode()
            return ("%s,p=%s" % (final_bare, base64.b64encode(proof).decode())).encode()
        # The server's final message (v=...) arrives as a last challenge.
        assert challenge.decode() == "v=" + self.server_signature, challenge
        return b""


# ----- interactive clients at a terminal ------------------------------------

class PtyProgram:
    """Runs a program on a pseudo-terminal, as a person at a terminal would
    (cyradm prompts for its password on the tty and reads commands there).
    expect() returns what the program printed up to a regular expression."""

    def __init__(self, argv, env=None, timeout=30):
        import pty
        import subprocess
        self.timeout = timeout
        master, slave = pty.openpty()
        self.proc = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave,
                                     env=env, close_fds=True, start_new_session=True)
        os.close(slave)
        self.fd = master
        self.buf = b""
        self.transcript = b""

    def expect(self, pattern, timeout=None):
        import select
        import time
        regex = re.compile(pattern.encode() if isinstance(pattern, str) else pattern)
        end = time.time() + (timeout or self.timeout)
        while True:
            m = regex.search(self.buf)
            if m:
                before, self.buf = self.buf[:m.end()], self.buf[m.end():]
                return before.decode(errors="replace").replace("\r\n", "\n")
            left = end - time.time()
            if left <= 0:
                raise AssertionError("timed out waiting for %r; got %r" % (pattern, self.buf))
            ready, _, _ = select.select([self.fd], [], [], left)
            if not ready:
                continue
            try:
                chunk = os.read(self.fd, 65536)
            except OSError:
                chunk = b""
            if not chunk:
                raise AssertionError("program ended waiting for %r; got %r" % (pattern, self.buf))
            self.buf += chunk
            self.transcript += chunk

    def sendline(self, text):
        os.write(self.fd, text.encode() + b"\n")

    def close(self):
        try:
            self.proc.kill()
        except Exception:
            pass
        self.proc.wait()
        try:
            os.close(self.fd)
        except OSError:
            pass
