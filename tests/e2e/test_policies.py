"""Server policies of the receiving MTA that the scenario library does not show on its own:
the content rule (a stand-in for a spam filter), the message size limit, and bodies and
attachments taken from files next to the scenario."""
import email
import email.policy
import glob
import json
import os
import tempfile
import unittest

from mailsim_test import run, scenario


def variant(edit, files=None):
    """Writes a copy of six-steps changed by `edit` (and extra files) into a temp folder."""
    with open(scenario("six-steps")) as f:
        s = json.load(f)
    edit(s)
    tmp = tempfile.mkdtemp(prefix="mailsim-policy-")
    for name, data in (files or {}).items():
        with open(os.path.join(tmp, name), "wb") as f:
            f.write(data)
    path = os.path.join(tmp, "scenario.json")
    with open(path, "w") as f:
        json.dump(s, f)
    trace, summary, export = (os.path.join(tmp, n) for n in ("t.json", "s.json", "export"))
    run("run", path, "--trace", trace, "--summary", summary, "--export", export, "-q")
    with open(trace) as f, open(summary) as g:
        return json.load(f), json.load(g), export


def server(s, host):
    return next(x for x in s["servers"] if x["host"] == host)


class Policies(unittest.TestCase):
    def test_content_rule_rejects_with_554_and_bounces(self):
        def edit(s):
            server(s, "mail.example.com")["policy"] = {"reject_subject": "from alice"}
            s["users"][0]["poll"] = "60s"  # Alice reads her bounce
        t, summ, export = variant(edit)
        lines = [e["line"] for e in t["events"] if e["kind"] == "line"]
        self.assertTrue(any(l.startswith("554 5.7.1 Message rejected: content policy") for l in lines), lines)
        r = summ["messages"][0]["recipients"][0]
        self.assertEqual(r["status"], "bounced")
        self.assertIn("554", r["detail"])
        dsn = glob.glob(os.path.join(export, "clients", "alice@example.org", "cur", "*"))
        self.assertEqual(len(dsn), 1)

    def test_message_too_large_gets_552(self):
        def edit(s):
            server(s, "mail.example.com")["policy"] = {"max_message_size": 2048}
            s["messages"][0]["body"] = "x" * 70 + ("\n" + "y" * 70) * 60
        t, summ, _ = variant(edit)
        replies = [e["line"] for e in t["events"] if e["kind"] == "line" and e["direction"] == "response"]
        self.assertTrue(any(l.startswith("552 5.3.4") for l in replies), replies)
        self.assertEqual(summ["messages"][0]["recipients"][0]["status"], "bounced")
        self.assertEqual(summ["totals"]["bounced"], 1)

    def test_body_and_attachment_from_files_relative_to_the_scenario(self):
        blob = bytes(range(256)) * 64
        def edit(s):
            m = s["messages"][0]
            del m["body"]
            m["body_file"] = "body.txt"
            m["attachments"] = ["photo.png", {"file": "blob.bin", "name": "datos.bin"}]
        _, summ, export = variant(edit, {"body.txt": "Hola Bob, ¿qué tal?\n.\n".encode(),
                                         "photo.png": b"\x89PNG\r\n\x1a\n" + blob[:300], "blob.bin": blob})
        self.assertEqual(summ["totals"]["retrieved"], 1)
        [path] = glob.glob(os.path.join(export, "clients", "bob@example.com", "cur", "*"))
        with open(path, "rb") as f:
            msg = email.message_from_binary_file(f, policy=email.policy.default)
        self.assertEqual(msg.get_body().get_content(), "Hola Bob, ¿qué tal?\n.\n")
        atts = {a.get_filename(): a for a in msg.iter_attachments()}
        self.assertEqual(atts["photo.png"].get_content_type(), "image/png")
        self.assertEqual(atts["datos.bin"].get_content(), blob)


if __name__ == "__main__":
    unittest.main()
