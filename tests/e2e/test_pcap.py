#!/usr/bin/python3
"""`mailsim run --pcap` read back by tshark.

six-steps: SMTP (submission on 587 decoded as SMTP, relay on 25), the IMF message, POP3
and the DNS MX query and answer must be dissected, and nothing may be malformed or draw a
TCP analysis flag. lossy-link: the only analysis flags are the retransmissions and
duplicate ACKs that lost packets cause. A 1 MiB attachment relayed over a 10 Mbit/s path
with a 20 ms round trip, and over 100 Mbit/s with 100 ms (where the 64 KB window is the
limit): the transfer takes what a Reno sender with that window needs (not the time of a
sender without any window), and tshark's bytes in flight never exceed the window the
receiver advertised. Env: MAILSIM, MAILSIM_SOURCE_DIR. Exits 77 (skipped) when
/usr/bin/tshark is missing.
"""
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import unittest

MAILSIM = os.environ.get("MAILSIM", "build/mailsim")
SRC = os.environ.get("MAILSIM_SOURCE_DIR", os.getcwd())
TSHARK = "/usr/bin/tshark"
# Submission (587) is decoded as SMTP; AUTH PLAIN is decoded so that the SMTP dissector
# checks the base64 (otherwise it flags every AUTH line with an expert warning).
DECODE_587 = ["-d", "tcp.port==587,smtp", "-o", "smtp.decryption:TRUE"]


class PcapTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="mailsim-pcap-")
        cls.pcap = os.path.join(cls.tmp, "six-steps.pcap")
        run = subprocess.run([MAILSIM, "run", os.path.join(SRC, "scenarios", "six-steps.json"),
                              "--pcap", cls.pcap, "-q"], capture_output=True, text=True, timeout=120)
        if run.returncode != 0:
            raise AssertionError(f"mailsim run failed ({run.returncode}): {run.stderr}")

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def tshark(self, *args):
        r = subprocess.run([TSHARK, "-n", "-r", self.pcap, *DECODE_587, *args],
                           capture_output=True, text=True, timeout=120)
        self.assertEqual(r.returncode, 0, r.stderr)
        return r.stdout

    def fields(self, filt, *names):
        args = ["-Y", filt, "-T", "fields"]
        for n in names:
            args += ["-e", n]
        return [line.split("\t") for line in self.tshark(*args).splitlines()]

    def test_global_header(self):
        with open(self.pcap, "rb") as f:
            head = f.read(24)
        self.assertEqual(len(head), 24)
        self.assertIn(head[:4], (b"\xd4\xc3\xb2\xa1", b"\xa1\xb2\xc3\xd4"))

    def test_smtp_commands_and_replies(self):
        rows = self.fields("smtp", "smtp.req.command", "smtp.response.code", "tcp.dstport", "tcp.srcport")
        commands = {c.upper() for r in rows for c in r[0].split(",") if c}  # PIPELINING
        codes = set()
        for r in rows:
            codes.update(c for c in r[1].split(",") if c)
        for cmd in ("EHLO", "MAIL", "RCPT", "DATA", "QUIT"):
            self.assertIn(cmd, commands)
        for code in ("220", "250", "354", "221"):
            self.assertIn(code, codes)
        ports = {r[2] for r in rows if r[0]}
        self.assertIn("587", ports)  # submission
        self.assertIn("25", ports)   # relay

    def test_imf_message(self):
        rows = self.fields("imf", "imf.subject", "imf.from")
        self.assertGreaterEqual(len(rows), 1)
        self.assertTrue(any("Hello from Alice" in r[0] for r in rows), rows)

    def test_pop3(self):
        rows = self.fields("pop", "pop.request.command")
        commands = {c.upper() for r in rows for c in r[0].split(",") if c}
        for cmd in ("USER", "PASS", "STAT", "RETR", "DELE", "QUIT"):
            self.assertIn(cmd, commands)
        self.assertTrue(self.fields("pop.response.indicator == \"+OK\"", "pop.response.indicator"))

    def test_dns_mx(self):
        queries = self.fields("dns.flags.response == 0 && dns.qry.type == 15", "dns.qry.name")
        self.assertIn("example.com", {r[0] for r in queries})
        answers = self.fields("dns.flags.response == 1 && dns.resp.type == 15", "dns.mx.mail_exchange")
        self.assertTrue(any("mail.example.com" in r[0] for r in answers), answers)

    def test_no_malformed_packets_or_expert_warnings(self):
        out = self.tshark("-Y", "_ws.malformed || _ws.expert.severity >= warning")
        self.assertEqual(out.strip(), "")

    def test_no_tcp_analysis_flags_but_duplicate_acks(self):
        out = self.tshark("-Y", "tcp.analysis.flags && !tcp.analysis.duplicate_ack")
        self.assertEqual(out.strip(), "")

    def test_no_tcp_analysis_flags(self):
        out = self.tshark("-Y", "_ws.malformed || _ws.expert.severity >= warning || tcp.analysis.flags")
        self.assertEqual(out.strip(), "")

    def test_checksums_verified(self):
        out = self.tshark("-o", "ip.check_checksum:TRUE", "-o", "tcp.check_checksum:TRUE",
                          "-o", "udp.check_checksum:TRUE",
                          "-Y", "ip.checksum.status == 0 || tcp.checksum.status == 0 || udp.checksum.status == 0")
        self.assertEqual(out.strip(), "")


def tshark_fields(pcap, filt, *names):
    args = [TSHARK, "-n", "-r", pcap, *DECODE_587, "-Y", filt, "-T", "fields"]
    for n in names:
        args += ["-e", n]
    r = subprocess.run(args, capture_output=True, text=True, timeout=300)
    if r.returncode != 0:
        raise AssertionError(r.stderr)
    return [line.split("\t") for line in r.stdout.splitlines()]


class LossyLink(unittest.TestCase):
    """scenarios/lossy-link.json: 20 % loss on the core link."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="mailsim-pcap-lossy-")
        cls.pcap = os.path.join(cls.tmp, "lossy.pcap")
        run = subprocess.run([MAILSIM, "run", os.path.join(SRC, "scenarios", "lossy-link.json"),
                              "--pcap", cls.pcap, "-q"], capture_output=True, text=True, timeout=120)
        if run.returncode != 0:
            raise AssertionError(f"mailsim run failed ({run.returncode}): {run.stderr}")

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def test_only_the_flags_that_losses_cause(self):
        self.assertEqual(tshark_fields(self.pcap, "_ws.malformed || _ws.expert.severity >= warning",
                                       "frame.number"), [])
        retransmitted = tshark_fields(self.pcap, "tcp.analysis.retransmission || tcp.analysis.fast_retransmission",
                                      "frame.number")
        self.assertTrue(retransmitted, "a 20 % loss link must show retransmissions")
        others = tshark_fields(self.pcap, "tcp.analysis.flags && !(tcp.analysis.retransmission || "
                               "tcp.analysis.fast_retransmission || tcp.analysis.spurious_retransmission || "
                               "tcp.analysis.duplicate_ack)", "frame.number", "_ws.expert.message")
        self.assertEqual(others, [])


def reno_estimate(octets, bandwidth_bps, rtt_s, rwnd=65535, mss=1460, initial_window=10):
    """Seconds from the first data segment leaving to the last one arriving, for a Reno
    sender that starts with ten segments and doubles them each round trip (slow start)
    until the bottleneck or the receive window is the limit."""
    segments = -(-octets // mss)
    per_segment = (mss + 40) * 8 / bandwidth_bps
    max_flight = rwnd // mss
    cwnd, sent, t = initial_window, 0, 0.0
    while True:
        burst = min(cwnd, max_flight, segments - sent)
        sent += burst
        if sent >= segments:
            return t + burst * per_segment + rtt_s / 2
        t += max(rtt_s, burst * per_segment)
        cwnd *= 2


class LargeMessage(unittest.TestCase):
    """A 1 MiB attachment relayed between the two MTAs of six-steps, with the core links set
    so that the MTA-to-MTA path has the given bottleneck and round trip."""

    CASES = {  # name: (bottleneck, one-way latency of the two core links, bandwidth bps, rtt s)
        "10mbps-20ms": (("10Mbps", "4ms"), ("100Mbps", "5ms"), 10e6, 0.020),
        "100mbps-100ms": (("100Mbps", "24ms"), ("100Mbps", "25ms"), 100e6, 0.100),
    }

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="mailsim-pcap-large-")
        with open(os.path.join(cls.tmp, "blob.bin"), "wb") as fh:
            fh.write(random.Random(1).randbytes(1 << 20))
        cls.runs = {}
        for name, (org_core, core_com, _, _) in cls.CASES.items():
            with open(os.path.join(SRC, "scenarios", "six-steps.json")) as fh:
                scen = json.load(fh)
            scen.pop("description")
            scen["name"] = "large-" + name
            for link in scen["links"]:
                ends = {link["a"], link["b"]}
                if ends == {"router-org", "router-core"}:
                    link["bandwidth"], link["latency"] = org_core
                if ends == {"router-core", "router-com"}:
                    link["bandwidth"], link["latency"] = core_com
            scen["messages"][0]["attachments"] = [{"file": "blob.bin", "type": "application/octet-stream"}]
            path = os.path.join(cls.tmp, name + ".json")
            with open(path, "w") as fh:
                json.dump(scen, fh)
            pcap, trace = os.path.join(cls.tmp, name + ".pcap"), os.path.join(cls.tmp, name + ".trace.json")
            run = subprocess.run([MAILSIM, "run", path, "--pcap", pcap, "--trace", trace, "-q"],
                                 capture_output=True, text=True, timeout=300)
            if run.returncode != 0:
                raise AssertionError(f"mailsim run failed ({run.returncode}): {run.stderr}")
            with open(trace) as fh:
                cls.runs[name] = (pcap, json.load(fh))

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def relay_transfer(self, trace):
        """(octets, seconds): the relay's content from the sending MTA's write to the
        receiving MTA's 250 after the final dot."""
        events = trace["events"]
        content = [e for e in events if e["kind"] == "content" and e["actor"]["host"] == "mail.example.org"]
        done = [e for e in events if e["kind"] == "line" and e["actor"]["host"] == "mail.example.com"
                and e["line"].startswith("250 2.0.0")]
        self.assertEqual(len(content), 1)
        self.assertEqual(len(done), 1)
        octets = len(content[0]["text"].encode()) + 3  # and ".\r\n"
        return octets, (done[0]["time_us"] - content[0]["time_us"]) / 1e6

    def test_transfer_time_matches_reno(self):
        for name, (_, _, bandwidth, rtt) in self.CASES.items():
            with self.subTest(name):
                octets, took = self.relay_transfer(self.runs[name][1])
                self.assertGreater(octets, 1 << 20)
                expected = reno_estimate(octets, bandwidth, rtt)
                print(f"{name}: {octets} octets in {took:.3f} s; Reno estimate {expected:.3f} s")
                self.assertLess(abs(took - expected) / expected, 0.10)
                # Never faster than the bottleneck allows.
                self.assertGreater(took, octets * 8 / bandwidth)

    def test_bytes_in_flight_within_the_advertised_window(self):
        for name in self.CASES:
            with self.subTest(name):
                pcap = self.runs[name][0]
                rows = tshark_fields(pcap, "tcp", "tcp.stream", "ip.src", "tcp.len",
                                     "tcp.analysis.bytes_in_flight", "tcp.window_size")
                window = {}  # (stream, receiver address) -> last window it advertised
                largest = 0
                for stream, src, length, in_flight, win in rows:
                    if length and int(length) > 0 and in_flight:
                        receivers = [w for (st, a), w in window.items() if st == stream and a != src]
                        self.assertTrue(receivers)
                        self.assertLessEqual(int(in_flight), receivers[0], (name, stream, in_flight))
                        largest = max(largest, int(in_flight))
                    window[(stream, src)] = int(win)
                self.assertLessEqual(largest, 65535)
                if name == "100mbps-100ms":
                    self.assertGreater(largest, 60000)  # the window, not the link, is the limit here

    def test_no_malformed_packets_or_analysis_flags(self):
        for name in self.CASES:
            with self.subTest(name):
                pcap = self.runs[name][0]
                self.assertEqual(tshark_fields(pcap, "_ws.malformed || _ws.expert.severity >= warning || "
                                               "tcp.analysis.flags", "frame.number", "_ws.expert.message"), [])

    def test_acknowledgements_cross_the_links(self):
        # Bare ACKs from the receiving MTA: about one per two full segments (delayed ACKs).
        pcap = self.runs["10mbps-20ms"][0]
        data = tshark_fields(pcap, "tcp.dstport == 25 && tcp.len > 0", "frame.number")
        acks = tshark_fields(pcap, "tcp.srcport == 25 && tcp.len == 0 && tcp.flags.syn == 0 && tcp.flags.fin == 0",
                             "frame.number")
        self.assertGreater(len(acks), len(data) * 0.4)
        self.assertLess(len(acks), len(data) * 0.6)


if __name__ == "__main__":
    if not os.path.exists(TSHARK):
        print("SKIP: /usr/bin/tshark is missing (scripts/setup.sh installs it)")
        sys.exit(77)
    unittest.main()
