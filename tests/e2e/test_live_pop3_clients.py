#!/usr/bin/python3
"""Live mode: real POP3 clients (fetchmail, s-nail) retrieve from mail.example.com a message
that smtplib submitted to mail.example.org. Env: MAILSIM, MAILSIM_SOURCE_DIR. Each client's
test prints SKIP when that client is missing; the file skips when both are.
"""
import os
import shutil
import smtplib
import subprocess
import sys
import time
import unittest
from email.message import EmailMessage

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from test_live_smtplib import LiveServer, pop3_wait  # noqa: E402

FETCHMAIL = shutil.which("fetchmail")
SNAIL = shutil.which("s-nail")


class LivePop3ClientsTest(unittest.TestCase):
    def setUp(self):
        self.server = LiveServer(speed=60)

    def tearDown(self):
        self.server.cleanup()

    def submit(self, subject):
        m = EmailMessage()
        m["From"] = "alice@example.org"
        m["To"] = "bob@example.com"
        m["Subject"] = subject
        m.set_content("Hello Bob, fetched by a real POP3 client.\n")
        with smtplib.SMTP("127.0.0.1", self.server.port("mail.example.org", "submission"), timeout=15) as s:
            s.login("alice@example.org", "alice-secret")
            s.send_message(m)
        # Wait (bounded) until it sits in Bob's mailbox; poplib's QUIT leaves it there.
        pop3_wait(self.server.port("mail.example.com", "pop3"), "bob@example.com", "bob-secret",
                  lambda msg: msg["Subject"] == subject)

    def test_fetchmail(self):
        if not FETCHMAIL:
            self.skipTest("fetchmail is not installed")
        self.submit("for fetchmail")
        out = os.path.join(self.server.tmp, "fetched.mbox")
        rc = os.path.join(self.server.tmp, "fetchmailrc")
        with open(rc, "w") as f:
            f.write(f'poll 127.0.0.1 protocol POP3 port {self.server.port("mail.example.com", "pop3")}\n'
                    f'  user "bob@example.com" password "bob-secret" is "{os.environ.get("USER", "root")}" here\n'
                    '  sslproto ""\n')
        os.chmod(rc, 0o600)
        env = dict(os.environ, HOME=self.server.tmp, FETCHMAILHOME=self.server.tmp)
        r = subprocess.run([FETCHMAIL, "-f", rc, "--nodetach", "-v", "--mda", f"/bin/sh -c 'cat >> {out}'"],
                           capture_output=True, text=True, timeout=60, env=env)
        self.assertIn(r.returncode, (0,), r.stdout + r.stderr)
        with open(out, "rb") as f:
            fetched = f.read()
        self.assertIn(b"Subject: for fetchmail", fetched)
        self.assertIn(b"fetched by a real POP3 client", fetched)
        # fetchmail deletes what it fetched: the mailbox is now empty.
        import poplib
        c = poplib.POP3("127.0.0.1", self.server.port("mail.example.com", "pop3"), timeout=10)
        c.user("bob@example.com")
        c.pass_("bob-secret")
        self.assertEqual(c.stat()[0], 0)
        c.quit()

    def test_snail(self):
        if not SNAIL:
            self.skipTest("s-nail is not installed")
        self.submit("for s-nail")
        port = self.server.port("mail.example.com", "pop3")
        env = dict(os.environ, HOME=self.server.tmp, MAILRC="/dev/null", LC_ALL="C.UTF-8")
        r = subprocess.run([SNAIL, "-n", "-#", "-Sv15-compat", "-Spop3-no-apop", "-Sheadline=%s",
                            "-f", f"pop3://bob%40example.com:bob-secret@127.0.0.1:{port}"],
                           input="headers\nxit\n", capture_output=True, text=True, timeout=60, env=env)
        self.assertIn("for s-nail", r.stdout + r.stderr, r.stdout + r.stderr)


if __name__ == "__main__":
    if not FETCHMAIL and not SNAIL:
        print("SKIP: neither fetchmail nor s-nail is installed (scripts/setup.sh installs them)")
        sys.exit(77)
    result = unittest.main(verbosity=2, exit=False).result
    if not result.wasSuccessful():
        sys.exit(1)
    # A client that is missing is a skipped test, never a passed one: tell ctest (77).
    sys.exit(77 if result.skipped else 0)
