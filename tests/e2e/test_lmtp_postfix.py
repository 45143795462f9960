"""Postfix from Debian delivering into Satrap over the LMTP unix socket.

A private Postfix (its own main.cf/master.cf, queue and data folders in a
temporary tree, smtpd on a free loopback port, no chroot) is started with
`postfix -c DIR start`, with mailbox_transport = lmtp:unix:<lmtpsocket>.
Mail submitted over SMTP must land in the right mailboxes; an over-quota
mailbox makes lmtpd answer 452 4.2.2, Postfix defers, and once the quota is
raised a queue flush delivers it. Needs root (Postfix's master starts as
root) and the postfix package.
"""

import os
import shutil
import smtplib
import subprocess
import tempfile
import time
import unittest

from satrap_instance import free_port
from test_lmtp_basic import LmtpTestCase, message

POSTFIX = "/usr/sbin/postfix"

MASTER_CF = """\
{port} inet n - n - - smtpd
pickup    unix  n       -       n       60      1       pickup
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
flush     unix  n       -       n       1000?   0       flush
proxymap  unix  -       -       n       -       -       proxymap
smtp      unix  -       -       n       -       -       smtp
relay     unix  -       -       n       -       -       smtp
showq     unix  n       -       n       -       -       showq
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
local     unix  -       n       n       -       -       local
lmtp      unix  -       -       n       -       -       lmtp
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd
"""

MAIN_CF = """\
compatibility_level = 3.6
queue_directory = {queue}
data_directory = {data}
command_directory = /usr/sbin
daemon_directory = /usr/lib/postfix/sbin
shlib_directory = /usr/lib/postfix
meta_directory = /etc/postfix
mail_owner = postfix
setgid_group = postdrop
default_privs = nobody
myhostname = mx.satrap.test
mydomain = satrap.test
myorigin = satrap.test
mydestination = satrap.test, localhost
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
local_recipient_maps =
alias_maps =
alias_database =
recipient_delimiter = +
mailbox_transport = lmtp:unix:{socket}
maillog_file_prefixes = /tmp, /var
maillog_file = {maillog}
smtputf8_enable = no
biff = no
queue_run_delay = 1s
minimal_backoff_time = 1s
maximal_backoff_time = 2s
lmtp_connection_cache_on_demand = no
"""


@unittest.skipUnless(os.geteuid() == 0 and os.path.exists(POSTFIX), "needs root and postfix")
class LmtpPostfixTest(LmtpTestCase):

    def start_postfix(self):
        inst = self.inst
        # The lmtp client runs as the postfix user: let it reach the socket.
        for path in (inst.root, inst.configdir, os.path.dirname(inst.socket_path("lmtp"))):
            os.chmod(path, 0o755)
        os.chmod(inst.socket_path("lmtp"), 0o777)
        self.pf = tempfile.mkdtemp(prefix="satrap-postfix-", dir="/tmp")
        self.addCleanup(shutil.rmtree, self.pf, True)
        os.chmod(self.pf, 0o755)  # mkdtemp's 0700 would lock the postfix user out
        conf = os.path.join(self.pf, "conf")
        os.makedirs(conf)
        self.pf_conf = conf
        self.smtp_port = free_port()
        self.maillog = os.path.join(self.pf, "maillog")
        with open(os.path.join(conf, "main.cf"), "w") as f:
            f.write(MAIN_CF.format(queue=os.path.join(self.pf, "queue"),
                                   data=os.path.join(self.pf, "data"),
                                   socket=inst.socket_path("lmtp"), maillog=self.maillog))
        with open(os.path.join(conf, "master.cf"), "w") as f:
            f.write(MASTER_CF.format(port="127.0.0.1:%d" % self.smtp_port))
        os.makedirs(os.path.join(self.pf, "data"))
        shutil.chown(os.path.join(self.pf, "data"), "postfix")
        os.makedirs(os.path.join(self.pf, "queue"))  # its subfolders come from `postfix start`
        self.postfix("start")
        self.addCleanup(self.postfix, "stop", check=False)
        deadline = time.time() + 20
        while time.time() < deadline:
            try:
                smtplib.SMTP("127.0.0.1", self.smtp_port, timeout=5).quit()
                return
            except OSError:
                time.sleep(0.2)
        self.fail("postfix smtpd did not come up:\n" + self.postfix_log())

    def postfix(self, *args, check=True):
        result = subprocess.run([POSTFIX, "-c", self.pf_conf] + list(args),
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=60)
        if check and result.returncode != 0:
            self.fail("postfix %s: %s\n%s" % (" ".join(args), result.stdout.decode(),
                                               self.postfix_log()))
        return result

    def postfix_log(self):
        try:
            with open(self.maillog, errors="replace") as f:
                return f.read()
        except FileNotFoundError:
            return ""

    def wait_for(self, predicate, what, timeout=30):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if predicate():
                return
            time.sleep(0.2)
        self.fail("timed out waiting for %s\n--- postfix log ---\n%s\n--- satrap log ---\n%s"
                  % (what, self.postfix_log(), self.inst.log()))

    def submit(self, recipients, data):
        with smtplib.SMTP("127.0.0.1", self.smtp_port, timeout=30) as smtp:
            smtp.sendmail("sender@example.org", recipients, data)

    def test_mail_through_postfix_lands_in_the_right_mailboxes(self):
        self.start_lmtp()
        self.tool("mkmailbox", "user.alice.lists")
        self.tool("setacl", "user.alice.lists", "anyone", "+p")
        self.start_postfix()
        self.submit(["alice@satrap.test", "bob@satrap.test"], message("both"))
        self.submit(["alice+lists@satrap.test"], message("to lists"))
        self.wait_for(lambda: len(self.uids("user.alice")) == 1 and
                      len(self.uids("user.bob")) == 1 and
                      len(self.uids("user.alice.lists")) == 1, "three deliveries")
        self.assertIn(b"Subject: to lists", self.contents("user.alice.lists")[0])
        self.assertIn("status=sent", self.postfix_log())

    def test_unknown_user_bounces_and_over_quota_defers_then_retries(self):
        self.start_lmtp()
        self.tool("setquota", "user.bob", "1")
        self.start_postfix()
        self.submit(["bob@satrap.test"], message("fill", body="x" * 3000))
        self.wait_for(lambda: len(self.uids("user.bob")) == 1, "bob's first message")
        self.submit(["bob@satrap.test", "alice@satrap.test", "nobody@satrap.test"],
                    message("second"))
        self.wait_for(lambda: "status=deferred" in self.postfix_log() and
                      len(self.uids("user.alice")) == 1, "a deferral for bob")
        self.assertIn("452 4.2.2", self.postfix_log())
        self.wait_for(lambda: "550 5.1.1" in self.postfix_log(), "nobody's bounce")
        self.assertEqual(len(self.uids("user.bob")), 1)
        # Postfix keeps retrying; room in the mailbox lets the next try through.
        self.tool("setquota", "user.bob", "100000")
        self.postfix("flush")
        self.wait_for(lambda: len(self.uids("user.bob")) == 2, "the retried delivery")
        self.assertEqual(len(self.uids("user.alice")), 1)


if __name__ == "__main__":
    unittest.main()
