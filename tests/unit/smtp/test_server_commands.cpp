// The server's command table: sequencing (503 with the state unchanged), syntax errors,
// limits from RFC 5321 section 4.5.3.1, and pipelined batches.
#include <catch2/catch.hpp>

#include "smtp_test_helpers.hpp"

using namespace smtp_test;
using Lines = std::vector<std::string>;

TEST_CASE("greeting and EHLO advertise the configured extensions", "[server]") {
  TestPolicy policy;
  ServerConfig config = server_config();
  config.offer_auth = true;
  config.max_message_size = 5000;
  SmtpServer s(config, policy);
  s.start();
  CHECK(lines_of(s.take_output()) == Lines{"220 mx.example.com ESMTP mailsim"});
  CHECK(feed(s, "EHLO pc.example.org\r\n") ==
        Lines{"250-mx.example.com", "250-PIPELINING", "250-SIZE 5000", "250-8BITMIME",
              "250-ENHANCEDSTATUSCODES", "250 AUTH PLAIN LOGIN"});
  CHECK(feed(s, "HELO pc.example.org\r\n") == Lines{"250 mx.example.com"});
  CHECK(feed(s, "EHLO\r\n") == Lines{"501 Syntax: EHLO hostname"});
}

TEST_CASE("without ENHANCEDSTATUSCODES replies carry no enhanced code", "[server]") {
  TestPolicy policy;
  ServerConfig config = server_config();
  config.enhanced_status_codes = false;
  config.pipelining = false;
  SmtpServer s(config, policy);
  s.start();
  s.take_output();
  CHECK(feed(s, "EHLO a.b\r\n") == Lines{"250-mx.example.com", "250-SIZE 10485760", "250 8BITMIME"});
  CHECK(feed(s, "NOOP\r\n") == Lines{"250 Ok"});
}

TEST_CASE("out-of-sequence commands get 503 and leave the state unchanged", "[server][sequence]") {
  TestPolicy policy;
  SmtpServer s(server_config(), policy);
  s.start();
  s.take_output();
  // MAIL before EHLO
  CHECK(feed(s, "MAIL FROM:<alice@example.org>\r\n") == Lines{"503 5.5.1 Error: send HELO/EHLO first"});
  CHECK(feed(s, "EHLO pc.example.org\r\n").size() == 5);
  // RCPT before MAIL, DATA before MAIL
  CHECK(feed(s, "RCPT TO:<bob@example.com>\r\n") == Lines{"503 5.5.1 Error: need MAIL command"});
  CHECK(feed(s, "DATA\r\n") == Lines{"503 5.5.1 Error: need MAIL command"});
  CHECK(feed(s, "MAIL FROM:<alice@example.org>\r\n") == Lines{"250 2.1.0 Ok"});
  // DATA before RCPT, nested MAIL
  CHECK(feed(s, "DATA\r\n") == Lines{"503 5.5.1 Error: need RCPT command"});
  CHECK(feed(s, "MAIL FROM:<eve@example.org>\r\n") == Lines{"503 5.5.1 Error: nested MAIL command"});
  CHECK(s.envelope().mail_from.str() == "alice@example.org");  // unchanged
  CHECK(feed(s, "RCPT TO:<bob@example.com>\r\n") == Lines{"250 2.1.5 Ok"});
  CHECK(feed(s, "DATA\r\n") == Lines{"354 End data with <CR><LF>.<CR><LF>"});
  CHECK(s.phase() == SmtpServer::Phase::DataBlock);
}

TEST_CASE("unknown verbs get 500, bad arguments 501", "[server][syntax]") {
  TestPolicy policy;
  SmtpServer s(server_config(), policy);
  greet(s);
  CHECK(feed(s, "FOO bar\r\n") == Lines{"500 5.5.2 Error: command not recognized"});
  CHECK(feed(s, "\r\n") == Lines{"500 5.5.2 Error: command not recognized"});
  CHECK(feed(s, "MAIL alice@example.org\r\n") == Lines{"501 5.5.4 Syntax: MAIL FROM:<address>"});
  CHECK(feed(s, "MAIL FROM:alice@example.org\r\n") == Lines{"501 5.1.7 Error: bad sender address syntax"});
  CHECK(feed(s, "MAIL FROM:<alice@@example.org>\r\n") == Lines{"501 5.1.7 Error: bad sender address syntax"});
  CHECK(feed(s, "MAIL FROM:<alice@example.org> SIZE=abc\r\n") == Lines{"501 5.5.4 Error: bad SIZE parameter"});
  CHECK(feed(s, "MAIL FROM:<alice@example.org> FROB=1\r\n") ==
        Lines{"555 5.5.4 Error: unsupported parameter FROB"});
  CHECK(feed(s, "MAIL FROM:<alice@example.org>junk\r\n") ==
        Lines{"501 5.5.4 Syntax: MAIL FROM:<address> [parameters]"});
  CHECK(feed(s, "RSET now\r\n") == Lines{"501 5.5.4 Syntax: RSET"});
  // Verbs are case-insensitive and a space after the colon is tolerated.
  CHECK(feed(s, "mail from: <alice@example.org> body=8bitmime\r\n") == Lines{"250 2.1.0 Ok"});
  CHECK(s.envelope().body_8bit);
  CHECK(feed(s, "RCPT TO:<bob@example.com> NOTIFY=NEVER\r\n") ==
        Lines{"555 5.5.4 Error: unsupported parameter NOTIFY"});
  CHECK(feed(s, "RCPT TO:bob@example.com\r\n") == Lines{"501 5.1.3 Error: bad recipient address syntax"});
  CHECK(feed(s, "RCPT bob\r\n") == Lines{"501 5.5.4 Syntax: RCPT TO:<address>"});
}

TEST_CASE("NUL, control and 8-bit bytes in commands are refused without harm", "[server][syntax]") {
  TestPolicy policy;
  SmtpServer s(server_config(), policy);
  greet(s);
  using namespace std::string_literals;
  CHECK(feed(s, "\0\0\0\r\n"s) == Lines{"500 5.5.2 Error: command not recognized"});
  CHECK(feed(s, "MA\0L FROM:<a@b.c>\r\n"s) == Lines{"500 5.5.2 Error: command not recognized"});
  CHECK(feed(s, "MAIL FROM:<a\0b@example.org>\r\n"s) == Lines{"501 5.5.4 Error: invalid characters in command"});
  CHECK(feed(s, "MAIL FROM:<j\xc3\xb6rg@example.org>\r\n") ==
        Lines{"501 5.5.4 Error: invalid characters in command"});
  CHECK(feed(s, "NOOP\r\n") == Lines{"250 2.0.0 Ok"});
}

TEST_CASE("a 600-octet command line gets 500 and is not executed", "[server][limits]") {
  TestPolicy policy;
  SmtpServer s(server_config(), policy);
  greet(s);
  const std::string line = "MAIL FROM:<" + std::string(585, 'a') + "@example.org>\r\n";
  REQUIRE(line.size() > 600);
  CHECK(feed(s, line) == Lines{"500 5.5.2 Error: line too long"});
  CHECK(s.envelope().mail_from.null());
  CHECK(feed(s, "MAIL FROM:<alice@example.org>\r\n") == Lines{"250 2.1.0 Ok"});
  // Exactly 512 octets with CRLF is still a command.
  const std::string max_line = "NOOP " + std::string(512 - 7, 'x') + "\r\n";
  REQUIRE(max_line.size() == 512);
  CHECK(feed(s, max_line) == Lines{"250 2.0.0 Ok"});
  CHECK(feed(s, "NOOP " + std::string(512 - 6, 'x') + "\r\n") == Lines{"500 5.5.2 Error: line too long"});
}

TEST_CASE("path limits: local part 64, domain 255, path 256", "[server][limits]") {
  TestPolicy policy;
  SmtpServer s(server_config(), policy);
  greet(s);
  CHECK(feed(s, "MAIL FROM:<alice@example.org>\r\n") == Lines{"250 2.1.0 Ok"});
  CHECK(feed(s, "RCPT TO:<" + std::string(65, 'u') + "@example.com>\r\n") ==
        Lines{"501 5.1.3 Error: local part exceeds 64 octets"});
  CHECK(feed(s, "RCPT TO:<user" + std::string(60, 'u') + "@example.com>\r\n") == Lines{"250 2.1.5 Ok"});
  std::string long_domain;
  while (long_domain.size() < 260) long_domain += "abcdefghij.";
  long_domain += "com";
  CHECK(feed(s, "RCPT TO:<u@" + long_domain + ">\r\n") == Lines{"501 5.1.3 Error: domain exceeds 255 octets"});
  // 64 + 1 + 200 octets plus brackets is within the parts' limits but over the path's.
  std::string domain200;
  while (domain200.size() < 196) domain200 += "abcdefg.";
  domain200 = domain200.substr(0, 196) + ".com";
  CHECK(feed(s, "RCPT TO:<" + std::string(64, 'u') + "@" + domain200 + ">\r\n") ==
        Lines{"501 5.1.3 Error: path exceeds 256 octets"});
}

TEST_CASE("the 101st recipient gets 452 4.5.3", "[server][limits]") {
  TestPolicy policy;
  SmtpServer s(server_config(), policy);
  greet(s);
  std::string batch = "MAIL FROM:<alice@example.org>\r\n";
  for (int i = 0; i < 101; ++i) batch += "RCPT TO:<user" + std::to_string(i) + "@example.com>\r\n";
  const Lines replies = feed(s, batch);
  REQUIRE(replies.size() == 102);
  CHECK(replies[100] == "250 2.1.5 Ok");
  CHECK(replies[101] == "452 4.5.3 Error: too many recipients");
  CHECK(s.envelope().rcpt_to.size() == 100);
  CHECK(feed(s, "DATA\r\n") == Lines{"354 End data with <CR><LF>.<CR><LF>"});
}

TEST_CASE("a declared SIZE above the limit gets 552 at MAIL", "[server][size]") {
  TestPolicy policy;
  ServerConfig config = server_config();
  config.max_message_size = 1000;
  SmtpServer s(config, policy);
  greet(s);
  CHECK(feed(s, "MAIL FROM:<alice@example.org> SIZE=1001\r\n") ==
        Lines{"552 5.3.4 Error: message size exceeds fixed maximum message size"});
  CHECK(feed(s, "MAIL FROM:<alice@example.org> SIZE=99999999999999999999999\r\n") ==
        Lines{"501 5.5.4 Error: bad SIZE parameter"});
  CHECK(feed(s, "MAIL FROM:<alice@example.org> SIZE=1000\r\n") == Lines{"250 2.1.0 Ok"});
  CHECK(s.envelope().declared_size == 1000);
}

TEST_CASE("RSET clears the transaction but keeps the session", "[server]") {
  TestPolicy policy;
  SmtpServer s(server_config(), policy);
  greet(s);
  feed(s, "MAIL FROM:<alice@example.org>\r\nRCPT TO:<bob@example.com>\r\n");
  CHECK(s.envelope().rcpt_to.size() == 1);
  CHECK(feed(s, "RSET\r\n") == Lines{"250 2.0.0 Ok"});
  CHECK(s.envelope().rcpt_to.empty());
  CHECK(s.envelope().mail_from.null());
  CHECK(s.envelope().helo == "client.example.org");
  CHECK(feed(s, "RCPT TO:<bob@example.com>\r\n") == Lines{"503 5.5.1 Error: need MAIL command"});
  CHECK(feed(s, "MAIL FROM:<>\r\n") == Lines{"250 2.1.0 Ok"});  // null sender, for bounces
  CHECK(s.envelope().mail_from.null());
}

TEST_CASE("EHLO in the middle of a transaction resets it", "[server]") {
  TestPolicy policy;
  SmtpServer s(server_config(), policy);
  greet(s);
  feed(s, "MAIL FROM:<alice@example.org>\r\nRCPT TO:<bob@example.com>\r\n");
  feed(s, "EHLO again.example.org\r\n");
  CHECK(s.envelope().rcpt_to.empty());
  CHECK(s.envelope().helo == "again.example.org");
  CHECK(feed(s, "DATA\r\n") == Lines{"503 5.5.1 Error: need MAIL command"});
}

TEST_CASE("VRFY answers from the policy, or 252 when disabled", "[server]") {
  TestPolicy policy;
  SmtpServer s(server_config(), policy);
  greet(s);
  CHECK(feed(s, "VRFY bob\r\n") == Lines{"250 2.1.5 <bob@example.com>"});
  CHECK(feed(s, "VRFY <bob@example.com>\r\n") == Lines{"250 2.1.5 <bob@example.com>"});
  CHECK(feed(s, "VRFY mallory\r\n") == Lines{"550 5.1.1 Error: user unknown"});
  CHECK(feed(s, "VRFY\r\n") == Lines{"501 5.5.4 Syntax: VRFY address"});
  ServerConfig config = server_config();
  config.vrfy_enabled = false;
  SmtpServer quiet(config, policy);
  greet(quiet);
  CHECK(feed(quiet, "VRFY bob\r\n") ==
        Lines{"252 2.5.2 Cannot VRFY user, but will accept message and attempt delivery"});
}

TEST_CASE("postmaster without a domain is accepted, in any case", "[server]") {
  TestPolicy policy;
  SmtpServer s(server_config(), policy);
  greet(s);
  feed(s, "MAIL FROM:<alice@example.org>\r\n");
  CHECK(feed(s, "RCPT TO:<Postmaster>\r\n") == Lines{"250 2.1.5 Ok"});
  CHECK(feed(s, "RCPT TO:<postmaster>\r\n") == Lines{"250 2.1.5 Ok"});
  REQUIRE(policy.seen.size() == 2);
  CHECK(policy.seen[0] == Path{"postmaster", ""});
  CHECK(s.envelope().rcpt_to.size() == 1);  // the same mailbox twice is kept once
  CHECK(feed(s, "RCPT TO:<webmaster>\r\n") == Lines{"501 5.1.3 Error: bad recipient address syntax"});
}

TEST_CASE("policy verdicts pass through unchanged; relay is denied", "[server]") {
  TestPolicy policy;
  SmtpServer s(server_config(), policy);
  greet(s);
  feed(s, "MAIL FROM:<alice@example.org>\r\n");
  CHECK(feed(s, "RCPT TO:<nobody@example.com>\r\n") ==
        Lines{"550 5.1.1 <nobody@example.com>: Recipient address rejected: User unknown"});
  CHECK(feed(s, "RCPT TO:<x@elsewhere.net>\r\n") == Lines{"554 5.7.1 <x@elsewhere.net>: Relay access denied"});
  CHECK(feed(s, "RCPT TO:<busy@example.com>\r\n") == Lines{"452 4.2.2 Mailbox full"});
  // Only refused RCPTs: DATA gets 554, as RFC 2920 asks.
  CHECK(feed(s, "DATA\r\n") == Lines{"554 5.5.1 Error: no valid recipients"});
}

TEST_CASE("HELP, NOOP and QUIT", "[server]") {
  TestPolicy policy;
  SmtpServer s(server_config(), policy);
  greet(s);
  CHECK(feed(s, "HELP\r\n") == Lines{"214 2.0.0 Commands: EHLO HELO MAIL RCPT DATA RSET NOOP QUIT VRFY HELP"});
  CHECK(feed(s, "NOOP anything\r\n") == Lines{"250 2.0.0 Ok"});
  CHECK_FALSE(s.wants_close());
  CHECK(feed(s, "QUIT\r\nNOOP\r\n") == Lines{"221 2.0.0 Bye"});
  CHECK(s.wants_close());
  CHECK(s.phase() == SmtpServer::Phase::Closed);
  CHECK(feed(s, "NOOP\r\n").empty());
}

TEST_CASE("a pipelined batch in one receive() is answered in order", "[server][pipelining]") {
  TestPolicy policy;
  SmtpServer s(server_config(), policy);
  s.start();
  s.take_output();
  const Lines replies = feed(s,
                             "EHLO pc.example.org\r\n"
                             "MAIL FROM:<alice@example.org>\r\n"
                             "RCPT TO:<bob@example.com>\r\n"
                             "RCPT TO:<nobody@example.com>\r\n"
                             "RCPT TO:<carol@example.com>\r\n"
                             "DATA\r\n"
                             "Subject: t\r\n\r\nbody\r\n.\r\n"
                             "QUIT\r\n");
  const Lines expected = {
      "250-mx.example.com", "250-PIPELINING", "250-SIZE 10485760", "250-8BITMIME", "250 ENHANCEDSTATUSCODES",
      "250 2.1.0 Ok", "250 2.1.5 Ok", "550 5.1.1 <nobody@example.com>: Recipient address rejected: User unknown",
      "250 2.1.5 Ok", "354 End data with <CR><LF>.<CR><LF>", "250 2.0.0 Ok: queued as Q1", "221 2.0.0 Bye"};
  CHECK(replies == expected);
  const std::vector<Accepted> accepted = s.take_accepted();
  REQUIRE(accepted.size() == 1);
  CHECK(accepted[0].content == "Subject: t\r\n\r\nbody\r\n");
  CHECK(accepted[0].envelope.rcpt_to.size() == 2);
}

TEST_CASE("reply codes are attached to every reply output line", "[server]") {
  TestPolicy policy;
  SmtpServer s(server_config(), policy);
  s.start();
  s.receive("EHLO a.b\r\nFOO\r\n");
  const std::vector<Output> out = s.take_output();
  REQUIRE(out.size() == 7);
  for (std::size_t i = 0; i < 6; ++i) CHECK(out[i].code == (i == 0 ? 220 : 250));
  CHECK(out[6].code == 500);
  for (const Output& o : out) CHECK(o.kind == Output::Kind::Line);
}

TEST_CASE("idle timeout answers 421 4.4.2 and closes", "[server]") {
  TestPolicy policy;
  SmtpServer s(server_config(), policy);
  greet(s);
  feed(s, "MAIL FROM:<alice@example.org>\r\nRCPT TO:<bob@example.com>\r\nDATA\r\npartial line\r\n");
  s.timeout();
  CHECK(lines_of(s.take_output()) == Lines{"421 4.4.2 mx.example.com Error: timeout exceeded"});
  CHECK(s.wants_close());
  CHECK(s.take_accepted().empty());
  s.timeout();
  CHECK(s.take_output().empty());
}
