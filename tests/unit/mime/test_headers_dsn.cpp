#include <catch2/catch.hpp>
#include <stdexcept>
#include <string>

#include "agents/mime/compose.hpp"
#include "agents/mime/dsn.hpp"
#include "agents/mime/headers.hpp"
#include "agents/mime/message.hpp"
#include "helpers.hpp"

using namespace mailsim::mime;

TEST_CASE("prepend_header puts the field first and keeps the existing order", "[headers]") {
  const std::string original = compose(mime_test::basic_draft());
  const std::string once = prepend_header(original, "Received", "from a by b; date1");
  const std::string twice = prepend_header(once, "Received", "from c by d; date2");
  const std::string final = prepend_header(twice, "Return-Path", "<alice@example.org>");
  CHECK(
      final.starts_with("Return-Path: <alice@example.org>\r\nReceived: from c by d; date2\r\n"
                        "Received: from a by b; date1\r\nDate: "));
  CHECK(final.ends_with(original));
  const Message m = parse(final);
  CHECK(m.headers[0].name == "Return-Path");
  CHECK(m.all("Received") == std::vector<std::string>{"from c by d; date2", "from a by b; date1"});
  CHECK(m.headers[3].name == "Date");

  // Long values are folded; CR/LF cannot start a new field.
  const std::string long_value(30, 'x');
  std::string v;
  for (int i = 0; i < 10; ++i) v += long_value + " ";
  const std::string folded = prepend_header("", "X-Trace", v);
  CHECK(mime_test::crlf_lines_within(folded, 78));
  CHECK(prepend_header("", "X-A", "a\r\nBcc: x").find("\r\nBcc") == std::string::npos);
  CHECK_THROWS_AS(prepend_header("", "Bad Name", "x"), std::invalid_argument);
}

TEST_CASE("received_header has the RFC 5321 §4.4 form", "[headers]") {
  ReceivedInfo r{"client.example.com",
                 "client.example.com",
                 "192.0.2.10",
                 "mx.example.org",
                 "ESMTP",
                 "4Xy7Q2",
                 "bob@example.org",
                 "Thu, 26 Nov 2026 10:00:00 +0000"};
  CHECK(received_header(r) ==
        "from client.example.com (client.example.com [192.0.2.10]) by mx.example.org with ESMTP "
        "id 4Xy7Q2 for <bob@example.org>; Thu, 26 Nov 2026 10:00:00 +0000");
  r = {"[192.0.2.1]", "", "2001:db8::1", "mx", "ESMTPS", "", "<c@d>", "date"};
  CHECK(received_header(r) ==
        "from [192.0.2.1] (unknown [IPv6:2001:db8::1]) by mx with ESMTPS for <c@d>; date");
  // A hostile HELO cannot forge the comment or the date separator.
  r = {"evil (trusted.example [10.0.0.1]); x\r\nBcc: y", "h", "192.0.2.2", "mx", "", "", "", "d"};
  const std::string v = received_header(r);
  CHECK(v.starts_with("from evil?"));
  CHECK(v.find("(h [192.0.2.2])") != std::string::npos);
  CHECK(v.find('\n') == std::string::npos);
  CHECK(v.find(" with ESMTP") != std::string::npos);
  CHECK(v.rfind(';') == v.size() - 3);
}

namespace {
DsnInfo sample_dsn() {
  DsnInfo i;
  i.reporting_mta = "mail.example.org";
  i.original_sender = "alice@example.org";
  i.original_envelope_id = "ENV123";
  i.arrival_date = "Thu, 26 Nov 2026 09:59:00 +0000";
  i.date = "Thu, 26 Nov 2026 10:00:00 +0000";
  i.message_id = "dsn.1@mail.example.org";
  i.recipients = {{"bob@example.com", "failed", "5.1.1", "mx.example.com",
                   "smtp; 550 5.1.1 <bob@example.com>: Recipient address rejected: User unknown"},
                  {"carol@example.com", "delayed", "4.4.1", "", "connection timed out"}};
  i.original_message = compose(mime_test::basic_draft());
  return i;
}
}  // namespace

TEST_CASE("DSN is a multipart/report with a parsable delivery-status part", "[dsn]") {
  const std::string raw = compose_dsn(sample_dsn());
  CHECK(mime_test::crlf_lines_within(raw, 998));
  const Message m = parse(raw);
  CHECK(m.root.content_type == "multipart/report");
  CHECK(m.header("Content-Type")->find("report-type=delivery-status") != std::string::npos);
  CHECK(m.header("From") == "\"Mail Delivery System\" <MAILER-DAEMON@mail.example.org>");
  CHECK(m.header("To") == "<alice@example.org>");
  CHECK(m.header("Subject") == "Undelivered Mail Returned to Sender");
  CHECK(m.header("Auto-Submitted") == "auto-replied");
  CHECK(m.header("Message-ID") == "<dsn.1@mail.example.org>");
  REQUIRE(m.root.children.size() == 3);

  const std::string human = text_body(m);
  CHECK(human.find("bob@example.com") != std::string::npos);
  CHECK(human.find("550 5.1.1 <bob@example.com>: Recipient address rejected: User unknown") !=
        std::string::npos);

  const Part& ds = m.root.children[1];
  CHECK(ds.content_type == "message/delivery-status");
  // The status body is header-like blocks: per-message, then one per recipient.
  const Message per_message = parse(ds.body);
  CHECK(per_message.header("Reporting-MTA") == "dns; mail.example.org");
  CHECK(per_message.header("Original-Envelope-Id") == "ENV123");
  const std::size_t split = ds.body.find("\r\n\r\n");
  REQUIRE(split != std::string::npos);
  const Message rcpt = parse(ds.body.substr(split + 4));
  CHECK(rcpt.header("Final-Recipient") == "rfc822; bob@example.com");
  CHECK(rcpt.header("Action") == "failed");
  CHECK(rcpt.header("Status") == "5.1.1");
  CHECK(rcpt.header("Remote-MTA") == "dns; mx.example.com");
  CHECK(rcpt.header("Diagnostic-Code")->find("smtp; 550 5.1.1") == 0);
  CHECK(ds.body.find("Final-Recipient: rfc822; carol@example.com\r\nAction: delayed\r\nStatus: 4.4.1") !=
        std::string::npos);
  CHECK(ds.body.find("Diagnostic-Code: smtp; connection timed out") != std::string::npos);

  const Part& headers = m.root.children[2];
  CHECK(headers.content_type == "text/rfc822-headers");
  CHECK(parse(headers.body).header("Message-ID") == "<20261126100000.1@example.org>");
  CHECK(headers.body.find("Hi Bob") == std::string::npos);  // headers only
}

TEST_CASE("DSN edge cases", "[dsn]") {
  DsnInfo i = sample_dsn();
  i.recipients.erase(i.recipients.begin());
  i.original_message.clear();
  i.from_postmaster = "postmaster@example.org";
  Message m = parse(compose_dsn(i));
  CHECK(m.header("Subject") == "Delayed Mail (still being retried)");
  CHECK(m.header("From") == "\"Mail Delivery System\" <postmaster@example.org>");
  CHECK(m.root.children.size() == 2);

  // Multi-line, 8-bit remote text is flattened into one 7-bit field.
  i = sample_dsn();
  i.recipients[0].diagnostic = "smtp; 550-5.1.1 first\r\n550 5.1.1 second \xC3\xA9";
  m = parse(compose_dsn(i));
  const std::string& ds = m.root.children[1].body;
  CHECK(ds.find("smtp; 550-5.1.1 first  550 5.1.1 second ??") != std::string::npos);

  // Over-long original header lines are folded so that relays accept the bounce.
  i = sample_dsn();
  i.original_message = "Subject: " + std::string(3000, 'x') + "\nX-A: b\n\nbody";
  const std::string dsn = compose_dsn(i);
  CHECK(mime_test::crlf_lines_within(dsn, 998));
  CHECK(parse(parse(dsn).root.children[2].body).header("Subject")->size() > 3000);

  i = sample_dsn();
  i.original_sender = "";
  CHECK_THROWS_AS(compose_dsn(i), std::invalid_argument);  // never bounce a bounce
  i = sample_dsn();
  i.recipients[0].status = "550";
  CHECK_THROWS_AS(compose_dsn(i), std::invalid_argument);
  i = sample_dsn();
  i.recipients[0].action = "bounced";
  CHECK_THROWS_AS(compose_dsn(i), std::invalid_argument);
  i = sample_dsn();
  i.recipients.clear();
  CHECK_THROWS_AS(compose_dsn(i), std::invalid_argument);
}

TEST_CASE("DSN returns the whole message as message/rfc822 when asked, with Original-Recipient", "[dsn]") {
  DsnInfo i = sample_dsn();
  i.returned = DsnInfo::Returned::Full;
  i.recipients[0].original_recipient = "rfc822;Bob@Example.com";
  const std::string raw = compose_dsn(i);
  CHECK(mime_test::crlf_lines_within(raw, 998));
  const Message m = parse(raw);
  REQUIRE(m.root.children.size() == 3);
  const std::string& status = m.root.children[1].body;
  CHECK(status.find("Original-Recipient: rfc822;Bob@Example.com\r\nFinal-Recipient: rfc822; bob@example.com\r\n") !=
        std::string::npos);
  const Part& original = m.root.children[2];
  CHECK(original.content_type == "message/rfc822");
  const Message returned = parse(original.body);
  CHECK(returned.header("Message-ID") == "<20261126100000.1@example.org>");
  CHECK(text_body(returned) == text_body(parse(i.original_message)));  // the body came back too
}

TEST_CASE("count_fields, remove_fields and add_fields work on the header section only", "[headers]") {
  std::string m =
      "Return-Path: <forged@example.net>\r\nReceived: from a\r\n  by b; date\r\nSubject: hi\r\n"
      "return-path:\r\n <again@example.net>\r\n\r\nReceived: in the body\r\nReturn-Path: body\r\n";
  CHECK(count_fields(m, "Received") == 1);
  CHECK(count_fields(m, "RETURN-PATH") == 2);
  CHECK(remove_fields(m, "Return-Path") == 2);
  CHECK(m == "Received: from a\r\n  by b; date\r\nSubject: hi\r\n\r\nReceived: in the body\r\nReturn-Path: body\r\n");
  CHECK(add_fields(m, "Top: 1\r\n", "Date: x\r\n") ==
        "Top: 1\r\nReceived: from a\r\n  by b; date\r\nSubject: hi\r\nDate: x\r\n\r\nReceived: in the body\r\n"
        "Return-Path: body\r\n");
  CHECK(add_fields("just a body\r\n", "", "Date: x\r\n") == "Date: x\r\n\r\njust a body\r\n");
  CHECK(remove_fields(m, "X-None") == 0);
}

TEST_CASE("FieldIndex answers as count_fields and header_block_end do, in one pass", "[headers]") {
  const std::string messages[] = {
      "Return-Path: <forged@example.net>\r\nReceived: from a\r\n  by b; date\r\nSubject: hi\r\n"
      "return-path:\r\n <again@example.net>\r\n\r\nReceived: in the body\r\n",
      "From alice Thu Nov 26 10:00:00 2026\nDate: x\nMessage-ID: <a@b>\n\nbody\n",  // mbox line, bare LF
      "just a body\r\n",
      "Subject: no body",
      "Date: x\r\nnot a field line\r\nMessage-ID: <after@the.end>\r\n\r\n",
      ""};
  for (const std::string& m : messages) {
    INFO(m);
    const FieldIndex index(m);
    CHECK(index.fields_end() == header_block_end(m));
    for (const char* name : {"Return-Path", "received", "Date", "MESSAGE-ID", "Subject", "From"})
      CHECK(index.count(name) == count_fields(m, name));
    CHECK(add_fields(m, "Top: 1\r\n", "Date: x\r\n", index.fields_end()) == add_fields(m, "Top: 1\r\n", "Date: x\r\n"));
    CHECK(add_fields(m, "Top: 1\r\n", "", index.fields_end()) == add_fields(m, "Top: 1\r\n", ""));
  }
  CHECK(FieldIndex(messages[0]).count("Return-Path") == 2);
  CHECK(FieldIndex(messages[1]).count("Message-ID") == 1);
}
