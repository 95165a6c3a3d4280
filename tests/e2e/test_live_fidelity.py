#!/usr/bin/python3
"""Live mode, faithful to Postfix (issue 9): Python's smtplib submits to `mailsim serve
scenarios/six-steps.json` what a real client may send, and poplib reads what was stored.

- Defect 4: a submission without Date: and Message-ID: gets both from the MSA, a client's
  forged Return-Path: is dropped, and the MDA adds one Return-Path: and a Delivered-To:.
- Defect 10: the DSN extension (RFC 3461) is offered: RET=HDRS returns the headers only, the
  default returns the whole message as message/rfc822, ENVID and ORCPT come back as
  Original-Envelope-Id and Original-Recipient, NOTIFY=NEVER sends no bounce at all.
Env: MAILSIM, MAILSIM_SOURCE_DIR."""
import email
import email.policy
import json
import smtplib
import unittest

from test_live_smtplib import LiveServer, free_base_port, pop3_wait


class LiveFidelity(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = LiveServer(base_port=free_base_port(), speed=60)

    @classmethod
    def tearDownClass(cls):
        cls.server.cleanup()

    def submit(self, raw, to, mail_options=(), rcpt_options=()):
        with smtplib.SMTP("127.0.0.1", self.server.port("mail.example.org", "submission"), timeout=15) as s:
            s.ehlo()
            if mail_options or rcpt_options:
                self.assertTrue(s.has_extn("dsn"), s.esmtp_features)
            s.login("alice@example.org", "alice-secret")
            refused = s.sendmail("alice@example.org", to, raw, mail_options=list(mail_options),
                                 rcpt_options=list(rcpt_options))
            self.assertEqual(refused, {})

    def bounce_for(self, subject):
        _, dsn = pop3_wait(self.server.port("mail.example.org", "pop3"), "alice@example.org", "alice-secret",
                           lambda m: subject.encode() in m.as_bytes() and m.get_content_type() == "multipart/report")
        return email.message_from_bytes(dsn.as_bytes(), policy=email.policy.default)

    def test_a_submission_is_completed_and_cleaned_as_postfix_does(self):
        raw = ("From: Alice <alice@example.org>\r\nTo: bob@example.com\r\nSubject: bare submission\r\n"
               "Return-Path: <forged@evil.test>\r\n\r\nno Date, no Message-ID, a forged Return-Path\r\n")
        self.submit(raw, ["bob@example.com"])
        got, _ = pop3_wait(self.server.port("mail.example.com", "pop3"), "bob@example.com", "bob-secret",
                           lambda m: m["Subject"] == "bare submission")
        msg = email.message_from_bytes(got, policy=email.policy.default)
        self.assertEqual(msg.get_all("Return-Path"), ["<alice@example.org>"])
        self.assertEqual(msg.get_all("Delivered-To"), ["bob@example.com"])
        self.assertIsNotNone(msg["Date"])
        self.assertIsNotNone(msg["Date"].datetime)
        self.assertRegex(msg["Message-ID"], r"^<[^@<>]+@mail\.example\.org>$")
        # Postfix's order: the delivery fields on top, the submission's own fields after its headers.
        names = [k.lower() for k in msg.keys()]
        self.assertEqual(names[:2], ["return-path", "delivered-to"])
        self.assertLess(names.index("subject"), names.index("date"))

    def test_b_ret_hdrs_envid_orcpt(self):
        raw = ("From: alice@example.org\r\nTo: nosuch@example.com\r\nSubject: dsn headers only\r\n"
               "Message-ID: <dsn-hdrs@example.org>\r\n\r\nthe body must not come back\r\n")
        self.submit(raw, ["nosuch@example.com"], ["RET=HDRS", "ENVID=QQ314159"],
                    ["NOTIFY=FAILURE", "ORCPT=rfc822;NoSuch@example.com"])
        dsn = self.bounce_for("dsn headers only")
        parts = list(dsn.iter_parts())
        self.assertEqual([p.get_content_type() for p in parts],
                         ["text/plain", "message/delivery-status", "text/rfc822-headers"])
        status = parts[1].as_string()
        self.assertIn("Original-Envelope-Id: QQ314159", status)
        self.assertIn("Original-Recipient: rfc822;NoSuch@example.com", status)
        self.assertIn("Final-Recipient: rfc822; nosuch@example.com", status)
        self.assertIn("Status: 5.1.1", status)
        self.assertNotIn("the body must not come back", dsn.as_string())

    def test_c_whole_message_by_default(self):
        raw = ("From: alice@example.org\r\nTo: nosuch@example.com\r\nSubject: dsn whole message\r\n"
               "Message-ID: <dsn-full@example.org>\r\n\r\nthis body comes back\r\n")
        self.submit(raw, ["nosuch@example.com"])
        dsn = self.bounce_for("dsn whole message")
        parts = list(dsn.iter_parts())
        self.assertEqual(parts[2].get_content_type(), "message/rfc822")
        returned = parts[2].get_payload()[0]
        self.assertEqual(returned["Message-ID"], "<dsn-full@example.org>")
        self.assertIn("this body comes back", returned.get_content())
        self.assertNotIn("Original-Envelope-Id", parts[1].as_string())

    def test_d_notify_never_sends_no_bounce(self):
        raw = ("From: alice@example.org\r\nTo: nosuch@example.com\r\nSubject: no bounce please\r\n"
               "Message-ID: <dsn-never@example.org>\r\n\r\nfire and forget\r\n")
        self.submit(raw, ["nosuch@example.com"], rcpt_options=["NOTIFY=NEVER"])
        # A later message with a bounce proves the first one's turn has passed.
        self.submit(raw.replace("no bounce please", "bounce after never"), ["nosuch@example.com"])
        self.bounce_for("bounce after never")
        self.assertEqual(self.server.stop(), 0, self.server.output())
        with open(self.server.trace) as f:
            trace = json.load(f)
        discarded = [e["data"] for e in trace["events"] if e["kind"] == "fact" and e["fact"] == "bounce_discarded"]
        self.assertEqual(discarded, [{"rcpts": ["nosuch@example.com"], "not_requested": True}])
        subjects = [e["data"]["subject"] for e in trace["events"]
                    if e["kind"] == "fact" and e["fact"] == "bounce_created"]
        self.assertEqual(len(subjects), 3, subjects)  # tests b, c and the later message of d


if __name__ == "__main__":
    unittest.main(verbosity=2)
