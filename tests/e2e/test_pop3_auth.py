"""pop3d end to end: authentication and TLS.

CAPA (RFC 2449), STLS (RFC 2595), POP3S (-s), USER/PASS and APOP
(RFC 1939 §7), AUTH with every SASL mechanism libsasl2 offers and with
initial responses (RFC 5034), [AUTH] and [SYS/TEMP] response codes.
"""

import base64
import hashlib
import poplib
import re
import unittest

from satrap_instance import Service
from imap_support import DigestMd5, LoginMech, Scram, cram_md5, plain
from test_pop3_basic import Pop3TestCase, client_context, message

CLEAR = {"allowplaintext": "no"}


def b64(data):
    return base64.b64encode(data).decode()


class Pop3AuthTest(Pop3TestCase):

    def sasl(self, client, mechanism, step, initial=False):
        """Runs AUTH mechanism with `step` answering each challenge; returns
        the final status line."""
        line = "AUTH " + mechanism
        if initial:
            first = step(b"")
            line += " " + (b64(first) if first else "=")
        reply = client.command(line)
        while reply.startswith("+ ") or reply == "+":
            challenge = base64.b64decode(reply[2:]) if len(reply) > 2 else b""
            reply = client.command(b64(step(challenge)))
        return reply

    def capa(self, client):
        self.assertTrue(client.command("CAPA").startswith("+OK"))
        return client.multiline()

    def test_capa_on_clear_text_hides_plaintext(self):
        self.start_pop3(options=CLEAR)
        client = self.client()
        capa = self.capa(client)
        for expected in ("STLS", "TOP", "UIDL", "PIPELINING", "RESP-CODES", "AUTH-RESP-CODE",
                         "EXPIRE NEVER", "LOGIN-DELAY 0"):
            self.assertIn(expected, capa)
        self.assertNotIn("USER", capa)
        sasl = [c for c in capa if c.startswith("SASL ")]
        self.assertEqual(len(sasl), 1, capa)
        mechanisms = sasl[0].split()[1:]
        self.assertIn("CRAM-MD5", mechanisms)
        self.assertIn("SCRAM-SHA-256", mechanisms)
        self.assertNotIn("PLAIN", mechanisms)
        self.assertNotIn("LOGIN", mechanisms)

    def test_capa_expire_and_login_delay_follow_the_config(self):
        self.start_pop3(options={"popexpiretime": "30", "popminpoll": "2"})
        capa = self.capa(self.client())
        self.assertIn("EXPIRE 30", capa)
        self.assertIn("LOGIN-DELAY 120", capa)  # RFC 2449 §6.5: seconds

    def test_user_refused_on_clear_text(self):
        self.start_pop3(options=CLEAR)
        client = self.client()
        self.assertTrue(client.command("USER alice").startswith("-ERR [AUTH]"))
        self.assertTrue(self.sasl(client, "PLAIN", plain("alice", "secret"), initial=True)
                        .startswith("-ERR [AUTH]"))
        self.assertTrue(client.command("NOOP").startswith("-ERR"))  # still AUTHORIZATION
        self.assertTrue(client.command("QUIT").startswith("+OK"))

    def test_stls_then_user_pass(self):
        self.start_pop3(options=CLEAR)
        self.deliver("alice", message(1))
        client = poplib.POP3("127.0.0.1", self.inst.port("pop3"), timeout=10)
        self.addCleanup(self._close, client)
        self.assertIn("STLS", client.capa())
        client.stls(context=client_context())
        capa = client.capa()
        self.assertNotIn("STLS", capa)  # RFC 2595 §4
        self.assertIn("USER", capa)
        self.assertIn("PLAIN", capa["SASL"])
        client.user("alice")
        client.pass_("secret")
        self.assertEqual(client.stat()[0], 1)
        client.quit()
        self.inst.wait_for_log(r"login: localhost \[127\.0\.0\.1\] alice plaintext\+TLS "
                               r"User logged in")
        self.inst.wait_for_log(r"starttls: TLSv1\.[23]")

    def test_pop3s_login(self):
        self.start_pop3(options=CLEAR)
        self.deliver("alice", message(1), message(2))
        client = poplib.POP3_SSL("127.0.0.1", self.inst.port("pop3s"), timeout=10,
                                 context=client_context())
        self.addCleanup(self._close, client)
        self.assertNotIn("STLS", client.capa())
        client.user("alice")
        client.pass_("secret")
        self.assertEqual(client.stat()[0], 2)
        _, lines, _ = client.retr(1)
        self.assertEqual(b"\r\n".join(lines) + b"\r\n", message(1))
        client.quit()

    def test_every_sasl_mechanism(self):
        self.start_pop3(options=CLEAR)
        mechanisms = [
            ("PLAIN", lambda: plain("alice", "secret"), True),
            ("PLAIN", lambda: plain("alice", "secret"), False),
            ("LOGIN", lambda: LoginMech("alice", "secret"), False),
            ("CRAM-MD5", lambda: cram_md5("alice", "secret"), False),
            ("DIGEST-MD5", lambda: DigestMd5("alice", "secret", service="pop"), False),
            ("SCRAM-SHA-1", lambda: Scram("alice", "secret", "sha1"), True),
            ("SCRAM-SHA-256", lambda: Scram("alice", "secret", "sha256"), True),
            ("SCRAM-SHA-256", lambda: Scram("alice", "secret", "sha256"), False),
        ]
        offered = [c for c in self.capa(self.client("pop3s")) if c.startswith("SASL ")]
        for mechanism, make, initial in mechanisms:
            with self.subTest(mechanism=mechanism, initial=initial):
                self.assertIn(mechanism, offered[0].split())
                client = self.client("pop3s")
                reply = self.sasl(client, mechanism, make(), initial=initial)
                self.assertTrue(reply.startswith("+OK"), reply)
                self.assertTrue(client.command("STAT").startswith("+OK 0 0"))
                self.assertTrue(client.command("QUIT").startswith("+OK"))
        self.assertEqual(len(re.findall(r"login: localhost \[127\.0\.0\.1\] alice ",
                                        self.inst.log())), len(mechanisms))

    def test_cram_md5_on_clear_text(self):
        self.start_pop3(options=CLEAR)
        client = self.client()
        self.assertTrue(self.sasl(client, "CRAM-MD5", cram_md5("alice", "secret"))
                        .startswith("+OK"))

    def test_auth_failures_keep_the_session(self):
        self.start_pop3()
        client = self.client()
        reply = self.sasl(client, "PLAIN", plain("alice", "wrong"), initial=True)
        self.assertTrue(reply.startswith("-ERR [AUTH]"), reply)
        self.assertTrue(client.command("AUTH PLAIN").startswith("+ "))
        self.assertTrue(client.command("*").startswith("-ERR [AUTH]"))  # cancelled
        self.assertTrue(client.command("AUTH PLAIN").startswith("+ "))
        self.assertTrue(client.command("not base64!").startswith("-ERR [AUTH]"))
        self.assertTrue(client.command("AUTH PLAIN not-base64!").startswith("-ERR [AUTH]"))
        self.assertTrue(client.command("AUTH X-UNKNOWN").startswith("-ERR [AUTH]"))
        self.assertTrue(client.command("AUTH PLAIN =").startswith("-ERR"))  # empty message
        self.assertTrue(client.command("USER alice").startswith("+OK"))
        self.assertTrue(client.command("PASS wrong").startswith("-ERR [AUTH]"))
        self.assertTrue(client.command("PASS secret").startswith("-ERR [AUTH]"))  # USER first
        self.assertTrue(client.command("USER alice").startswith("+OK"))
        self.assertTrue(client.command("PASS secret").startswith("+OK"))
        self.inst.wait_for_log(r"badlogin: localhost \[127\.0\.0\.1\] plaintext alice")

    def test_unknown_user_looks_like_a_wrong_password(self):
        self.start_pop3()
        client = self.client()
        client.command("USER nobody")
        unknown = client.command("PASS secret")
        client.command("USER alice")
        wrong = client.command("PASS wrong")
        self.assertTrue(unknown.startswith("-ERR [AUTH]"), unknown)
        self.assertEqual(unknown, wrong)

    def test_too_many_failures_end_the_session(self):
        self.start_pop3()
        client = self.client()
        for _ in range(5):
            client.command("USER alice")
            reply = client.command("PASS wrong")
        self.assertTrue(reply.startswith("-ERR [AUTH]"))
        self.assertTrue(client.readline().startswith("-ERR"))
        self.assertTrue(client.closed())

    def test_auth_without_mechanism_lists_them(self):
        self.start_pop3()
        client = self.client()
        self.assertTrue(client.command("AUTH").startswith("+OK"))
        listed = client.multiline()
        self.assertIn("CRAM-MD5", listed)
        self.assertIn("PLAIN", listed)

    def test_apop(self):
        self.start_pop3()
        client = self.client()
        match = re.search(r"<[^>]+>", client.greeting)
        self.assertIsNotNone(match, client.greeting)
        digest = hashlib.md5((match.group(0) + "secret").encode()).hexdigest()
        self.assertTrue(client.command("APOP alice " + "0" * 32).startswith("-ERR [AUTH]"))
        self.assertTrue(client.command("APOP alice " + digest).startswith("+OK"))
        self.inst.wait_for_log(r"login: localhost \[127\.0\.0\.1\] alice APOP User logged in")

    def test_apop_off_when_disallowed(self):
        self.start_pop3(options={"allowapop": "no"})
        client = self.client()
        self.assertNotIn("<", client.greeting)
        self.assertTrue(client.command("APOP alice " + "0" * 32).startswith("-ERR"))

    def test_stls_refusals(self):
        self.start_pop3(options=CLEAR)
        client = self.client()
        client.send("STLS\r\nNOOP\r\n")  # pipelined behind STLS: CVE-2011-0411
        self.assertTrue(client.readline().startswith("-ERR"))
        self.assertTrue(client.readline().startswith("-ERR"))  # the NOOP, in AUTHORIZATION
        self.assertTrue(client.command("STLS extra").startswith("-ERR"))
        self.assertTrue(client.command("STLS").startswith("+OK"))
        client.starttls()
        self.assertTrue(client.command("STLS").startswith("-ERR"))
        tls = self.client("pop3s")
        self.assertTrue(tls.command("STLS").startswith("-ERR"))

    def test_no_stls_without_certificate(self):
        self.start_pop3(certificate=False, services=[Service("pop3", "pop3d")])
        client = self.client()
        self.assertNotIn("STLS", self.capa(client))
        self.assertTrue(client.command("STLS").startswith("-ERR"))


if __name__ == "__main__":
    unittest.main()
