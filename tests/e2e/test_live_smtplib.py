#!/usr/bin/python3
"""Live mode: Python's smtplib and poplib talk to `mailsim serve scenarios/six-steps.json`.

A message with a random binary attachment is submitted on mail.example.org's submission
port (AUTH) and fetched from mail.example.com over POP3: the attachment is identical and
both servers added a Received: field. Submission without AUTH gets 530, a bad password
535, and port 25 is no open relay (554 5.7.1). SIGTERM ends the server with exit code 0 and
the trace has the real client's lines. Env: MAILSIM, MAILSIM_SOURCE_DIR.

Also holds LiveServer, the helper the other test_live_*.py files import.
"""
import email
import json
import os
import poplib
import random
import shutil
import signal
import smtplib
import socket
import subprocess
import sys
import tempfile
import time
import unittest

from mailsim_test import free_port
from email.message import EmailMessage

MAILSIM = os.environ.get("MAILSIM", "build/mailsim")
SRC = os.environ.get("MAILSIM_SOURCE_DIR", os.getcwd())
SIX_STEPS = os.path.join(SRC, "scenarios", "six-steps.json")


def port_free(port):
    s = socket.socket()
    try:
        s.bind(("127.0.0.1", port))
        return True
    except OSError:
        return False
    finally:
        s.close()


def free_base_port(servers=2):
    """A base N whose service ports (N+100k+25, +87, +10) are all free."""
    rnd = random.Random()
    for _ in range(200):
        base = rnd.randrange(200, 600) * 100
        ports = [base + 100 * k + off for k in range(servers) for off in (25, 87, 10)]
        if all(port_free(p) for p in ports):
            return base
    raise AssertionError("no free base port found")


class LiveServer:
    """`mailsim serve` as a subprocess; always stop() it (in a finally or tearDown)."""

    def __init__(self, scenario=SIX_STEPS, speed=60, base_port=None, extra=(), env=None):
        self.tmp = tempfile.mkdtemp(prefix="mailsim-live-")
        self.ports_file = os.path.join(self.tmp, "ports.json")
        self.trace = os.path.join(self.tmp, "trace.json")
        self.summary = os.path.join(self.tmp, "summary.json")
        self.out = open(os.path.join(self.tmp, "stdout.txt"), "w+")
        args = [MAILSIM, "serve", scenario, "--ports-file", self.ports_file, "--speed", str(speed),
                "--trace", self.trace, "--summary", self.summary, *extra]
        if base_port:
            args += ["--base-port", str(base_port)]
        self.proc = subprocess.Popen(args, stdout=self.out, stderr=subprocess.STDOUT, env=env)
        deadline = time.time() + 20
        while not os.path.exists(self.ports_file):
            if self.proc.poll() is not None:
                raise AssertionError(f"mailsim serve exited {self.proc.returncode}: {self.output()}")
            if time.time() > deadline:
                self.stop()
                raise AssertionError("mailsim serve did not write its ports file in 20 s")
            time.sleep(0.05)
        with open(self.ports_file) as f:
            self.ports = json.load(f)

    def port(self, server, service):
        return self.ports[server][service]

    def output(self):
        self.out.flush()
        self.out.seek(0)
        return self.out.read()

    def alive(self):
        return self.proc.poll() is None

    def stop(self, sig=signal.SIGTERM):
        """Stops the server; returns its exit code (killed after 30 s)."""
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        return self.proc.returncode

    def cleanup(self):
        self.stop()
        self.out.close()
        shutil.rmtree(self.tmp, ignore_errors=True)


def pop3_wait(port, user, password, predicate=lambda msg: True, timeout=20):
    """Polls a POP3 mailbox until a message satisfying predicate arrives; returns (raw, msg)."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        c = poplib.POP3("127.0.0.1", port, timeout=10)
        try:
            c.user(user)
            c.pass_(password)
            count, _ = c.stat()
            for i in range(1, count + 1):
                raw = b"\r\n".join(c.retr(i)[1]) + b"\r\n"
                msg = email.message_from_bytes(raw)
                if predicate(msg):
                    return raw, msg
        finally:
            try:
                c.quit()
            except Exception:
                pass
        time.sleep(0.3)
    raise AssertionError(f"no matching message for {user} within {timeout} s")


class LiveSmtplibTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = LiveServer(base_port=free_base_port(), speed=60)

    @classmethod
    def tearDownClass(cls):
        cls.server.cleanup()

    def test_a_port_mapping_follows_the_base_port_rule(self):
        base = int(self.server.proc.args[self.server.proc.args.index("--base-port") + 1])
        self.assertEqual(self.server.ports, {
            "mail.example.org": {"smtp": base + 25, "submission": base + 87, "pop3": base + 10},
            "mail.example.com": {"smtp": base + 125, "submission": base + 187, "pop3": base + 110}})

    def test_b_submit_and_retrieve_binary_attachment(self):
        payload = os.urandom(20 * 1024)
        m = EmailMessage()
        m["From"] = "Alice <alice@example.org>"
        m["To"] = "bob@example.com"
        m["Subject"] = "live smtplib attachment"
        m["Message-ID"] = "<live-attachment-test@example.org>"
        m.set_content("Hi Bob,\n.a line with a leading dot\nbye\n")
        m.add_attachment(payload, maintype="application", subtype="octet-stream", filename="random.bin")
        with smtplib.SMTP("127.0.0.1", self.server.port("mail.example.org", "submission"), timeout=15) as s:
            s.ehlo()
            s.login("alice@example.org", "alice-secret")
            refused = s.send_message(m)
            self.assertEqual(refused, {})
        _, got = pop3_wait(self.server.port("mail.example.com", "pop3"), "bob@example.com", "bob-secret",
                           lambda msg: msg["Subject"] == "live smtplib attachment")
        parts = [p for p in got.walk() if p.get_filename() == "random.bin"]
        self.assertEqual(len(parts), 1)
        self.assertEqual(parts[0].get_payload(decode=True), payload)
        received = " ".join(" ".join(str(r).split()) for r in got.get_all("Received", []))
        self.assertIn("by mail.example.org", received)
        self.assertIn("by mail.example.com", received)
        # The live gateway has no PTR record: the MSA writes "unknown", as Postfix does.
        self.assertIn("(unknown [192.0.2.250])", received)
        text = [p for p in got.walk() if p.get_content_type() == "text/plain"][0]
        self.assertIn(b"\n.a line with a leading dot", text.get_payload(decode=True))

    def test_c_submission_without_auth_gets_530(self):
        with smtplib.SMTP("127.0.0.1", self.server.port("mail.example.org", "submission"), timeout=15) as s:
            s.ehlo()
            code, text = s.mail("alice@example.org")
            self.assertEqual(code, 530, text)

    def test_d_bad_password_gets_535(self):
        with smtplib.SMTP("127.0.0.1", self.server.port("mail.example.org", "submission"), timeout=15) as s:
            s.ehlo()
            with self.assertRaises(smtplib.SMTPAuthenticationError) as cm:
                s.login("alice@example.org", "wrong-password")
            self.assertEqual(cm.exception.smtp_code, 535)

    def test_e_port_25_is_no_open_relay(self):
        with smtplib.SMTP("127.0.0.1", self.server.port("mail.example.org", "smtp"), timeout=15) as s:
            s.ehlo()
            self.assertEqual(s.mail("someone@elsewhere.test")[0], 250)
            code, text = s.rcpt("victim@foreign.test")
            self.assertEqual(code, 554, text)
            self.assertIn(b"5.7.1", text)

    def test_z_sigterm_exits_0_and_writes_the_trace(self):
        self.assertTrue(self.server.alive(), self.server.output())
        self.assertEqual(self.server.stop(), 0, self.server.output())
        with open(self.server.trace) as f:
            trace = json.load(f)
        gateway_lines = [e["line"] for e in trace["events"]
                         if e["actor"]["host"] == "live-gateway" and e["kind"] == "line"]
        self.assertTrue(any(l.upper().startswith("AUTH PLAIN") for l in gateway_lines), gateway_lines[:20])
        self.assertTrue(any(l.upper().startswith("RCPT TO:<BOB@EXAMPLE.COM>") for l in gateway_lines))
        self.assertTrue(any(e["kind"] == "content" and e["actor"]["host"] == "live-gateway"
                            for e in trace["events"]))
        self.assertIn("live-gateway", [h["name"] for h in trace["topology"]["hosts"]])
        with open(self.server.summary) as f:
            summary = json.load(f)
        text = json.dumps(summary)
        self.assertIn("live-1", text)
        # poplib's RETR counts as retrieval (the ledger knows the message by its Message-ID).
        self.assertIn("Totals: submitted 1, delivered 1, bounced 0, queued 0, rejected 0, retrieved 1",
                      self.server.output())


class LiveArgumentsTest(unittest.TestCase):
    def test_non_loopback_bind_is_refused(self):
        r = subprocess.run([MAILSIM, "serve", SIX_STEPS, "--bind", "0.0.0.0", "--for", "1"],
                           capture_output=True, text=True, timeout=30)
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertIn("loopback", r.stderr)

    def test_non_loopback_external_is_refused(self):
        tmp = tempfile.mkdtemp(prefix="mailsim-live-")
        try:
            with open(SIX_STEPS) as f:
                s = json.load(f)
            s["servers"][1]["external"] = "192.0.2.7:25"
            path = os.path.join(tmp, "s.json")
            with open(path, "w") as f:
                json.dump(s, f)
            r = subprocess.run([MAILSIM, "validate", path], capture_output=True, text=True, timeout=30)
            self.assertEqual(r.returncode, 2, r.stderr)
            self.assertIn("/servers/1/external", r.stderr)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)

    def test_for_stops_by_itself(self):
        r = subprocess.run([MAILSIM, "serve", SIX_STEPS, "--for", "0.5", "-q"], capture_output=True, text=True,
                           timeout=30)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("mail.example.com pop3", r.stdout)


if __name__ == "__main__":
    unittest.main(verbosity=2)
