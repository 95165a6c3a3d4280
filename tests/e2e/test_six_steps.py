"""Issue "The six steps, end to end": the classroom scenario through the real binary."""
import email
import email.policy
import glob
import json
import os
import tempfile
import unittest

from mailsim_test import run, run_with_trace, scenario


class SixSteps(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.trace, cls.summary, cls.export, cls.stdout = run_with_trace("six-steps")
        cls.lines = [e["line"] for e in cls.trace["events"] if e["kind"] == "line"]

    def test_header(self):
        t = self.trace
        self.assertEqual(t["format"], "mailsim-trace")
        self.assertEqual(t["scenario"]["name"], "six-steps")
        self.assertEqual(t["seed"], 1)
        self.assertTrue(t["mailsim_version"])

    def test_facts_tell_the_six_steps(self):
        facts = [(e["step"], e["fact"], e["actor"]["agent"] + "@" + e["actor"]["host"])
                 for e in self.trace["events"] if e["kind"] == "fact"]
        names = [f[1] for f in facts]
        for want in ["composed", "submission_accepted", "relay_attempt", "mx_answer", "connecting",
                     "recipient_checked", "message_accepted", "relayed", "delivered", "retrieved", "deleted",
                     "local_copy_kept"]:
            self.assertIn(want, names)
        self.assertIn((4, "message_accepted", "MTA@mail.example.com"), facts)
        self.assertIn((5, "delivered", "MDA@mail.example.com"), facts)
        checked = [e for e in self.trace["events"] if e.get("fact") == "recipient_checked" and e["step"] == 4]
        self.assertEqual([c["data"]["rcpt"] for c in checked], ["bob@example.com"])  # the recipient, not the sender
        self.assertEqual(checked[0]["data"]["verdict"], "local_user")
        mx = [e["data"] for e in self.trace["events"] if e.get("fact") == "mx_answer"][0]
        self.assertEqual(mx["exchangers"], [{"host": "mail.example.com", "preference": 10, "address": "203.0.113.25"}])
        roles = [e["data"]["roles"] for e in self.trace["events"] if e.get("fact") == "relay_attempt"][0]
        self.assertEqual(roles, ["client", "intermediary"])

    def test_a_session_is_one_step(self):
        by_conn = {}
        for e in self.trace["events"]:
            if e["kind"] != "fact" and e["conn"] is not None:
                by_conn.setdefault(e["conn"], set()).add(e["step"])
        self.assertEqual(sorted(tuple(s) for s in by_conn.values()), [(2,), (3,), (6,)])

    def test_all_six_steps_in_order(self):
        steps = [e["step"] for e in self.trace["events"]]
        first = {s: steps.index(s) for s in range(1, 7)}
        self.assertEqual(sorted(first, key=first.get), [1, 2, 3, 4, 5, 6])
        times = [e["time_us"] for e in self.trace["events"]]
        self.assertEqual(times, sorted(times))
        self.assertEqual([e["seq"] for e in self.trace["events"]], list(range(len(times))))

    def test_smtp_lines(self):
        for expected in ["MAIL FROM:<alice@example.org>", "RCPT TO:<bob@example.com>", "DATA", "QUIT", "."]:
            self.assertTrue(any(l == expected or l.startswith(expected + " ") for l in self.lines), expected)
        self.assertTrue(any(l.startswith("EHLO ") for l in self.lines))
        for code in ["220", "250", "354", "221"]:
            self.assertTrue(any(l.startswith(code) for l in self.lines), code)

    def test_relay_step_has_mx_query_and_answer(self):
        dns = [e for e in self.trace["events"] if e.get("protocol") == "DNS"]
        self.assertIn("QUERY MX example.com", [e["line"] for e in dns])
        self.assertIn("ANSWER example.com MX 10 mail.example.com", [e["line"] for e in dns])
        self.assertTrue(all(e["step"] == 3 for e in dns))
        relay = [e for e in self.trace["events"] if e["step"] == 3 and e.get("protocol") == "SMTP"]
        self.assertTrue(any(e["line"] == "MAIL FROM:<alice@example.org> SIZE=568" or
                            e["line"].startswith("MAIL FROM:<alice@example.org>") for e in relay))

    def test_pop3_dialogue(self):
        pop = [e for e in self.trace["events"] if e.get("protocol") == "POP3" and e["kind"] == "line"]
        requests = [e["line"] for e in pop if e["direction"] == "request"]
        self.assertEqual([r.split()[0] for r in requests], ["USER", "PASS", "STAT", "RETR", "DELE", "QUIT"])
        self.assertIn("RETR 1", requests)
        self.assertIn("DELE 1", requests)
        replies = [e["line"] for e in pop if e["direction"] == "response"]
        self.assertTrue(all(r.startswith("+OK") or r == "." for r in replies), replies)

    def test_summary(self):
        totals = self.summary["totals"]
        self.assertEqual(totals, {"submitted": 1, "delivered": 1, "bounced": 0, "queued": 0,
                                  "rejected": 0, "retrieved": 1})
        r = self.summary["messages"][0]["recipients"][0]
        self.assertEqual(r["status"], "delivered")
        self.assertLess(self.summary["messages"][0]["submitted_us"], r["delivered_us"])
        self.assertLess(r["delivered_us"], r["retrieved_us"])
        self.assertIn("delivered", self.stdout)
        self.assertIn("retrieved", self.stdout)

    def test_bobs_local_copy_parses_with_python_email(self):
        files = glob.glob(os.path.join(self.export, "clients", "bob@example.com", "cur", "*"))
        self.assertEqual(len(files), 1)
        with open(files[0], "rb") as f:
            msg = email.message_from_binary_file(f, policy=email.policy.default)
        received = msg.get_all("Received")
        self.assertEqual(len(received), 2)  # one per server hop
        self.assertIn("by mail.example.com", received[0])  # newest first
        self.assertIn("by mail.example.org", received[1])
        self.assertEqual(msg["Return-Path"], "<alice@example.org>")
        for h in ["Date", "Message-ID", "From", "To", "Subject"]:
            self.assertIsNotNone(msg[h], h)
        self.assertEqual(msg["Subject"], "Hello from Alice")
        self.assertIn(".A line that starts with a dot", msg.get_body().get_content())

    def test_same_seed_gives_byte_identical_traces(self):
        tmp = tempfile.mkdtemp()
        a, b = os.path.join(tmp, "a.json"), os.path.join(tmp, "b.json")
        run("run", scenario("six-steps"), "--seed", "7", "--trace", a, "-q")
        run("run", scenario("six-steps"), "--seed", "7", "--trace", b, "-q")
        with open(a, "rb") as fa, open(b, "rb") as fb:
            self.assertEqual(fa.read(), fb.read())


class BadInput(unittest.TestCase):
    def write(self, text):
        fd, path = tempfile.mkstemp(suffix=".json")
        with os.fdopen(fd, "w") as f:
            f.write(text)
        return path

    def test_invalid_json_exits_2_naming_file_and_place(self):
        path = self.write('{"name": "x",\n  "hosts": [ }')
        for cmd in ("run", "validate"):
            p = run(cmd, path, check=False)
            self.assertEqual(p.returncode, 2, p.stderr)
            self.assertIn(path + ":2:", p.stderr)
            self.assertIn("not valid JSON", p.stderr)

    def test_undeclared_host_exits_2(self):
        with open(scenario("six-steps")) as f:
            s = json.load(f)
        s["links"][0]["b"] = "router-nowhere"
        path = self.write(json.dumps(s))
        p = run("run", path, check=False)
        self.assertEqual(p.returncode, 2)
        self.assertIn(path, p.stderr)
        self.assertIn("/links/0/b", p.stderr)
        self.assertIn("router-nowhere", p.stderr)

    def test_garbage_never_crashes(self):
        for text in ["", "[]", "null", '{"name": 5}', '{"name":"x","hosts":[{"name":"a","address":"999.1.1.1"}]}',
                     '\x00\xff', '{"name":"x","hosts":[{"name":"a","address":"1.2.3.4"}],"users":[{}]}']:
            p = run("validate", self.write(text), check=False)
            self.assertEqual(p.returncode, 2, (text, p.stderr))
            # Compiler-style lines (FILE:LINE:COL: …), then one closing line.
            self.assertTrue(p.stderr.startswith(p.args[-1]), p.stderr)
            self.assertTrue(p.stderr.endswith("mailsim: invalid scenario\n"), p.stderr)

    def test_missing_file_and_bad_arguments(self):
        self.assertEqual(run("run", "/nonexistent.json", check=False).returncode, 2)
        self.assertEqual(run("run", check=False).returncode, 2)
        self.assertEqual(run("frobnicate", check=False).returncode, 2)
        self.assertEqual(run("run", scenario("six-steps"), "--seed", "abc", check=False).returncode, 2)

    def test_help_and_version(self):
        self.assertEqual(run("--help").returncode, 0)
        self.assertIn("0.1", run("--version").stdout)
        self.assertIn("validate", run("--help").stdout)

    def test_validate_accepts_the_shipped_scenario(self):
        p = run("validate", scenario("six-steps"))
        self.assertIn("valid scenario 'six-steps'", p.stdout)


if __name__ == "__main__":
    unittest.main()
