// Connection reuse in the client core (Postfix's connection cache): after the reply to the
// final dot a keep_open transaction leaves the client idle instead of sending QUIT; the next
// transaction starts with an RSET probe; a refused or lost probe says the transaction never
// started; quit() and hang_up() end an idle client.
#include <catch2/catch.hpp>

#include "smtp_test_helpers.hpp"

using namespace smtp_test;
using Lines = std::vector<std::string>;

namespace {
constexpr const char* kGreeting = "220 mx.example.com ESMTP\r\n";
constexpr const char* kEhlo = "250-mx.example.com\r\n250-PIPELINING\r\n250 ENHANCEDSTATUSCODES\r\n";

Transaction to(const std::string& rcpt, bool keep_open) {
  Transaction t{"alice@example.org", {rcpt}, "Subject: hi\r\n\r\nHello\r\n", false};
  t.keep_open = keep_open;
  return t;
}
Lines sent(SmtpClient& c) { return lines_of(c.take_output()); }

// Greeting, EHLO, one pipelined transaction, up to the reply to the dot.
void first_transaction(SmtpClient& c, const char* dot_reply) {
  c.receive(kGreeting);
  c.take_output();
  c.receive(kEhlo);
  c.take_output();
  c.receive("250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n354 go\r\n");
  c.take_output();
  c.receive(dot_reply);
}
}  // namespace

TEST_CASE("a keep_open transaction ends idle, without QUIT, and the next one starts with RSET", "[client][reuse]") {
  SmtpClient c(client_config("mail.example.org"), to("bob@example.com", true));
  first_transaction(c, "250 2.0.0 Ok: queued as A\r\n");
  CHECK(sent(c).empty());
  CHECK(c.idle());
  CHECK_FALSE(c.done());
  CHECK(c.phase() == SmtpClient::Phase::Idle);
  CHECK(c.result().outcome == ClientResult::Outcome::Delivered);

  c.next(to("carol@example.com", false));
  CHECK(sent(c) == Lines{"RSET"});
  CHECK(c.phase() == SmtpClient::Phase::Probe);
  c.receive("250 2.0.0 Ok\r\n");
  CHECK(sent(c) == Lines{"MAIL FROM:<alice@example.org>", "RCPT TO:<carol@example.com>", "DATA"});
  c.receive("250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n354 go\r\n");
  c.take_output();
  c.receive("250 2.0.0 Ok: queued as B\r\n");
  // Not kept this time: QUIT, as before.
  CHECK(sent(c) == Lines{"QUIT"});
  CHECK(c.result().outcome == ClientResult::Outcome::Delivered);
  CHECK(c.result().last_reply.summary().find("queued as B") != std::string::npos);
  REQUIRE(c.result().recipients.size() == 1);
  CHECK(c.result().recipients[0].rcpt == "carol@example.com");
  c.receive("221 2.0.0 Bye\r\n");
  CHECK(c.done());
}

TEST_CASE("a refused transaction also leaves a kept connection idle after the dot", "[client][reuse]") {
  SmtpClient c(client_config("mail.example.org"), to("bob@example.com", true));
  first_transaction(c, "554 5.7.1 content refused\r\n");
  CHECK(c.idle());
  CHECK(c.result().outcome == ClientResult::Outcome::Permanent);
}

TEST_CASE("a refused, lost or silent RSET probe: the transaction never started", "[client][reuse]") {
  auto idle_client = [] {
    auto c = std::make_unique<SmtpClient>(client_config("mail.example.org"), to("bob@example.com", true));
    first_transaction(*c, "250 2.0.0 Ok\r\n");
    c->take_output();
    c->next(to("carol@example.com", true));
    c->take_output();
    return c;
  };
  SECTION("refused") {
    auto c = idle_client();
    c->receive("421 4.3.2 shutting down\r\n");
    CHECK(c->done());
    CHECK(c->result().probe_failed);
    CHECK(c->result().stage == "rset");
  }
  SECTION("500") {
    auto c = idle_client();
    c->receive("500 5.5.1 what\r\n");
    CHECK(c->done());
    CHECK(sent(*c).empty());  // dropped without QUIT, as Postfix drops the session
    CHECK(c->result().probe_failed);
  }
  SECTION("lost") {
    auto c = idle_client();
    c->connection_lost();
    CHECK(c->done());
    CHECK(c->result().probe_failed);
  }
  SECTION("silent") {
    auto c = idle_client();
    c->timeout();
    CHECK(c->done());
    CHECK(c->result().probe_failed);
  }
}

TEST_CASE("an idle client ends with quit() politely or with hang_up() silently", "[client][reuse]") {
  SmtpClient polite(client_config("mail.example.org"), to("bob@example.com", true));
  first_transaction(polite, "250 2.0.0 Ok\r\n");
  polite.quit();
  CHECK(sent(polite) == Lines{"QUIT"});
  polite.receive("221 2.0.0 Bye\r\n");
  CHECK(polite.done());

  SmtpClient silent(client_config("mail.example.org"), to("bob@example.com", true));
  first_transaction(silent, "250 2.0.0 Ok\r\n");
  silent.hang_up();
  CHECK(sent(silent).empty());
  CHECK(silent.done());

  SmtpClient dropped(client_config("mail.example.org"), to("bob@example.com", true));
  first_transaction(dropped, "250 2.0.0 Ok\r\n");
  dropped.connection_lost();  // the server closed an idle connection: nothing was under way
  CHECK(dropped.done());
  CHECK(dropped.result().outcome == ClientResult::Outcome::Delivered);
}

TEST_CASE("a kept transaction refused before the dot ends with a final RSET, then idle", "[client][reuse]") {
  SmtpClient c(client_config("mail.example.org"), to("nobody@example.com", true));
  c.receive(kGreeting);
  c.take_output();
  c.receive(kEhlo);
  c.take_output();
  c.receive("250 2.1.0 Ok\r\n550 5.1.1 <nobody@example.com>: User unknown\r\n554 5.5.1 Error: no valid recipients\r\n");
  CHECK(sent(c) == Lines{"RSET"});
  CHECK(c.result().outcome == ClientResult::Outcome::Permanent);
  CHECK_FALSE(c.idle());
  c.receive("250 2.0.0 Ok\r\n");
  CHECK(c.idle());
  CHECK(c.result().outcome == ClientResult::Outcome::Permanent);
  CHECK_FALSE(c.result().probe_failed);
  REQUIRE(c.result().recipients.size() == 1);
  CHECK(c.result().recipients[0].reply.code == 550);

  // Without keep_open the same refusal says QUIT, as before.
  SmtpClient q(client_config("mail.example.org"), to("nobody@example.com", false));
  q.receive(kGreeting);
  q.take_output();
  q.receive(kEhlo);
  q.take_output();
  q.receive("250 2.1.0 Ok\r\n550 5.1.1 <nobody@example.com>: User unknown\r\n554 5.5.1 Error: no valid recipients\r\n");
  CHECK(sent(q) == Lines{"QUIT"});
}
