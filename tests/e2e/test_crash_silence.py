#!/usr/bin/python3
"""A crashed host is silent (issue 9, item 6).

scenarios/host-crash.json: the receiving MTA crashes after the final dot. Its peer is not
told: it waits the 10 minutes RFC 5321 section 4.5.3.2 gives the reply to the final dot,
then defers; once the host is back, its next retransmission draws an RST.
tests/fixtures/faults/lost-250-then-crash.json: the receiver stored the message, its 250 was
lost on the way and it crashed before retransmitting: the sender retries later and Bob gets
a second copy, which the ledger counts as a duplicate, keeping conservation exact.
Every fault fixture: conservation exact, and a duplicate only where a final 250 was lost.
Env: MAILSIM, MAILSIM_SOURCE_DIR.
"""
import glob
import os
import struct
import unittest

from test_faults import FIX, MINUTE, SCEN, crashes, facts, faults, lines, rcpt, restarts, run_file, stored


PCAP_EPOCH = 1795687200  # the capture's wall-clock second for simulated time 0


def rst_times(pcap, src):
    """Simulated times (us) of TCP segments with RST from IPv4 address `src` (bytes)."""
    with open(pcap, "rb") as fh:
        data = fh.read()
    endian = "<" if data[:4] == b"\xd4\xc3\xb2\xa1" else ">"
    out, off = [], 24
    while off + 16 <= len(data):
        sec, usec, incl, _ = struct.unpack(endian + "IIII", data[off:off + 16])
        frame = data[off + 16:off + 16 + incl]
        off += 16 + incl
        if len(frame) >= 54 and frame[23] == 6 and frame[26:30] == src and frame[47] & 0x04:
            out.append((sec - PCAP_EPOCH) * 1_000_000 + usec)
    return out


class SilentCrash(unittest.TestCase):
    SENDER, RECEIVER = "mail.example.org", "mail.example.com"

    def test_the_peer_waits_for_its_own_timeout(self):
        t, s, _, cap = run_file(os.path.join(SCEN, "host-crash.json"), pcap=True)
        crash = [e["time_us"] for e in crashes(t)][0]
        back = [e["time_us"] for e in restarts(t)][0]
        dot = [e for e in lines(t, actor=self.SENDER, peer=self.RECEIVER) if e["line"] == "."][0]["time_us"]
        deferred = facts(t, self.SENDER, "deferred", rcpt="bob@example.com")
        self.assertEqual(len(deferred), 1)
        # Before: deferred at the crash instant, as if the dead host had sent a reset.
        self.assertEqual(deferred[0]["time_us"], dot + 10 * MINUTE)
        self.assertEqual(deferred[0]["data"]["net_error"], "timed_out")
        # Nothing at all from the sender's MTA while it waits.
        quiet = [e for e in t["events"] if e["actor"]["host"] == self.SENDER and crash < e["time_us"] < dot + 10 * MINUTE]
        self.assertEqual(quiet, [])
        # The restarted host answers the old connection's next segment with RST, and only then.
        resets = rst_times(cap, bytes([203, 0, 113, 25]))
        self.assertEqual(len(resets), 1)
        self.assertGreater(resets[0], back)
        self.assertLess(resets[0], back + 3 * MINUTE)  # the next backed-off retransmission
        self.assertEqual(len(stored(t, "bob@example.com")), 1)
        self.assertEqual(rcpt(s, "bob@example.com")["status"], "delivered")
        self.assertNotIn("duplicates", s["totals"])

    def test_a_lost_250_then_a_crash_gives_a_counted_duplicate(self):
        t, s, _, _ = run_file(os.path.join(FIX, "lost-250-then-crash.json"))
        crash = [e["time_us"] for e in crashes(t)][0]
        ok = [e for e in lines(t, actor=self.RECEIVER, peer=self.SENDER) if e["line"].startswith("250 2.0.0")]
        self.assertEqual(len(ok), 2)
        self.assertLess(ok[0]["time_us"], crash)  # sent, then lost on the core link
        copies = stored(t, "bob@example.com")
        self.assertEqual(len(copies), 2)
        self.assertLess(copies[0]["time_us"], crash)
        handed = facts(t, self.SENDER, "relayed", rcpt="bob@example.com")
        self.assertEqual(len(handed), 1)  # the sender saw one 250: the second session's
        self.assertGreater(handed[0]["time_us"], copies[1]["time_us"])
        r = rcpt(s, "bob@example.com")
        self.assertEqual(r["status"], "delivered")
        self.assertEqual(r["delivered_us"], copies[0]["time_us"])
        self.assertEqual(r["duplicates"], 1)
        tot = s["totals"]
        self.assertEqual((tot["submitted"], tot["delivered"], tot["duplicates"]), (1, 1, 1))

    def test_every_fault_fixture_conserves_and_duplicates_only_after_a_lost_250(self):
        paths = sorted(glob.glob(os.path.join(FIX, "*.json"))) + [os.path.join(SCEN, "host-crash.json")]
        self.assertGreater(len(paths), 8)
        for path in paths:
            with self.subTest(os.path.basename(path)):
                t, s, _, _ = run_file(path)  # asserts submitted = delivered + bounced + queued + rejected
                for m in s["messages"]:
                    for r in m["recipients"]:
                        if r.get("duplicates"):
                            self.assertEqual(os.path.basename(path), "lost-250-then-crash.json")
                            self.assertEqual(r["status"], "delivered")


if __name__ == "__main__":
    unittest.main(verbosity=2)
