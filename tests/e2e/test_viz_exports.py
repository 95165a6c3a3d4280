#!/usr/bin/python3
"""`mailsim visualize` on a real run: every format, checked by the tools that read it.

svg -> xmllint --noout; dot -> dot -Tsvg; mermaid -> starts with sequenceDiagram; text ->
swaks-style arrows; html -> one file, no network; --message and --lang; a bad trace fails
with the place of the error. Env: MAILSIM, MAILSIM_SOURCE_DIR.
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

MAILSIM = os.environ.get("MAILSIM", "build/mailsim")
SRC = os.environ.get("MAILSIM_SOURCE_DIR", os.getcwd())
results = []


def check(name, cond, detail=""):
    results.append(cond)
    print(("ok - " if cond else "not ok - ") + name + ("" if cond else f"\n  {detail}"))


def viz(trace, out, *extra):
    return subprocess.run([MAILSIM, "visualize", trace, "-o", out, *extra], capture_output=True, text=True, timeout=120)


def main():
    with tempfile.TemporaryDirectory(prefix="mailsim-viz-e2e-") as tmp:
        trace = os.path.join(tmp, "six.json")
        subprocess.run([MAILSIM, "run", os.path.join(SRC, "scenarios", "six-steps.json"), "--trace", trace, "-q"],
                       check=True, timeout=120)
        msg = json.load(open(trace))["messages"][0]["id"]
        for fmt in ("html", "svg", "mermaid", "dot", "text"):
            out = os.path.join(tmp, "six." + fmt)
            r = viz(trace, out, "--format", fmt, "--lang", "es")
            check(f"visualize --format {fmt}", r.returncode == 0 and os.path.getsize(out) > 0, r.stderr)
        check("svg is well-formed", subprocess.run(["xmllint", "--noout", os.path.join(tmp, "six.svg")]).returncode == 0)
        if shutil.which("dot"):
            r = subprocess.run(["dot", "-Tsvg", os.path.join(tmp, "six.dot"), "-o", os.path.join(tmp, "dot.svg")])
            check("dot renders", r.returncode == 0)
        check("mermaid is a sequenceDiagram", open(os.path.join(tmp, "six.mermaid")).read().startswith("sequenceDiagram\n"))
        text = open(os.path.join(tmp, "six.text"), encoding="utf-8").read()
        check("text has client and server lines, each naming its actor",
              "  -> MUA@pc-alice: EHLO " in text and " <-  MSA@mail.example.org: 220 " in text, text[:400])
        check("text is in Spanish", "=== Paso 1" in text)
        page = open(os.path.join(tmp, "six.html"), encoding="utf-8").read()
        check("html is one offline file", page.count("<script") == 2 and "https://" not in page and "<link" not in page)
        r = viz(trace, os.path.join(tmp, "one.text"), "--format", "text", "--message", msg)
        check("--message restricts", r.returncode == 0, r.stderr)
        r = viz(trace, os.path.join(tmp, "none.text"), "--format", "text", "--message", "no-such-message")
        check("--message with an unknown id fails", r.returncode != 0 and "no-such-message" in r.stderr, r.stderr)
        bad = json.load(open(trace))
        bad["events"][2]["step"] = 9
        bad_path = os.path.join(tmp, "bad.json")
        json.dump(bad, open(bad_path, "w"))
        r = viz(bad_path, os.path.join(tmp, "bad.html"))
        check("a bad trace fails with the place of the error",
              r.returncode == 2 and bool(re.search(r"bad\.json:1:\d+: /events/2/step: expected integer 1-6", r.stderr)), r.stderr)
    passed = sum(results)
    print(f"{passed} passed, {len(results) - passed} failed")
    return 0 if passed == len(results) else 1


if __name__ == "__main__":
    sys.exit(main())
