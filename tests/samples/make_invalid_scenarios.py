#!/usr/bin/python3
"""Writes the invalid scenario samples in tests/samples/invalid-scenarios/.

Each sample NNN-slug.json comes with NNN-slug.expect: one line per error the loader must
report, "POINTER: PHRASE" (the pointer exactly, the phrase a substring of the message). The
test (tests/e2e/test_invalid_scenarios.py) runs `mailsim validate` and `mailsim run` on each,
requires exit 2 and exactly these errors, each as FILE:LINE:COL, and checks on its own that
LINE:COL points at that pointer's key or value in the text.
Run: python3 tests/samples/make_invalid_scenarios.py (rewrites the folder)."""
import copy
import json
import os
import shutil

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "invalid-scenarios")
SRC = os.path.dirname(os.path.dirname(HERE))


def dump(obj, indent=0):
    """The scenario style: top levels spread over lines, list items one per line."""
    pad = "  " * indent
    if isinstance(obj, dict) and indent < 2 and any(isinstance(v, (dict, list)) for v in obj.values()):
        return "{\n" + ",\n".join(f"{pad}  {json.dumps(k)}: {dump(v, indent + 1)}" for k, v in obj.items()) + "\n" + pad + "}"
    if isinstance(obj, list) and obj and all(isinstance(v, dict) for v in obj):
        return "[\n" + ",\n".join(pad + "  " + json.dumps(v, ensure_ascii=False) for v in obj) + "\n" + pad + "]"
    return json.dumps(obj, ensure_ascii=False)


with open(os.path.join(SRC, "scenarios", "six-steps.json")) as f:
    BASE = json.load(f)
BASE.pop("description")
BASE["$schema"] = "../../../scenarios/scenario.schema.json"

SAMPLES = []  # (slug, text, [expect lines])


def mutate(slug, expect, fn):
    s = copy.deepcopy(BASE)
    fn(s)
    SAMPLES.append((slug, dump(s) + "\n", expect))


def raw(slug, expect, text):
    SAMPLES.append((slug, text, expect))


def setv(path, value):
    def fn(s):
        *parents, last = path
        node = s
        for p in parents:
            node = node[p]
        node[last] = value
    return fn


def delv(path):
    def fn(s):
        *parents, last = path
        node = s
        for p in parents:
            node = node[p]
        del node[last]
    return fn


def rename(path, new):
    def fn(s):
        *parents, last = path
        node = s
        for p in parents:
            node = node[p]
        items = list(node.items())
        node.clear()
        for k, v in items:
            node[new if k == last else k] = v
    return fn


def both(*fns):
    def fn(s):
        for f in fns:
            f(s)
    return fn


# --- JSON text -------------------------------------------------------------------------
GOOD = dump(BASE) + "\n"
raw("json-trailing-comma-array", [": remove this comma"], GOOD.replace('"servers": [\n    {"host": "mail.example.org", "domains": ["example.org"]},\n    {"host": "mail.example.com", "domains": ["example.com"]}\n',
                                                                     '"servers": [\n    {"host": "mail.example.org", "domains": ["example.org"]},\n    {"host": "mail.example.com", "domains": ["example.com"]},\n'))
raw("json-trailing-comma-object", [": remove this comma"], '{\n  "name": "x",\n  "hosts": [{"name": "a", "address": "10.0.0.1"}],\n}\n')
raw("json-missing-comma-members", [": a comma is missing"], '{\n  "name": "x"\n  "hosts": [{"name": "a", "address": "10.0.0.1"}]\n}\n')
raw("json-missing-comma-items", [": a comma is missing"], '{\n  "name": "x",\n  "hosts": [\n    {"name": "a", "address": "10.0.0.1"}\n    {"name": "b", "address": "10.0.0.2"}\n  ]\n}\n')
raw("json-single-quotes", [": JSON strings and keys use double quotes"], "{\n  'name': 'x'\n}\n")
raw("json-line-comment", [": JSON has no comments"], '{\n  "name": "x", // the name\n  "hosts": []\n}\n')
raw("json-block-comment", [": JSON has no comments"], '{\n  /* a scenario */\n  "name": "x"\n}\n')
raw("json-unquoted-key", [": keys are written in double quotes"], '{\n  name: "x"\n}\n')
raw("json-unquoted-value", [": text values are written in double quotes"], '{\n  "name": x\n}\n')
raw("json-unterminated-string", [": not valid JSON"], '{\n  "name": "x\n}\n')
raw("json-empty-file", [": the file is empty"], "")
raw("json-truncated", [": the text ends early"], GOOD[: len(GOOD) // 2])
raw("json-tab-in-string", [": not valid JSON"], '{\n  "name": "a\tb"\n}\n')
raw("json-invalid-utf8", [": not valid JSON"], b'{\n  "name": "caf\xe9"\n}\n')
raw("json-nan", [": not valid JSON"], '{\n  "name": "x",\n  "seed": NaN\n}\n')
raw("json-deep-nesting", [": nested deeper than 64 levels"], '{"name": "x", "description": ' + "[" * 100 + "]" * 100 + "}\n")

# --- top level ---------------------------------------------------------------------------
raw("top-array", ["/: found a list; expected a scenario: an object"], "[]\n")
mutate("top-name-missing", ["/name: missing (required)"], delv(["name"]))
mutate("top-name-number", ["/name: found the number 5; expected a scenario name"], setv(["name"], 5))
mutate("top-unknown-key", ['/hots: unknown key "hots"', 'did you mean "hosts"?', "/hosts: missing (required)"], rename(["hosts"], "hots"))
mutate("top-start-not-a-date", ['/start: the text "this is not a date" is not valid; expected an RFC 3339 date'], setv(["start"], "this is not a date"))
mutate("top-start-impossible-date", ['/start: "2026-02-30T10:00:00Z" is not a real date'], setv(["start"], "2026-02-30T10:00:00Z"))
mutate("top-seed-negative", ["/seed: -1 is too small"], setv(["seed"], -1))
mutate("top-seed-fraction", ["/seed: found the number 1.5"], setv(["seed"], 1.5))
mutate("top-until-two-dots", ['/until: the text "1.2.3ms" is not valid; expected a duration'], setv(["until"], "1.2.3ms"))
mutate("top-until-split-unit", ['/until: the text "5 m s" is not valid; expected a duration'], setv(["until"], "5 m s"))
mutate("top-until-too-long", ['/until: "40000d" is not a usable duration; expected a duration of at most 100 years'], setv(["until"], "40000d"))
mutate("top-time-scale-zero", ["/time_scale: 0 is too small"], setv(["time_scale"], 0))
raw("top-duplicate-key", ["/name: key written twice"], GOOD.replace('"name": "six-steps",', '"name": "six-steps",\n  "name": "again",'))
mutate("top-description-language", ['/description/fr: unknown key "fr"'], setv(["description"], {"en": "x", "fr": "y"}))

# --- hosts -------------------------------------------------------------------------------
mutate("hosts-empty", ["/hosts: the list is empty"], lambda s: (s["hosts"].clear(), s["links"].__setitem__(slice(1, None), []), s.pop("dns"), s.pop("servers"), s.pop("users"), s.pop("messages")))
mutate("hosts-missing-address", ["/hosts/0/address: missing (required)"], delv(["hosts", 0, "address"]))
mutate("hosts-bad-address", ['/hosts/0/address: the text "999.1.1.1" is not valid; expected an IPv4 address'], setv(["hosts", 0, "address"], "999.1.1.1"))
mutate("hosts-name-twice", ['/hosts/7/name: host "pc-alice" is declared twice (first at /hosts/0)'], setv(["hosts", 7, "name"], "pc-alice"))
mutate("hosts-address-twice", ["/hosts/7/address: address 198.51.100.10 is already used by host \"pc-alice\""], setv(["hosts", 7, "address"], "198.51.100.10"))
mutate("hosts-role-typo", ['/hosts/1/role: the text "ruoter" is not allowed here', 'did you mean "router"?'], setv(["hosts", 1, "role"], "ruoter"))
mutate("hosts-reserved-name", ['/hosts/0/name: "live-gateway" is reserved'], setv(["hosts", 0, "name"], "live-gateway"))
mutate("hosts-name-with-space", ['/hosts/0/name: the text "pc alice" is not valid; expected a host name'], setv(["hosts", 0, "name"], "pc alice"))
mutate("hosts-label-newline", ["/hosts/0/label: \"Alice\\u000aPC\" contains a control character"], setv(["hosts", 0, "label"], "Alice\nPC"))
mutate("hosts-label-too-long", ["/hosts/0/label: text too long (2000 octets)"], setv(["hosts", 0, "label"], "x" * 2000))
mutate("hosts-key-typo", ['/hosts/0/adress: unknown key "adress"', 'did you mean "address"?', "/hosts/0/address: missing (required)"], rename(["hosts", 0, "address"], "adress"))

# --- links -------------------------------------------------------------------------------
mutate("links-latency-typo", ['/links/2/latnecy: unknown key "latnecy"', 'did you mean "latency"?'], rename(["links", 2, "latency"], "latnecy"))
mutate("links-unknown-host", ['/links/0/b: host "router-orgg" is not declared in /hosts', 'did you mean "router-org"?'], setv(["links", 0, "b"], "router-orgg"))
mutate("links-same-ends", ['/links/0/b: a link must join two different hosts'], setv(["links", 0, "b"], "pc-alice"))
mutate("links-bad-unit", ['/links/0/latency: the text "1.5 weeks" is not valid; expected a duration'], setv(["links", 0, "latency"], "1.5 weeks"))
mutate("links-latency-over-a-day", ['/links/0/latency: latency "2d" is longer than a day'], setv(["links", 0, "latency"], "2d"))
mutate("links-half-a-bit", ['/links/0/bandwidth: "0.5bps" is not a usable bandwidth; expected at least 1 bps'], setv(["links", 0, "bandwidth"], "0.5bps"))
mutate("links-bytes-per-second", ['/links/0/bandwidth: the text "10MB/s" is not valid; expected a bandwidth'], setv(["links", 0, "bandwidth"], "10MB/s"))
mutate("links-loss-above-one", ["/links/0/loss: 1.5 is too large"], setv(["links", 0, "loss"], 1.5))
mutate("links-mtu-small", ["/links/0/mtu: 100 is too small"], setv(["links", 0, "mtu"], 100))
mutate("links-mtu-fraction", ["/links/0/mtu: found the number 1500.5"], setv(["links", 0, "mtu"], 1500.5))

# --- dns ---------------------------------------------------------------------------------
mutate("dns-server-unknown", ['/dns/server: host "ns.example.nt" is not declared', 'did you mean "ns.example.net"?'], setv(["dns", "server"], "ns.example.nt"))
mutate("dns-server-is-router", ['/dns/server: host "router-core" is a router, not a DNS server'], setv(["dns", "server"], "router-core"))
mutate("dns-type-cname", ['/dns/records/0/type: the text "CNAME" is not allowed here'], setv(["dns", "records", 0, "type"], "CNAME"))
mutate("dns-mx-without-target", ["/dns/records/0/target: missing (required)"], delv(["dns", "records", 0, "target"]))
mutate("dns-a-without-address", ["/dns/records/1/address: missing (required)"], delv(["dns", "records", 1, "address"]))
mutate("dns-mx-with-address", ["/dns/records/0/address: an MX record has no address"], setv(["dns", "records", 0, "address"], "198.51.100.25"))
mutate("dns-a-with-target", ["/dns/records/1/target: an A record has no target"], setv(["dns", "records", 1, "target"], "example.org"))
mutate("dns-ptr-with-target", ["/dns/records/2/target: a PTR record has no target"], setv(["dns", "records", 2, "target"], "mail.example.org"))
mutate("dns-ptr-without-address", ["/dns/records/2/address: missing (required)"], delv(["dns", "records", 2, "address"]))
mutate("dns-preference-too-large", ["/dns/records/0/preference: 70000 is too large"], setv(["dns", "records", 0, "preference"], 70000))
mutate("dns-name-with-space", ['/dns/records/0/name: the text "exa mple.org" is not valid; expected a domain name'], setv(["dns", "records", 0, "name"], "exa mple.org"))

# --- servers -----------------------------------------------------------------------------
mutate("servers-host-unknown", ['/servers/0/host: host "mail.example.orgg" is not declared', 'did you mean "mail.example.org"?'], setv(["servers", 0, "host"], "mail.example.orgg"))
mutate("servers-host-twice", ['/servers/1/host: host "mail.example.org" already has a server entry'], setv(["servers", 1, "host"], "mail.example.org"))
mutate("servers-domains-number", ["/servers/0/domains: found the number 7; expected a domain, or a list of domains"], setv(["servers", 0, "domains"], 7))
mutate("servers-service-imap", ['/servers/0/services/1: the text "imap" is not allowed here'], setv(["servers", 0, "services"], ["smtp", "imap"]))
mutate("servers-smarthost-not-a-server", ['/servers/0/smarthost: host "pc-bob" runs no mail server'], setv(["servers", 0, "smarthost"], "pc-bob"))
mutate("servers-external-not-loopback", ['/servers/1/external: "192.0.2.7:25" is not a loopback address and port'], setv(["servers", 1, "external"], "192.0.2.7:25"))
mutate("servers-quota-words", ['/servers/0/quota: the text "lots" is not valid; expected a size'], setv(["servers", 0, "quota"], "lots"))
mutate("servers-retry-zero", ["/servers/0/retry/first: a retry time of 0 would retry for ever"], setv(["servers", 0, "retry"], {"first": 0}))
mutate("servers-retry-overflow", ['/servers/0/retry/give_up: "30d" × time_scale 1000000.0 passes 100 years'], both(setv(["time_scale"], 1000000), setv(["servers", 0, "retry"], {"give_up": "30d"})))
mutate("servers-retry-key-typo", ['/servers/0/retry/backof: unknown key "backof"', 'did you mean "backoff"?'], setv(["servers", 0, "retry"], {"backof": 2}))
mutate("servers-quota-full-maybe", ['/servers/0/policy/quota_full: the text "maybe" is not allowed here'], setv(["servers", 0, "policy"], {"quota_full": "maybe"}))
mutate("servers-message-size-tiny", ["/servers/0/policy/max_message_size: not a usable message size"], setv(["servers", 0, "policy"], {"max_message_size": "1KB"}))

# --- users -------------------------------------------------------------------------------
mutate("users-address-no-domain", ['/users/0/address: the text "alice" is not valid; expected a mail address'], setv(["users", 0, "address"], "alice"))
mutate("users-address-twice", ['/users/1/address: user "alice@example.org" is declared twice'], both(setv(["users", 1, "address"], "alice@example.org"), setv(["users", 1, "server"], "mail.example.org")))
mutate("users-server-is-a-pc", ['/users/0/server: host "pc-alice" runs no mail server'], setv(["users", 0, "server"], "pc-alice"))
mutate("users-server-wrong-domain", ['/users/0/server: server "mail.example.com" does not hold the domain example.org; expected the server that holds example.org, "mail.example.org"'], setv(["users", 0, "server"], "mail.example.com"))
mutate("users-poll-words", ['/users/1/poll: the text "often" is not valid; expected a duration such as 30 (seconds), "250ms", "2h" or "5d"'], setv(["users", 1, "poll"], "often"))
mutate("users-poll-zero", ["/users/1/poll: a poll interval of 0 would poll without pause"], setv(["users", 1, "poll"], 0))
mutate("users-poll-without-host", ["/users/1/host: missing: a user who polls needs a PC"], delv(["users", 1, "host"]))
mutate("users-password-missing", ["/users/0/password: missing (required)"], delv(["users", 0, "password"]))
mutate("users-quota-negative", ["/users/0/quota: -5 is too small; expected a size"], setv(["users", 0, "quota"], -5))
mutate("users-keep-yes", ['/users/1/keep_on_server: found the text "yes"; expected true or false'], setv(["users", 1, "keep_on_server"], "yes"))

# --- messages ----------------------------------------------------------------------------
mutate("messages-from-typo", ['/messages/0/from: "alice@exmaple.org" is not a user in /users', 'did you mean "alice@example.org"?'], setv(["messages", 0, "from"], "alice@exmaple.org"))
mutate("messages-from-without-host", ['/messages/0/from: user "alice@example.org" has no host'], delv(["users", 0, "host"]))
mutate("messages-to-empty", ["/messages/0/to: the list is empty"], setv(["messages", 0, "to"], []))
mutate("messages-to-not-an-address", ['/messages/0/to/0: the text "bob" is not valid; expected a mail address'], setv(["messages", 0, "to"], ["bob"]))
mutate("messages-id-twice", ['/messages/1/id: message id "m1" is already used at /messages/0'], lambda s: s["messages"].append(dict(s["messages"][0])))
mutate("messages-id-space", ['/messages/0/id: the text "first one" is not valid'], setv(["messages", 0, "id"], "first one"))
mutate("messages-body-and-file", ['/messages/0/body_file: a message has either "body" or "body_file", not both'], setv(["messages", 0, "body_file"], "files/letter.txt"))
mutate("messages-body-file-absolute", ['/messages/0/body_file: "/etc/passwd" is an absolute path'], both(delv(["messages", 0, "body"]), setv(["messages", 0, "body_file"], "/etc/passwd")))
mutate("messages-body-file-parent", ['/messages/0/body_file: "../../etc/passwd" leaves the scenario\'s folder'], both(delv(["messages", 0, "body"]), setv(["messages", 0, "body_file"], "../../etc/passwd")))
mutate("messages-body-file-missing", ['/messages/0/body_file: file "files/nowhere.txt" not found'], both(delv(["messages", 0, "body"]), setv(["messages", 0, "body_file"], "files/nowhere.txt")))
mutate("messages-body-file-proc", ['/messages/0/body_file: "/proc/self/environ" is an absolute path'], both(delv(["messages", 0, "body"]), setv(["messages", 0, "body_file"], "/proc/self/environ")))
mutate("messages-attachment-dev-zero", ['/messages/0/attachments/0: "/dev/zero" is an absolute path'], setv(["messages", 0, "attachments"], ["/dev/zero"]))
mutate("messages-attachment-folder", ['/messages/0/attachments/0/file: "files" is not a regular file'], setv(["messages", 0, "attachments"], [{"file": "files"}]))
mutate("messages-attachment-symlink-out", ['/messages/0/attachments/0/file: "files/passwd-link" is a symbolic link to /etc/passwd, outside the scenario\'s folder'], setv(["messages", 0, "attachments"], [{"file": "files/passwd-link"}]))
mutate("messages-attachment-type-pdf", ['/messages/0/attachments/0/type: the text "pdf" is not valid; expected a MIME type'], setv(["messages", 0, "attachments"], [{"file": "files/letter.txt", "type": "pdf"}]))
mutate("messages-attachment-type-crlf", ['/messages/0/attachments/0/type: "text/plain\\u000d\\u000aX-Evil: 1" contains a control character'], setv(["messages", 0, "attachments"], [{"file": "files/letter.txt", "type": "text/plain\r\nX-Evil: 1"}]))
mutate("messages-attachment-text-without-name", ['/messages/0/attachments/0/name: missing: an attachment given as text needs a file name'], setv(["messages", 0, "attachments"], [{"text": "hello"}]))
mutate("messages-attachment-file-and-text", ['/messages/0/attachments/0/text: an attachment has either "file" or "text"'], setv(["messages", 0, "attachments"], [{"file": "files/letter.txt", "text": "x", "name": "a.txt"}]))
mutate("messages-at-words", ['/messages/0/at: the text "soon" is not valid; expected a duration'], setv(["messages", 0, "at"], "soon"))

# --- faults ------------------------------------------------------------------------------
FAULT = {"at": "10s", "action": "link-down", "link": ["router-org", "router-core"]}
mutate("faults-action-unknown", ['/faults/0/action: the text "explode" is not allowed here'], setv(["faults"], [dict(FAULT, action="explode")]))
mutate("faults-link-with-host", ['/faults/0/host: a link fault names a link, not a host'], setv(["faults"], [dict(FAULT, host="router-org")]))
mutate("faults-link-unknown-host", ['/faults/0/link/1: host "router-cor" is not declared', 'did you mean "router-core"?'], setv(["faults"], [dict(FAULT, link=["router-org", "router-cor"])]))
mutate("faults-no-such-link", ['/faults/0/link: there is no link between "pc-alice" and "pc-bob"'], setv(["faults"], [dict(FAULT, link=["pc-alice", "pc-bob"])]))
mutate("faults-host-missing", ["/faults/0/host: missing (required)"], setv(["faults"], [{"at": "1s", "action": "host-down"}]))
mutate("faults-for-with-up", ['/faults/0/for: "for" undoes link-down, host-down or loss'], setv(["faults"], [{"at": "1s", "action": "host-up", "host": "mail.example.com", "for": "1m"}]))
mutate("faults-loss-two", ["/faults/0/loss: 2 is too large"], setv(["faults"], [dict(FAULT, action="loss", loss=2)]))
mutate("faults-link-three-hosts", ["/faults/0/link: too many items (3)"], setv(["faults"], [dict(FAULT, link=["router-org", "router-core", "pc-bob"])]))
mutate("faults-at-missing", ["/faults/0/at: missing (required)"], setv(["faults"], [{"action": "link-down", "link": ["router-org", "router-core"]}]))

# --- several mistakes at once (the demonstration) ----------------------------------
mutate("five-mistakes", ['/hosts/3/role: the text "ruoter" is not allowed here', '/links/2/latnecy: unknown key "latnecy"',
                         '/links/3/bandwidth: "0.5bps" is not a usable bandwidth', '/users/1/server: host "mail.exampel.com" is not declared',
                         '/messages/0/at: the text "1.2.3ms" is not valid'],
       both(setv(["hosts", 3, "role"], "ruoter"), rename(["links", 2, "latency"], "latnecy"), setv(["links", 3, "bandwidth"], "0.5bps"),
            setv(["users", 1, "server"], "mail.exampel.com"), setv(["messages", 0, "at"], "1.2.3ms")))

# --- traffic (generated messages) -----------------------------------------------------------
def traffic(flow=None, **top):
    t = {"stop": "1h", "flows": [dict({"rate": "12/h"}, **(flow or {}))]}
    t.update(top)
    return setv(["traffic"], t)


mutate("traffic-rate-words", ['/traffic/flows/0/rate: the text "often" is not valid; expected a rate such as "12/h"'], traffic({"rate": "often"}))
mutate("traffic-rate-zero", ["/traffic/flows/0/rate: 0 is too small"], traffic({"rate": 0}))
mutate("traffic-rate-per-year", ['/traffic/flows/0/rate: the text "5/y" is not valid'], traffic({"rate": "5/y"}))
mutate("traffic-rate-too-high", ['/traffic/flows/0/rate: "2000000/s" is not a usable rate'], traffic({"rate": "2000000/s"}))
mutate("traffic-rate-missing", ["/traffic/flows/0/rate: missing (required)"], setv(["traffic"], {"flows": [{"per": "user"}]}))
mutate("traffic-flows-missing", ["/traffic/flows: missing (required)"], setv(["traffic"], {"stop": "1h"}))
mutate("traffic-key-typo", ['/traffic/flows/0/rates: unknown key "rates"', 'did you mean "rate"?'], setv(["traffic"], {"flows": [{"rate": "1/h", "rates": "2/h"}]}))
mutate("traffic-per-unknown", ['/traffic/flows/0/per: the text "person" is not allowed here'], traffic({"per": "person"}))
mutate("traffic-sender-typo", ['/traffic/flows/0/senders/0: "alice@exmaple.org" is not a user in /users', 'did you mean "alice@example.org"?'], traffic({"senders": ["alice@exmaple.org"]}))
mutate("traffic-sender-domain-unknown", ['/traffic/flows/0/senders/0: no user in /users has an address at "example.comm"', 'did you mean "example.com"?'], traffic({"senders": ["example.comm"]}))
mutate("traffic-sender-without-host", ['/traffic/flows/0/senders/0: user "alice@example.org" has no host'], both(delv(["users", 0, "host"]), delv(["messages"]), traffic({"senders": ["alice@example.org"]})))
mutate("traffic-profile-23-hours", ["/traffic/flows/0/profile: too few items (23)"], traffic({"profile": [1] * 23}))
mutate("traffic-profile-all-zero", ["/traffic/flows/0/profile: every hour has weight 0"], traffic({"profile": [0] * 24}))
mutate("traffic-unreachable-is-served", ['/traffic/flows/0/recipients/unreachable_domains/0: server "mail.example.com" holds example.com'], traffic({"recipients": {"unreachable": 0.1, "unreachable_domains": ["example.com"]}}))
mutate("traffic-unknown-share-above-one", ["/traffic/flows/0/recipients/unknown: 1.5 is too large"], traffic({"recipients": {"unknown": 1.5}}))
mutate("traffic-zipf-exponent-without-zipf", ['/traffic/flows/0/recipients/zipf_exponent: "zipf_exponent" goes with "choice": "zipf" only'], traffic({"recipients": {"zipf_exponent": 1.2}}))
mutate("traffic-per-message-all-zero", ["/traffic/flows/0/recipients/per_message: every weight is 0"], traffic({"recipients": {"per_message": [0, 0]}}))
mutate("traffic-size-too-big", ['/traffic/flows/0/size: "1GB" is not a usable message size'], traffic({"size": "1GB"}))
mutate("traffic-stop-before-start", ["/traffic/stop: traffic stops before it starts"], traffic(start="2h", stop="1h"))
mutate("traffic-message-id-clash", ['/messages/0/id: message id "t1" is the name of a generated message'], both(setv(["messages", 0, "id"], "t1"), traffic()))
mutate("traffic-attachment-type", ['/traffic/flows/0/attachments/types/0/type: the text "pdf" is not valid'], traffic({"attachments": {"probability": 0.5, "types": [{"type": "pdf"}]}}))
# SMTPUTF8 (RFC 6531) is not modelled: an internationalised address is refused where it is written.
mutate("users-address-utf8", ['/users/1/address: "bób@example.com" has non-ASCII characters'], setv(["users", 1, "address"], "bób@example.com"))
mutate("messages-to-utf8", ['/messages/0/to/0: "josé@example.com" has non-ASCII characters'], setv(["messages", 0, "to"], ["josé@example.com"]))

mutate("servers-retry-mixed-schedules", ['/servers/0/retry/minimal_backoff: "minimal_backoff" belongs to the postfix retry schedule'], setv(["servers", 0, "retry"], {"schedule": "fixed", "minimal_backoff": "5m"}))
mutate("servers-delivery-reuse-count-negative", ["/servers/0/delivery/connection_reuse_count_limit: -1 is too small"], setv(["servers", 0, "delivery"], {"connection_reuse_count_limit": -1}))
mutate("servers-delivery-initial-above-limit", ["/servers/0/delivery/initial_concurrency: more than concurrency_limit (3)"], setv(["servers", 0, "delivery"], {"initial_concurrency": 5, "concurrency_limit": 3}))
mutate("servers-delivery-key-typo", ['/servers/0/delivery/concurency_limit: unknown key "concurency_limit"', 'did you mean "concurrency_limit"?'], setv(["servers", 0, "delivery"], {"concurency_limit": 3}))

if __name__ == "__main__":
    if os.path.isdir(OUT):
        for f in os.listdir(OUT):
            if f.endswith((".json", ".expect")):
                os.remove(os.path.join(OUT, f))
    os.makedirs(os.path.join(OUT, "files"), exist_ok=True)
    with open(os.path.join(OUT, "files", "letter.txt"), "w") as f:
        f.write("A letter read from a file.\n")
    link = os.path.join(OUT, "files", "passwd-link")
    if not os.path.islink(link):
        os.symlink("/etc/passwd", link)
    for i, (slug, text, expect) in enumerate(SAMPLES, 1):
        name = f"{i:03d}-{slug}"
        with open(os.path.join(OUT, name + ".json"), "wb") as f:
            f.write(text if isinstance(text, bytes) else text.encode("utf-8"))
        with open(os.path.join(OUT, name + ".expect"), "w") as f:
            f.write("\n".join(expect) + "\n")
    print(f"{len(SAMPLES)} samples in {OUT}")
