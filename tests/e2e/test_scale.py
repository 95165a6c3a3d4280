#!/usr/bin/python3
"""Scale runs through the real binary ("A day of a small provider"):

- the line network model ("network": {"model": "lines"}): each shipped scenario ends with the
  same outcome for every recipient (delivered, bounced, retrieved or not) as in the packet
  model; same seed => byte-identical trace; --pcap and --trace-packets are refused (exit 2,
  with the reason); a link loss is warned about, since the model loses nothing;
- trace digests: fixed scenarios in both models hash to the digests committed in
  tests/fixtures/digests.json, so an optimisation that changes a run cannot pass unnoticed
  (`python3 tests/e2e/test_scale.py --regenerate` rewrites them after an intended change);
- progress on stderr when stderr is a terminal (a pty here), never in a pipe or with -q.
Env: MAILSIM, MAILSIM_SOURCE_DIR."""
import hashlib
import json
import os
import pty
import shutil
import subprocess
import sys
import tempfile
import unittest

from mailsim_test import MAILSIM, ROOT, run, scenario

DIGESTS = os.path.join(ROOT, "tests", "fixtures", "digests.json")
# Scenarios whose outcome depends on packet loss or on TCP's own timing are compared by
# digest only: in the line model a lossy link loses nothing.
SAME_OUTCOME_EXCEPT = {"lossy-link", "load"}


def with_model(path, model, out_dir):
    """A copy of a scenario in out_dir with the given network model (and its files/ folder)."""
    with open(path) as f:
        doc = json.load(f)
    doc["network"] = {"model": model}
    files = os.path.join(os.path.dirname(path), "files")
    if os.path.isdir(files) and not os.path.exists(os.path.join(out_dir, "files")):
        shutil.copytree(files, os.path.join(out_dir, "files"))
    out = os.path.join(out_dir, f"{model}-{os.path.basename(path)}")
    with open(out, "w") as f:
        json.dump(doc, f)
    return out


def outcomes(summary_file):
    with open(summary_file) as f:
        s = json.load(f)
    return {(m["id"], r["address"]): (r["status"], r["retrieved_us"] is not None)
            for m in s["messages"] for r in m["recipients"]}


def trace_digest(trace_file):
    """sha256 of a JSON Lines trace, without the scenario's file path (it depends on the checkout)."""
    with open(trace_file, "rb") as f:
        lines = f.read().split(b"\n")
    header = json.loads(lines[0])
    header["scenario"].pop("file", None)
    h = hashlib.sha256(json.dumps(header, sort_keys=True).encode())
    for line in lines[1:]:
        h.update(line + b"\n")
    return h.hexdigest()


def digest_cases(tmp):
    """(name, scenario file) pairs: shipped lessons, and a generated day of traffic."""
    cases = []
    for name in ("six-steps", "greylisting", "host-crash", "lossy-link", "outage-and-retry"):
        cases.append((f"{name} packets", scenario(name)))
        cases.append((f"{name} lines", with_model(scenario(name), "lines", tmp)))
    for model in ("packets", "lines"):
        out = os.path.join(tmp, f"flow-{model}.json")
        run("generate", out, "--domains", "5", "--users", "40", "--rate", "50/s", "--messages", "300",
            "--server-latency", "20ms", "--poll", "10s", "--same-domain", "0", "--network", model)
        cases.append((f"generated flow {model}", out))
    return cases


def digests_now(tmp):
    result = {}
    for name, path in digest_cases(tmp):
        trace = os.path.join(tmp, "t.jsonl")
        run("run", path, "-q", "--trace", trace)
        result[name] = trace_digest(trace)
    return result


class LineModel(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="mailsim-scale-")

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def test_same_outcome_per_recipient_in_both_models(self):
        names = sorted(f[:-5] for f in os.listdir(os.path.join(ROOT, "scenarios"))
                       if f.endswith(".json") and not f.endswith(".schema.json"))
        compared = 0
        for name in names:
            if name in SAME_OUTCOME_EXCEPT:
                continue
            with self.subTest(scenario=name):
                got = {}
                for model in ("packets", "lines"):
                    summary = os.path.join(self.tmp, f"{model}.json")
                    run("run", with_model(scenario(name), model, self.tmp), "-q", "--summary", summary)
                    got[model] = outcomes(summary)
                self.assertTrue(got["packets"], name)
                self.assertEqual(got["packets"], got["lines"], name)
                compared += 1
        self.assertGreaterEqual(compared, 10)

    def test_same_seed_same_trace_and_pcap_refused(self):
        path = with_model(scenario("six-steps"), "lines", self.tmp)
        traces = []
        for i in range(2):
            t = os.path.join(self.tmp, f"t{i}.jsonl")
            run("run", path, "-q", "--trace", t)
            with open(t, "rb") as f:
                traces.append(f.read())
        self.assertEqual(traces[0], traces[1])
        self.assertGreater(len(traces[0]), 1000)
        for option in ("--pcap", "--trace-packets"):
            proc = run("run", path, option, os.path.join(self.tmp, "x"), check=False)
            self.assertEqual(proc.returncode, 2, proc.stderr)
            self.assertIn(option, proc.stderr)
            self.assertIn("line network model", proc.stderr)

    def test_loss_is_warned_about_in_the_line_model(self):
        proc = run("validate", with_model(scenario("lossy-link"), "lines", self.tmp))
        self.assertIn("loses no packets", proc.stderr)
        self.assertIn("/links/", proc.stderr)


class Digests(unittest.TestCase):
    def test_traces_match_the_committed_digests(self):
        tmp = tempfile.mkdtemp(prefix="mailsim-digest-")
        try:
            now = digests_now(tmp)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        with open(DIGESTS) as f:
            committed = json.load(f)
        self.assertEqual(sorted(now), sorted(committed))
        for name in committed:
            with self.subTest(case=name):
                self.assertEqual(now[name], committed[name],
                                 f"{name}: the trace changed; if intended, run python3 tests/e2e/test_scale.py --regenerate")


class Progress(unittest.TestCase):
    def run_in_pty(self, *args):
        """Runs mailsim with stderr on a terminal; returns what the terminal showed."""
        master, slave = pty.openpty()
        env = dict(os.environ, MAILSIM_PROGRESS_AFTER="0")
        proc = subprocess.Popen([MAILSIM, *args], stdout=subprocess.DEVNULL, stderr=slave, env=env)
        os.close(slave)
        shown = b""
        while True:
            try:
                chunk = os.read(master, 65536)
            except OSError:
                break
            if not chunk:
                break
            shown += chunk
        proc.wait(timeout=300)
        os.close(master)
        self.assertEqual(proc.returncode, 0, shown)
        return shown.decode(errors="replace")

    def test_progress_on_a_terminal_only(self):
        tmp = tempfile.mkdtemp(prefix="mailsim-progress-")
        try:
            path = os.path.join(tmp, "flow.json")
            run("generate", path, "--domains", "4", "--users", "40", "--rate", "100/s", "--messages", "2000",
                "--network", "lines")
            shown = self.run_in_pty("run", path, "--summary", os.path.join(tmp, "s.json"))
            self.assertRegex(shown, r"mailsim: simulated \d+:\d\d of \d+:\d\d:\d\d · \d+ of 2000 messages submitted, "
                                    r"\d+ settled · [0-9.e+-]+ M events/s · ETA (\d+:\d\d|\?)")
            self.assertIn("\r\033[K", shown)  # the line is cleared at the end
            self.assertNotIn("simulated", self.run_in_pty("run", path, "-q"))
            piped = subprocess.run([MAILSIM, "run", path], capture_output=True, text=True,
                                   env=dict(os.environ, MAILSIM_PROGRESS_AFTER="0"), timeout=300)
            self.assertEqual(piped.returncode, 0)
            self.assertNotIn("simulated", piped.stderr)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    if "--regenerate" in sys.argv:
        tmp = tempfile.mkdtemp(prefix="mailsim-digest-")
        try:
            d = digests_now(tmp)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        with open(DIGESTS, "w") as f:
            json.dump(d, f, indent=2, sort_keys=True)
            f.write("\n")
        print(f"wrote {len(d)} digests to {DIGESTS}")
        sys.exit(0)
    unittest.main()
