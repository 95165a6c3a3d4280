#!/usr/bin/python3
"""`mailsim run --pcap` on the six-steps scenario, read back by tshark.

SMTP (submission on 587 decoded as SMTP, relay on 25), the IMF message, POP3 and the DNS
MX query and answer must be dissected, and nothing may be malformed or draw a TCP analysis
warning. Env: MAILSIM, MAILSIM_SOURCE_DIR. Exits 77 (skipped, for ctest) when
/usr/bin/tshark is missing.
"""
import os
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


if __name__ == "__main__":
    if not os.path.exists(TSHARK):
        print("SKIP: /usr/bin/tshark is missing (scripts/setup.sh installs it)")
        sys.exit(77)
    unittest.main()
