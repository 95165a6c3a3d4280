#!/usr/bin/python3
"""The load-and-abuse test (issue 11): for a bounded time, all attackers at once against
`mailsim serve scenarios/six-steps.json --speed 60` — slow-drip clients, silent clients,
oversize messages that are refused, SMTP and POP3 password guessers, a spoofer — while a
legitimate smtplib submission and a poplib retrieval must succeed. Then SIGTERM: exit 0,
the summary is written, conservation holds, and the server's peak RSS stays below
PEAK_RSS_MIB (docs/live-mode.md). Attackers use 127.0.0.2-7, the legitimate client
127.0.0.1. Env: MAILSIM, MAILSIM_SOURCE_DIR.
"""
import json
import os
import poplib
import smtplib
import socket
import sys
import threading
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from test_live_smtplib import LiveServer  # noqa: E402
from test_live_abuse import connect_from, message, read_line, rss_kib  # noqa: E402

PEAK_RSS_MIB = 300
ATTACK_SECONDS = 25


class LoadAndAbuseTest(unittest.TestCase):
    def test_everything_at_once(self):
        server = LiveServer(speed=60)
        stop = threading.Event()
        errors = []
        try:
            smtp = server.port("mail.example.com", "smtp")
            submission = server.port("mail.example.org", "submission")
            pop3 = server.port("mail.example.com", "pop3")

            def guarded(fn):
                def run():
                    try:
                        fn()
                    except Exception as e:  # an attacker may be cut off: that is the point
                        if not isinstance(e, (OSError, smtplib.SMTPException, poplib.error_proto)):
                            errors.append(repr(e))
                return threading.Thread(target=run, daemon=True)

            def slow_drip():
                socks = []
                for _ in range(200):
                    try:
                        socks.append(connect_from("127.0.0.2", smtp, timeout=2))
                    except OSError:
                        pass
                while not stop.is_set():
                    for s in socks:
                        try:
                            s.send(b"H")
                        except OSError:
                            pass
                    stop.wait(1)
                for s in socks:
                    s.close()

            def silent():
                socks = []
                for _ in range(100):
                    try:
                        socks.append(connect_from("127.0.0.3", pop3, timeout=2))
                    except OSError:
                        pass
                stop.wait(ATTACK_SECONDS)
                for s in socks:
                    s.close()

            def oversize():
                body = (b"y" * 998 + b"\r\n") * (12 * 1024 * 1024 // 1000)
                for _ in range(3):
                    if stop.is_set():
                        break
                    with smtplib.SMTP("127.0.0.1", smtp, timeout=60, source_address=("127.0.0.4", 0)) as s:
                        s.mail("mallory@example.net")
                        s.rcpt("bob@example.com")
                        code, _ = s.data(b"Subject: big\r\n\r\n" + body)
                        if code != 552:
                            errors.append(f"oversize got {code}")

            def smtp_guesser():
                while not stop.is_set():
                    s = connect_from("127.0.0.5", submission)
                    deadline = time.time() + 30
                    if not read_line(s, deadline).startswith("220"):
                        s.close()
                        stop.wait(1)
                        continue
                    s.sendall(b"EHLO guesser\r\n")
                    for _ in range(10):
                        s.sendall(b"AUTH PLAIN AGFsaWNlQGV4YW1wbGUub3JnAHdyb25n\r\n")
                        if not read_line(s, deadline):
                            break
                    s.close()

            def pop3_guesser():
                while not stop.is_set():
                    s = connect_from("127.0.0.6", pop3)
                    deadline = time.time() + 30
                    if not read_line(s, deadline).startswith("+OK"):  # refused: blocked
                        s.close()
                        stop.wait(1)
                        continue
                    for _ in range(10):
                        s.sendall(b"USER bob@example.com\r\n")
                        read_line(s, deadline)
                        s.sendall(b"PASS guess\r\n")
                        if not read_line(s, deadline):
                            break
                    s.close()

            def spoofer():
                while not stop.is_set():
                    with smtplib.SMTP("127.0.0.1", submission, timeout=30, source_address=("127.0.0.7", 0)) as s:
                        s.login("alice@example.org", "alice-secret")
                        code, _ = s.mail("bob@example.org")
                        if code != 553:
                            errors.append(f"spoofer got {code}")
                        s.rset()
                    stop.wait(0.5)

            start_rss = rss_kib(server.proc.pid)
            threads = [guarded(f) for f in (slow_drip, silent, oversize, smtp_guesser, pop3_guesser, spoofer)]
            for t in threads:
                t.start()
            time.sleep(3)

            # The legitimate user: submits, and Bob retrieves it, while all of that goes on.
            m = message("alice@example.org", "bob@example.com", subject="through the storm")
            with smtplib.SMTP("127.0.0.1", submission, timeout=30) as s:
                s.login("alice@example.org", "alice-secret")
                s.send_message(m)
            got = None
            deadline = time.time() + 20
            while got is None and time.time() < deadline:
                c = poplib.POP3("127.0.0.1", pop3, timeout=30)
                c.user("bob@example.com")
                c.pass_("bob-secret")
                for i in range(1, c.stat()[0] + 1):
                    raw = b"\r\n".join(c.retr(i)[1])
                    if b"through the storm" in raw:
                        got = raw
                c.quit()
                if got is None:
                    time.sleep(0.5)
            self.assertIsNotNone(got, "the legitimate message never reached Bob's mailbox")

            stop.wait(max(0, ATTACK_SECONDS - 3))
            peak = rss_kib(server.proc.pid, "VmHWM")
            self.assertTrue(server.alive(), server.output())
            stop.set()
            code = server.stop()
            self.assertEqual(code, 0, server.output()[-3000:])
            self.assertLess(peak, PEAK_RSS_MIB * 1024, f"peak RSS {peak} KiB (started at {start_rss} KiB)")
            with open(server.summary) as f:
                summary = json.load(f)
            t = summary["totals"]
            self.assertEqual(t["submitted"], t["delivered"] + t["bounced"] + t["queued"] + t["rejected"], t)
            self.assertGreaterEqual(t["delivered"], 1, t)
            self.assertEqual(errors, [])
            with open(server.trace) as f:
                trace = json.load(f)
            names = {e.get("fact") for e in trace["events"] if e.get("kind") == "fact"}
            for expected in ("auth_failed", "client_throttled", "message_refused"):
                self.assertIn(expected, names)
        finally:
            stop.set()
            server.cleanup()


if __name__ == "__main__":
    unittest.main()
