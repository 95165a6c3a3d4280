#!/usr/bin/python3
"""The story a class hears, for every scenario in scenarios/ (issue 8).

- The narration in English and Spanish is exactly its golden file (tests/fixtures/golden,
  rewritten by tests/fixtures/regenerate.py after reading the change), and so are the viewer's
  fixture traces (tests/fixtures/viz/*.trace.json).
- The key fact of each lesson is in the Spanish narration, and nothing it must not say.
- No Spanish output (narration, run summary, the viewer's captions at every event) carries
  the English phrases that used to leak into Spanish lessons.
- Every scenario's trace validates against docs/trace.schema.json (python3-jsonschema) and is
  byte-identical for equal seeds; the JSON Lines form holds the same events.
Env: MAILSIM, MAILSIM_SOURCE_DIR.
"""
import json
import os
import re
import subprocess
import sys
import tempfile
import unittest

MAILSIM = os.path.abspath(os.environ.get("MAILSIM", "build/mailsim"))
ROOT = os.environ.get("MAILSIM_SOURCE_DIR", os.getcwd())
sys.path.insert(0, os.path.join(ROOT, "tests", "fixtures"))
import regenerate  # noqa: E402

# What each lesson is about, as the Spanish narration must say it (and must not).
KEY_FACTS = {
    "attachment-pdf": ["«Quarterly report», 1589 octetos, 1 adjunto."],
    "three-domains": ["mail.example.org, como servidor de otro MTA, acepta el mensaje de mail.example.net para eve@example.org",
                      "para alice@example.org y carol@example.net"],
    "six-steps": ["comprueba que bob@example.com existe y acepta el mensaje",
                  "como servidor de otro MTA, acepta el mensaje de mail.example.org",
                  "El programa de correo de bob@example.com guarda una copia local"],
    "greylisting": ["aplica la lista gris a bob@example.com", "451 4.7.1",
                    "Lo reintentará a los 10 min (ha fallado el intento 1)", "(intento 2)",
                    "comprueba que bob@example.com existe y acepta el mensaje"],
    "host-crash": ["El servidor mail.example.com deja de funcionar.",
                   "No puede saber si mail.example.com se ha quedado con el mensaje",
                   "El servidor mail.example.com vuelve a funcionar."],
    "backup-mx": ["No consigue conectar con mail.example.com",
                  "Prueba con el siguiente servidor de correo, mx2.example.com (preferencia 20)",
                  "son mail.example.com (preferencia 10) y mx2.example.com (preferencia 20)",
                  "es un servidor de correo de respaldo (MX secundario) de example.com",
                  "mx2.example.com, como servidor de otro MTA, acepta el mensaje"],
    "lossy-link": ["comprueba que bob@example.com existe y acepta el mensaje"],
    "smarthost-relay": ["a través del servidor de retransmisión (relay) relay.example.org",
                        "actúa como cliente de otro MTA y intermediario entre un agente de envío y otro MTA",
                        "relay.example.org, como servidor de otro MTA, acepta el mensaje de mail.example.org",
                        "mail.example.com, como servidor de otro MTA, acepta el mensaje de relay.example.org",
                        "Aquí actúa como cliente de otro MTA."],
    "two-domains-two-recipients": ["mail.example.net, como servidor de otro MTA, acepta el mensaje de mail.example.org para carol@example.net,",
                                   "mail.example.com, como servidor de otro MTA, acepta el mensaje de mail.example.org para bob@example.com y dave@example.com,"],
    "unknown-user-bounce": ["ese buzón no existe", "aviso de no entrega (DSN) m1.bounce para alice@example.org",
                            "envía el mensaje m1.bounce", "guarda una copia local de «Undelivered Mail Returned to Sender»"],
    "mailbox-full": ["el buzón de bob@example.com está lleno (cuota de 2000 octetos): fallo permanente",
                     "aviso de no entrega (DSN) m2.bounce"],
    "open-relay-denied": ["No es un relay abierto", "554 5.7.1"],
    "dns-failure": ["El servidor DNS no responde por example.com", "la consulta al DNS ha fallado"],
    "outage-and-retry": ["El servidor mail.example.com deja de funcionar.", "no puede consultar su buzón",
                         "El servidor mail.example.com vuelve a funcionar."],
}
MUST_NOT = {
    # The crash comes before the 250 after the final dot: nobody accepted the message then.
    "host-crash": [(r"mail\.example\.com, como servidor de otro MTA, acepta el mensaje[^\n]*\n(?:.*\n)*?.*deja de funcionar",
                    "the crashed server said to accept before the crash")],
    "lossy-link": [(r"comprueba que alice@", "the sender validated as a recipient")],
    "two-domains-two-recipients": [(r"mail\.example\.net[^\n]*acepta[^\n]*(bob|dave)@", "mail.example.net accepting bob's or dave's mail")],
    "backup-mx": [(r"es mail\.example\.com,\.", "a stray comma in the MX answer")],
}
# English that used to leak into Spanish lessons; none may appear in any Spanish output.
ENGLISH = ["composes a message", "accepted the submission", "accepted the message", "mailbox of", "is full",
           "retrieval failed", "host unreachable", "totals:", "message content", "trying the next",
           "delivery attempt", "deferred ", "keeps a local copy", "stored the message", "went down", "is back up",
           "bounce", "queued as"]
# "queued as" and "bounce" appear inside verbatim protocol lines, DSN ids and scenario names:
# prose() leaves those out before looking.


def mailsim(*args, cwd=ROOT):
    p = subprocess.run([MAILSIM, *args], cwd=cwd, capture_output=True, timeout=300)
    if p.returncode != 0:
        raise AssertionError(f"mailsim {' '.join(args)}: exit {p.returncode}\n{p.stderr.decode()}")
    return p.stdout.decode()


def prose(text):
    """The narration without its verbatim protocol lines, DSN ids and subjects."""
    out = []
    for line in text.splitlines():
        if re.match(r"^ {4}\d", line):  # a table line: time  actor -> peer: protocol text
            continue
        if line.startswith("mailsim "):  # titles carry the scenario's file name
            continue
        line = re.sub(r"\(\d{3} [0-9.]*[^)]*\)", "", line)  # quoted replies
        line = re.sub(r"\b\w+\.bounce\d*\b", "", line)
        line = re.sub(r"«[^»]*»|“[^”]*”", "", line)
        out.append(line)
    return "\n".join(out)


class GoldenStories(unittest.TestCase):
    def test_generated_files_are_what_the_binary_writes(self):
        stale = []
        for rel, data in regenerate.expected(MAILSIM).items():
            path = os.path.join(ROOT, rel)
            if not os.path.exists(path) or open(path, "rb").read() != data:
                stale.append(rel)
        self.assertEqual(stale, [], "run tests/fixtures/regenerate.py, read the changes, commit them")

    def test_every_scenario_has_a_key_fact(self):
        self.assertEqual(sorted(KEY_FACTS), regenerate.scenarios())

    def test_key_facts_are_told_in_spanish(self):
        for name, wanted in KEY_FACTS.items():
            text = mailsim("run", f"scenarios/{name}.json", "--narrate", "es", "-q")
            for w in wanted:
                self.assertIn(w, text, f"{name}: {w!r} missing")
            for pattern, why in MUST_NOT.get(name, []):
                self.assertIsNone(re.search(pattern, text), f"{name}: {why}")

    def test_no_english_in_spanish_narration_and_summary(self):
        for name in regenerate.scenarios():
            text = prose(mailsim("run", f"scenarios/{name}.json", "--narrate", "es"))
            for phrase in ENGLISH:
                self.assertNotIn(phrase, text, f"{name}: English {phrase!r} in the Spanish narration")

    def test_no_english_in_the_spanish_viewer_at_any_event(self):
        with tempfile.TemporaryDirectory() as tmp:
            for name in regenerate.scenarios():
                trace = os.path.join(tmp, name + ".json")
                mailsim("run", f"scenarios/{name}.json", "--trace", trace, "-q")
                page = mailsim("visualize", trace, "--lang", "es")
                data = json.loads(page.split('id="mailsim-data">', 1)[1].split("</script>", 1)[0])
                view = data["view"]
                # Every caption the viewer shows at some event: the beat's sentence and title,
                # and each fact's or content's words.
                said = [s[5] for s in view["segments"]] + [s[7] for s in view["segments"]]
                said += [w[1] for w in view["say"].values()]
                for s in said:
                    for phrase in ENGLISH:
                        self.assertNotIn(phrase, prose(s), f"{name}: English {phrase!r} in {s!r}")
                for k, v in view["ui"]["es"].items():
                    self.assertNotIn("mailbox", v, k)

    def test_traces_follow_the_schema_and_are_reproducible(self):
        try:
            import jsonschema
        except ImportError:
            print("SKIP: python3-jsonschema is missing (scripts/setup.sh installs it)")
            sys.exit(77)
        with open(os.path.join(ROOT, "docs", "trace.schema.json")) as f:
            schema = json.load(f)
        validator = jsonschema.Draft202012Validator(schema)
        with tempfile.TemporaryDirectory() as tmp:
            for name in regenerate.scenarios():
                a, b, c = (os.path.join(tmp, f"{name}.{k}") for k in ("a.json", "b.json", "c.jsonl"))
                mailsim("run", f"scenarios/{name}.json", "--trace", a, "-q")
                mailsim("run", f"scenarios/{name}.json", "--trace", b, "-q")
                self.assertEqual(open(a, "rb").read(), open(b, "rb").read(), name)
                mailsim("run", f"scenarios/{name}.json", "--trace", c, "-q")
                with open(a) as f:
                    doc = json.load(f)
                errors = list(validator.iter_errors(doc))
                self.assertEqual([e.message for e in errors[:3]], [], name)
                with open(c) as f:
                    rows = [json.loads(line) for line in f]
                self.assertEqual(rows[0]["format_version"], 2)
                self.assertEqual(rows[1:-1], doc["events"], name)
                self.assertEqual(rows[-1], {"summary": doc["summary"]})


if __name__ == "__main__":
    unittest.main(verbosity=2)
