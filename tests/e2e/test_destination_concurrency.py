#!/usr/bin/python3
"""Per-destination delivery as Postfix's qmgr does it (issue 9, defect 7).

- 100 messages queued for one domain: at most 20 SMTP sessions at once (5 at first, more as
  sessions succeed), not 100; one MX query, the other answers come from the cache (TTL).
- Those 100 messages share far fewer connections than messages: deliveries back to back reuse
  an idle session (RSET, then MAIL FROM), as Postfix's on-demand connection cache does; the
  reuse limits and the switch are configurable (servers[].delivery).
- A message for 60 recipients of one domain goes in two transactions (50 + 10).
- A destination that does not answer is declared dead after one failed cohort: its other
  waiting mail is deferred ("delivery temporarily suspended") without 25 more connections.
- servers[].delivery changes the numbers.
Variants of scenarios/six-steps.json. Env: MAILSIM, MAILSIM_SOURCE_DIR.
"""
import json
import os
import subprocess
import tempfile
import unittest

MAILSIM = os.environ.get("MAILSIM", "build/mailsim")
SRC = os.environ.get("MAILSIM_SOURCE_DIR", os.getcwd())
SECOND = 1_000_000


def variant(edit, packets=False):
    with open(os.path.join(SRC, "scenarios", "six-steps.json")) as f:
        s = json.load(f)
    edit(s)
    tmp = tempfile.mkdtemp(prefix="mailsim-concurrency-")
    path = os.path.join(tmp, "scenario.json")
    with open(path, "w") as f:
        json.dump(s, f)
    trace, summary, pk = (os.path.join(tmp, n) for n in ("t.json", "s.json", "p.json"))
    extra = ["--trace-packets", pk] if packets else []
    p = subprocess.run([MAILSIM, "run", path, "--trace", trace, "--summary", summary, "-q", "--no-content", *extra],
                       capture_output=True, text=True, timeout=300)
    if p.returncode != 0:
        raise AssertionError("mailsim exited %d: %s" % (p.returncode, p.stderr))
    with open(trace) as f, open(summary) as g:
        out = json.load(f), json.load(g)
    if packets:
        with open(pk) as f:
            out += (json.load(f)["packets"],)
    return out


def many_messages(n, at="5s", to=("bob@example.com",)):
    def edit(s):
        base = s["messages"][0]
        s["messages"] = [dict(base, id="m%d" % (i + 1), at=at, to=list(to)) for i in range(n)]
        s["until"] = "3h"
    return edit


def relay_sessions(trace, sender="mail.example.org"):
    """conn -> (first, last) event time of the sender's SMTP relay sessions."""
    conns = {e["conn"] for e in trace["events"]
             if e["kind"] == "fact" and e["fact"] == "connecting" and e["actor"]["host"] == sender}
    spans = {}
    for e in trace["events"]:
        if e["conn"] in conns:
            a, b = spans.get(e["conn"], (e["time_us"], e["time_us"]))
            spans[e["conn"]] = (min(a, e["time_us"]), max(b, e["time_us"]))
    return spans


def peak(spans):
    edges = sorted([(a, 1) for a, _ in spans.values()] + [(b, -1) for _, b in spans.values()],
                   key=lambda x: (x[0], x[1]))
    now = best = 0
    for _, d in edges:
        now += d
        best = max(best, now)
    return best


def facts(trace, name, host="mail.example.org"):
    return [e for e in trace["events"] if e["kind"] == "fact" and e["fact"] == name and e["actor"]["host"] == host]


class Concurrency(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.trace, cls.summary = variant(many_messages(100))

    def test_all_delivered(self):
        self.assertEqual(self.summary["totals"]["delivered"], 100)

    def test_at_most_twenty_sessions_at_once_and_five_at_first(self):
        spans = relay_sessions(self.trace)
        self.assertLessEqual(peak(spans), 20)
        self.assertGreater(peak(spans), 5)  # the window grew with good sessions
        first = sorted(spans.values())
        # Before the first session ends, only the initial window of 5 may start.
        first_end = min(b for _, b in first)
        self.assertLessEqual(sum(1 for a, _ in first if a < first_end), 5)

    def test_one_mx_query_then_the_cache(self):
        queries = [e for e in self.trace["events"] if e["kind"] == "line" and e.get("protocol") == "DNS"
                   and e["direction"] == "request" and e["actor"]["host"] == "mail.example.org"
                   and e["line"].startswith("QUERY MX")]
        self.assertEqual(len(queries), 1, [q["line"] for q in queries])
        # The answer is stated to the deliveries that waited for that one query (the first
        # window); the later ones used the cache, which is no news.
        self.assertLessEqual(len(facts(self.trace, "mx_answer")), 5)


def transactions(trace, conn):
    """The lines of one connection, and its transactions: each from its MAIL FROM, or from the
    RSET probe before it, up to the next one."""
    out, lines, after_rset = [], [e for e in trace["events"] if e["kind"] == "line" and e["conn"] == conn], False
    for e in lines:
        request = e["line"].upper() if e["direction"] == "request" else ""
        if request == "RSET" or (request.startswith("MAIL FROM") and not after_rset):
            out.append([])
        if request:
            after_rset = request == "RSET"
        if out:
            out[-1].append(e)
    return lines, out


class ConnectionReuse(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.trace, cls.summary = variant(many_messages(100))

    def test_far_fewer_sessions_than_messages(self):
        sessions = relay_sessions(self.trace)
        self.assertLessEqual(len(sessions), 30)
        self.assertEqual(len(facts(self.trace, "connecting")), len(sessions))
        self.assertEqual(self.summary["totals"]["delivered"], 100)  # each once: the ledger is exact
        self.assertEqual(len(facts(self.trace, "relayed")), 100)

    def test_several_transactions_on_one_connection_with_rset_between(self):
        busiest = 0
        for conn in relay_sessions(self.trace):
            lines, txns = transactions(self.trace, conn)
            busiest = max(busiest, len(txns))
            requests = [e["line"].upper() for e in lines if e["direction"] == "request"]
            # One greeting and one EHLO per connection; every later transaction after an RSET
            # probe, and no QUIT until the last one.
            self.assertEqual(sum(1 for r in requests if r.startswith("EHLO")), 1)
            self.assertEqual(sum(1 for r in requests if r == "RSET"), len(txns) - 1)
            self.assertNotIn("QUIT", requests[:-1])
            for i, r in enumerate(requests):
                if r.startswith("MAIL FROM") and i > 1:
                    self.assertEqual(requests[i - 1], "RSET", conn)
            # Each transaction carries its own message in the trace.
            msgs = [t[0]["msg"] for t in txns]
            self.assertEqual(len(set(msgs)), len(msgs))
            for t in txns:
                self.assertEqual({e["msg"] for e in t}, {t[0]["msg"]})
        self.assertGreaterEqual(busiest, 5)

    def test_same_seed_same_trace(self):
        again, _ = variant(many_messages(100))
        self.assertEqual(json.dumps(again["events"]), json.dumps(self.trace["events"]))

    def test_reuse_can_be_switched_off(self):
        def edit(s):
            many_messages(30)(s)
            s["servers"][0]["delivery"] = {"connection_reuse": False}
        t, summ = variant(edit)
        self.assertEqual(len(relay_sessions(t)), 30)
        self.assertNotIn("RSET", [e["line"] for e in t["events"] if e["kind"] == "line"])
        self.assertEqual(summ["totals"]["delivered"], 30)

    def test_idle_connection_closed_without_quit_after_the_cache_time(self):
        def edit(s):
            many_messages(30)(s)
            s["servers"][0]["delivery"] = {"connection_cache_time": "5s"}
        t, summ, packets = variant(edit, packets=True)
        sessions = relay_sessions(t)
        replies = [e["time_us"] for e in t["events"] if e["kind"] == "line" and e["conn"] in sessions
                   and e["direction"] == "response"]
        fins = [p["t"] for p in packets if p["proto"] == "TCP" and p["from"] == "mail.example.org"
                and p["to"] == "mail.example.com" and p["dport"] == 25 and "FIN" in p["flags"]]
        self.assertEqual(len(fins), len(sessions))  # every connection ends
        # The last idle one is closed by the cache, 5 s after its last reply, without QUIT.
        self.assertGreaterEqual(max(fins), max(replies) + 5 * SECOND)
        self.assertLess(max(fins), max(replies) + 5 * SECOND + 100_000)
        quits = [e for e in t["events"] if e["kind"] == "line" and e["conn"] in sessions and e["line"] == "QUIT"]
        self.assertLess(len(quits), len(sessions))
        self.assertEqual(summ["totals"]["delivered"], 30)

    def test_a_refused_transaction_ends_with_a_final_rset_and_the_session_stays(self):
        t, summ = variant(many_messages(30, to=("nobody@example.com",)))
        sessions = relay_sessions(t)
        self.assertLess(len(sessions), 30)
        self.assertEqual(summ["totals"]["bounced"], 30)  # each refusal bounced once
        reused = 0
        for conn in sessions:
            requests = [e["line"].upper() for e in transactions(t, conn)[0] if e["direction"] == "request"]
            mails = sum(1 for r in requests if r.startswith("MAIL FROM"))
            reused += mails > 1
            # Each refused transaction is followed by RSET (final RSET, then the next one's probe).
            after = [requests[i + 1] for i, r in enumerate(requests[:-1]) if r == "DATA"]
            self.assertTrue(all(a == "RSET" for a in after[:-1]), requests)
        self.assertGreater(reused, 0)

    def test_reuse_count_limit(self):
        def edit(s):
            many_messages(60)(s)
            s["servers"][0]["delivery"] = {"connection_reuse_count_limit": 2}
        t, summ = variant(edit)
        counts = [len(transactions(t, c)[1]) for c in relay_sessions(t)]
        self.assertEqual(max(counts), 3)  # the first transaction and two reuses
        self.assertEqual(summ["totals"]["delivered"], 60)

    def test_reuse_time_limit(self):
        def edit(s):
            many_messages(60)(s)
            s["servers"][0]["delivery"] = {"connection_reuse_time_limit": "500ms"}
        t, summ = variant(edit)
        spans = relay_sessions(t)
        for conn, (opened, _) in spans.items():
            for txn in transactions(t, conn)[1][1:]:
                # A session is kept only while younger than the limit; its next transaction
                # starts right after (one RSET round trip).
                self.assertLess(txn[0]["time_us"] - opened, 600_000)
        self.assertGreater(len(spans), len(relay_sessions(self.trace)))
        self.assertEqual(summ["totals"]["delivered"], 60)


class RecipientLimit(unittest.TestCase):
    def test_sixty_recipients_take_two_transactions(self):
        rcpts = ["bob@example.com"] + ["nobody%d@example.com" % i for i in range(59)]
        t, _ = variant(many_messages(1, to=rcpts))
        attempts = facts(t, "relay_attempt")
        self.assertEqual([len(a["data"]["rcpts"]) for a in attempts], [50, 10])
        for conn in relay_sessions(t):
            n = sum(1 for e in t["events"] if e["conn"] == conn and e["kind"] == "line"
                    and e["direction"] == "request" and e["line"].upper().startswith("RCPT TO"))
            self.assertLessEqual(n, 50)

    def test_recipient_limit_is_configurable(self):
        def edit(s):
            many_messages(1, to=["bob@example.com", "x1@example.com", "x2@example.com"])(s)
            s["servers"][0]["delivery"] = {"recipient_limit": 1}
        t, _ = variant(edit)
        self.assertEqual([len(a["data"]["rcpts"]) for a in facts(t, "relay_attempt")], [1, 1, 1])


class DeadDestination(unittest.TestCase):
    def test_dead_after_one_failed_cohort_then_mail_waits_without_connections(self):
        def edit(s):
            many_messages(30)(s)
            s["faults"] = [{"at": "1s", "action": "host-down", "host": "mail.example.com", "for": "15m"}]
        t, summ = variant(edit)
        first_round = [e for e in facts(t, "connecting") if e["time_us"] < 120 * SECOND]
        # The initial window of 5, and the few started while that cohort failed; then dead.
        self.assertLessEqual(len(first_round), 8)
        deferred = [e for e in facts(t, "deferred") if e["time_us"] < 120 * SECOND]
        self.assertEqual(len(deferred), 30)
        # Those that never got a session are deferred for the reason that killed the destination.
        self.assertEqual({e["data"].get("net_error") for e in deferred}, {"unreachable"})
        self.assertEqual(summ["totals"]["delivered"], 30)  # all of it once the server is back

    def test_configurable_window(self):
        def edit(s):
            many_messages(30)(s)
            s["servers"][0]["delivery"] = {"initial_concurrency": 2, "concurrency_limit": 3}
        t, _ = variant(edit)
        self.assertLessEqual(peak(relay_sessions(t)), 3)


if __name__ == "__main__":
    unittest.main()
