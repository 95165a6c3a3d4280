#!/usr/bin/python3
"""Crashes, DNS outages and small MTUs, each checked from the trace, the summary and exports.

scenarios/host-crash.json: the receiving server crashes between 354 and the final 250 and
restarts; the sender defers, retries and the message is stored exactly once. Fixtures in
tests/fixtures/faults/: the sending MTA crashes with a deferred message (the queue survives),
a DNS outage, and one scenario per bug the property test (test_property_faults.py) found.
The MTU test builds its scenario (with a 20 KB attachment) in a temporary directory.
Env: MAILSIM (binary), MAILSIM_SOURCE_DIR.
"""
import copy
import email
import email.policy
import glob
import json
import os
import random
import struct
import subprocess
import tempfile
import unittest

MAILSIM = os.environ.get("MAILSIM", "build/mailsim")
SRC = os.environ.get("MAILSIM_SOURCE_DIR", os.getcwd())
SCEN = os.path.join(SRC, "scenarios")
FIX = os.path.join(SRC, "tests", "fixtures", "faults")
SECOND = 1_000_000
MINUTE = 60 * SECOND


def run_file(path, *extra, export=False, pcap=False):
    """Runs a scenario file; returns (trace, summary, export dir, pcap path)."""
    tmp = tempfile.mkdtemp(prefix="mailsim-faults-")
    trace, summary = os.path.join(tmp, "trace.json"), os.path.join(tmp, "summary.json")
    args = [MAILSIM, "run", path, "--trace", trace, "--summary", summary, "-q", *extra]
    out, cap = os.path.join(tmp, "export"), os.path.join(tmp, "run.pcap")
    if export:
        args += ["--export", out]
    if pcap:
        args += ["--pcap", cap]
    p = subprocess.run(args, capture_output=True, text=True, timeout=120)
    if p.returncode != 0:
        raise AssertionError("mailsim %s exited %d: %s" % (path, p.returncode, p.stderr))
    with open(trace) as fh:
        t = json.load(fh)
    with open(summary) as fh:
        s = json.load(fh)
    tot = s["totals"]
    assert tot["submitted"] == tot["delivered"] + tot["bounced"] + tot["queued"] + tot["rejected"], tot
    return t, s, out, cap


def rcpt(summary, address, msg="m1"):
    for m in summary["messages"]:
        if m["id"] == msg:
            for r in m["recipients"]:
                if r["address"] == address:
                    return r
    raise KeyError((msg, address))


def facts(trace, on, name, **data):
    """The facts `name` stated by an agent on host `on`, whose data has the given fields."""
    return [e for e in trace["events"] if e["kind"] == "fact" and e["fact"] == name and e["actor"]["host"] == on
            and all(e["data"].get(k) == v for k, v in data.items())]


def stored(trace, address):
    return facts(trace, trace_host_of_mda(trace, address), "delivered", rcpt=address)


def trace_host_of_mda(trace, address):
    for u in trace["users"]:
        if u["address"] == address:
            return u["server"]
    raise KeyError(address)


def faults(trace):
    return [e for e in trace["events"] if e["kind"] == "fact" and e["step"] is None]


def crashes(trace, host=None):
    return [e for e in faults(trace) if e["fact"] == "host_down" and host in (None, e["data"]["host"])]


def restarts(trace, host=None):
    return [e for e in faults(trace) if e["fact"] == "host_up" and host in (None, e["data"]["host"])]


def lines(trace, actor=None, peer=None, conn=None):
    return [e for e in trace["events"] if e["kind"] == "line"
            and (actor is None or e["actor"]["host"] == actor)
            and (peer is None or (e["peer"] and e["peer"]["host"] == peer))
            and (conn is None or e["conn"] == conn)]


class HostCrash(unittest.TestCase):
    """scenarios/host-crash.json: mail.example.com crashes in the middle of DATA."""

    SENDER, RECEIVER = "mail.example.org", "mail.example.com"

    def test_crash_is_timed_between_354_and_the_final_250(self):
        # The same scenario without faults: the crash time must fall after the 354 and
        # before the final 250 of the relay session.
        with open(os.path.join(SCEN, "host-crash.json")) as fh:
            scen = json.load(fh)
        crash_at = scen["faults"][0]
        self.assertEqual(crash_at["action"], "host-down")
        self.assertEqual(crash_at["host"], self.RECEIVER)
        calm = copy.deepcopy(scen)
        calm["faults"] = []
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "calm.json")
            with open(path, "w") as fh:
                json.dump(calm, fh)
            t, s, _, _ = run_file(path)
        replies = lines(t, actor=self.RECEIVER, peer=self.SENDER)
        t354 = [e["time_us"] for e in replies if e.get("code") == 354][0]
        t250 = [e["time_us"] for e in replies if e.get("code") == 250 and e["line"].startswith("250 2.0.0")][0]
        crash = crashes(run_file(os.path.join(SCEN, "host-crash.json"))[0])[0]
        self.assertLess(t354, crash["time_us"])
        self.assertLess(crash["time_us"], t250)

    def test_session_lost_then_delivered_once_after_restart(self):
        t, s, export, _ = run_file(os.path.join(SCEN, "host-crash.json"), export=True)
        down = [e["time_us"] for e in crashes(t)]
        up = [e["time_us"] for e in restarts(t)]
        self.assertEqual(len(down), 1)
        self.assertEqual(len(up), 1)
        # The session in flight: 354, the content sent, then no final reply.
        first = lines(t, actor=self.RECEIVER, peer=self.SENDER)
        conn = first[0]["conn"]
        in_flight = lines(t, conn=conn)
        self.assertTrue([e for e in in_flight if e.get("code") == 354 and e["time_us"] < down[0]])
        self.assertTrue([e for e in in_flight if e["line"] == "." and e["time_us"] < down[0]])
        self.assertFalse([e for e in in_flight if e["time_us"] >= down[0]])
        self.assertFalse([e for e in in_flight if e["line"].startswith("250 2.0.0")])
        # The sender defers and retries after the restart, in a new session that gets 250.
        deferred = facts(t, self.SENDER, "deferred", rcpt="bob@example.com")
        self.assertEqual(len(deferred), 1)
        self.assertEqual(deferred[0].get("alert"), "transient")
        self.assertGreaterEqual(deferred[0]["time_us"], down[0])
        self.assertLess(deferred[0]["time_us"], up[0])
        attempts = facts(t, self.SENDER, "relay_attempt")
        self.assertEqual(len(attempts), 2)
        self.assertGreater(attempts[1]["time_us"], up[0])
        ok = [e for e in lines(t, actor=self.RECEIVER, peer=self.SENDER) if e["line"].startswith("250 2.0.0")]
        self.assertEqual(len(ok), 1)
        self.assertNotEqual(ok[0]["conn"], conn)
        # Exactly once: one store, one summary delivery after the restart, one copy for Bob.
        self.assertEqual(len(stored(t, "bob@example.com")), 1)
        r = rcpt(s, "bob@example.com")
        self.assertEqual(r["status"], "delivered")
        self.assertGreater(r["delivered_us"], up[0])
        self.assertEqual(s["totals"]["delivered"], 1)
        self.assertEqual(len(glob.glob(os.path.join(export, "clients", "bob@example.com", "*", "*"))), 1)

    def test_description_in_both_languages(self):
        with open(os.path.join(SCEN, "host-crash.json")) as fh:
            d = json.load(fh)["description"]
        self.assertTrue(d.get("en") and d.get("es"))


class SenderCrash(unittest.TestCase):
    def test_queue_survives_the_restart(self):
        """mail.example.org crashes while the message waits in its deferred queue: the queue
        survives the restart, as an on-disk queue would, and the message is delivered."""
        t, s, _, _ = run_file(os.path.join(FIX, "sender-crash-queue.json"))
        sender = "mail.example.org"
        crash = [e["time_us"] for e in crashes(t, sender)][0]
        back = [e["time_us"] for e in restarts(t, sender)][0]
        deferred = facts(t, sender, "deferred", rcpt="bob@example.com")
        self.assertTrue(deferred and deferred[0]["time_us"] < crash)  # queued before the crash
        self.assertFalse([e for e in t["events"] if e["actor"]["host"] == sender and crash < e["time_us"] < back])
        after = [e for e in facts(t, sender, "relay_attempt") if e["time_us"] > back]
        self.assertTrue(after, "no delivery attempt after the restart")
        r = rcpt(s, "bob@example.com")
        self.assertEqual(r["status"], "delivered")
        self.assertGreater(r["delivered_us"], back)
        self.assertEqual(len(stored(t, "bob@example.com")), 1)


class DnsOutage(unittest.TestCase):
    def test_deferred_until_the_dns_is_back(self):
        t, s, _, _ = run_file(os.path.join(FIX, "dns-outage.json"))
        back = [e["time_us"] for e in restarts(t, "ns.example.net")][0]
        deferred = facts(t, "mail.example.org", "deferred", rcpt="bob@example.com")
        self.assertGreaterEqual(len(deferred), 2)
        self.assertTrue(all(e["data"]["dns_error"] and e["time_us"] < back for e in deferred), deferred)
        self.assertFalse([e for e in lines(t, actor="ns.example.net") if e["time_us"] < back])
        r = rcpt(s, "bob@example.com")
        self.assertEqual(r["status"], "delivered")
        self.assertGreater(r["delivered_us"], back)
        self.assertEqual(len(stored(t, "bob@example.com")), 1)


def pcap_ip_lengths(path):
    """IPv4 total lengths of the TCP packets in an Ethernet pcap."""
    with open(path, "rb") as fh:
        data = fh.read()
    endian = "<" if data[:4] == b"\xd4\xc3\xb2\xa1" else ">"
    out, off = [], 24
    while off + 16 <= len(data):
        _, _, incl, _ = struct.unpack(endian + "IIII", data[off:off + 16])
        frame = data[off + 16:off + 16 + incl]
        off += 16 + incl
        if len(frame) >= 34 and frame[12:14] == b"\x08\x00" and frame[23] == 6:
            out.append((struct.unpack(">H", frame[16:18])[0], frame[26:30], frame[30:34]))
    return out


class SmallMtu(unittest.TestCase):
    def test_20k_attachment_over_a_576_mtu_link(self):
        with open(os.path.join(SCEN, "six-steps.json")) as fh:
            scen = json.load(fh)
        scen.pop("description")
        scen["name"] = "small-mtu"
        for l in scen["links"]:
            if {l["a"], l["b"]} == {"router-core", "router-com"}:
                l["mtu"] = 576
        blob = random.Random(576).randbytes(20 * 1024)
        with tempfile.TemporaryDirectory() as tmp:
            with open(os.path.join(tmp, "data.bin"), "wb") as fh:
                fh.write(blob)
            scen["messages"][0]["attachments"] = [{"file": "data.bin", "type": "application/octet-stream"}]
            path = os.path.join(tmp, "small-mtu.json")
            with open(path, "w") as fh:
                json.dump(scen, fh)
            t, s, export, cap = run_file(path, export=True, pcap=True)
            self.assertEqual([l["mtu"] for l in t["topology"]["links"] if l["a"] == "router-core" and l["b"] == "router-com"], [576])
            r = rcpt(s, "bob@example.com")
            self.assertEqual(r["status"], "delivered")
            self.assertEqual(len(stored(t, "bob@example.com")), 1)
            # Every TCP packet between the two mail servers fits the 576-octet link.
            org, com = bytes([198, 51, 100, 25]), bytes([203, 0, 113, 25])
            relay = [n for n, a, b in pcap_ip_lengths(cap) if {a, b} == {org, com}]
            self.assertGreater(len(relay), 40)  # 20 KB in base64 needs many small segments
            self.assertLessEqual(max(relay), 576)
            # The copy Bob's MUA exported carries the attachment intact.
            files = glob.glob(os.path.join(export, "clients", "bob@example.com", "*", "*"))
            self.assertEqual(len(files), 1)
            with open(files[0], "rb") as fh:
                msg = email.message_from_bytes(fh.read(), policy=email.policy.default)
            atts = [p for p in msg.iter_attachments()]
            self.assertEqual(len(atts), 1)
            self.assertEqual(atts[0].get_filename(), "data.bin")
            self.assertEqual(atts[0].get_content(), blob)


class Regressions(unittest.TestCase):
    """One minimal scenario per bug found by the property test."""

    def test_pop3_server_crash_mid_session(self):
        # The POP3 session object was destroyed by the crash, and its autologout timer
        # later fired on freed memory (SIGSEGV). Same for SMTP sessions (host-crash.json).
        t, s, _, _ = run_file(os.path.join(FIX, "pop3-crash-mid-session.json"))
        crash = [e["time_us"] for e in crashes(t)][0]
        pop = [e for e in lines(t, actor="mail.example.com") if e["protocol"] == "POP3"]
        self.assertTrue([e for e in pop if e["time_us"] < crash])
        self.assertEqual(rcpt(s, "bob@example.com")["status"], "delivered")
        # No orphaned autologout timer (10 minutes) keeps the simulation running.
        self.assertLess(t["summary"]["end_us"], crash + 10 * MINUTE)
        self.assertEqual(rcpt(s, "bob@example.com")["retrieved_us"] > crash, True)

    def test_address_in_to_and_cc(self):
        # The ledger listed bob twice; the second record stayed "queued" without a retry time.
        t, s, _, _ = run_file(os.path.join(FIX, "to-and-cc.json"))
        rs = [r for m in s["messages"] for r in m["recipients"]]
        self.assertEqual([(r["address"], r["status"]) for r in rs], [("bob@example.com", "delivered")])
        self.assertEqual(s["totals"]["submitted"], 1)
        self.assertEqual(len(stored(t, "bob@example.com")), 1)

    def test_crash_keeps_the_pending_bounce(self):
        # nobody@example.com got 550 while carol's delivery was still connecting; the crash of
        # the sending MTA dropped the recorded failure: no bounce, status stuck in "queued".
        t, s, _, _ = run_file(os.path.join(FIX, "crash-keeps-bounce.json"))
        crash = [e["time_us"] for e in crashes(t, "mail.example.org")][0]
        rej = [e for e in lines(t, actor="mail.example.com") if e.get("code") == 550]
        self.assertTrue(rej and rej[0]["time_us"] < crash)
        self.assertEqual(rcpt(s, "nobody@example.com")["status"], "bounced")
        self.assertEqual(rcpt(s, "carol@example.net")["status"], "delivered")
        self.assertEqual(len(facts(t, "mail.example.org", "bounce_created")), 1)
        self.assertEqual(len(stored(t, "alice@example.org")), 1)  # the DSN

    def test_receiver_crash_after_250_is_a_delivery(self):
        # mail.example.com crashed after its "250 queued" had reached the sender, during QUIT.
        # The reset was reported as a connection error, so the sender tried the backup MX
        # and the message reached Bob twice.
        t, s, _, _ = run_file(os.path.join(FIX, "crash-after-250.json"))
        crash = [e["time_us"] for e in crashes(t)][0]
        quit_ = [e for e in lines(t, actor="mail.example.org", peer="mail.example.com") if e["line"] == "QUIT"]
        self.assertTrue(quit_ and quit_[0]["time_us"] < crash)  # the 250 had arrived
        self.assertFalse(lines(t, peer="mx2.example.com"))
        self.assertEqual(len(stored(t, "bob@example.com")), 1)
        self.assertEqual(rcpt(s, "bob@example.com")["status"], "delivered")
        handed = facts(t, "mail.example.org", "relayed", rcpt="bob@example.com", host="mail.example.com")
        self.assertEqual(len(handed), 1)

    def test_msa_crash_after_250_is_a_submission(self):
        # Same at submission: the MUA had its 250 and sent QUIT, then the MSA crashed; the
        # message was reported "rejected" although the queue kept and delivered it.
        t, s, _, _ = run_file(os.path.join(FIX, "msa-crash-after-250.json"))
        crash = [e["time_us"] for e in crashes(t)][0]
        quit_ = [e for e in lines(t, actor="pc-alice") if e["line"] == "QUIT"]
        self.assertTrue(quit_ and quit_[0]["time_us"] < crash)
        self.assertFalse(facts(t, "pc-alice", "submission_failed"))
        r = rcpt(s, "bob@example.com")
        self.assertEqual(r["status"], "delivered")
        self.assertEqual(s["totals"]["rejected"], 0)
        self.assertEqual(len(stored(t, "bob@example.com")), 1)

    def test_sender_crash_mid_session_leaves_no_zombie(self):
        # mail.example.org crashed before its MAIL FROM was answered and restarted 30 s later.
        # Its orphaned SMTP client timed out 5 minutes later, and the delivery code went on
        # to the backup MX: Bob got the message twice.
        t, s, _, _ = run_file(os.path.join(FIX, "sender-crash-mid-session.json"))
        back = [e["time_us"] for e in restarts(t)][0]
        self.assertFalse(lines(t, peer="mx2.example.com"))
        self.assertEqual(len(stored(t, "bob@example.com")), 1)
        r = rcpt(s, "bob@example.com")
        self.assertEqual(r["status"], "delivered")
        self.assertGreater(r["delivered_us"], back)
        self.assertLess(t["summary"]["end_us"], 5 * MINUTE)  # no orphaned timer keeps the run going

    def test_repeated_host_up_does_not_start_a_second_delivery(self):
        # Overlapping faults (down, down, up, up) restarted the server twice: every queued
        # message got a second, concurrent delivery, with zombie attempts while down.
        with open(os.path.join(SCEN, "outage-and-retry.json")) as fh:
            scen = json.load(fh)
        scen.pop("description")
        scen["faults"] = [{"at": "1s", "action": "host-down", "host": "mail.example.com", "for": "20m"},
                          {"at": "10m", "action": "host-down", "host": "mail.example.org", "for": "20m"},
                          {"at": "12m", "action": "host-down", "host": "mail.example.org", "for": "1m"}]
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "twice.json")
            with open(path, "w") as fh:
                json.dump(scen, fh)
            t, s, _, _ = run_file(path)
        ups = [e["time_us"] for e in restarts(t, "mail.example.org")]
        self.assertEqual(len(ups), 2)
        attempts = facts(t, "mail.example.org", "relay_attempt")
        self.assertEqual(len([e for e in attempts if ups[0] < e["time_us"] <= ups[0] + SECOND]), 1)
        self.assertFalse([e for e in attempts if ups[1] < e["time_us"] <= ups[1] + SECOND])
        self.assertEqual(len(stored(t, "bob@example.com")), 1)
        self.assertEqual(rcpt(s, "bob@example.com")["status"], "delivered")


if __name__ == "__main__":
    unittest.main(verbosity=2)
