#!/usr/bin/python3
"""The scenario JSON Schema (scenarios/scenario.schema.json) and the templates.

- The schema is valid draft 2020-12, and python3-jsonschema (a second, independent validator)
  accepts every shipped scenario, template and test fixture.
- Editors can complete and explain every key: every property has a description and examples.
- The schema keeps to what both validators implement the same way (valijson reads it as
  draft 7): no 2019+/2020-only keywords, $ref siblings are annotations only, and long free
  texts carry no pattern (the loader cuts other strings to 1024 octets before any regex).
- `mailsim new`: every template is listed, written with the schema beside it, validates and
  runs; `cmake --install` gives a binary whose `new` works (the templates are built in).
Env: MAILSIM, MAILSIM_SOURCE_DIR, MAILSIM_BUILD_DIR."""
import glob
import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

try:
    import jsonschema
except ImportError:
    print("SKIP: python3-jsonschema is not installed (scripts/setup.sh installs it)")
    sys.exit(77)

MAILSIM = os.environ.get("MAILSIM", "build/mailsim")
SRC = os.environ.get("MAILSIM_SOURCE_DIR", os.getcwd())
BUILD = os.environ.get("MAILSIM_BUILD_DIR", os.path.join(SRC, "build"))
SCHEMA_PATH = os.path.join(SRC, "scenarios", "scenario.schema.json")
TEMPLATES = ["backup-mx", "office-day", "smarthost", "three-domains-classroom", "two-domains"]

with open(SCHEMA_PATH) as f:
    SCHEMA = json.load(f)

ALLOWED_KEYWORDS = {
    "$schema", "$id", "$ref", "$defs", "$comment", "title", "description", "examples", "default",
    "type", "enum", "const", "pattern", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum",
    "minLength", "maxLength", "minItems", "maxItems", "minProperties", "required", "properties",
    "additionalProperties", "items", "anyOf", "allOf", "if", "then",
}
ANNOTATIONS = {"$ref", "title", "description", "examples", "default", "$comment"}


def scenario_files():
    files = glob.glob(os.path.join(SRC, "scenarios", "*.json")) + glob.glob(os.path.join(SRC, "scenarios", "templates", "*.json"))
    files += glob.glob(os.path.join(SRC, "tests", "fixtures", "faults", "*.json")) + glob.glob(os.path.join(SRC, "tests", "fixtures", "live", "*.json"))
    files += glob.glob(os.path.join(SRC, "tests", "fixtures", "viz", "*.scenario.json"))
    return sorted(f for f in files if not f.endswith(".schema.json"))


def resolve(node):
    while isinstance(node, dict) and "$ref" in node:
        node = SCHEMA["$defs"][node["$ref"].split("/")[-1]]
    return node


def walk(node, path="#"):
    """Every schema object with its path."""
    if isinstance(node, dict):
        yield path, node
        for k, v in node.items():
            if k in ("properties", "$defs"):
                for name, sub in v.items():
                    yield from walk(sub, f"{path}/{k}/{name}")
            elif k in ("items", "then", "additionalProperties"):  # "if" only tests, declares nothing
                yield from walk(v, f"{path}/{k}")
            elif k in ("anyOf", "allOf"):
                for i, sub in enumerate(v):
                    yield from walk(sub, f"{path}/{k}/{i}")


class Schema(unittest.TestCase):
    def test_valid_draft_2020_12(self):
        self.assertEqual(SCHEMA["$schema"], "https://json-schema.org/draft/2020-12/schema")
        jsonschema.Draft202012Validator.check_schema(SCHEMA)

    def test_second_validator_accepts_every_scenario(self):
        v = jsonschema.Draft202012Validator(SCHEMA)
        files = scenario_files()
        self.assertGreaterEqual(len(files), 20)
        for f in files:
            with self.subTest(scenario=os.path.relpath(f, SRC)):
                with open(f) as fh:
                    doc = json.load(fh)
                errors = [f"{e.json_path}: {e.message}" for e in v.iter_errors(doc)]
                self.assertEqual(errors, [])
                self.assertIn("$schema", doc)
                self.assertTrue(os.path.exists(os.path.join(os.path.dirname(f), doc["$schema"])) or "templates" in f, doc["$schema"])

    def test_second_validator_refuses_what_mailsim_refuses(self):
        v = jsonschema.Draft202012Validator(SCHEMA)
        with open(os.path.join(SRC, "scenarios", "six-steps.json")) as fh:
            good = json.load(fh)
        for path, value in [(("links", 0, "latnecy"), "1ms"), (("until",), "1.2.3ms"), (("until",), "5 m s"),
                            (("hosts", 0, "role"), "ruoter"), (("start",), "this is not a date"), (("links", 0, "bandwidth"), "0.5 bps s")]:
            doc = json.loads(json.dumps(good))
            node = doc
            for p in path[:-1]:
                node = node[p]
            node[path[-1]] = value
            self.assertTrue(list(v.iter_errors(doc)), path)

    def test_every_property_is_described_with_examples(self):
        count = 0
        for path, node in walk(SCHEMA):
            for name, prop in node.get("properties", {}).items():
                count += 1
                target = resolve(prop)
                with self.subTest(property=f"{path}/properties/{name}"):
                    self.assertTrue(prop.get("description") or target.get("description"), "no description")
                    if name not in ("$comment",):
                        has_examples = prop.get("examples") or target.get("examples") or name == "$schema"
                        self.assertTrue(has_examples or target.get("type") == "object", "no examples")
        self.assertGreater(count, 60)

    def test_keywords_both_validators_share(self):
        for path, node in walk(SCHEMA):
            with self.subTest(node=path):
                self.assertLessEqual(set(node) - ALLOWED_KEYWORDS, set(), "keyword outside the shared subset")
                if "$ref" in node:
                    self.assertLessEqual(set(node), ANNOTATIONS, "$ref with constraints beside it (draft 7 ignores them)")
                if "pattern" in node:
                    self.assertLessEqual(node.get("maxLength", 10**9), 1024, "pattern on a long text")


class Templates(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="mailsim-new-")

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def run_mailsim(self, *args, binary=MAILSIM, cwd=None):
        return subprocess.run([binary, *args], capture_output=True, text=True, timeout=120, cwd=cwd)

    def test_list(self):
        p = self.run_mailsim("new", "--list")
        self.assertEqual(p.returncode, 0, p.stderr)
        for t in TEMPLATES:
            self.assertIn("  " + t + "\n", p.stdout)
        self.assertIn("Ana, Luis, Marta and Pablo", p.stdout)

    def test_each_template_validates_and_runs(self):
        for t in TEMPLATES:
            with self.subTest(template=t):
                path = os.path.join(self.tmp, t, "my.json")
                os.makedirs(os.path.dirname(path))
                p = self.run_mailsim("new", t, path)
                self.assertEqual(p.returncode, 0, p.stderr)
                with open(path) as f:
                    doc = json.load(f)
                self.assertEqual(doc["$schema"], "./scenario.schema.json")
                with open(os.path.join(os.path.dirname(path), "scenario.schema.json")) as f:
                    self.assertEqual(json.load(f), SCHEMA)
                self.assertTrue(doc["description"]["en"] and doc["description"]["es"])
                p = self.run_mailsim("validate", path)
                self.assertEqual((p.returncode, p.stderr), (0, ""))
                p = self.run_mailsim("run", path, "-q", "--summary", os.path.join(self.tmp, t, "s.json"))
                self.assertEqual(p.returncode, 0, p.stderr)
                with open(os.path.join(self.tmp, t, "s.json")) as f:
                    totals = json.load(f)["totals"]
                self.assertEqual(totals["delivered"], totals["submitted"])
                self.assertGreater(totals["submitted"], 0)

    def test_classroom_has_students_and_an_attachment(self):
        path = os.path.join(self.tmp, "class.json")
        self.run_mailsim("new", "three-domains-classroom", path)
        with open(path) as f:
            doc = json.load(f)
        self.assertGreaterEqual(len([u for u in doc["users"] if u["address"].endswith("@students.example")]), 4)
        self.assertEqual(sum(len(m.get("attachments", [])) for m in doc["messages"]), 1)

    def test_refusals(self):
        path = os.path.join(self.tmp, "x.json")
        self.assertEqual(self.run_mailsim("new", "two-domains", path).returncode, 0)
        p = self.run_mailsim("new", "two-domains", path)
        self.assertEqual(p.returncode, 2)
        self.assertIn("exists", p.stderr)
        self.assertEqual(self.run_mailsim("new", "two-domains", path, "--force").returncode, 0)
        p = self.run_mailsim("new", "three-domain", os.path.join(self.tmp, "y.json"))
        self.assertEqual(p.returncode, 2)
        self.assertIn("unknown template 'three-domain'", p.stderr)

    def test_installed_binary_has_the_templates(self):
        prefix = os.path.join(self.tmp, "prefix")
        p = subprocess.run(["cmake", "--install", BUILD, "--prefix", prefix], capture_output=True, text=True, timeout=120)
        self.assertEqual(p.returncode, 0, p.stderr)
        binary = os.path.join(prefix, "bin", "mailsim")
        self.assertTrue(os.path.exists(os.path.join(prefix, "share", "mailsim", "scenario.schema.json")))
        work = os.path.join(self.tmp, "elsewhere")
        os.makedirs(work)
        p = self.run_mailsim("new", "backup-mx", "b.json", binary=binary, cwd=work)
        self.assertEqual(p.returncode, 0, p.stderr)
        p = self.run_mailsim("run", "b.json", "-q", binary=binary, cwd=work)
        self.assertEqual(p.returncode, 0, p.stderr)


if __name__ == "__main__":
    unittest.main()
