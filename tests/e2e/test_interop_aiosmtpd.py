#!/usr/bin/python3
"""Interoperability: the simulated MTA relays to a real SMTP server (aiosmtpd) on loopback.

tests/fixtures/live/external-mx.json is six-steps with mail.example.com marked
"external": the test points it at an aiosmtpd Controller on a free port, runs
`mailsim run` and checks that aiosmtpd got Alice's message with the right envelope and an
intact body (dot-stuffed line included), and that the ledger counts it delivered. With the
real server down, the message stays queued (never lost). Env: MAILSIM, MAILSIM_SOURCE_DIR.
Exits 77 (skipped, for ctest) when aiosmtpd is missing.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

from mailsim_test import free_port

MAILSIM = os.environ.get("MAILSIM", "build/mailsim")
SRC = os.environ.get("MAILSIM_SOURCE_DIR", os.getcwd())
FIXTURE = os.path.join(SRC, "tests", "fixtures", "live", "external-mx.json")

try:
    from aiosmtpd.controller import Controller
except ImportError:
    Controller = None


class Collector:
    def __init__(self):
        self.envelopes = []

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.original_content or
                               envelope.content, session.host_name))
        return "250 2.0.0 Ok: stored by aiosmtpd"


class InteropAiosmtpdTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="mailsim-interop-")
        self.port = free_port()
        with open(FIXTURE) as f:
            s = json.load(f)
        for server in s["servers"]:
            if "external" in server:
                server["external"] = f"127.0.0.1:{self.port}"
        self.scenario = os.path.join(self.tmp, "external-mx.json")
        with open(self.scenario, "w") as f:
            json.dump(s, f)
        self.controller = None

    def tearDown(self):
        if self.controller:
            self.controller.stop()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def run_mailsim(self):
        trace, summary = os.path.join(self.tmp, "t.json"), os.path.join(self.tmp, "s.json")
        r = subprocess.run([MAILSIM, "run", self.scenario, "--trace", trace, "--summary", summary],
                           capture_output=True, timeout=120)
        self.assertEqual(r.returncode, 0, r.stderr.decode(errors="replace"))
        with open(trace) as f:
            t = json.load(f)
        with open(summary) as f:
            sm = json.load(f)
        return r.stdout.decode(errors="replace"), t, sm

    def test_relay_to_aiosmtpd(self):
        collector = Collector()
        self.controller = Controller(collector, hostname="127.0.0.1", port=self.port,
                                     server_hostname="real.example.com")
        self.controller.start()
        out, trace, _ = self.run_mailsim()
        self.assertEqual(len(collector.envelopes), 1, out)
        mail_from, rcpts, content, helo = collector.envelopes[0]
        self.assertEqual(mail_from, "alice@example.org")
        self.assertEqual(rcpts, ["bob@example.com"])
        self.assertEqual(helo, "mail.example.org")
        text = content.decode("utf-8")
        self.assertIn("Subject: Hello from Alice", text)
        self.assertIn("\r\n.A line that starts with a dot shows dot-stuffing.\r\n", text)
        self.assertIn("by mail.example.org", " ".join(text.split()))
        self.assertIn("delivered", out)
        self.assertIn("Totals: submitted 1, delivered 1", out)
        # The real server's replies are in the trace, as said by the simulated host.
        real = [e["line"] for e in trace["events"]
                if e["kind"] == "line" and e["actor"]["host"] == "mail.example.com"]
        self.assertTrue(any("stored by aiosmtpd" in l for l in real), real)
        self.assertTrue(any(l.startswith("220 real.example.com") for l in real), real)

    def test_serve_bridges_both_ways(self):
        """A real client submits to the simulated MSA, whose MTA relays to the real server."""
        sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
        import smtplib
        import time
        from test_live_smtplib import LiveServer
        collector = Collector()
        self.controller = Controller(collector, hostname="127.0.0.1", port=self.port)
        self.controller.start()
        server = LiveServer(scenario=self.scenario, speed=60)
        try:
            self.assertNotIn("mail.example.com", server.ports)  # external: no simulated services
            with smtplib.SMTP("127.0.0.1", server.port("mail.example.org", "submission"), timeout=15) as s:
                s.login("alice@example.org", "alice-secret")
                s.sendmail("alice@example.org", ["bob@example.com"],
                           b"Subject: both ways\r\n\r\nreal -> simulated -> real\r\n")
            deadline = time.time() + 20
            while not collector.envelopes and time.time() < deadline:
                time.sleep(0.1)
            self.assertEqual(len(collector.envelopes), 1, server.output())
            self.assertEqual(collector.envelopes[0][1], ["bob@example.com"])
            self.assertIn(b"real -> simulated -> real", collector.envelopes[0][2])
            self.assertEqual(server.stop(), 0)
            self.assertIn("live-1", server.output())
            self.assertIn("Totals: submitted 1, delivered 1", server.output())
        finally:
            server.cleanup()

    def test_real_server_down_leaves_the_message_queued(self):
        out, _, summary = self.run_mailsim_with_limit()
        self.assertIn("queued", out)
        self.assertIn("Totals: submitted 1, delivered 0, bounced 0, queued 1", out)

    def run_mailsim_with_limit(self):
        with open(self.scenario) as f:
            s = json.load(f)
        s["until"] = "2h"
        with open(self.scenario, "w") as f:
            json.dump(s, f)
        return self.run_mailsim()


if __name__ == "__main__":
    if Controller is None:
        print("SKIP: aiosmtpd is not installed (scripts/setup.sh installs python3-aiosmtpd)")
        sys.exit(77)
    unittest.main(verbosity=2)
