#!/usr/bin/python3
"""Every invalid trace sample (tests/samples/invalid-traces/, both forms) is refused by
`mailsim visualize` with exit 2 and one line "mailsim: FILE:LINE:COL: /pointer: why"; none
crashes, hangs or exits 1. LINE:COL is checked independently: where the pointer's value (or
key, for a repeated key) starts in the text, the enclosing value for a missing key, or the
place the sample's generator marked for a syntax error. Also: hostile files made at run time
(300,000 levels, a 2 MiB string, a FIFO, /dev/zero, a directory, a file over 1 GiB), and both
trace forms written by `run` read to the same lesson.
Env: MAILSIM (binary), MAILSIM_SOURCE_DIR."""
import glob
import json
import os
import re
import shutil
import subprocess
import tempfile
import time
import sys
import unittest

# The same pointer -> position scanner checks both kinds of input.
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from test_invalid_scenarios import positions  # noqa: E402

MAILSIM = os.environ.get("MAILSIM", "build/mailsim")
SRC = os.environ.get("MAILSIM_SOURCE_DIR", os.getcwd())
SAMPLES = os.path.join(SRC, "tests", "samples", "invalid-traces")
ERROR = re.compile(r"^mailsim: (?P<file>.+?):(?P<line>\d+):(?P<col>\d+): (?P<rest>.*)\n$", re.S)


def visualize(path, *extra, timeout=60):
    start = time.monotonic()
    p = subprocess.run([MAILSIM, "visualize", path, "--format", "text", "-o", os.devnull, *extra],
                       capture_output=True, text=True, timeout=timeout, errors="replace")
    return p, time.monotonic() - start


def expected_places(text, pointer, is_lines):
    """The (line, col) where an error at `pointer` may be reported."""
    if is_lines:
        # The record that holds it: the header, event N, or the summary line; then the
        # pointer inside that record.
        lines = text.split("\n")
        records = [i for i, l in enumerate(lines) if l.strip()]
        summary = [i for i in records if lines[i].startswith('{"summary":')]
        m = re.match(r"^/events/(\d+)(/.*)?$", pointer)
        if m and int(m[1]) < len(records) - 1 - len(summary):
            row, inner = records[1 + int(m[1])], m[2] or ""
        elif pointer.startswith("/summary") and summary:
            row, inner = summary[0], pointer
        else:
            row, inner = records[0], pointer
        return {(row + 1, c) for _, c in expected_places(lines[row], inner, False)}
    where = positions(text)
    p = pointer
    while p not in where:  # a missing key: shown at the object that lacks it
        p = p[: p.rfind("/")]
    allowed = set()
    for value, key in where[p]:
        for index in [value] + ([key] if key is not None and p == pointer else []):
            before = text[:index]
            allowed.add((before.count("\n") + 1, index - (before.rfind("\n") + 1) + 1))
    return allowed


class Samples(unittest.TestCase):
    def samples(self):
        return sorted(p for p in glob.glob(os.path.join(SAMPLES, "*")) if not p.endswith(".expect"))

    def test_there_are_enough_samples(self):
        self.assertGreaterEqual(len(self.samples()), 60)
        self.assertGreaterEqual(len([p for p in self.samples() if p.endswith(".jsonl")]), 10)

    def test_each_sample(self):
        for path in self.samples():
            with self.subTest(sample=os.path.basename(path)):
                self.check(path)

    def check(self, path):
        with open(os.path.splitext(path)[0] + ".expect", encoding="utf-8") as f:
            expect, *at = f.read().splitlines()
        pointer, phrase = expect.split(": ", 1)
        for lang in ("en", "es"):
            p, seconds = visualize(path, "--lang", lang)
            self.assertEqual(p.returncode, 2, p.stderr)
            self.assertLess(seconds, 10)
            self.assertNotIn("internal error", p.stderr)
        m = ERROR.match(p.stderr)
        self.assertTrue(m, p.stderr)
        self.assertEqual(m["file"], path)
        self.assertTrue(m["rest"].startswith(pointer + ": "), f"expected {pointer!r}: {p.stderr}")
        self.assertIn(phrase, m["rest"])
        got = (int(m["line"]), int(m["col"]))
        if at:
            line, col = at[0].split()[1].split(":")
            self.assertEqual(got, (int(line), int(col)), p.stderr)
        else:
            with open(path, encoding="utf-8") as f:
                text = f.read()
            allowed = expected_places(text, pointer, path.endswith(".jsonl"))
            self.assertIn(got, allowed, f"{pointer} reported at {got}, expected one of {sorted(allowed)}")


class Hostile(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="mailsim-hostile-trace-")
        with open(os.path.join(SRC, "tests", "fixtures", "viz", "six-steps.trace.json")) as f:
            self.base = json.load(f)

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def path(self, name):
        return os.path.join(self.tmp, name)

    def refused(self, path, *needles):
        p, seconds = visualize(path)
        self.assertEqual(p.returncode, 2, p.stderr)
        self.assertLess(seconds, 20)
        self.assertNotIn("internal error", p.stderr)
        for n in needles:
            self.assertIn(n, p.stderr)
        return p

    def test_nesting_300000_levels(self):
        for key in ("summary", "scenario", "topology"):
            with open(self.path(key + ".json"), "w") as f:
                text = json.dumps(self.base)
                f.write(text.replace(f'"{key}": ', f'"{key}": ' + "[" * 300000 + "]" * 300000 + ', "x": ', 1))
            self.refused(self.path(key + ".json"), f"/{key}" + "/0" * 63 + ": nested deeper than 64 levels")

    def test_long_string(self):
        self.base["messages"][0]["subject"] = "x" * (2 << 20)
        with open(self.path("long.json"), "w") as f:
            json.dump(self.base, f)
        self.refused(self.path("long.json"), "/messages/0/subject: a string longer than 1 MiB")
        # A content event's text is the message as sent: an attachment makes it long.
        self.base["messages"][0]["subject"] = "Hello"
        content = next(e for e in self.base["events"] if e["kind"] == "content")
        content["text"] += "QUFB" * (1 << 19)
        with open(self.path("attachment.json"), "w") as f:
            json.dump(self.base, f)
        p, _ = visualize(self.path("attachment.json"))
        self.assertEqual(p.returncode, 0, p.stderr)

    def test_not_regular_files(self):
        os.mkfifo(self.path("pipe"))
        self.refused(self.path("pipe"), "not a regular file")
        os.symlink("/dev/zero", self.path("zero"))
        self.refused(self.path("zero"), "not a regular file")
        self.refused(self.tmp, "a directory, not a trace file")
        self.refused(self.path("missing.json"), "cannot open")

    def test_file_over_1_gib(self):
        with open(self.path("big.json"), "wb") as f:
            f.truncate((1 << 30) + 1)  # sparse: no disk used
        self.refused(self.path("big.json"), "1073741825 octets, more than the 1024 MiB a trace may have")


class BothForms(unittest.TestCase):
    """`run --trace-format jsonl` and json give the same lesson, in every format."""

    def test_same_lesson_from_either_form(self):
        tmp = tempfile.mkdtemp(prefix="mailsim-forms-")
        try:
            scenario = os.path.join(SRC, "scenarios", "outage-and-retry.json")
            for form in ("json", "jsonl"):
                p = subprocess.run([MAILSIM, "run", scenario, "--trace", os.path.join(tmp, "t." + form),
                                    "--trace-format", form], capture_output=True, text=True, timeout=300)
                self.assertEqual(p.returncode, 0, p.stderr)
            for fmt in ("html", "svg", "mermaid", "dot", "text"):
                outs = []
                for form in ("json", "jsonl"):
                    out = os.path.join(tmp, f"{form}.{fmt}")
                    p = subprocess.run([MAILSIM, "visualize", os.path.join(tmp, "t." + form), "--format", fmt,
                                        "-o", out], capture_output=True, text=True, timeout=300)
                    self.assertEqual(p.returncode, 0, p.stderr)
                    with open(out, "rb") as f:
                        outs.append(f.read())
                self.assertEqual(outs[0], outs[1], fmt)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    unittest.main()
