#!/usr/bin/python3
"""Every invalid scenario sample (tests/samples/invalid-scenarios/) is refused with exit 2 and
exactly the expected errors, each as FILE:LINE:COL: /pointer: …, by `validate` and by `run`;
none crashes, hangs or exits 1. LINE:COL is checked independently: it must be where the
pointer's key (unknown or repeated keys) or value starts in the text, or the enclosing
object for a missing key. Also: hostile inputs made at run time (a FIFO, a 300,000-level
nesting, /dev/zero), the 25 MB file cap, and a scenario with a PDF beside it that works.
Env: MAILSIM (binary), MAILSIM_SOURCE_DIR."""
import glob
import json
import os
import re
import shutil
import subprocess
import tempfile
import time
import unittest

MAILSIM = os.environ.get("MAILSIM", "build/mailsim")
SRC = os.environ.get("MAILSIM_SOURCE_DIR", os.getcwd())
SAMPLES = os.path.join(SRC, "tests", "samples", "invalid-scenarios")
LINE = re.compile(r"^(?P<file>.+?):(?P<line>\d+):(?P<col>\d+): (?P<rest>.*)$")


def mailsim(*args, timeout=60):
    start = time.monotonic()
    p = subprocess.run([MAILSIM, *args], capture_output=True, text=True, timeout=timeout, errors="replace")
    return p, time.monotonic() - start


def positions(text):
    """pointer -> list of (value_index, key_index or None), found by a small scanner of our own."""
    dec = json.JSONDecoder()
    out = {}

    def ws(i):
        while i < len(text) and text[i] in " \t\r\n":
            i += 1
        return i

    def esc(k):
        return k.replace("~", "~0").replace("/", "~1")

    def value(i, ptr, keypos):
        i = ws(i)
        out.setdefault(ptr, []).append((i, keypos))
        if text[i] in "{[":
            close = "}" if text[i] == "{" else "]"
            i = ws(i + 1)
            if text[i] == close:
                return i + 1
            n = 0
            while True:
                i = ws(i)
                if close == "}":
                    kpos = i
                    key, i = dec.raw_decode(text, i)
                    i = ws(i) + 1  # ':'
                    i = value(i, ptr + "/" + esc(key), kpos)
                else:
                    i = value(i, ptr + "/" + str(n), None)
                    n += 1
                i = ws(i)
                if text[i] == ",":
                    i += 1
                    continue
                return i + 1
        _, end = dec.raw_decode(text, i)
        return end

    value(0, "", None)
    return out


def line_col(text, index):
    before = text[:index]
    return before.count("\n") + 1, index - (before.rfind("\n") + 1) + 1


class Samples(unittest.TestCase):
    def test_there_are_enough_samples(self):
        self.assertGreaterEqual(len(glob.glob(os.path.join(SAMPLES, "*.json"))), 60)

    def test_each_sample(self):
        for path in sorted(glob.glob(os.path.join(SAMPLES, "*.json"))):
            with self.subTest(sample=os.path.basename(path)):
                self.check(path)

    def check(self, path):
        with open(path.replace(".json", ".expect")) as f:
            expect = [l for l in f.read().splitlines() if l]
        for cmd in ("validate", "run"):
            p, seconds = mailsim(cmd, path)
            self.assertEqual(p.returncode, 2, p.stderr)
            self.assertLess(seconds, 10)
            self.assertTrue(p.stderr.endswith("mailsim: invalid scenario\n"), p.stderr)
            self.assertNotIn("internal error", p.stderr)
        errors = []
        for l in p.stderr.splitlines():
            m = LINE.match(l)
            if m and m["file"] == path and not m["rest"].startswith("warning:"):
                errors.append(m)
        primaries = [e for e in expect if e.startswith("/") or e.startswith(": ")]
        self.assertEqual(len(errors), len(primaries), p.stderr)
        try:
            with open(path, encoding="utf-8") as f:
                text = f.read()
            where = positions(text)
        except (ValueError, IndexError, UnicodeDecodeError, RecursionError):
            where = None  # not JSON: the syntax error's position is asserted by its hint
        matched = None
        for e in expect:
            if e.startswith("/"):
                found = [m for m in errors if m["rest"].startswith(e)]
                self.assertTrue(found, f"{e!r} not in\n{p.stderr}")
                matched = found[0]
                if where is not None:
                    self.check_position(text, where, matched, e)
            elif e.startswith(": "):
                found = [m for m in errors if e[2:] in m["rest"]]
                self.assertTrue(found, f"{e!r} not in\n{p.stderr}")
                matched = found[0]
            else:
                self.assertIn(e, matched["rest"])

    def check_position(self, text, where, m, expect):
        pointer = expect.split(": ", 1)[0]
        at = (int(m["line"]), int(m["col"]))
        p = pointer
        while p not in where:  # a missing key: shown at the object that lacks it
            p = p[: p.rfind("/")]
        allowed = set()
        for value, key in where[p]:
            allowed.add(line_col(text, value))
            if key is not None and p == pointer:
                allowed.add(line_col(text, key))
        self.assertIn(at, allowed, f"{pointer} reported at {at}, expected one of {sorted(allowed)}")


class Hostile(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="mailsim-hostile-")
        with open(os.path.join(SRC, "scenarios", "six-steps.json")) as f:
            self.base = json.load(f)
        self.base.pop("$schema")

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def write(self, scenario, name="s.json"):
        path = os.path.join(self.tmp, name)
        with open(path, "w") as f:
            json.dump(scenario, f)
        return path

    def refused(self, path, *needles, cmd="run"):
        p, seconds = mailsim(cmd, path)
        self.assertEqual(p.returncode, 2, p.stderr)
        self.assertLess(seconds, 20)
        for n in needles:
            self.assertIn(n, p.stderr)
        return p

    def test_fifo_attachment_does_not_hang(self):
        os.mkfifo(os.path.join(self.tmp, "pipe"))
        self.base["messages"][0]["attachments"] = ["pipe"]
        self.refused(self.write(self.base), '/messages/0/attachments/0: "pipe" is not a regular file')

    def test_symlink_to_dev_zero_is_refused(self):
        os.symlink("/dev/zero", os.path.join(self.tmp, "zero"))
        self.base["messages"][0]["attachments"] = ["zero"]
        self.refused(self.write(self.base), '"zero" is a symbolic link to /dev/zero, outside the scenario\'s folder')

    def test_nesting_300000_levels(self):
        for key in ("hosts", "links", "description"):
            path = os.path.join(self.tmp, key + ".json")
            with open(path, "w") as f:
                f.write('{"name": "x", "%s": %s%s}' % (key, "[" * 300000, "]" * 300000))
            for cmd in ("validate", "run"):
                self.refused(path, "nested deeper than 64 levels", cmd=cmd)

    def test_file_size_cap(self):
        with open(os.path.join(self.tmp, "big.bin"), "wb") as f:
            f.truncate(26 * 1024 * 1024)
        self.base["messages"][0]["attachments"] = ["big.bin"]
        path = self.write(self.base)
        self.refused(path, '"big.bin" is 26 MiB, larger than the limit of 25 MiB', "--max-file-size")
        p, _ = mailsim("validate", path, "--max-file-size", "30MB")
        self.assertEqual(p.returncode, 0, p.stderr)
        p, _ = mailsim("validate", os.path.join(SRC, "scenarios", "attachment-pdf.json"), "--max-file-size", "512B")
        self.assertEqual(p.returncode, 2)
        self.assertIn('"files/report.pdf" is 668 octets, larger than the limit of 512 octets', p.stderr)
        p, _ = mailsim("validate", path, "--max-file-size", "lots")
        self.assertEqual(p.returncode, 2)

    def test_mail_loops_load_and_warn(self):
        # Two servers that are each other's smarthost, a server that is its own: the loader
        # must not hang or crash, and validate warns (the runtime hop limit is issue 9's).
        s = self.base
        s["servers"][0]["smarthost"] = "mail.example.com"
        s["servers"][1]["smarthost"] = "mail.example.org"
        p, seconds = mailsim("validate", self.write(s))
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("warning: /servers/0/smarthost: smarthost loop: mail.example.org → mail.example.com → mail.example.org", p.stderr)
        s["servers"][1].pop("smarthost")
        s["servers"][0]["smarthost"] = "mail.example.org"
        p, _ = mailsim("validate", self.write(s))
        self.assertIn("smarthost loop: mail.example.org → mail.example.org", p.stderr)

    def test_warnings_for_suspicious_but_legal(self):
        s = self.base
        s["hosts"].append({"name": "pc-lonely", "address": "198.51.100.99", "role": "pc"})
        s["until"] = "1s"
        s["dns"]["records"] = [r for r in s["dns"]["records"] if r["name"] != "example.com"]
        p, _ = mailsim("validate", self.write(s))
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn('warning: /hosts/8: host "pc-lonely" has no link: nothing can reach it', p.stderr)
        self.assertIn("warning: /until: until (1s) comes before every message (the first at 5s): nothing will be sent", p.stderr)
        self.assertIn('warning: /users/1/address: no SMTP path from other servers reaches "bob@example.com": '
                      "no MX or A record for example.com", p.stderr)
        self.assertIn("3 warnings", p.stdout)

    def test_attachment_next_to_the_scenario_works(self):
        p, _ = mailsim("run", os.path.join(SRC, "scenarios", "attachment-pdf.json"), "-q")
        self.assertEqual(p.returncode, 0, p.stderr)

    def test_host_label_number_and_link_named_like_a_fault(self):
        # "core--x" used to be split as a link name; faults are typed now.
        s = self.base
        s["hosts"][3]["name"] = "core--x"
        for l in s["links"]:
            for end in ("a", "b"):
                if l[end] == "router-core":
                    l[end] = "core--x"
        s["faults"] = [{"at": "1s", "action": "link-down", "link": ["router-org", "core--x"], "for": "10s"}]
        p, _ = mailsim("run", self.write(s), "-q")
        self.assertEqual(p.returncode, 0, p.stderr)


if __name__ == "__main__":
    unittest.main()
