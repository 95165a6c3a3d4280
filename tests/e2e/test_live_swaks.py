#!/usr/bin/python3
"""Live mode: swaks submits with AUTH PLAIN and PIPELINING a body with lines starting with
"." and 8-bit UTF-8 text; poplib fetches it from mail.example.com and the body lines are
byte for byte the same. Env: MAILSIM, MAILSIM_SOURCE_DIR. Exits 77 (skipped, for ctest) when swaks is missing.
"""
import os
import shutil
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from test_live_smtplib import LiveServer, pop3_wait  # noqa: E402

SWAKS = shutil.which("swaks")

BODY_LINES = [
    "Hola Bob,".encode(),
    ".a line that starts with a dot".encode(),
    "..two dots".encode(),
    ".".encode() + b" a lone dot followed by text",
    "Grüße aus Köln, ¡señor! — 8-bit UTF-8: ÄÖÜ € 漢字".encode("utf-8"),
    b"",
    b"Alice",
]


class LiveSwaksTest(unittest.TestCase):
    def setUp(self):
        self.server = LiveServer(speed=60)

    def tearDown(self):
        self.server.cleanup()

    def test_swaks_pipelining_dots_and_8bit(self):
        body = os.path.join(self.server.tmp, "body.txt")
        with open(body, "wb") as f:
            f.write(b"\n".join(BODY_LINES) + b"\n")
        r = subprocess.run(
            [SWAKS, "--server", "127.0.0.1", "--port", str(self.server.port("mail.example.org", "submission")),
             "--auth", "PLAIN", "--auth-user", "alice@example.org", "--auth-password", "alice-secret",
             "--pipeline", "--from", "alice@example.org", "--to", "bob@example.com",
             "--header", "Subject: swaks live test",
             "--add-header", "MIME-Version: 1.0",
             "--add-header", "Content-Type: text/plain; charset=utf-8",
             "--add-header", "Content-Transfer-Encoding: 8bit",
             "--body", "@" + body, "--timeout", "20"],
            capture_output=True, timeout=60)
        out = r.stdout.decode("utf-8", "replace")
        self.assertEqual(r.returncode, 0, out + r.stderr.decode("utf-8", "replace"))
        self.assertIn("PIPELINING", out)
        self.assertIn("250 2.0.0 Ok: queued as", out)
        raw, msg = pop3_wait(self.server.port("mail.example.com", "pop3"), "bob@example.com", "bob-secret",
                             lambda m: m["Subject"] == "swaks live test")
        got_body = raw.split(b"\r\n\r\n", 1)[1]
        got_lines = got_body.split(b"\r\n")
        # swaks's body file is exactly our lines (CRLF on the wire; the final CRLF ends it).
        self.assertEqual(got_lines[:len(BODY_LINES)], BODY_LINES, got_body[:500])
        self.assertEqual(self.server.stop(), 0, self.server.output())


if __name__ == "__main__":
    if not SWAKS:
        print("SKIP: swaks is not installed (scripts/setup.sh installs it)")
        sys.exit(77)
    unittest.main(verbosity=2)
