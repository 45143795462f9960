"""pop3d end to end: bad input gets -ERR and the session goes on.

Unknown commands, commands in the wrong state, bad message numbers and
arguments, overlong lines, NUL bytes; PIPELINING (RFC 2449 §6.6); the
bad-command cap and the autologout timer (RFC 1939 §3), after which nothing
marked is deleted.
"""

import unittest

from satrap_instance import Service
from test_pop3_basic import Pop3TestCase, message


class Pop3ErrorTest(Pop3TestCase):

    def logged_in(self, service="pop3"):
        client = self.client(service)
        self.assertTrue(client.command("USER alice").startswith("+OK"))
        self.assertTrue(client.command("PASS secret").startswith("+OK"))
        return client

    def test_unknown_and_wrong_state_commands(self):
        self.start_pop3()
        self.deliver("alice", message(1))
        client = self.client()
        for line in ("XYZZY", "STAT", "LIST", "RETR 1", "DELE 1", "UIDL", "TOP 1 1", "RSET",
                     "NOOP", "", "   ", "12345", "RETR\t1"):
            with self.subTest(line=line, state="AUTHORIZATION"):
                self.assertTrue(client.command(line).startswith("-ERR"), line)
        self.assertTrue(client.command("USER alice").startswith("+OK"))
        self.assertTrue(client.command("PASS secret").startswith("+OK"))
        for line in ("XYZZY", "USER alice", "PASS secret", "APOP alice x", "AUTH PLAIN",
                     "STLS"):
            with self.subTest(line=line, state="TRANSACTION"):
                self.assertTrue(client.command(line).startswith("-ERR"), line)
        self.assertTrue(client.command("STAT").startswith("+OK 1 "))

    def test_bad_message_numbers_and_arguments(self):
        self.start_pop3()
        self.deliver("alice", message(1), message(2))
        client = self.logged_in()
        bad = ["RETR 0", "RETR 3", "RETR 99999999999", "RETR -1", "RETR abc", "RETR",
               "RETR 1 2", "RETR 0x1", "LIST 0", "LIST 3", "LIST x", "LIST 1 2", "UIDL 3",
               "UIDL one", "DELE", "DELE 3", "DELE 1 2", "TOP 1", "TOP 1 x", "TOP 0 1",
               "TOP 3 0", "TOP 1 -1", "TOP", "STAT x", "NOOP x", "RSET x", "QUIT now",
               "CAPA x"]
        for line in bad:
            with self.subTest(line=line):
                self.assertTrue(client.command(line).startswith("-ERR"), line)
        # None of it changed anything.
        self.assertTrue(client.command("STAT").startswith("+OK 2 "))
        self.assertTrue(client.command("DELE 1").startswith("+OK"))
        self.assertTrue(client.command("DELE 1").startswith("-ERR"))  # already deleted
        self.assertTrue(client.command("LIST 1").startswith("-ERR"))
        self.assertTrue(client.command("UIDL 1").startswith("-ERR"))
        self.assertTrue(client.command("TOP 1 0").startswith("-ERR"))
        self.assertTrue(client.command("LIST").startswith("+OK"))
        self.assertEqual([l.split()[0] for l in client.multiline()], ["2"])
        self.assertTrue(client.command("QUIT").startswith("+OK"))
        self.assertEqual(len(self.stored("alice")["uids"]), 1)

    def test_overlong_line_and_nul(self):
        self.start_pop3()
        client = self.logged_in()
        self.assertTrue(client.command("NOOP " + "x" * 100000).startswith("-ERR"))
        self.assertTrue(client.command("NOOP").startswith("+OK"))
        self.assertTrue(client.command("NO\0OP").startswith("-ERR"))
        self.assertTrue(client.command("LIST 1\0").startswith("-ERR"))
        self.assertTrue(client.command("NOOP").startswith("+OK"))
        before_login = self.client()
        self.assertTrue(before_login.command("USER " + "a" * 100000).startswith("-ERR"))
        self.assertTrue(before_login.command("CAPA").startswith("+OK"))

    def test_pipelining(self):
        self.start_pop3()
        self.deliver("alice", message(1), message(2))
        client = self.client()
        client.send("USER alice\r\nPASS secret\r\nSTAT\r\nLIST\r\nRETR 2\r\nDELE 1\r\n"
                    "UIDL 2\r\nQUIT\r\n")
        self.assertTrue(client.readline().startswith("+OK"))
        self.assertTrue(client.readline().startswith("+OK"))
        self.assertEqual(client.readline(), "+OK 2 %d" % (len(message(1)) + len(message(2))))
        self.assertTrue(client.readline().startswith("+OK"))
        self.assertEqual(len(client.multiline()), 2)
        self.assertTrue(client.readline().startswith("+OK"))
        body = client.multiline()
        self.assertEqual("\r\n".join(body) + "\r\n", message(2).decode())
        self.assertTrue(client.readline().startswith("+OK"))
        self.assertTrue(client.readline().startswith("+OK 2 "))
        self.assertTrue(client.readline().startswith("+OK"))
        self.assertTrue(client.closed())
        self.assertEqual(len(self.stored("alice")["uids"]), 1)

    def test_too_many_bad_commands_end_the_session(self):
        self.start_pop3()
        client = self.client()
        for _ in range(20):
            reply = client.command("BOGUS")
        self.assertTrue(reply.startswith("-ERR"))
        self.assertTrue(client.readline().startswith("-ERR Too many"))
        self.assertTrue(client.closed())

    def test_autologout_deletes_nothing(self):
        self.start_pop3(services=[Service("pop3", "pop3d -T 2")])
        self.deliver("alice", message(1))
        client = self.logged_in()
        self.assertTrue(client.command("DELE 1").startswith("+OK"))
        self.assertTrue(client.readline().startswith("-ERR Autologout"))
        self.assertTrue(client.closed())
        self.inst.wait_for_log(r"session ended: user=alice .*reason=timeout")
        self.assertEqual(len(self.stored("alice")["uids"]), 1)


if __name__ == "__main__":
    unittest.main()
