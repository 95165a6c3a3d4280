#!/usr/bin/python3
"""The lesson on paper (issue 13): `visualize --format handout|worksheet|answers` (HTML and
Markdown), the SVG export sized for A4 with text of 9 pt or more, the text export naming the
actor of every line, and the teacher's quiz file (--quiz) with its errors (exit 2, where + why).
Answers are checked against the trace's own facts. Env: MAILSIM, MAILSIM_SOURCE_DIR.
"""
import json
import os
import re
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

MAILSIM = os.environ.get("MAILSIM", "build/mailsim")
SRC = os.environ.get("MAILSIM_SOURCE_DIR", os.getcwd())
results = []
SVG = "{http://www.w3.org/2000/svg}"


def check(name, cond, detail=""):
    results.append(bool(cond))
    print(("ok - " if cond else "not ok - ") + name + ("" if cond else f"\n  {detail}"), flush=True)


def viz(trace, out, *extra):
    return subprocess.run([MAILSIM, "visualize", trace, "-o", out, *extra], capture_output=True, text=True, timeout=300)


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def svg_checks(path, what):
    root = ET.parse(path).getroot()
    width, height = root.get("width"), root.get("height")
    vb = [float(x) for x in root.get("viewBox").split()]
    check(f"{what}: the SVG is A4 wide in millimetres", width in ("210mm", "297mm") and height.endswith("mm")
          and abs(vb[2] - float(width[:-2])) < 0.01, f"{width} x {height}, viewBox {vb}")
    style = "".join(s.text or "" for s in root.iter(SVG + "style"))
    sizes = {m.group(1): float(m.group(2)) for m in re.finditer(r"\.(\w+)\{[^}]*font-size:([\d.]+)px", style)}
    mm_per_unit = float(width[:-2]) / vb[2]
    used = {t.get("class") for t in root.iter(SVG + "text")}
    smallest = min(sizes[c] for c in used) * mm_per_unit
    pt = smallest / 25.4 * 72
    check(f"{what}: every text is at least 9 pt on paper", all(c in sizes for c in used) and pt >= 9 - 1e-6,
          f"classes {used}, sizes {sizes}, smallest {pt:.2f} pt")
    print(f"svg {what}: {width} x {height}, smallest text {pt:.2f} pt")
    kinds = {g.get("class") for g in root.iter(SVG + "g") if g.get("class")}
    return kinds


def main():
    with tempfile.TemporaryDirectory(prefix="mailsim-viz-paper-") as tmp:
        traces = {}
        for scen in ("six-steps", "greylisting", "unknown-user-bounce"):
            traces[scen] = os.path.join(tmp, scen + ".json")
            subprocess.run([MAILSIM, "run", os.path.join(SRC, "scenarios", scen + ".json"), "--trace", traces[scen], "-q"],
                           check=True, timeout=300)
        six = json.load(open(traces["six-steps"]))
        grey = json.load(open(traces["greylisting"]))

        # ---- handout ----
        for fmt in ("handout", "handout-md"):
            out = os.path.join(tmp, "six." + fmt)
            r = viz(traces["six-steps"], out, "--format", fmt)
            check(f"visualize --format {fmt}", r.returncode == 0 and os.path.getsize(out) > 0, r.stderr)
        page = read(os.path.join(tmp, "six.handout"))
        pages = page.count('<section class="page">')
        check("handout: one page per part of the story, each with the network and its lines",
              pages >= 5 and page.count('<svg class="net"') == pages and page.count("<table>") == pages
              and "break-before: page" in page and "@page { size: A4" in page, f"{pages} pages")
        check("handout: one offline file", "<script" not in page and "http://" not in page.replace("http://www.w3.org/2000/svg", ""))
        md = read(os.path.join(tmp, "six.handout-md"))
        rows = [l for l in md.splitlines() if l.startswith("| ") and not l.startswith("| Time")]
        check("handout-md: the same parts, every line with who sent it", md.count("\n## ") == pages and rows
              and all("@" in l.split(" | ")[1] for l in rows), md[:600])
        check("handout-md: the meaning of the 354 reply", any("354" in l and "RFC 5321" in l for l in rows))
        r = viz(traces["six-steps"], os.path.join(tmp, "six-es.handout"), "--format", "handout", "--lang", "es")
        check("handout in Spanish", r.returncode == 0 and "Material de clase" in read(os.path.join(tmp, "six-es.handout")), r.stderr)

        # ---- SVG for A4 ----
        for scen in ("six-steps", "unknown-user-bounce", "greylisting"):
            out = os.path.join(tmp, scen + ".svg")
            r = viz(traces[scen], out, "--format", "svg")
            check(f"svg {scen}", r.returncode == 0, r.stderr)
            kinds = svg_checks(out, scen)
            if scen == "unknown-user-bounce":
                check("svg: a permanent failure has its own mark", "permanent" in kinds and "✖" in read(out), kinds)
            if scen == "greylisting":
                check("svg: a transient failure has its own mark", "transient" in kinds and "↻" in read(out)
                      and 'id="transient"' in read(out), kinds)

        # ---- text names the actor of every line ----
        out = os.path.join(tmp, "six.txt")
        viz(traces["six-steps"], out, "--format", "text")
        lines = [l for l in read(out).splitlines()[1:] if l.strip() and not l.startswith("=== ")]
        actor = re.compile(r"^\s*\d[\dhms.]*s(  -> | <-  | <\*\* |  ~> | <~  | === )(\S+@\S+: |Connection \d+: \S+@\S+ -> \S+@\S+ )"
                           r"|^\s*\d[\dhms.]*s \*\*\* ")
        body = re.compile(r"^ {17}( ~> |<~  )")
        bad = [l for l in lines if not (actor.match(l) or body.match(l))]
        quit_lines = [l for l in lines if re.search(r"(->|<-) .*QUIT", l)]
        check("text: every line names its actor", not bad and quit_lines and all("@" in l for l in quit_lines), bad[:5])

        # ---- worksheet and answer key, from the facts ----
        for scen in ("six-steps", "greylisting"):
            for fmt in ("worksheet", "worksheet-md", "answers", "answers-md"):
                out = os.path.join(tmp, f"{scen}.{fmt}")
                r = viz(traces[scen], out, "--format", fmt)
                check(f"{scen}: visualize --format {fmt}", r.returncode == 0 and os.path.getsize(out) > 0, r.stderr)
            sheet = read(os.path.join(tmp, f"{scen}.worksheet"))
            questions = sheet.count('<div class="q"')
            answers = sheet.count("<li><strong>")
            check(f"{scen}: the worksheet has its questions and, on a page of its own, one answer each",
                  questions >= 3 and answers == questions and '<section class="page answer-key">' in sheet, f"{questions} / {answers}")
            key = read(os.path.join(tmp, f"{scen}.answers"))
            check(f"{scen}: the answer key alone has no question", '<div class="q"' not in key and key.count("<li><strong>") == questions)
            mdsheet = read(os.path.join(tmp, f"{scen}.worksheet-md"))
            check(f"{scen}: the Markdown worksheet has as many questions and answers", mdsheet.count("\n## ") == questions
                  and len(re.findall(r"^\d+\. \*\*", mdsheet, re.M)) == questions)
        key = read(os.path.join(tmp, "greylisting.answers"))
        first451 = next(e for e in grey["events"] if e.get("code") == 451)
        check("greylisting: the key's reply is the 451 the trace has, a transient failure",
              f"#{first451['seq']}: 451 · transient failure" in key, key[:800])
        mx = next(e for e in six["events"] if e.get("fact") == "mx_answer")
        check("six-steps: the key's MX answer is the first exchanger of the mx_answer fact",
              mx["data"]["exchangers"][0]["host"] in read(os.path.join(tmp, "six-steps.answers")))

        # ---- the teacher's questions ----
        def quiz(spec, fmt="answers"):
            path = os.path.join(tmp, "quiz.json")
            with open(path, "w") as f:
                f.write(spec if isinstance(spec, str) else json.dumps(spec))
            out = os.path.join(tmp, "quiz.out")
            return viz(traces["greylisting"], out, "--format", fmt, "--quiz", path), out
        rcpt = next(e for e in grey["events"] if e.get("kind") == "line" and e.get("line", "").startswith("RCPT"))
        r, out = quiz({"questions": [{"ask": "reply", "step": 3}, {"ask": "command", "seq": rcpt["seq"]}, {"ask": "mx"}]})
        key = read(out) if r.returncode == 0 else ""
        check("--quiz chooses the questions, in its order", key.count("<li>") == 3 and f"#{rcpt['seq']}: RCPT" in key
              and key.index(": RCPT") < key.index("mail.example.com"), r.stderr + key[-600:])
        r, out = quiz({"questions": [{"ask": "reply", "step": 3}]}, "html")
        data = read(out) if r.returncode == 0 else ""
        check("--quiz reaches the viewer", '"ask":"reply"' in data and data.count('"ask":') == 1, r.stderr)
        for spec, want in ((["x"], "expected an object"),
                           ({"questions": [{"ask": "command", "seq": 999999}]}, "questions[0].seq: there is no event #999999"),
                           ({"questions": [{"ask": "reply", "seq": rcpt["seq"]}]}, f"event #{rcpt['seq']} is not a server's SMTP reply"),
                           ({"questions": [{"ask": "guess"}]}, "questions[0].ask: expected"),
                           ({"questions": [{"ask": "step", "step": 9}]}, "questions[0].step: expected a step from 1 to 6"),
                           ({"questions": [{"ask": "step", "when": 1}]}, "questions[0].when: unknown field"),
                           ("{not json", "quiz.json:1:2: not valid JSON")):
            r, _ = quiz(spec)
            check(f"--quiz refuses {json.dumps(spec)[:60]} with exit 2 and the place", r.returncode == 2 and want in r.stderr
                  and "quiz.json" in r.stderr, r.stderr)
        fifo = os.path.join(tmp, "quiz.fifo")  # opening it would wait for a writer for ever
        os.mkfifo(fifo)
        r = viz(traces["greylisting"], os.path.join(tmp, "quiz.out"), "--format", "answers", "--quiz", fifo)
        check("--quiz refuses a FIFO at once (exit 2)", r.returncode == 2 and "not a regular file" in r.stderr, r.stderr)
    failed = results.count(False)
    print(f"{len(results) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
