#!/usr/bin/python3
"""Browser test of the HTML viewer, on lessons made by the real binary.

First runs the viewer's JavaScript unit tests (tests/browser/unit, Node's test runner, on the
ES modules of visualize/assets/lib). Then builds the six-steps lesson from a real run, plus the
hostile-subject, failures and 50,000-event lessons from tests/fixtures/viz, and runs
tests/browser/viewer.test.mjs in Debian's chromium. Needs `npm --prefix tests/browser ci` once. Env: MAILSIM (binary),
MAILSIM_SOURCE_DIR (repo root); MAILSIM_SCREENSHOTS keeps the screenshots in that folder.
Exits 77 (skipped, for ctest) when Chromium or playwright-core is missing.
"""
import os
import shutil
import subprocess
import sys
import tempfile

MAILSIM = os.environ.get("MAILSIM", "build/mailsim")
SRC = os.environ.get("MAILSIM_SOURCE_DIR", os.getcwd())
FIX = os.path.join(SRC, "tests", "fixtures", "viz")
BROWSER = os.path.join(SRC, "tests", "browser")


def run(cmd, **kw):
    print("+", " ".join(cmd), flush=True)
    subprocess.run(cmd, check=True, timeout=600, **kw)  # ASan builds (CI) are ~20x slower


def main():
    if not shutil.which("node"):
        print("SKIP: node is missing (scripts/setup.sh installs it)")
        return 77
    node = shutil.which("node")
    unit = subprocess.run([node, "--test", os.path.join(BROWSER, "unit")], cwd=BROWSER, timeout=120,
                          capture_output=True, text=True)
    print(unit.stdout[-4000:], unit.stderr[-2000:], flush=True)
    if unit.returncode != 0:
        print("FAIL: the viewer's JavaScript unit tests (tests/browser/unit)")
        return 1
    if not os.path.isdir(os.path.join(BROWSER, "node_modules", "playwright-core")):
        print("SKIP: playwright-core is missing: run `npm --prefix tests/browser ci` (scripts/test.sh does)")
        return 77
    if not os.path.exists(os.environ.get("CHROMIUM", "/usr/bin/chromium")):
        print("SKIP: chromium is missing (scripts/setup.sh installs it)")
        return 77
    with tempfile.TemporaryDirectory(prefix="mailsim-viz-browser-") as tmp:
        six_trace = os.path.join(tmp, "six-steps.trace.json")
        run([MAILSIM, "run", os.path.join(SRC, "scenarios", "six-steps.json"), "--trace", six_trace, "-q"])
        lessons = {}
        failures = os.path.join(SRC, "scenarios", "unknown-user-bounce.json")
        if os.path.exists(failures):
            fail_trace = os.path.join(tmp, "failures.trace.json")
            run([MAILSIM, "run", failures, "--trace", fail_trace, "-q"])
        else:
            fail_trace = os.path.join(FIX, "failures.trace.json")
        # Hosts and messages named __proto__, constructor, toString… (issue 11 item 6).
        proto_trace = os.path.join(tmp, "proto-names.trace.json")
        run([MAILSIM, "run", os.path.join(FIX, "proto-names.scenario.json"), "--trace", proto_trace, "-q"])
        # The network drawing is checked on the two lessons issue 13 names.
        for key, scen in (("backup", "backup-mx"), ("three", "three-domains")):
            trace = os.path.join(tmp, scen + ".trace.json")
            run([MAILSIM, "run", os.path.join(SRC, "scenarios", scen + ".json"), "--trace", trace, "-q"])
            lessons[key] = os.path.join(tmp, scen + ".html")
            run([MAILSIM, "visualize", trace, "-o", lessons[key]])
        big_trace = os.path.join(tmp, "big.trace.json")
        # A thousand messages, half a second apart: some 60,000 events, written by the binary.
        run([MAILSIM, "run", os.path.join(FIX, "scenarios", "big.json"), "--trace", big_trace, "-q"])
        for name, trace in (("six", six_trace), ("failures", fail_trace),
                            ("xss", os.path.join(FIX, "xss.trace.json")), ("proto", proto_trace),
                            ("big", big_trace)):
            lessons[name] = os.path.join(tmp, name + ".html")
            run([MAILSIM, "visualize", trace, "-o", lessons[name]])
        shots = os.environ.get("MAILSIM_SCREENSHOTS") or os.path.join(tmp, "shots")
        cmd = [node, os.path.join(BROWSER, "viewer.test.mjs"), "--shots", shots]
        for name, path in lessons.items():
            cmd += ["--" + name, path]
        print("+", " ".join(cmd), flush=True)
        return subprocess.run(cmd, cwd=BROWSER, timeout=280).returncode


if __name__ == "__main__":
    sys.exit(main())
