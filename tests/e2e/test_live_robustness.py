#!/usr/bin/python3
"""Live mode under abuse, against `mailsim serve scenarios/six-steps.json --speed 100`:
1 MB of binary garbage on port 25 (a normal smtplib session completes meanwhile), a 100 KB
line, a client that never speaks (the 5-minute idle timeout, 3 s of wall time at speed 100,
ends it with 421 and a close), and 200 concurrent EHLO/QUIT sessions (from four loopback addresses: at most 50 per address). The server never
crashes and exits 0 on SIGTERM. Env: MAILSIM, MAILSIM_SOURCE_DIR.
"""
import asyncio
import os
import smtplib
import socket
import sys
import threading
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from test_live_smtplib import LiveServer  # noqa: E402


def read_reply(sock, deadline):
    """Reads one complete SMTP reply (possibly multi-line); returns its lines."""
    buf = b""
    while time.time() < deadline:
        lines = buf.split(b"\r\n")
        for i, line in enumerate(lines[:-1]):
            if len(line) >= 4 and line[3:4] == b" ":
                return [l.decode("latin-1") for l in lines[:i + 1]]
        chunk = sock.recv(65536)
        if not chunk:
            break
        buf += chunk
    raise AssertionError(f"no complete reply; got {buf[:200]!r}")


class LiveRobustnessTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = LiveServer(speed=100)
        cls.smtp_port = cls.server.port("mail.example.com", "smtp")

    @classmethod
    def tearDownClass(cls):
        cls.server.cleanup()

    def assert_alive(self):
        self.assertTrue(self.server.alive(), self.server.output())

    def test_garbage_does_not_block_others(self):
        stop = threading.Event()
        sent = [0]

        def garbage():
            s = socket.create_connection(("127.0.0.1", self.smtp_port), timeout=10)
            s.settimeout(10)
            data = os.urandom(1 << 20)
            reader_done = threading.Event()

            def drain():  # read the replies so that the server's output never blocks
                try:
                    while s.recv(65536):
                        pass
                except OSError:
                    pass
                reader_done.set()

            threading.Thread(target=drain, daemon=True).start()
            try:
                for off in range(0, len(data), 16384):
                    if stop.is_set():
                        break
                    s.sendall(data[off:off + 16384])
                    sent[0] += 16384
            except OSError:
                pass  # the server may close on us after too many errors: fine
            reader_done.wait(10)
            s.close()

        t = threading.Thread(target=garbage, daemon=True)
        t.start()
        try:
            start = time.time()
            with smtplib.SMTP("127.0.0.1", self.server.port("mail.example.org", "submission"), timeout=15) as s:
                s.login("alice@example.org", "alice-secret")
                refused = s.sendmail("alice@example.org", ["bob@example.com"],
                                     b"Subject: while garbage flows\r\n\r\nstill here\r\n")
                self.assertEqual(refused, {})
            self.assertLess(time.time() - start, 10)
        finally:
            t.join(30)
            stop.set()
        self.assert_alive()

    def test_100k_line(self):
        s = socket.create_connection(("127.0.0.1", self.smtp_port), timeout=15)
        try:
            deadline = time.time() + 15
            self.assertTrue(read_reply(s, deadline)[-1].startswith("220"))
            s.sendall(b"EHLO " + b"x" * 100_000 + b"\r\n")
            reply = read_reply(s, deadline)
            self.assertTrue(reply[-1].startswith("500"), reply)
            s.sendall(b"NOOP\r\n")
            self.assertTrue(read_reply(s, deadline)[-1].startswith("250"))
            s.sendall(b"QUIT\r\n")
            self.assertTrue(read_reply(s, deadline)[-1].startswith("221"))
        finally:
            s.close()
        self.assert_alive()

    def test_silent_client_gets_421(self):
        s = socket.create_connection(("127.0.0.1", self.smtp_port), timeout=20)
        try:
            deadline = time.time() + 20
            self.assertTrue(read_reply(s, deadline)[-1].startswith("220"))
            started = time.time()
            reply = read_reply(s, deadline)  # we never speak: 5 simulated minutes = 3 s
            self.assertTrue(reply[-1].startswith("421"), reply)
            self.assertGreater(time.time() - started, 1.0)
            s.settimeout(10)
            self.assertEqual(s.recv(100), b"")  # and the connection is closed
        finally:
            s.close()
        self.assert_alive()

    def test_200_concurrent_sessions(self):
        async def session(i):
            # Four client machines of 50 sessions each: 50 is the per-address limit
            # (docs/live-mode.md), which test_live_abuse.py checks.
            source = (f"127.0.0.{10 + i % 4}", 0)
            r, w = await asyncio.wait_for(asyncio.open_connection("127.0.0.1", self.smtp_port, local_addr=source), 20)
            try:
                async def reply():
                    while True:
                        line = (await asyncio.wait_for(r.readline(), 20)).decode("latin-1")
                        if len(line) < 4 or line[3] != "-":
                            return line
                greeting = await reply()
                w.write(f"EHLO client{i}.test\r\n".encode())
                await w.drain()
                ehlo = await reply()
                w.write(b"QUIT\r\n")
                await w.drain()
                bye = await reply()
                return greeting[:3], ehlo[:3], bye[:3]
            finally:
                w.close()

        async def main():
            return await asyncio.gather(*(session(i) for i in range(200)))

        results = asyncio.run(main())
        self.assertEqual(len(results), 200)
        for r in results:
            self.assertEqual(r, ("220", "250", "221"))
        self.assert_alive()

    def test_z_sigterm_exits_0(self):
        self.assertEqual(self.server.stop(), 0, self.server.output()[-2000:])


if __name__ == "__main__":
    unittest.main(verbosity=2)
