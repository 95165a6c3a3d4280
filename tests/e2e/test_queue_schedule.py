#!/usr/bin/python3
"""The deferred queue's schedule, as Postfix's qmgr keeps it (issue 9, defects 5 and 11).

- Default schedule: after a failed attempt the message waits as long as it has been queued,
  at least 300 s and at most 4000 s, and is retried by the first deferred-queue scan (every
  300 s since the server started) after that.
- give_up is exact: the message is returned at the first attempt that ends at or after
  arrival + give_up, never before.
- The expiry DSN reports the last deferral as it was: its status and `smtp; <reply>`, or
  Postfix's words when no server answered.
- delay_warning sends one `Action: delayed` DSN, then the message is still delivered.
- The fixed schedule stays for lessons; mixing the two schedules' knobs is refused.
Each variant is built from scenarios/outage-and-retry.json. Env: MAILSIM, MAILSIM_SOURCE_DIR.
"""
import email
import email.policy
import glob
import json
import os
import subprocess
import tempfile
import unittest

MAILSIM = os.environ.get("MAILSIM", "build/mailsim")
SRC = os.environ.get("MAILSIM_SOURCE_DIR", os.getcwd())
SECOND = 1_000_000
MINUTE = 60 * SECOND
HOUR = 60 * MINUTE


def variant(edit):
    """Runs outage-and-retry changed by `edit`; returns (trace, summary, export dir)."""
    with open(os.path.join(SRC, "scenarios", "outage-and-retry.json")) as f:
        s = json.load(f)
    s["servers"][0].pop("retry", None)
    s["users"][0]["poll"] = "60s"  # Alice reads her DSNs
    edit(s)
    tmp = tempfile.mkdtemp(prefix="mailsim-schedule-")
    path = os.path.join(tmp, "scenario.json")
    with open(path, "w") as f:
        json.dump(s, f)
    trace, summary, export = (os.path.join(tmp, n) for n in ("t.json", "s.json", "export"))
    p = subprocess.run([MAILSIM, "run", path, "--trace", trace, "--summary", summary, "--export", export, "-q"],
                       capture_output=True, text=True, timeout=120)
    if p.returncode != 0:
        raise AssertionError("mailsim exited %d: %s" % (p.returncode, p.stderr))
    with open(trace) as f, open(summary) as g:
        return json.load(f), json.load(g), export


def facts(trace, name, host="mail.example.org"):
    return [e for e in trace["events"]
            if e["kind"] == "fact" and e["fact"] == name and e["actor"]["host"] == host]


def arrival(trace):
    return facts(trace, "submission_accepted")[0]["time_us"]


def alice_dsns(export):
    out = []
    for path in sorted(glob.glob(os.path.join(export, "clients", "alice@example.org", "*", "*"))):
        with open(path, "rb") as f:
            out.append(email.message_from_binary_file(f, policy=email.policy.default))
    return out


def delivery_status(msg):
    """The per-recipient fields of a DSN's message/delivery-status part."""
    for part in msg.walk():
        if part.get_content_type() == "message/delivery-status":
            blocks = part.get_payload()
            return {k.lower(): str(v) for k, v in blocks[1].items()}
    raise AssertionError("no message/delivery-status part")


def postfix_next(now, arrived, started=0, minimal=300 * SECOND, maximal=4000 * SECOND, run=300 * SECOND):
    wait = max(min(now - arrived, maximal), minimal)
    ready = now + wait
    return started + -(-(ready - started) // run) * run


class Schedule(unittest.TestCase):
    def test_default_schedule_is_postfix_backoff_with_queue_runs(self):
        t, summ, _ = variant(lambda s: None)
        arrived = arrival(t)
        deferred = facts(t, "deferred")
        attempts = facts(t, "relay_attempt")
        self.assertGreaterEqual(len(deferred), 5)
        for d in deferred:
            self.assertEqual(d["data"]["next_attempt_us"], postfix_next(d["time_us"], arrived), d)
        # Every retry starts at the time its deferral announced, on the 300 s grid.
        for d, a in zip(deferred, attempts[1:]):
            self.assertEqual(a["time_us"], d["data"]["next_attempt_us"])
            self.assertEqual(a["time_us"] % (300 * SECOND), 0)
        # Each attempt waits 30 s for the silent server (connect timeout) before it defers:
        # 35 s queued -> wait 300 s -> the scan at 600 s; 630 s -> 625 s more -> 1500 s; …
        starts = [a["time_us"] // SECOND for a in attempts]
        self.assertEqual(starts[:5], [5, 600, 1500, 3300, 6900], starts)  # the wait doubles
        self.assertEqual(starts[5] - starts[4], 4200)  # 4000 s cap, then the next scan
        # The server is back after 2 h; the message is delivered at the first retry after that.
        r = summ["messages"][0]["recipients"][0]
        self.assertEqual(r["status"], "delivered")
        self.assertEqual(facts(t, "relayed")[0]["time_us"] // SECOND, 11100)

    def test_fixed_schedule_stays_for_lessons(self):
        t, _, _ = variant(lambda s: s["servers"][0].update(retry={"schedule": "fixed", "first": "30m", "interval": "30m"}))
        attempts = [a["time_us"] for a in facts(t, "relay_attempt")]
        deferred = [d["time_us"] for d in facts(t, "deferred")]
        self.assertGreaterEqual(len(deferred), 3)
        for d, a in zip(deferred, attempts[1:]):
            self.assertEqual(a - d, 30 * MINUTE)

    def test_give_up_is_exact_never_early(self):
        def edit(s):
            # No "schedule": first/interval alone choose the fixed one.
            s["servers"][0]["retry"] = {"first": "30m", "interval": "30m", "give_up": "3h"}
            s["faults"][0]["for"] = "10h"
            s["until"] = "6h"
        t, summ, export = variant(edit)
        arrived = arrival(t)
        [ex] = facts(t, "expired")
        attempts = [a["time_us"] for a in facts(t, "relay_attempt")]
        deferred = [d["time_us"] for d in facts(t, "deferred")]
        # Each attempt lasts the 30 s connect timeout, then waits 30 min: the 6th deferral
        # ends before 3 h, so the 7th attempt is made, and it is the one that gives up.
        self.assertLess(deferred[-1] - arrived, 3 * HOUR)
        self.assertGreaterEqual(ex["time_us"] - arrived, 3 * HOUR)  # main gave up at 2 h 33 min
        self.assertEqual(len(attempts), 7)
        self.assertEqual(len(deferred), 6)
        self.assertEqual(summ["messages"][0]["recipients"][0]["status"], "bounced")
        [dsn] = alice_dsns(export)
        fields = delivery_status(dsn)
        self.assertEqual(fields["action"], "failed")
        # No server answered (its host is down, so no route leads to it): Postfix's own words
        # and its status for a failed connect, not free text.
        self.assertEqual(fields["status"], "4.4.1")
        self.assertEqual(fields["diagnostic-code"],
                         "X-Postfix; connect to mail.example.com[203.0.113.25]:25: No route to host")

    def test_give_up_with_the_postfix_schedule(self):
        def edit(s):
            s["servers"][0]["retry"] = {"give_up": "1h"}
            s["faults"][0]["for"] = "10h"
        t, _, _ = variant(edit)
        arrived = arrival(t)
        [ex] = facts(t, "expired")
        starts = [a["time_us"] // SECOND for a in facts(t, "relay_attempt")]
        self.assertEqual(starts, [5, 600, 1500, 3300, 6900])  # the attempt at 3300 s ends before 1 h
        self.assertGreaterEqual(ex["time_us"] - arrived, HOUR)

    def test_expiry_dsn_reports_the_last_smtp_reply(self):
        def edit(s):
            s["faults"] = []
            s["servers"][1]["policy"] = {"greylisting": True, "greylist_delay": "10h"}
            s["servers"][0]["retry"] = {"give_up": "30m"}
        t, summ, export = variant(edit)
        [ex] = facts(t, "expired")
        self.assertEqual(ex["data"]["last_reply"]["code"], 451)
        [dsn] = alice_dsns(export)
        fields = delivery_status(dsn)
        self.assertEqual(fields["action"], "failed")
        self.assertEqual(fields["status"], "4.7.1")
        self.assertTrue(fields["diagnostic-code"].startswith("smtp; 451 4.7.1"), fields)
        self.assertEqual(fields["remote-mta"], "dns; mail.example.com")

    def test_delay_warning_once_then_delivered(self):
        def edit(s):
            s["servers"][0]["retry"] = {"delay_warning": "1h"}
        t, summ, export = variant(edit)
        arrived = arrival(t)
        warnings = [b for b in facts(t, "bounce_created") if b["data"]["action"] == "delayed"]
        self.assertEqual(len(warnings), 1)
        self.assertGreaterEqual(warnings[0]["time_us"] - arrived, HOUR)
        self.assertEqual(summ["messages"][0]["recipients"][0]["status"], "delivered")
        self.assertEqual(summ["totals"]["bounced"], 0)
        [dsn] = alice_dsns(export)
        self.assertEqual(dsn["Subject"], "Delayed Mail (still being retried)")
        fields = delivery_status(dsn)
        self.assertEqual(fields["action"], "delayed")
        self.assertEqual(fields["status"], "4.4.1")
        self.assertIn("will-retry-until", fields)

    def test_no_delay_warning_by_default(self):
        t, _, export = variant(lambda s: None)
        self.assertEqual(facts(t, "bounce_created"), [])
        self.assertEqual(alice_dsns(export), [])

    def test_knobs_of_the_other_schedule_are_refused(self):
        with open(os.path.join(SRC, "scenarios", "outage-and-retry.json")) as f:
            s = json.load(f)
        tmp = tempfile.mkdtemp(prefix="mailsim-schedule-")
        for retry, where in (({"schedule": "fixed", "minimal_backoff": "5m"}, "/servers/0/retry/minimal_backoff"),
                             ({"schedule": "postfix", "first": "5m"}, "/servers/0/retry/first"),
                             ({"queue_run_delay": 0}, "/servers/0/retry/queue_run_delay")):
            s["servers"][0]["retry"] = retry
            path = os.path.join(tmp, "bad.json")
            with open(path, "w") as f:
                json.dump(s, f)
            p = subprocess.run([MAILSIM, "validate", path], capture_output=True, text=True, timeout=60)
            self.assertEqual(p.returncode, 2, (retry, p.stdout, p.stderr))
            self.assertIn(where, p.stdout + p.stderr)


if __name__ == "__main__":
    unittest.main()
