#!/usr/bin/python3
"""Browser test of the lesson as a class uses it (issue 13): contrast, transient and permanent
failures, keyboard, projector mode and screen sizes, print, quiz, lower-layer view.

Builds lessons from real runs of the lesson scenarios and runs tests/browser/lesson.test.mjs in
Debian's chromium. Env: MAILSIM (binary), MAILSIM_SOURCE_DIR (repo root); MAILSIM_SCREENSHOTS
keeps the screenshots in that folder (docs/img holds the committed ones). Exits 77 (skipped,
for ctest) when node, Chromium or playwright-core is missing.
"""
import os
import shutil
import subprocess
import sys
import tempfile

MAILSIM = os.environ.get("MAILSIM", "build/mailsim")
SRC = os.environ.get("MAILSIM_SOURCE_DIR", os.getcwd())
BROWSER = os.path.join(SRC, "tests", "browser")


def run(cmd):
    print("+", " ".join(cmd), flush=True)
    subprocess.run(cmd, check=True, timeout=600)  # ASan builds (CI) are ~20x slower


def main():
    node = shutil.which("node")
    if not node:
        print("SKIP: node is missing (scripts/setup.sh installs it)")
        return 77
    if not os.path.isdir(os.path.join(BROWSER, "node_modules", "playwright-core")):
        print("SKIP: playwright-core is missing: run `npm --prefix tests/browser ci` (scripts/test.sh does)")
        return 77
    if not os.path.exists(os.environ.get("CHROMIUM", "/usr/bin/chromium")):
        print("SKIP: chromium is missing (scripts/setup.sh installs it)")
        return 77
    with tempfile.TemporaryDirectory(prefix="mailsim-viz-lesson-") as tmp:
        lessons = {}
        for key, scen, extra in (("six", "six-steps", []), ("grey", "greylisting", []),
                                 ("bounce", "unknown-user-bounce", []), ("backup", "backup-mx", []),
                                 ("three", "three-domains", [])):
            trace = os.path.join(tmp, scen + ".trace.json")
            run([MAILSIM, "run", os.path.join(SRC, "scenarios", scen + ".json"), "--trace", trace, "-q"] + extra)
            lessons[key] = os.path.join(tmp, scen + ".html")
            run([MAILSIM, "visualize", trace, "-o", lessons[key]])
        # The lower-layer view: lossy-link with its packets (run --trace-packets).
        trace, packets = os.path.join(tmp, "lossy.trace.json"), os.path.join(tmp, "lossy.packets.json")
        run([MAILSIM, "run", os.path.join(SRC, "scenarios", "lossy-link.json"), "--trace", trace, "--trace-packets", packets, "-q"])
        lessons["lossy"] = os.path.join(tmp, "lossy-link.html")
        run([MAILSIM, "visualize", trace, "--packets", packets, "-o", lessons["lossy"]])
        shots = os.environ.get("MAILSIM_SCREENSHOTS") or os.path.join(tmp, "shots")
        cmd = [node, os.path.join(BROWSER, "lesson.test.mjs"), "--shots", shots]
        for name, path in lessons.items():
            cmd += ["--" + name, path]
        cmd += ["--quiz", lessons["grey"]]  # the quiz runs on greylisting (its 451) and six-steps
        print("+", " ".join(cmd), flush=True)
        return subprocess.run(cmd, cwd=BROWSER, timeout=400).returncode


if __name__ == "__main__":
    sys.exit(main())
