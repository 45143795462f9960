"""pop3d end to end beside imapd on one INBOX.

IMAP sessions keep working while a POP3 session holds the maildrop; POP3
numbers stay those of login time; a UIDL is "<uidvalidity>.<uid>" as IMAP
reports them; POP3 deletions reach IMAP as EXPUNGEs after QUIT; a message
IMAP expunged meanwhile gives -ERR in POP3 and nothing breaks; a second POP3
session gets [IN-USE].
"""

import imaplib
import re
import unittest

from satrap_instance import Service
from test_pop3_basic import Pop3TestCase, message


class Pop3BesideImapTest(Pop3TestCase):

    def start(self):
        self.start_pop3(services=[Service("pop3", "pop3d -T 30"), Service("imap", "imapd")])
        self.deliver("alice", message(1), message(2), message(3))

    def imap(self):
        conn = imaplib.IMAP4("127.0.0.1", self.inst.port("imap"), timeout=20)
        self.addCleanup(lambda: conn.shutdown())
        self.assertEqual(conn.login("alice", "secret")[0], "OK")
        self.assertEqual(conn.select("INBOX")[0], "OK")
        return conn

    def logged_in(self):
        client = self.client()
        self.assertTrue(client.command("USER alice").startswith("+OK"))
        reply = client.command("PASS secret")
        self.assertTrue(reply.startswith("+OK"), reply)
        return client

    def test_uidl_matches_imap_uidvalidity_and_uid(self):
        self.start()
        imap = self.imap()
        uidvalidity = int(imap.response("UIDVALIDITY")[1][0])
        _, data = imap.fetch("1:*", "(UID)")
        uids = [int(re.search(rb"UID (\d+)", d).group(1)) for d in data]
        pop = self.logged_in()
        self.assertTrue(pop.command("UIDL").startswith("+OK"))
        self.assertEqual(pop.multiline(),
                         ["%d %d.%d" % (i + 1, uidvalidity, uid) for i, uid in enumerate(uids)])

    def test_imap_keeps_working_while_pop3_holds_the_maildrop(self):
        self.start()
        pop = self.logged_in()
        imap = self.imap()
        # IMAP reads, flags and appends while POP3 is in TRANSACTION.
        self.assertEqual(imap.fetch("2", "(BODY.PEEK[HEADER.FIELDS (SUBJECT)])")[0], "OK")
        self.assertEqual(imap.store("1", "+FLAGS", "(\\Flagged)")[0], "OK")
        self.assertEqual(imap.append("INBOX", None, None, message(4))[0], "OK")
        # POP3 keeps its login-time view (RFC 1939 §5: numbers are fixed).
        self.assertTrue(pop.command("STAT").startswith("+OK 3 "))
        self.assertTrue(pop.command("RETR 3").startswith("+OK"))
        self.assertEqual("\r\n".join(pop.multiline()) + "\r\n", message(3).decode())
        self.assertTrue(pop.command("DELE 1").startswith("+OK"))
        self.assertTrue(pop.command("DELE 2").startswith("+OK"))
        self.assertTrue(pop.command("QUIT").startswith("+OK"))
        # IMAP sees the two expunges and keeps messages 3 and 4.
        imap.noop()
        _, data = imap.search(None, "ALL")
        self.assertEqual(data[0].split(), [b"1", b"2"])
        _, data = imap.fetch("1:*", "(BODY.PEEK[HEADER.FIELDS (SUBJECT)])")
        subjects = b" ".join(d[1] for d in data if isinstance(d, tuple))
        self.assertIn(b"message 3", subjects)
        self.assertIn(b"message 4", subjects)
        self.assertEqual(len(self.stored("alice")["uids"]), 2)

    def test_message_expunged_by_imap_gives_err_in_pop3(self):
        self.start()
        pop = self.logged_in()
        imap = self.imap()
        self.assertEqual(imap.store("2", "+FLAGS", "(\\Deleted)")[0], "OK")
        self.assertEqual(imap.expunge()[0], "OK")
        self.assertTrue(pop.command("RETR 2").startswith("-ERR"))
        self.assertTrue(pop.command("TOP 2 0").startswith("-ERR"))
        self.assertTrue(pop.command("RETR 1").startswith("+OK"))
        pop.multiline()
        self.assertTrue(pop.command("DELE 2").startswith("+OK"))  # already gone: no harm
        self.assertTrue(pop.command("DELE 3").startswith("+OK"))
        self.assertTrue(pop.command("QUIT").startswith("+OK"))
        self.assertEqual(len(self.stored("alice")["uids"]), 1)

    def test_second_pop3_session_is_in_use(self):
        self.start()
        first = self.logged_in()
        imap = self.imap()  # IMAP is not locked out
        second = self.client()
        second.command("USER alice")
        reply = second.command("PASS secret")
        self.assertTrue(reply.startswith("-ERR [IN-USE]"), reply)
        # RFC 1939 §4: the session stays in AUTHORIZATION and may try again.
        self.assertTrue(second.command("CAPA").startswith("+OK"))
        second.multiline()
        self.assertEqual(imap.noop()[0], "OK")
        self.assertTrue(first.command("QUIT").startswith("+OK"))
        self.assertTrue(first.closed())
        second.command("USER alice")
        self.assertTrue(second.command("PASS secret").startswith("+OK"))

    def test_popminpoll_gives_login_delay(self):
        self.start_pop3(options={"popminpoll": "5"})
        client = self.logged_in()
        self.assertTrue(client.command("QUIT").startswith("+OK"))
        client = self.client()
        client.command("USER alice")
        reply = client.command("PASS secret")
        self.assertTrue(reply.startswith("-ERR [LOGIN-DELAY]"), reply)

    def test_popuseimapflags_hides_deleted_and_sets_seen(self):
        self.start_pop3(options={"popuseimapflags": "yes"},
                        services=[Service("pop3", "pop3d -T 30"), Service("imap", "imapd")])
        self.deliver("alice", message(1), message(2), message(3))
        imap = self.imap()
        self.assertEqual(imap.store("1", "+FLAGS", "(\\Deleted)")[0], "OK")
        pop = self.logged_in()
        self.assertTrue(pop.command("STAT").startswith("+OK 2 "))
        self.assertTrue(pop.command("RETR 1").startswith("+OK"))  # message 2
        pop.multiline()
        self.assertTrue(pop.command("QUIT").startswith("+OK"))
        imap.noop()
        # The last FETCH line per message (NOOP may leave unsolicited ones).
        self.assertIn(b"\\Seen", imap.fetch("2", "(FLAGS)")[1][-1])
        self.assertNotIn(b"\\Seen", imap.fetch("3", "(FLAGS)")[1][-1])


if __name__ == "__main__":
    unittest.main()
