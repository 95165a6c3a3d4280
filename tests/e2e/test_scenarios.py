#!/usr/bin/python3
"""The teaching scenarios in scenarios/*.json, each run by the real binary.

Every scenario: exit code 0 and conservation (submitted = delivered + bounced + queued +
rejected) in the summary totals. Each one also has its own outcome checked from the trace
events, the summary statuses or the exported Maildirs. A few are run twice to check that
the same seed gives a byte-identical trace. Env: MAILSIM (binary), MAILSIM_SOURCE_DIR.
"""
import email
import email.policy
import glob
import json
import os
import re
import subprocess
import sys
import tempfile
import unittest

MAILSIM = os.environ.get("MAILSIM", "build/mailsim")
SRC = os.environ.get("MAILSIM_SOURCE_DIR", os.getcwd())
SCEN = os.path.join(SRC, "scenarios")
SECOND = 1_000_000
MINUTE = 60 * SECOND
HOUR = 60 * MINUTE

_cache = {}


def run(name, *extra, export=False):
    """Run scenarios/NAME.json; return (returncode, trace, summary, export dir or None)."""
    key = (name, extra, export)
    if key in _cache:
        return _cache[key]
    tmp = tempfile.mkdtemp(prefix="mailsim-scen-")
    trace, summary = os.path.join(tmp, "trace.json"), os.path.join(tmp, "summary.json")
    args = [MAILSIM, "run", os.path.join(SCEN, name + ".json"), "--trace", trace, "--summary", summary, "-q", *extra]
    out = os.path.join(tmp, "export")
    if export:
        args += ["--export", out]
    p = subprocess.run(args, capture_output=True, text=True, timeout=300)
    def load(f):
        if not os.path.exists(f):
            return None
        with open(f) as fh:
            return json.load(fh)
    res = (p, load(trace), load(summary), out if export else None)
    _cache[key] = res
    return res


def read(path):
    with open(path, encoding="utf-8") as fh:
        return fh.read()


def events(trace, **want):
    out = []
    for e in trace["events"]:
        ok = True
        for k, v in want.items():
            if k in ("actor", "peer"):
                ok &= bool(e.get(k)) and e[k]["host"] == v
            else:
                ok &= e.get(k) == v
        if ok:
            out.append(e)
    return out


def recipients(summary, msg_id=None):
    return {(m["id"], r["address"]): r for m in summary["messages"] for r in m["recipients"]
            if msg_id is None or m["id"] == msg_id}


def maildir(export, *parts):
    msgs = []
    for f in sorted(glob.glob(os.path.join(export, *parts, "*", "*"))):
        if os.path.isfile(f):
            with open(f, "rb") as fh:
                msgs.append(email.message_from_bytes(fh.read(), policy=email.policy.default))
    return msgs


def dsn_text(m):
    """All text of a DSN (human part, delivery-status part), as one string."""
    parts = []
    for p in m.walk():
        if p.is_multipart():
            continue
        payload = p.get_payload(decode=True)
        if payload is None and p.get_content_type() == "message/delivery-status":
            payload = str(p.get_payload()).encode()
        if payload is None:
            # message/delivery-status is parsed as a list of header blocks by the email package
            payload = "\n".join(str(x) for x in p.get_payload()).encode()
        parts.append(payload.decode("utf-8", "replace"))
    for p in m.walk():
        if p.get_content_type() == "message/delivery-status":
            parts.append("\n".join(str(x) for x in p.get_payload()))
    return "\n".join(parts)


SCENARIOS = sorted(os.path.splitext(os.path.basename(p))[0] for p in glob.glob(os.path.join(SCEN, "*.json"))
                   if not p.endswith(".schema.json"))


class EveryScenario(unittest.TestCase):
    def test_exit_code_and_conservation(self):
        self.assertIn("load", SCENARIOS)
        for name in SCENARIOS:
            with self.subTest(scenario=name):
                p, trace, summary, _ = run(name)
                self.assertEqual(p.returncode, 0, p.stderr)
                t = summary["totals"]
                self.assertGreater(t["submitted"], 0)
                self.assertEqual(t["submitted"], t["delivered"] + t["bounced"] + t["queued"] + t["rejected"], t)
                self.assertEqual(trace["summary"], summary)
                self.assertEqual(sum(len(m["recipients"]) for m in summary["messages"]), t["submitted"])

    def test_descriptions_in_both_languages(self):
        for name in SCENARIOS:
            with self.subTest(scenario=name):
                d = json.loads(read(os.path.join(SCEN, name + ".json")))["description"]
                self.assertTrue(d.get("en"))
                self.assertTrue(d.get("es"))

    def test_determinism(self):
        for name in ("two-domains-two-recipients", "backup-mx", "greylisting", "lossy-link", "unknown-user-bounce"):
            with self.subTest(scenario=name):
                with tempfile.TemporaryDirectory() as tmp:
                    outs = []
                    for i in range(2):
                        t = os.path.join(tmp, "t%d.json" % i)
                        subprocess.run([MAILSIM, "run", os.path.join(SCEN, name + ".json"), "--trace", t, "-q"],
                                       check=True, timeout=120)
                        with open(t, "rb") as fh:
                            outs.append(fh.read())
                    self.assertEqual(outs[0], outs[1])


class Scenarios(unittest.TestCase):
    def test_two_domains_two_recipients(self):
        p, trace, summary, _ = run("two-domains-two-recipients")
        rs = recipients(summary)
        self.assertEqual({a for _, a in rs}, {"bob@example.com", "carol@example.net", "dave@example.com"})
        self.assertTrue(all(r["status"] == "delivered" for r in rs.values()), rs)
        sender = "mail.example.org"
        mails = [e for e in events(trace, kind="line", actor=sender, direction="request")
                 if e["line"].startswith("MAIL FROM:")]
        self.assertEqual(sorted(e["peer"]["host"] for e in mails), ["mail.example.com", "mail.example.net"])
        rcpt_com = [e for e in events(trace, kind="line", actor=sender, peer="mail.example.com", direction="request")
                    if e["line"].startswith("RCPT TO:")]
        self.assertEqual(len(rcpt_com), 2)
        self.assertEqual(len({e["conn"] for e in rcpt_com}), 1)
        datas = [e for e in events(trace, kind="line", actor=sender, direction="request") if e["line"] == "DATA"]
        self.assertEqual(len(datas), 2)

    def test_smarthost_relay(self):
        p, trace, summary, export = run("smarthost-relay", export=True)
        self.assertEqual(recipients(summary)[("m1", "bob@example.com")]["status"], "delivered")
        hops = set()
        for e in events(trace, kind="line", direction="request"):
            if e["line"] == "DATA":
                hops.add((e["actor"]["host"], e["peer"]["host"]))
        self.assertEqual(hops, {("pc-alice", "mail.example.org"), ("mail.example.org", "relay.example.org"),
                                ("relay.example.org", "mail.example.com")})
        # mail.example.org does not ask the DNS: the smarthost is configured by name.
        self.assertFalse([e for e in events(trace, actor="mail.example.org") if e.get("protocol") == "DNS"])
        # The three hops and the seed's three MTA roles are stated as facts.
        attempts = [e for e in events(trace, kind="fact") if e["fact"] == "relay_attempt"]
        self.assertEqual([(e["actor"]["host"], e["data"]["via"], e["data"]["roles"]) for e in attempts],
                         [("mail.example.org", "smarthost", ["client", "intermediary"]),
                          ("relay.example.org", "mx", ["client"])])
        accepted = [e["actor"]["host"] for e in events(trace, kind="fact") if e["fact"] == "message_accepted"]
        self.assertEqual(accepted, ["relay.example.org", "mail.example.com"])
        box = maildir(export, "clients", "bob@example.com")  # Bob polls: his MUA's copy
        self.assertEqual(len(box), 1)
        received = box[0].get_all("Received")
        self.assertEqual(len(received), 3, received)
        self.assertIn("by mail.example.com", received[0])
        self.assertIn("by relay.example.org", received[1])
        self.assertIn("by mail.example.org", received[2])

    def test_backup_mx(self):
        p, trace, summary, _ = run("backup-mx")
        r = recipients(summary)[("m1", "bob@example.com")]
        self.assertEqual(r["status"], "delivered")
        self.assertGreater(r["delivered_us"], 40 * MINUTE)
        # The sender tried the primary first, and its connection failed.
        failed = [e["data"] for e in events(trace, kind="fact", actor="mail.example.org")
                  if e["fact"] == "connection_failed"]
        self.assertEqual([(f["host"], f["next_host"], f["next_preference"]) for f in failed],
                         [("mail.example.com", "mx2.example.com", 20)])
        self.assertFalse([e for e in events(trace, kind="line", actor="mail.example.org", peer="mail.example.com")])
        # The backup accepted the message (250 after DATA) ...
        ok = [e for e in events(trace, kind="line", actor="mx2.example.com", peer="mail.example.org", code=250)
              if "queued" in e["line"].lower() or "ok" in e["line"].lower()]
        self.assertTrue(ok)
        # ... and later relayed it to the primary, which accepted it.
        later = [e for e in events(trace, kind="line", actor="mail.example.com", peer="mx2.example.com", code=250)]
        self.assertTrue(later)
        self.assertGreater(later[-1]["time_us"], 40 * MINUTE)

    def test_outage_and_retry(self):
        p, trace, summary, _ = run("outage-and-retry")
        r = recipients(summary)[("m1", "bob@example.com")]
        self.assertEqual(r["status"], "delivered")
        outage_end = 1 * SECOND + 2 * HOUR
        facts = events(trace, kind="fact", actor="mail.example.org")
        deferred = [e["time_us"] for e in facts if e["fact"] == "deferred" and e["data"]["rcpt"] == "bob@example.com"]
        attempts = [e["time_us"] for e in facts if e["fact"] == "relay_attempt"]
        self.assertGreaterEqual(len(deferred), 4)  # every attempt during the two hours failed
        self.assertTrue(all(t < outage_end for t in deferred))
        # Each deferral schedules the next attempt 30 minutes (the default retry) later.
        self.assertEqual(attempts[1:], [t + 30 * MINUTE for t in deferred])
        scheduled = [t + 30 * MINUTE for t in deferred]
        first_after = min(t for t in scheduled if t >= outage_end)
        self.assertEqual(first_after, scheduled[-1])
        # The message is delivered by that very retry: within a second of it, never earlier.
        self.assertGreaterEqual(r["delivered_us"], first_after)
        self.assertLess(r["delivered_us"] - first_after, SECOND)
        self.assertEqual(attempts[-1], first_after)

    def test_unknown_user_bounce(self):
        p, trace, summary, export = run("unknown-user-bounce", export=True)
        self.assertEqual(recipients(summary)[("m1", "nobody@example.com")]["status"], "bounced")
        rej = events(trace, kind="line", actor="mail.example.com", code=550)
        self.assertTrue(rej and "5.1.1" in rej[0]["line"])
        # The DSN is a message of its own, retrieved by Alice.
        created = [e["data"] for e in events(trace, kind="fact") if e["fact"] == "bounce_created"]
        self.assertEqual([(c["dsn"], c["of"], c["to"]) for c in created], [("m1.bounce", "m1", "alice@example.org")])
        dsn = [b for b in summary["bounces"] if b["id"] == "m1.bounce"][0]
        self.assertEqual(dsn["created_by"], "mail.example.org")
        self.assertGreater(dsn["recipients"][0]["retrieved_us"], 0)
        for where in (("clients", "alice@example.org"),):  # Alice polls: the DNS is now in her MUA
            box = maildir(export, *where)
            self.assertEqual(len(box), 1, where)
            dsn = box[0]
            self.assertEqual(dsn.get_content_type(), "multipart/report")
            self.assertEqual(dsn.get_param("report-type"), "delivery-status")
            self.assertIn("MAILER-DAEMON", dsn["From"])
            text = dsn_text(dsn)
            self.assertIn("nobody@example.com", text)
            self.assertIn("550", text)
            self.assertIn("5.1.1", text)
        self.assertIn("Return-Path: <>", read(glob.glob(os.path.join(
            export, "clients", "alice@example.org", "*", "*"))[0]))

    def test_mailbox_full(self):
        p, trace, summary, export = run("mailbox-full", export=True)
        rs = recipients(summary)
        self.assertEqual(rs[("m1", "bob@example.com")]["status"], "delivered")
        self.assertEqual(rs[("m2", "bob@example.com")]["status"], "bounced")
        self.assertTrue([e for e in events(trace, kind="fact") if e["fact"] == "delivery_failed"
                         and e["data"]["problem"] == "mailbox_full" and e["data"]["quota"] == 2000])
        box = maildir(export, "clients", "alice@example.org")
        self.assertEqual(len(box), 1)
        text = dsn_text(box[0])
        self.assertIn("bob@example.com", text)
        self.assertIn("5.2.2", text)
        self.assertEqual(len(maildir(export, "servers", "mail.example.com", "bob@example.com")), 1)
        self.assertEqual(len(maildir(export, "clients", "alice@example.org")), 1)

    def test_greylisting(self):
        p, trace, summary, _ = run("greylisting")
        r = recipients(summary)[("m1", "bob@example.com")]
        self.assertEqual(r["status"], "delivered")
        replies = [e for e in events(trace, kind="line", actor="mail.example.com", peer="mail.example.org")
                   if e.get("code") in (250, 451)]
        grey = [e for e in replies if e["code"] == 451]
        self.assertEqual(len(grey), 1)
        self.assertIn("4.7.1", grey[0]["line"])
        self.assertIn("bob@example.com", grey[0]["line"])
        self.assertEqual(grey[0].get("alert"), "transient")
        # The retry (Postfix's schedule: wait 300 s, then the next 300 s queue scan, at 10 min)
        # comes after the 5-minute greylisting delay, and its RCPT TO gets 250.
        rcpt_ok = [e for e in replies if e["code"] == 250 and e["conn"] != grey[0]["conn"] and "2.1.5" in e["line"]]
        self.assertTrue(rcpt_ok)
        self.assertGreaterEqual(rcpt_ok[0]["time_us"], 10 * MINUTE)
        self.assertGreater(rcpt_ok[0]["time_us"] - grey[0]["time_us"], 5 * MINUTE)
        self.assertGreater(r["delivered_us"], 10 * MINUTE)

    def test_lossy_link(self):
        p, trace, summary, export = run("lossy-link", export=True)
        r = recipients(summary)[("m1", "bob@example.com")]
        self.assertEqual(r["status"], "delivered")
        body = json.loads(read(os.path.join(SCEN, "lossy-link.json")))["messages"][0]["body"]
        for where in (("clients", "bob@example.com"),):
            box = maildir(export, *where)
            self.assertEqual(len(box), 1, where)
            got = box[0].get_content().replace("\r\n", "\n")
            self.assertEqual(got, body)

    def test_open_relay_denied(self):
        p, trace, summary, export = run("open-relay-denied", export=True)
        self.assertEqual(recipients(summary)[("m1", "alice@example.org")]["status"], "bounced")
        denied = events(trace, kind="line", actor="mail.example.com", peer="mail.example.edu", code=554)
        self.assertTrue(denied)
        self.assertIn("5.7.1", denied[0]["line"])
        self.assertIn("Relay access denied", denied[0]["line"])
        # The message never reached example.org.
        self.assertFalse(events(trace, kind="line", peer="mail.example.org", protocol="SMTP"))
        box = maildir(export, "clients", "eve@example.edu")
        self.assertEqual(len(box), 1)
        text = dsn_text(box[0])
        self.assertIn("alice@example.org", text)
        self.assertIn("554", text)

    def test_dns_failure(self):
        p, trace, summary, _ = run("dns-failure")
        r = recipients(summary)[("m1", "bob@example.com")]
        self.assertEqual(r["status"], "queued")
        self.assertIn("next_retry_us", r)
        self.assertEqual(summary["totals"]["queued"], 1)
        self.assertTrue(events(trace, kind="line", actor="mail.example.org", protocol="DNS"))
        self.assertFalse(events(trace, kind="line", actor="ns.example.net"))
        self.assertTrue([e for e in events(trace, kind="fact", actor="mail.example.org")
                         if e["fact"] == "deferred" and e["data"]["dns_error"] == "timeout"])
        self.assertFalse(events(trace, kind="line", peer="mail.example.com", protocol="SMTP"))

    def test_load(self):
        p, trace, summary, _ = run("load")
        t = summary["totals"]
        self.assertEqual(len(summary["messages"]), 3000)
        self.assertGreater(t["submitted"], 3000)
        self.assertEqual(t["delivered"], t["submitted"])


if __name__ == "__main__":
    unittest.main(verbosity=2)
