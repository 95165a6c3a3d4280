#!/usr/bin/python3
"""Below the application layer (issue 13, point 7): `run --trace-packets FILE` writes every TCP
segment and UDP datagram of the run, with retransmissions marked; `visualize --packets FILE`
puts them in the viewer (its browser check is in tests/browser/lesson.test.mjs). The lossy-link
lesson has retransmitted segments, six-steps none; the file is the same on every run; a bad
packets file is refused with its place (exit 2). Env: MAILSIM, MAILSIM_SOURCE_DIR.
"""
import json
import os
import subprocess
import sys
import tempfile

MAILSIM = os.environ.get("MAILSIM", "build/mailsim")
SRC = os.environ.get("MAILSIM_SOURCE_DIR", os.getcwd())
results = []


def check(name, cond, detail=""):
    results.append(bool(cond))
    print(("ok - " if cond else "not ok - ") + name + ("" if cond else f"\n  {detail}"), flush=True)


def run(scen, tmp, tag):
    trace, packets = os.path.join(tmp, f"{tag}.trace.json"), os.path.join(tmp, f"{tag}.packets.json")
    subprocess.run([MAILSIM, "run", os.path.join(SRC, "scenarios", scen + ".json"), "--trace", trace,
                    "--trace-packets", packets, "-q"], check=True, timeout=300)
    return trace, packets


def main():
    with tempfile.TemporaryDirectory(prefix="mailsim-viz-packets-") as tmp:
        trace, packets = run("lossy-link", tmp, "lossy")
        doc = json.load(open(packets))
        hosts = {h["name"] for h in json.load(open(trace))["topology"]["hosts"]}
        ps = doc["packets"]
        rtx = [p for p in ps if p["rtx"]]
        check("lossy-link: a packets file with TCP and UDP", doc["format"] == "mailsim-packets" and
              any(p["proto"] == "TCP" for p in ps) and any(p["proto"] == "UDP" for p in ps), str(doc)[:300])
        check("lossy-link: every packet names its two hosts", all(p["from"] in hosts and p["to"] in hosts for p in ps))
        check("lossy-link: some TCP segments are retransmitted", len(rtx) > 0 and all(p["proto"] == "TCP" for p in rtx),
              f"{len(ps)} packets, {len(rtx)} retransmitted")
        print(f"lossy-link: {len(ps)} packets, {len(rtx)} retransmitted")
        _, again = run("lossy-link", tmp, "again")
        check("the same run writes the same packets", open(packets, "rb").read() == open(again, "rb").read())
        _, six = run("six-steps", tmp, "six")
        six_ps = json.load(open(six))["packets"]
        check("six-steps (no loss): no retransmission", six_ps and not any(p["rtx"] for p in six_ps), len(six_ps))
        out = os.path.join(tmp, "lossy.html")
        r = subprocess.run([MAILSIM, "visualize", trace, "--packets", packets, "-o", out], capture_output=True, text=True, timeout=300)
        check("visualize --packets puts them in the viewer", r.returncode == 0 and '"packets":[[' in open(out).read(), r.stderr)
        for bad, want in (({"format": "x"}, "format: expected"),
                          ({"format": "mailsim-packets", "packets": [{"t": 1}]}, "packets[0].proto: expected a string"),
                          ({"format": "mailsim-packets", "packets": [dict(ps[0], len=-1)]}, "packets[0].len: expected"),
                          ("[not json", "bad.json:1:2: not valid JSON")):
            path = os.path.join(tmp, "bad.json")
            with open(path, "w") as f:
                f.write(bad if isinstance(bad, str) else json.dumps(bad))
            r = subprocess.run([MAILSIM, "visualize", trace, "--packets", path, "-o", out], capture_output=True, text=True, timeout=300)
            check(f"a bad packets file is refused with its place: {want}", r.returncode == 2 and want in r.stderr
                  and "bad.json" in r.stderr, r.stderr)
    failed = results.count(False)
    print(f"{len(results) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
