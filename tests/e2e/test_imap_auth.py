"""imapd's not-authenticated state through a real cyrmaster: greeting and
CAPABILITY, LOGIN and AUTHENTICATE with every SASL mechanism libsasl2 offers,
SASL-IR, STARTTLS and IMAPS, TLS session resumption, LOGINDISABLED,
proxy authorisation, login logging and the limits on failures."""

import base64
import imaplib
import os
import re
import socket
import ssl
import time
import unittest

from imap_support import (USERS, DigestMd5, ImapTestCase, LoginMech, RawClient, Scram,
                          client_context, cram_md5, plain)


class ImapAuthTest(ImapTestCase):

    def test_greeting_lists_capabilities_and_hides_plaintext_on_clear_text(self):
        self.start_imap()
        client = self.raw("imap")
        self.assertRegex(client.greeting, r"^\* OK \[CAPABILITY IMAP4rev1 .*\] .*ready$")
        caps = client.command("a1", "CAPABILITY")[0].split()
        self.assertIn("STARTTLS", caps)
        self.assertIn("LOGINDISABLED", caps)
        self.assertIn("SASL-IR", caps)
        self.assertIn("AUTH=SCRAM-SHA-256", caps)
        self.assertNotIn("AUTH=PLAIN", caps)
        self.assertNotIn("AUTH=LOGIN", caps)

    def test_login_refused_on_clear_text(self):
        self.start_imap()
        client = self.raw("imap")
        lines = client.command("a1", "LOGIN alice alice-secret")
        self.assertRegex(lines[-1], r"^a1 NO \[PRIVACYREQUIRED\]")
        self.assertIn("badlogin: localhost [127.0.0.1] plaintext alice", self.inst.log())

    def test_starttls_then_login_logs_like_cyrus(self):
        self.start_imap()
        conn = self.connect("imap")
        self.assertIn("STARTTLS", conn.capabilities)
        conn.starttls(ssl_context=client_context())
        caps = conn.capability()[1][0].decode().split()
        self.assertNotIn("STARTTLS", caps)
        self.assertNotIn("LOGINDISABLED", caps)
        self.assertIn("AUTH=PLAIN", caps)
        typ, data = conn.login("alice", "alice-secret")
        self.assertEqual(typ, "OK")
        self.assertIn(b"User logged in SESSIONID=<", data[0])
        self.inst.wait_for_log(r"login: localhost \[127\.0\.0\.1\] alice plaintext\+TLS "
                               r"User logged in")
        self.assertEqual(conn.logout()[0], "BYE")

    def test_imaps_login(self):
        self.start_imap()
        conn = self.connect("imaps")
        self.assertNotIn("STARTTLS", conn.capabilities)
        self.assertNotIn("LOGINDISABLED", conn.capabilities)
        self.assertEqual(conn.login("bob", "bob-secret")[0], "OK")

    def test_allowplaintext_permits_clear_login(self):
        self.start_imap(options={"allowplaintext": "yes"})
        conn = self.connect("imap")
        self.assertNotIn("LOGINDISABLED", conn.capabilities)
        self.assertEqual(conn.login("alice", "alice-secret")[0], "OK")
        self.inst.wait_for_log(r"login: localhost \[127\.0\.0\.1\] alice plaintext User logged in")

    def test_wrong_password_is_authenticationfailed_and_logged(self):
        self.start_imap()
        client = self.raw("imaps", tls=True)
        lines = client.command("a1", "LOGIN alice wrong")
        self.assertEqual(lines[-1], "a1 NO [AUTHENTICATIONFAILED] Authentication failed")
        lines = client.command("a2", "LOGIN nosuchuser wrong")
        self.assertEqual(lines[-1], "a2 NO [AUTHENTICATIONFAILED] Authentication failed")
        self.inst.wait_for_log(r"badlogin: localhost \[127\.0\.0\.1\] plaintext alice")
        # The session goes on: a correct login still works.
        self.assertRegex(client.command("a3", "LOGIN alice alice-secret")[-1], r"^a3 OK")

    def test_too_many_failures_end_the_session(self):
        self.start_imap()
        client = self.raw("imaps", tls=True)
        for i in range(4):
            self.assertRegex(client.command("f%d" % i, "LOGIN alice x")[-1], r"NO")
        lines = client.command("f9", "LOGIN alice x")
        self.assertIn("* BYE Too many login failures", lines + [client.readline()])
        self.assertTrue(client.closed())

    def test_failed_login_is_delayed(self):
        self.start_imap(options={"failedloginpause": "1"})
        client = self.raw("imaps", tls=True)
        start = time.time()
        client.command("a1", "LOGIN alice wrong")
        self.assertGreaterEqual(time.time() - start, 0.9)

    def authenticate(self, conn, mech, authobject):
        typ, data = conn.authenticate(mech, authobject)
        self.assertEqual(typ, "OK", data)
        self.assertEqual(conn.state, "AUTH")

    def test_every_sasl_mechanism(self):
        self.start_imap()
        mechanisms = [
            ("PLAIN", lambda: plain("alice", USERS["alice"])),
            ("LOGIN", lambda: LoginMech("alice", USERS["alice"])),
            ("CRAM-MD5", lambda: cram_md5("alice", USERS["alice"])),
            ("DIGEST-MD5", lambda: DigestMd5("alice", USERS["alice"])),
            ("SCRAM-SHA-1", lambda: Scram("alice", USERS["alice"], "sha1")),
            ("SCRAM-SHA-256", lambda: Scram("alice", USERS["alice"], "sha256")),
        ]
        for mech, make in mechanisms:
            with self.subTest(mech=mech):
                conn = self.connect("imaps")
                self.assertIn("AUTH=" + mech, conn.capabilities)
                self.authenticate(conn, mech, make())
                conn.logout()
        self.assertEqual(len(re.findall(r"login: localhost \[127\.0\.0\.1\] alice ",
                                        self.inst.log())), len(mechanisms))

    def test_cram_md5_on_clear_text(self):
        self.start_imap()
        conn = self.connect("imap")
        self.authenticate(conn, "CRAM-MD5", cram_md5("bob", USERS["bob"]))

    def test_sasl_ir_initial_response(self):
        self.start_imap()
        client = self.raw("imaps", tls=True)
        ir = base64.b64encode(b"\0alice\0alice-secret").decode()
        lines = client.command("a1", "AUTHENTICATE PLAIN " + ir)
        self.assertRegex(lines[-1], r"^a1 OK \[CAPABILITY IMAP4rev1 .*\] Success \(tls protection\)")

    def test_empty_initial_response_gets_a_challenge(self):
        self.start_imap()
        client = self.raw("imaps", tls=True)
        client.send("a1 AUTHENTICATE PLAIN =\r\n")
        # RFC 4959: "=" is an empty response; PLAIN then needs the real one.
        line = client.readline()
        if line.startswith("+"):
            client.send(base64.b64encode(b"\0alice\0alice-secret") + b"\r\n")
            line = client.readline()
        self.assertTrue(line.startswith("a1 "), line)

    def test_authenticate_cancelled(self):
        self.start_imap()
        client = self.raw("imaps", tls=True)
        client.send("a1 AUTHENTICATE PLAIN\r\n")
        self.assertEqual(client.readline(), "+ ")
        client.send("*\r\n")
        self.assertEqual(client.readline(), "a1 BAD AUTHENTICATE cancelled")
        self.assertRegex(client.command("a2", "NOOP")[-1], "^a2 OK")

    def test_authenticate_bad_base64_and_unknown_mechanism(self):
        self.start_imap()
        client = self.raw("imaps", tls=True)
        self.assertRegex(client.command("a1", "AUTHENTICATE PLAIN !!!")[-1], r"^a1 BAD")
        self.assertRegex(client.command("a2", "AUTHENTICATE X-NOPE")[-1], r"^a2 NO")

    def test_plain_refused_on_clear_text(self):
        self.start_imap()
        client = self.raw("imap")
        ir = base64.b64encode(b"\0alice\0alice-secret").decode()
        self.assertRegex(client.command("a1", "AUTHENTICATE PLAIN " + ir)[-1], r"^a1 NO")

    def test_admin_may_act_as_another_user(self):
        self.start_imap()
        conn = self.connect("imaps")
        self.authenticate(conn, "PLAIN", plain("admin", USERS["admin"], authzid="alice"))
        self.inst.wait_for_log(r"login: localhost \[127\.0\.0\.1\] alice PLAIN\+TLS User logged in"
                               r" authid=admin")
        client = self.raw("imaps", tls=True)
        ir = base64.b64encode(b"bob\0alice\0alice-secret").decode()
        self.assertRegex(client.command("a1", "AUTHENTICATE PLAIN " + ir)[-1],
                         r"^a1 NO \[AUTHENTICATIONFAILED\]")

    def test_starttls_refuses_pipelined_commands(self):
        self.start_imap()
        client = self.raw("imap")
        client.send("a1 STARTTLS\r\na2 CAPABILITY\r\n")
        line = client.readline()
        self.assertRegex(line, r"^a1 BAD \[CLIENTBUG\]")

    def test_starttls_twice_and_after_login(self):
        self.start_imap()
        client = self.raw("imap")
        client.starttls()
        self.assertRegex(client.command("b", "STARTTLS")[-1], r"^b BAD")
        client.command("l", "LOGIN alice alice-secret")
        self.assertRegex(client.command("c", "STARTTLS")[-1], r"^c BAD")

    def test_tls_session_resumed_by_a_new_connection(self):
        self.start_imap()
        versions = [ssl.TLSVersion.TLSv1_2, ssl.TLSVersion.TLSv1_3]
        for version in versions:
            with self.subTest(version=version):
                ctx = client_context()
                ctx.minimum_version = ctx.maximum_version = version
                sock = ctx.wrap_socket(socket.create_connection(
                    ("127.0.0.1", self.inst.port("imaps")), timeout=20))
                sock.recv(4096)  # the greeting (TLS 1.3 tickets come with it)
                sock.sendall(b"a NOOP\r\n")
                sock.recv(4096)
                session = sock.session
                sock.sendall(b"z LOGOUT\r\n")
                sock.close()
                again = ctx.wrap_socket(socket.create_connection(
                    ("127.0.0.1", self.inst.port("imaps")), timeout=20), session=session)
                self.assertTrue(again.recv(4096).startswith(b"* OK"))
                self.assertTrue(again.session_reused)
                again.close()

    def test_commands_in_the_wrong_state(self):
        self.start_imap()
        client = self.raw("imaps", tls=True)
        self.assertEqual(client.command("a1", "CHECK")[-1], "a1 BAD Please login first")
        self.assertEqual(client.command("a2", "ENABLE IDLE")[-1], "a2 BAD Please login first")
        self.assertEqual(client.command("a3", "FROB")[-1], "a3 BAD Unrecognized command")
        client.command("a4", "LOGIN alice alice-secret")
        self.assertEqual(client.command("a5", "LOGIN alice alice-secret")[-1],
                         "a5 BAD Already authenticated")
        self.assertEqual(client.command("a6", "CHECK")[-1], "a6 BAD Please select a mailbox first")

    def test_noop_id_enable_namespace_logout(self):
        self.start_imap()
        client = self.raw("imaps", tls=True)
        self.assertEqual(client.command("a1", "NOOP"), ["a1 OK Completed"])
        lines = client.command("a2", 'ID ("name" "test" "version" NIL)')
        self.assertRegex(lines[0], r'^\* ID \("name" "Satrap"')
        self.assertEqual(lines[-1], "a2 OK Completed")
        self.assertEqual(client.command("a3", "ID NIL")[-1], "a3 OK Completed")
        self.assertRegex(client.command("a4", 'ID ("name")')[-1], "^a4 BAD")
        client.command("l", "LOGIN alice alice-secret")
        self.assertEqual(client.command("a5", "ENABLE X-NOTHING"), ["* ENABLED", "a5 OK Completed"])
        self.assertEqual(client.command("a6", "NAMESPACE")[0],
                         '* NAMESPACE (("INBOX." ".")) (("user." ".")) (("" "."))')
        self.assertEqual(client.command("a7", "LOGOUT"), ["* BYE LOGOUT received", "a7 OK Completed"])
        self.assertTrue(client.closed())

    def test_capability_after_login_has_no_auth_mechanisms(self):
        self.start_imap()
        conn = self.login("alice")
        caps = conn.capability()[1][0].decode().split()
        self.assertIn("NAMESPACE", caps)
        self.assertFalse([c for c in caps if c.startswith("AUTH=")])

    def test_suppress_capabilities(self):
        self.start_imap(options={"suppress_capabilities": "ID SASL-IR"})
        client = self.raw("imap")
        self.assertNotIn("SASL-IR", client.greeting)
        self.assertNotIn(" ID ", client.greeting)

    def test_idle_client_is_logged_out(self):
        self.start_imap(imap_args="-T 2")
        client = self.raw("imap")
        client.sock.settimeout(30)
        self.assertEqual(client.readline(), "* BYE Autologout; idle for too long")
        self.assertTrue(client.closed())

    def test_proc_entry_records_the_user(self):
        self.start_imap()
        client = self.raw("imaps", tls=True)
        client.command("l", "LOGIN alice alice-secret")
        proc = os.path.join(self.inst.configdir, "proc")

        def entry():
            for name in os.listdir(proc):
                with open(os.path.join(proc, name)) as f:
                    fields = f.read().rstrip("\n").split("\t")
                if len(fields) >= 3 and fields[2] == "alice":
                    return fields
            return None
        fields = self.inst.wait_until(entry, message="proc entry for alice")
        self.assertEqual(fields[0], "imaps")

    def test_worker_serves_again_after_logout(self):
        self.start_imap(imap_args="-U 3")
        for i in range(5):
            conn = self.login("alice")
            conn.logout()


if __name__ == "__main__":
    unittest.main()
