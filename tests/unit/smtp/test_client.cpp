// The client against scripted server replies: pipelining decisions, SIZE/BODY, AUTH
// choices, failures at each stage, malformed replies and lost connections.
#include <catch2/catch.hpp>

#include "sim/base64.hpp"
#include "smtp_test_helpers.hpp"

using namespace smtp_test;
using Lines = std::vector<std::string>;

namespace {
constexpr const char* kGreeting = "220 mx.example.com ESMTP\r\n";
constexpr const char* kEhloPipelining =
    "250-mx.example.com\r\n250-PIPELINING\r\n250-SIZE 1000000\r\n250-8BITMIME\r\n250 ENHANCEDSTATUSCODES\r\n";
constexpr const char* kEhloPlain = "250-mx.example.com\r\n250 SIZE\r\n";

Transaction message() {
  return Transaction{"alice@example.org", {"bob@example.com", "carol@example.com"},
                     "Subject: hi\r\n\r\nHello\r\n", false};
}

Lines sent(SmtpClient& c) { return lines_of(c.take_output()); }
}  // namespace

TEST_CASE("the client pipelines MAIL, RCPTs and DATA when offered", "[client][pipelining]") {
  SmtpClient c(client_config("pc.example.org"), message());
  CHECK(c.phase() == SmtpClient::Phase::Greeting);
  c.receive(kGreeting);
  CHECK(sent(c) == Lines{"EHLO pc.example.org"});
  c.receive(kEhloPipelining);
  // All four leave in one take_output, before any reply.
  CHECK(sent(c) == Lines{"MAIL FROM:<alice@example.org> SIZE=22", "RCPT TO:<bob@example.com>",
                         "RCPT TO:<carol@example.com>", "DATA"});
  CHECK(c.phase() == SmtpClient::Phase::Mail);
  c.receive("250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n");
  CHECK(sent(c).empty());
  CHECK(c.phase() == SmtpClient::Phase::Rcpt);
  c.receive("250 2.1.5 Ok\r\n354 go ahead\r\n");
  const std::vector<Output> out = c.take_output();
  REQUIRE(out.size() == 2);
  CHECK(out[0].kind == Output::Kind::Content);
  CHECK(out[0].text == "Subject: hi\r\n\r\nHello\r\n");
  CHECK(out[1] == Output{Output::Kind::Line, "."});
  CHECK(c.phase() == SmtpClient::Phase::DataEnd);
  c.receive("250 2.0.0 Ok: queued as X\r\n");
  CHECK(sent(c) == Lines{"QUIT"});
  CHECK(c.result().outcome == ClientResult::Outcome::Delivered);
  CHECK_FALSE(c.done());
  c.receive("221 2.0.0 Bye\r\n");
  CHECK(c.done());
  CHECK(c.wants_close());
}

TEST_CASE("the client goes lock-step when PIPELINING is not offered or not wanted", "[client][pipelining]") {
  auto check = [](SmtpClient& c, const char* ehlo) {
    c.receive(kGreeting);
    c.take_output();
    c.receive(ehlo);
    CHECK(sent(c) == Lines{"MAIL FROM:<alice@example.org>"});
    c.receive("250 Ok\r\n");
    CHECK(sent(c) == Lines{"RCPT TO:<bob@example.com>"});
    c.receive("250 Ok\r\n");
    CHECK(sent(c) == Lines{"RCPT TO:<carol@example.com>"});
    c.receive("250 Ok\r\n");
    CHECK(sent(c) == Lines{"DATA"});
  };
  SmtpClient not_offered(client_config("pc.example.org"), message());
  check(not_offered, "250 mx.example.com\r\n");
  const ClientConfig no_pipe = client_config("pc.example.org", {.pipelining = false, .declare_size = false});
  SmtpClient not_wanted(no_pipe, message());
  check(not_wanted, kEhloPipelining);
}

TEST_CASE("the EHLO reply's extensions are read case-blind, word by word", "[client][ehlo]") {
  const auto extensions = [](std::string_view ehlo) {
    SmtpClient c(client_config("pc"), message());
    c.receive(kGreeting);
    c.take_output();
    c.receive(ehlo);
    return c.extensions();
  };
  const ServerExtensions e = extensions("250-mx.example.com  PIPELINING\r\n250-size  2048 x\r\n250-8bitmime\r\n"
                                        "250-  EnhancedStatusCodes\r\n250-dsn\r\n250-X-UNKNOWN PIPELINING\r\n250 AUTH=login  plain\r\n");
  CHECK(e.esmtp);
  CHECK_FALSE(e.pipelining);  // only on the greeting line and as another keyword's argument
  CHECK(e.size);
  CHECK(e.size_limit == 2048);
  CHECK(e.eightbitmime);
  CHECK(e.enhanced_status_codes);
  CHECK(e.dsn);
  CHECK(e.auth_login);
  CHECK(e.auth_plain);
  const ServerExtensions bare = extensions("250-mx\r\n250-SIZE\r\n250-\r\n250 AUTH=\r\n");
  CHECK(bare.size);
  CHECK(bare.size_limit == 0);  // SIZE without a number: no limit given
  CHECK_FALSE(bare.auth_plain);
  CHECK_FALSE(bare.auth_login);
}

TEST_CASE("SIZE is declared only when offered and wanted; BODY=8BITMIME when 8-bit", "[client][size]") {
  Transaction t = message();
  t.body_8bit = true;
  SmtpClient c(client_config("pc"), t);
  c.receive(kGreeting);
  c.take_output();
  c.receive(kEhloPipelining);
  CHECK(sent(c).at(0) == "MAIL FROM:<alice@example.org> SIZE=22 BODY=8BITMIME");
  CHECK(c.extensions().size_limit == 1000000);

  SmtpClient no_8bit(client_config("pc"), t);  // BODY only when 8BITMIME is offered
  no_8bit.receive(kGreeting);
  no_8bit.take_output();
  no_8bit.receive(kEhloPlain);
  CHECK(sent(no_8bit) == Lines{"MAIL FROM:<alice@example.org> SIZE=22"});
}

TEST_CASE("EHLO refused with 5xx falls back to HELO", "[client]") {
  SmtpClient c(client_config("pc"), message());
  c.receive(kGreeting);
  c.take_output();
  c.receive("502 5.5.2 Error: command not recognized\r\n");
  CHECK(sent(c) == Lines{"HELO pc"});
  c.receive("250 mx.example.com\r\n");
  CHECK(sent(c) == Lines{"MAIL FROM:<alice@example.org>"});  // no extensions known
}

TEST_CASE("a refused greeting ends in QUIT", "[client]") {
  SmtpClient c(client_config("pc"), message());
  c.receive("554 5.7.1 go away\r\n");
  CHECK(sent(c) == Lines{"QUIT"});
  CHECK(c.result().outcome == ClientResult::Outcome::Permanent);
  CHECK(c.result().stage == "greeting");
  CHECK(c.result().recipients.empty());  // failed before RCPT: last_reply applies to all
  CHECK(c.result().last_reply.code == 554);
  c.receive("221 Bye\r\n");
  CHECK(c.done());
}

TEST_CASE("421 at any point ends the session without QUIT", "[client]") {
  SmtpClient c(client_config("pc"), message());
  c.receive(kGreeting);
  c.take_output();
  c.receive("421 4.3.2 Service shutting down\r\n");
  CHECK(c.take_output().empty());
  CHECK(c.done());
  CHECK(c.result().outcome == ClientResult::Outcome::Transient);
  CHECK(c.result().stage == "ehlo");
}

TEST_CASE("AUTH PLAIN is preferred, AUTH LOGIN is used when it is the only one", "[client][auth]") {
  SmtpClient plain(client_config("pc", {.user = "alice", .password = "secret"}), message());
  plain.receive(kGreeting);
  plain.take_output();
  plain.receive("250-mx\r\n250 AUTH LOGIN PLAIN\r\n");
  CHECK(sent(plain) == Lines{"AUTH PLAIN " + mailsim::base64_encode(std::string("\0alice\0secret", 13))});
  CHECK(plain.phase() == SmtpClient::Phase::Auth);
  plain.receive("235 2.7.0 Authentication successful\r\n");
  CHECK(sent(plain) == Lines{"MAIL FROM:<alice@example.org>"});

  SmtpClient login(client_config("pc", {.user = "alice", .password = "secret"}), message());
  login.receive(kGreeting);
  login.take_output();
  login.receive("250-mx\r\n250 AUTH=LOGIN\r\n");
  CHECK(sent(login) == Lines{"AUTH LOGIN"});
  login.receive("334 VXNlcm5hbWU6\r\n");
  CHECK(sent(login) == Lines{"YWxpY2U="});
  login.receive("334 UGFzc3dvcmQ6\r\n");
  CHECK(sent(login) == Lines{"c2VjcmV0"});
  login.receive("535 5.7.8 Error: authentication failed\r\n");
  CHECK(sent(login) == Lines{"QUIT"});
  CHECK(login.result().outcome == ClientResult::Outcome::Permanent);
  CHECK(login.result().stage == "auth");
}

TEST_CASE("connection lost mid-DATA gives ConnectionLost", "[client]") {
  SmtpClient c(client_config("pc"), message());
  c.receive(kGreeting);
  c.receive(kEhloPipelining);
  c.receive("250 Ok\r\n250 Ok\r\n250 Ok\r\n354 go\r\n");
  c.take_output();
  CHECK(c.phase() == SmtpClient::Phase::DataEnd);
  c.connection_lost();
  CHECK(c.done());
  CHECK(c.result().outcome == ClientResult::Outcome::ConnectionLost);
  CHECK(c.result().stage == "content");
  c.receive("250 too late\r\n");
  CHECK(c.result().outcome == ClientResult::Outcome::ConnectionLost);
}

TEST_CASE("connection lost mid-RCPT lists only the answered recipients", "[client]") {
  SmtpClient c(client_config("pc"), message());
  c.receive(kGreeting);
  c.receive(kEhloPipelining);
  c.receive("250 Ok\r\n550 5.1.1 no such user\r\n");
  c.connection_lost();
  CHECK(c.result().outcome == ClientResult::Outcome::ConnectionLost);
  CHECK(c.result().stage == "rcpt");
  REQUIRE(c.result().recipients.size() == 1);
  CHECK(c.result().recipients[0].rcpt == "bob@example.com");
  CHECK(c.result().recipients[0].reply.code == 550);
}

TEST_CASE("connection lost after delivery keeps Delivered", "[client]") {
  SmtpClient c(client_config("pc"), message());
  c.receive(kGreeting);
  c.receive(kEhloPipelining);
  c.receive("250 Ok\r\n250 Ok\r\n250 Ok\r\n354 go\r\n250 Ok queued\r\n");
  c.connection_lost();
  CHECK(c.done());
  CHECK(c.result().outcome == ClientResult::Outcome::Delivered);
}

TEST_CASE("timeout ends the attempt as Transient without waiting", "[client]") {
  SmtpClient c(client_config("pc"), message());
  c.receive(kGreeting);
  c.take_output();
  c.timeout();
  CHECK(c.done());
  CHECK(c.result().outcome == ClientResult::Outcome::Transient);
  CHECK(c.result().stage == "ehlo");
  CHECK(c.result().last_reply.code == 421);
}

TEST_CASE("malformed replies are a transient protocol error followed by QUIT", "[client]") {
  SECTION("not a reply at all") {
    SmtpClient c(client_config("pc"), message());
    c.receive("HTTP/1.1 400 Bad Request\r\n");
    CHECK(sent(c) == Lines{"QUIT"});
    CHECK(c.done());
    CHECK(c.result().outcome == ClientResult::Outcome::Transient);
    CHECK(c.result().stage == "greeting");
  }
  SECTION("a code change inside a multi-line reply") {
    SmtpClient c(client_config("pc"), message());
    c.receive(kGreeting);
    c.take_output();
    c.receive("250-mx\r\n251 odd\r\n");
    CHECK(sent(c) == Lines{"QUIT"});
    CHECK(c.result().outcome == ClientResult::Outcome::Transient);
  }
  SECTION("an endless line stays bounded") {
    SmtpClient c(client_config("pc"), message());
    for (int i = 0; i < 100; ++i) {
      c.receive("220-" + std::string(1000, 'x'));
      CHECK(c.buffered_bytes() <= 2 * ReplyParser::kMaxReplyText);
    }
    CHECK_FALSE(c.done());  // still no line end: the wrapper's timer will call timeout()
    c.receive("\r\n");
    CHECK(sent(c) == Lines{"QUIT"});
    CHECK(c.done());
    CHECK(c.result().outcome == ClientResult::Outcome::Transient);
  }
  SECTION("an endless multi-line reply stays bounded") {
    SmtpClient c(client_config("pc"), message());
    for (int i = 0; i < 1000 && !c.done(); ++i) c.receive("220-more\r\n");
    CHECK(c.done());
  }
}

TEST_CASE("unsafe addresses are refused locally, never written on the wire", "[client]") {
  Transaction t = message();
  t.rcpt_to = {"bob@example.com\r\nRCPT TO:<evil@example.net>", "carol@example.com"};
  SmtpClient c(client_config("pc"), t);
  c.receive(kGreeting);
  c.take_output();
  c.receive(kEhloPipelining);
  const Lines out = sent(c);
  CHECK(out == Lines{"MAIL FROM:<alice@example.org> SIZE=22", "RCPT TO:<carol@example.com>", "DATA"});
  c.receive("250 Ok\r\n250 Ok\r\n354 go\r\n250 Ok\r\n");
  CHECK(c.result().outcome == ClientResult::Outcome::Delivered);
  CHECK(c.result().recipients[0].reply.code == 553);
  CHECK(c.result().recipients[1].reply.code == 250);
}

TEST_CASE("a refused MAIL in a pipelined batch consumes the batch replies, then QUITs", "[client][pipelining]") {
  SmtpClient c(client_config("pc"), message());
  c.receive(kGreeting);
  c.receive(kEhloPipelining);
  c.take_output();
  c.receive("553 5.7.1 sender refused\r\n503 5.5.1 need MAIL\r\n");
  CHECK(sent(c).empty());
  c.receive("503 5.5.1 need MAIL\r\n503 5.5.1 need MAIL\r\n");
  CHECK(sent(c) == Lines{"QUIT"});
  CHECK(c.result().outcome == ClientResult::Outcome::Permanent);
  CHECK(c.result().stage == "mail");
  CHECK(c.result().last_reply.code == 553);
  CHECK(c.result().recipients.empty());  // the 503s to the RCPTs say nothing about them
}

TEST_CASE("the client's reply parser keeps enhanced codes and multi-line text", "[client][reply]") {
  ReplyParser p;
  p.feed("250-mx.example.com\r\n250-PIPELINING\r\n25");
  CHECK_FALSE(p.next());
  p.feed("0 SIZE 100\r\n550 5.1.1 <x@y>: User unknown\r\n354\r\n");
  const std::optional<Reply> ehlo = p.next();
  REQUIRE(ehlo);
  CHECK(ehlo->text == ReplyText{"mx.example.com", "PIPELINING", "SIZE 100"});
  CHECK(ehlo->enhanced.empty());
  const std::optional<Reply> refusal = p.next();
  REQUIRE(refusal);
  CHECK(refusal->code == 550);
  CHECK(refusal->enhanced == "5.1.1");
  CHECK(refusal->text == ReplyText{"<x@y>: User unknown"});
  const std::optional<Reply> bare = p.next();
  REQUIRE(bare);
  CHECK(bare->code == 354);
  CHECK_FALSE(p.next());
  CHECK_FALSE(p.malformed());
}
