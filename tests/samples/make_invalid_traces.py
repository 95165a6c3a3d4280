#!/usr/bin/python3
"""Writes the invalid trace samples in tests/samples/invalid-traces/.

Each sample NNN-slug.json (one document, laid out as `mailsim run` writes it) or
NNN-slug.jsonl (JSON Lines) comes with NNN-slug.expect: "POINTER: PHRASE" (the pointer
exactly, the phrase a substring of the message), and for syntax errors a second line
"at LINE:COL". The test (tests/e2e/test_invalid_traces.py) runs `mailsim visualize` on each,
requires exit 2 and "FILE:LINE:COL: POINTER: …PHRASE…", and checks on its own that LINE:COL
is where that pointer's value (or key, for a repeated key) starts in the text.
Every sample is a small valid trace (the start of tests/fixtures/viz/six-steps.trace.json)
with one thing broken.
Run: python3 tests/samples/make_invalid_traces.py (rewrites the folder)."""
import copy
import json
import os
import shutil

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "invalid-traces")
SRC = os.path.dirname(os.path.dirname(HERE))

with open(os.path.join(SRC, "tests", "fixtures", "viz", "six-steps.trace.json")) as f:
    FULL = json.load(f)
BASE = copy.deepcopy(FULL)
BASE["scenario"].pop("description", None)
BASE["events"] = BASE["events"][:28]  # composition, submission (with its content), the MX lookup
BASE["events"].append({"seq": 28, "time_us": BASE["events"][-1]["time_us"], "kind": "fact", "step": None,
                       "actor": {"agent": "NET", "host": "network"}, "fact": "link_down",
                       "data": {"link": ["pc-alice", "router-org"]}, "msg": None, "conn": None})


def compact(v):
    return json.dumps(v, ensure_ascii=False, separators=(",", ":"))


def as_document(t):
    """The layout of `run --trace-format json`: the header keys on the first line, one event a line."""
    if not isinstance(t.get("events"), list):
        return compact(t) + "\n"
    header = {k: v for k, v in t.items() if k not in ("events", "summary")}
    text = compact(header)[:-1] + ',\n"events":[\n' + ",\n".join(compact(e) for e in t["events"]) + "\n]"
    if "summary" in t:
        text += ',\n"summary":' + compact(t["summary"])
    return text + "}\n"


def as_lines(t):
    header = {k: v for k, v in t.items() if k not in ("events", "summary")}
    text = compact(header) + "\n" + "".join(compact(e) + "\n" for e in t["events"])
    return text + (compact({"summary": t["summary"]}) + "\n" if "summary" in t else "")


SAMPLES = []  # (file name, text, expect lines)


def add(slug, ext, text, expect, at=None):
    SAMPLES.append((slug, ext, text, [expect] + ([f"at {at[0]}:{at[1]}"] if at else [])))


def mutate(slug, expect, fn, ext="json"):
    t = copy.deepcopy(BASE)
    fn(t)
    add(slug, ext, (as_lines if ext == "jsonl" else as_document)(t), expect)


def marked(slug, ext, text, expect):
    """`text` holds one "⟦" where the error must be reported; it is removed."""
    i = text.index("⟦")
    before = text[:i]
    add(slug, ext, before + text[i + 1:], expect, (before.count("\n") + 1, i - (before.rfind("\n") + 1) + 1))


def setv(*path_value):
    *path, value = path_value

    def fn(t):
        node = t
        for p in path[:-1]:
            node = node[p]
        node[path[-1]] = value
    return fn


def delv(*path):
    def fn(t):
        node = t
        for p in path[:-1]:
            node = node[p]
        del node[path[-1]]
    return fn


DOC = as_document(BASE)
LINES = as_lines(BASE)

# ---- JSON syntax, at the place the parser stopped ----
marked("json-trailing-comma-array", "json", DOC.replace('"pc-alice","router-org"]}', '"pc-alice","router-org",⟦]}'),
       "/events/28/data/link: not valid JSON: syntax error")
marked("json-trailing-comma-object", "json", DOC.replace('"conn":1}', '"conn":1,⟦}', 1), "/events/1: not valid JSON")
marked("json-missing-comma", "json", DOC.replace('"seed":1,', '"seed":1 ⟦', 1), "/: not valid JSON: syntax error")
marked("json-single-quotes", "json", DOC.replace('"seed":1', "⟦'seed':1", 1), "/: not valid JSON")
marked("json-comment", "json", DOC.replace('"events":[\n', '"events":[\n⟦// the events\n', 1), "/events: not valid JSON")
marked("json-truncated", "json", DOC[:DOC.index('"to":["bob', DOC.index('"events":['))] + "⟦", "/events/0/data: not valid JSON")
marked("json-bare-word", "json", DOC.replace('"msg":"m1"', '"msg":⟦m1', 1), "/events/0: not valid JSON: syntax error")
marked("json-control-character", "json", DOC.replace('"subject":"Hello from Alice"', '"subject":⟦"Hello\tfrom Alice"', 1),
       "/messages/0: not valid JSON")
marked("json-nan", "json", DOC.replace('"seed":1', '"seed":⟦NaN', 1), "/: not valid JSON")
marked("json-number-overflow", "json", DOC.replace('"seed":1', '"seed":⟦1e999', 1), "/: not valid JSON: number overflow")
marked("json-empty", "json", "⟦", "/: empty file")
marked("json-blank", "json", "\n\n  ⟦", "/: empty file")
marked("json-text-after-trace", "json", DOC + "⟦{}\n", "/: more text after the end of the trace")
marked("json-not-json", "json", "⟦<html>not a trace</html>\n", "/: not valid JSON")
SAMPLES.append(("json-invalid-utf8", "json", None, None))  # bytes: written below

# ---- limits ----
marked("limit-nesting", "json", DOC.replace('"summary":', '"summary":' + "[" * 63 + "⟦" + "[" * 2 + "]" * 65 + ',"x":', 1),
       "/summary" + "/0" * 63 + ": nested deeper than 64 levels")
marked("dup-top-key", "json", DOC.replace('"seed":1,', '"seed":1,⟦"seed":2,', 1), '/seed: duplicate key "seed"')
marked("dup-event-key", "json", DOC.replace('{"seq":3,', '{"seq":3,⟦"seq":3,', 1), '/events/3/seq: duplicate key "seq"')
marked("dup-host-key", "json", DOC.replace('"name":"pc-bob"', '"name":"pc-bob",⟦"name":"pc-carol"', 1),
       '/topology/hosts/7/name: duplicate key "name"')

# ---- the document ----
add("root-array", "json", "[" + compact(BASE) + "]\n", "/: expected a JSON object")
add("root-string", "json", '"mailsim-trace"\n', "/: expected a JSON object")
mutate("format-wrong", '/format: expected "mailsim-trace"', setv("format", "pcap"))
mutate("format-missing", '/: missing key "format"', delv("format"))
mutate("format-version-1", "/format_version: expected 2", setv("format_version", 1))
mutate("format-version-string", "/format_version: expected integer", setv("format_version", "2"))
mutate("scenario-not-object", "/scenario: expected object", setv("scenario", "six-steps"))
mutate("scenario-name-number", "/scenario/name: expected string", setv("scenario", "name", 6))
mutate("start-epoch-string", "/start_epoch: expected integer", setv("start_epoch", "today"))
mutate("topology-no-hosts", '/topology: missing key "hosts"', delv("topology", "hosts"))
mutate("host-label-number", "/topology/hosts/0/label: expected string", setv("topology", "hosts", 0, "label", 42))
mutate("host-role-unknown", '/topology/hosts/2/role: "phone" is not one of', setv("topology", "hosts", 2, "role", "phone"))
mutate("host-duplicate", '/topology/hosts/1/name: duplicate host "pc-alice"', setv("topology", "hosts", 1, "name", "pc-alice"))
mutate("host-pos-far", "/topology/hosts/0/pos: expected [x, y]", setv("topology", "hosts", 0, "pos", [1000, 0]))
mutate("host-services-number", "/topology/hosts/0/services/0: expected string", setv("topology", "hosts", 0, "services", [25]))
mutate("link-unknown-host", '/topology/links/0/b: unknown host "router-xyz"', setv("topology", "links", 0, "b", "router-xyz"))
mutate("user-unknown-host", '/users/1/host: unknown host "pc-carol"', setv("users", 1, "host", "pc-carol"))
mutate("message-duplicate-id", "/messages/1/id: duplicate message id", lambda t: t["messages"].append(copy.deepcopy(t["messages"][0])))
mutate("message-to-number", "/messages/0/to/0: expected string", setv("messages", 0, "to", [7]))
mutate("events-not-array", "/events: expected array", setv("events", {"0": BASE["events"][0]}))
mutate("summary-array", "/summary: expected object", setv("summary", []))

# ---- events ----
mutate("event-not-object", "/events/4: expected object", setv("events", 4, "EHLO pc-alice"))
mutate("event-seq-gap", "/events/5/seq: expected 5", setv("events", 5, "seq", 6))
mutate("event-time-back", "/events/7/time_us: goes back in time", setv("events", 7, "time_us", 1))
mutate("event-time-negative", "/events/0/time_us: expected a non-negative integer", setv("events", 0, "time_us", -5))
mutate("event-time-float", "/events/2/time_us: expected integer", setv("events", 2, "time_us", 5004600.5))
mutate("event-kind-unknown", '/events/2/kind: "note" is not one of', setv("events", 2, "kind", "note"))
mutate("event-agent-unknown", '/events/2/actor/agent: "MTU" is not one of', setv("events", 2, "actor", "agent", "MTU"))
mutate("event-actor-host-unknown", '/events/2/actor/host: unknown host "pc-mallory"', setv("events", 2, "actor", "host", "pc-mallory"))
mutate("event-peer-null", "/events/2/peer: expected object", setv("events", 2, "peer", None))
mutate("event-step-7", "/events/2/step: expected integer 1-6 or null", setv("events", 2, "step", 7))
mutate("event-line-stepless", "/events/2/step: a line belongs to a step", setv("events", 2, "step", None))
mutate("event-protocol-unknown", '/events/2/protocol: "IMAP" is not one of', setv("events", 2, "protocol", "IMAP"))
mutate("event-direction-unknown", '/events/2/direction: "sideways" is not one of', setv("events", 2, "direction", "sideways"))
mutate("event-line-missing", '/events/2: missing key "line"', delv("events", 2, "line"))
mutate("event-line-with-text", "/events/2/text: only content events carry text", setv("events", 2, "text", "EHLO"))
mutate("event-content-no-text", '/events/18: missing key "text"', delv("events", 18, "text"))
mutate("event-content-negative-octets", "/events/18/octets: expected a non-negative integer", setv("events", 18, "octets", -1))
mutate("event-code-700", "/events/1/code: expected integer 100-599", setv("events", 1, "code", 700))
mutate("event-alert-unknown", '/events/1/alert: "maybe" is not one of', setv("events", 1, "alert", "maybe"))
mutate("event-conn-string", "/events/1/conn: expected integer or null", setv("events", 1, "conn", "1"))
mutate("event-msg-number", "/events/1/msg: expected string or null", setv("events", 1, "msg", 1))
mutate("event-msg-unknown", '/events/9/msg: unknown message "m9"', setv("events", 9, "msg", "m9"))
mutate("fact-unknown", '/events/0/fact: unknown fact "teleported"', setv("events", 0, "fact", "teleported"))
mutate("fact-data-not-object", "/events/0/data: expected an object", setv("events", 0, "data", [1]))
mutate("fact-field-type", "/events/0/data/octets: expected an integer", setv("events", 0, "data", "octets", "420"))
mutate("fact-field-missing", "/events/0/data/subject: missing", delv("events", 0, "data", "subject"))
mutate("fact-enum-unknown", '/events/14/data/verdict: unknown value "friendly"', setv("events", 14, "data", "verdict", "friendly"))
mutate("fact-step-rule", '/events/0/step: does not follow the step rule for "composed"', setv("events", 0, "step", 2))
mutate("fact-link-unknown-host", '/events/28/data/link/1: unknown host "router-xyz"', setv("events", 28, "data", "link", ["pc-alice", "router-xyz"]))
mutate("fact-link-three-ends", "/events/28/data/link: expected an array of 2", setv("events", 28, "data", "link", ["a", "b", "c"]))

# ---- JSON Lines ----
LN = LINES.split("\n")  # LN[0] header, LN[1 + i] event i, LN[-2] summary, LN[-1] ""
mutate("lines-actor-host-unknown", '/events/3/actor/host: unknown host "pc-mallory"', setv("events", 3, "actor", "host", "pc-mallory"), "jsonl")
mutate("lines-msg-unknown", '/events/20/msg: unknown message "m2"', setv("events", 20, "msg", "m2"), "jsonl")
mutate("lines-seq-gap", "/events/6/seq: expected 6", setv("events", 6, "seq", 60), "jsonl")
mutate("lines-summary-array", "/summary: expected object", setv("summary", []), "jsonl")
mutate("lines-header-format", '/format: expected "mailsim-trace"', setv("format", "mailsim-log"), "jsonl")
marked("lines-two-records-on-a-line", "jsonl", "\n".join(LN[:3] + [LN[3] + " ⟦" + LN[4]] + LN[5:]),
       "/: JSON Lines: one record per line")
marked("lines-after-summary", "jsonl", LINES + "⟦" + LN[1] + "\n", "/events/29: nothing may follow the summary line")
marked("lines-syntax", "jsonl", "\n".join(LN[:5] + [LN[5].replace('"kind":', '"kind" ⟦', 1)] + LN[6:]),
       "/events/4: not valid JSON: syntax error")
marked("lines-truncated-event", "jsonl", "\n".join(LN[:8] + [LN[8][:LN[8].index('"actor"')] + "⟦"]),
       "/events/7: not valid JSON")
marked("lines-dup-key", "jsonl", "\n".join(LN[:2] + [LN[2].replace('"kind":', '⟦"seq":1,"kind":', 1)] + LN[3:]),
       '/events/1/seq: duplicate key "seq"')
marked("lines-summary-dup-key", "jsonl", LINES[:LINES.index('{"summary":')] + LN[-2][:-2] + ',⟦"end_us":1}}\n',
       '/summary/end_us: duplicate key "end_us"')
marked("lines-summary-extra-key", "jsonl", LINES[:LINES.index('{"summary":')] + "⟦" + LN[-2][:-1] + ',"extra":1}\n',
       '/summary: the summary line holds "summary" alone')
marked("lines-nesting", "jsonl", "\n".join(LN[:2] + ['{"x":' + "[" * 63 + "⟦" + "[" * 2 + "]" * 65 + "}"] + LN[2:]),
       "/events/1/x" + "/0" * 63 + ": nested deeper than 64 levels")
mutate("lines-header-missing", '/: missing key "format"', lambda t: [t.pop(k) for k in list(t) if k not in ("events", "summary")], "jsonl")


if __name__ == "__main__":
    shutil.rmtree(OUT, ignore_errors=True)
    os.makedirs(OUT)
    for n, (slug, ext, text, expect) in enumerate(SAMPLES, 1):
        base = os.path.join(OUT, f"{n:03d}-{slug}")
        if text is None:  # invalid UTF-8 inside the subject: the reader must say so, never pass it on
            raw = DOC.encode().replace(b'"Hello from Alice"', b'"Hello \xff\xfe Alice"', 1)
            i = raw.index(b'"Hello \xff')
            before = raw[:i]
            line = before.count(b"\n") + 1
            col = len(before[before.rfind(b"\n") + 1:].decode()) + 1
            with open(base + ".json", "wb") as f:
                f.write(raw)
            expect = ["/messages/0: not valid JSON", f"at {line}:{col}"]
        else:
            with open(f"{base}.{ext}", "w", encoding="utf-8") as f:
                f.write(text)
        with open(base + ".expect", "w", encoding="utf-8") as f:
            f.write("\n".join(expect) + "\n")
    print(f"{len(SAMPLES)} samples in {os.path.relpath(OUT, SRC)}")
