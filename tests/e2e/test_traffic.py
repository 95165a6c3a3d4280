#!/usr/bin/python3
"""Generated traffic through the real binary: `mailsim generate`, then `mailsim run`.

- generate is deterministic, writes a scenario the loader and the schema accept, and refuses
  flags that make no sense with exit 2 and the reason;
- same scenario and seed => byte-identical trace (JSON Lines); another seed => another trace;
- a long run: the number of messages within 5 % of rate x time (10,000 expected), the shares of
  unknown recipients and unreachable domains within tolerance, each of them bounced for its
  reason, and conservation exact;
- generated messages are told like listed ones: the composed fact, in English and Spanish.
Env: MAILSIM, MAILSIM_SOURCE_DIR."""
import json
import os
import shutil
import tempfile
import unittest

from mailsim_test import ROOT, run

try:
    import jsonschema
except ImportError:
    jsonschema = None


class Traffic(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="mailsim-traffic-")

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def path(self, name):
        return os.path.join(self.tmp, name)

    def generate(self, name, *flags):
        run("generate", self.path(name), *flags)
        with open(self.path(name)) as f:
            return json.load(f)

    def test_generate_is_deterministic_and_valid(self):
        flags = ["--domains", "5", "--servers-per-domain", "2", "--users", "40", "--rate", "20/s", "--until", "10s"]
        doc = self.generate("a.json", *flags)
        run("generate", self.path("b.json"), *flags)
        with open(self.path("a.json"), "rb") as a, open(self.path("b.json"), "rb") as b:
            self.assertEqual(a.read(), b.read())
        self.assertEqual(len(doc["users"]), 40)
        self.assertEqual(len([h for h in doc["hosts"] if h["role"] == "mailserver"]), 10)
        self.assertEqual(doc["traffic"]["flows"][0]["rate"], "20/s")
        self.assertNotIn("messages", doc)
        self.assertTrue(os.path.exists(self.path("scenario.schema.json")))
        p = run("validate", self.path("a.json"))
        self.assertEqual(p.stderr, "")
        if jsonschema:
            with open(os.path.join(ROOT, "scenarios", "scenario.schema.json")) as f:
                schema = json.load(f)
            self.assertEqual([e.message for e in jsonschema.Draft202012Validator(schema).iter_errors(doc)], [])
        out = run("generate", *flags).stdout  # standard output
        with open(self.path("a.json")) as f:
            self.assertEqual(out, f.read())

    def test_generate_refuses_bad_flags(self):
        for flags, phrase in [(["--domains", "0"], "--domains: from 1 to 2000"),
                              (["--users", "1"], "--users: from 2"),
                              (["--rate", "often"], '/traffic/flows/0/rate'),
                              (["--unknown", "2"], "/traffic/flows/0/recipients/unknown"),
                              (["--poll", "soon"], "--poll"),
                              (["--per", "person"], "person")]:
            with self.subTest(flags=flags):
                p = run("generate", self.path("x.json"), *flags, check=False)
                self.assertEqual(p.returncode, 2, p.stderr)
                self.assertIn(phrase, p.stderr)
                self.assertFalse(os.path.exists(self.path("x.json")))
        self.generate("y.json")
        p = run("generate", self.path("y.json"), check=False)
        self.assertEqual(p.returncode, 2)
        self.assertIn("exists", p.stderr)

    def test_same_seed_same_trace(self):
        self.generate("s.json", "--domains", "3", "--users", "12", "--rate", "1/s", "--until", "30s", "--zipf", "1.1",
                      "--unknown", "0.1", "--per-message", "3,1", "--size", "3KB", "--sigma", "1")
        traces = []
        for i, seed in enumerate(["5", "5", "6"]):
            t = self.path(f"t{i}.jsonl")
            run("run", self.path("s.json"), "--seed", seed, "--trace", t, "-q")
            with open(t, "rb") as f:
                traces.append(f.read())
        self.assertEqual(traces[0], traces[1])
        self.assertNotEqual(traces[0], traces[2])
        composed = [json.loads(l) for l in traces[0].splitlines() if b'"composed"' in l]
        composed = [e for e in composed if e.get("fact") == "composed"]
        self.assertGreater(len(composed), 10)
        self.assertEqual(composed[0]["msg"], "t1")

    def test_rate_and_shares_over_ten_thousand_messages(self):
        # 100 messages/s in total for 100 s: 10,000 expected; Poisson's sd is 100 (1 %).
        self.generate("load.json", "--domains", "5", "--users", "50", "--rate", "100/s", "--until", "100s",
                      "--drain", "10m", "--poll", "off", "--unknown", "0.1", "--unreachable", "0.05", "--same-domain", "0")
        run("run", self.path("load.json"), "--summary", self.path("s.json"), "-q", timeout=900)
        with open(self.path("s.json")) as f:
            summary = json.load(f)
        msgs = summary["messages"]
        self.assertLess(abs(len(msgs) - 10000), 500, len(msgs))
        self.assertTrue(all(m["id"].startswith("t") for m in msgs))
        unreachable = [m for m in msgs if m["recipients"][0]["address"].endswith("@unreachable.invalid")]
        self.assertLess(abs(len(unreachable) / len(msgs) - 0.05), 0.01)
        for m in unreachable:
            self.assertEqual(m["recipients"][0]["status"], "bounced")
            self.assertEqual(m["recipients"][0].get("reason"), "nxdomain")
        reachable = [r for m in msgs if m not in unreachable for r in m["recipients"]]
        unknown = [r for r in reachable if r["address"].startswith("nobody")]
        self.assertLess(abs(len(unknown) / len(reachable) - 0.1), 0.015)
        self.assertTrue(all(r["status"] == "bounced" and "5.1.1" in r.get("detail", "") for r in unknown))
        # same_domain 0: every known recipient is in another domain than the sender's.
        for m in msgs[:2000]:
            for r in m["recipients"]:
                if not r["address"].startswith("nobody") and m not in unreachable:
                    self.assertNotEqual(r["address"].split("@")[1], m["from"].split("@")[1])
        t = summary["totals"]
        self.assertEqual(t["submitted"], t["delivered"] + t["bounced"] + t["queued"] + t["rejected"])
        self.assertEqual(t["queued"], 0)
        self.assertEqual(t["bounced"], len(unknown) + len(unreachable))

    def test_generated_messages_are_told_in_both_languages(self):
        self.generate("small.json", "--domains", "2", "--users", "4", "--rate", "1/s",
                      "--messages", "3", "--until", "1m", "--poll", "5s")
        run("run", self.path("small.json"), "--trace", self.path("t.json"), "-q")
        es = run("visualize", self.path("t.json"), "--format", "text", "--lang", "es", "--message", "t1").stdout
        en = run("visualize", self.path("t.json"), "--format", "text", "--lang", "en", "--message", "t1").stdout
        self.assertIn("redacta el mensaje t1", es)
        self.assertIn("writes message t1", en)
        html = self.path("l.html")
        run("visualize", self.path("t.json"), "-o", html)
        with open(html, encoding="utf-8") as f:
            self.assertIn('"t3"', f.read())


if __name__ == "__main__":
    unittest.main(verbosity=2)
