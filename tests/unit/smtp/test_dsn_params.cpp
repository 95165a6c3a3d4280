// The DSN extension (RFC 3461): parameter parsing and what the server records of it.
#include <catch2/catch.hpp>

#include "agents/smtp/dsn_params.hpp"
#include "smtp_test_helpers.hpp"

using namespace smtp_test;
using Lines = std::vector<std::string>;

TEST_CASE("RET, NOTIFY, ORCPT and ENVID parse as RFC 3461 says", "[dsn]") {
  CHECK(parse_ret("hdrs") == DsnRet::Headers);
  CHECK(parse_ret("FULL") == DsnRet::Full);
  CHECK_FALSE(parse_ret("BODY"));

  const auto never = parse_notify("NEVER");
  REQUIRE(never);
  CHECK(never->never);
  CHECK_FALSE(never->wants_failure());
  const auto some = parse_notify("SUCCESS,delay");
  REQUIRE(some);
  CHECK(some->success);
  CHECK(some->delay);
  CHECK_FALSE(some->wants_failure());
  CHECK(DsnNotify{}.wants_failure());  // not given: the MTA's default
  for (const char* bad : {"", "NEVER,FAILURE", "FAILURE,FAILURE", "SOMETIMES", "SUCCESS,"})
    CHECK_FALSE(parse_notify(bad));

  CHECK(parse_orcpt("rfc822;bob+2B1@example.com") == "rfc822;bob+1@example.com");
  CHECK_FALSE(parse_orcpt("rfc822"));
  CHECK_FALSE(parse_orcpt(";bob@example.com"));
  CHECK_FALSE(parse_orcpt("rfc822;bob+0Aevil@example.com"));  // no line break into a DSN field
  CHECK_FALSE(parse_orcpt("rfc822;bob+zz@example.com"));

  CHECK(parse_envid("QQ314159+2Bx") == "QQ314159+x");
  CHECK_FALSE(parse_envid(std::string(101, 'a')));
  CHECK(xtext_decode(xtext_encode("a+b=c d")) == "a+b=c d");
  CHECK(xtext_encode("a+b=c d") == "a+2Bb+3Dc+20d");
}

TEST_CASE("a server with DSN advertises it and records RET, ENVID, NOTIFY and ORCPT", "[server][dsn]") {
  TestPolicy policy;
  ServerConfig config = server_config();
  config.dsn = true;
  SmtpServer s(config, policy);
  s.start();
  s.take_output();
  const Lines ehlo = feed(s, "EHLO pc.example.org\r\n");
  CHECK(std::find(ehlo.begin(), ehlo.end(), "250 DSN") != ehlo.end());
  CHECK(feed(s, "MAIL FROM:<alice@example.org> RET=HDRS ENVID=QQ314159\r\n") == Lines{"250 2.1.0 Ok"});
  CHECK(s.envelope().dsn_ret == DsnRet::Headers);
  CHECK(s.envelope().envid == "QQ314159");
  CHECK(feed(s, "RCPT TO:<bob@example.com> NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;Bob@example.com\r\n") ==
        Lines{"250 2.1.5 Ok"});
  REQUIRE(s.envelope().rcpt_dsn.size() == 1);
  CHECK(s.envelope().rcpt_dsn[0].notify.failure);
  CHECK(s.envelope().rcpt_dsn[0].orcpt == "rfc822;Bob@example.com");
  CHECK(feed(s, "RCPT TO:<carol@example.com> NOTIFY=NEVER,DELAY\r\n") ==
        Lines{"501 5.5.4 Error: bad NOTIFY parameter syntax"});
  CHECK(feed(s, "RCPT TO:<carol@example.com> ORCPT=x\r\n") == Lines{"501 5.5.4 Error: bad ORCPT parameter syntax"});
  CHECK(feed(s, "RCPT TO:<carol@example.com> FROB=1\r\n") == Lines{"555 5.5.4 Error: unsupported parameter FROB"});
  CHECK(s.envelope().rcpt_dsn.size() == 1);  // refused recipients leave no entry
  CHECK(feed(s, "RSET\r\n") == Lines{"250 2.0.0 Ok"});
  CHECK(feed(s, "MAIL FROM:<alice@example.org> RET=PART\r\n") == Lines{"501 5.5.4 Error: bad RET parameter syntax"});
}

TEST_CASE("a server without DSN refuses its parameters with 555", "[server][dsn]") {
  TestPolicy policy;
  SmtpServer s(server_config(), policy);
  greet(s);
  CHECK(feed(s, "MAIL FROM:<alice@example.org> RET=HDRS\r\n") == Lines{"555 5.5.4 Error: unsupported parameter RET"});
}

TEST_CASE("a client passes RET, ENVID, NOTIFY and ORCPT on to a server that offers DSN", "[client][dsn]") {
  for (const bool offered : {true, false}) {
    TestPolicy policy;
    ServerConfig config = server_config();
    config.dsn = offered;
    SmtpServer server(config, policy);
    Transaction txn;
    txn.mail_from = "alice@example.org";
    txn.rcpt_to = {"bob@example.com", "carol@example.com"};
    txn.content = "Subject: x\r\n\r\nhi\r\n";
    txn.dsn_ret = DsnRet::Headers;
    txn.envid = "A+B";
    txn.rcpt_dsn = {RcptDsn{*parse_notify("FAILURE,DELAY"), "rfc822;Bob@example.com"}};
    SmtpClient client(client_config("pc.example.org"), txn);
    const Dialogue d = run_dialogue(server, client);
    auto sent = [&](const std::string& line) {
      return std::find(d.transcript.begin(), d.transcript.end(), "C: " + line) != d.transcript.end();
    };
    if (offered) {
      CHECK(sent("MAIL FROM:<alice@example.org> SIZE=18 RET=HDRS ENVID=A+2BB"));
      CHECK(sent("RCPT TO:<bob@example.com> NOTIFY=FAILURE,DELAY ORCPT=rfc822;Bob@example.com"));
    } else {  // never a parameter the server did not offer (it would answer 555)
      CHECK(sent("MAIL FROM:<alice@example.org> SIZE=18"));
      CHECK(sent("RCPT TO:<bob@example.com>"));
    }
    CHECK(sent("RCPT TO:<carol@example.com>"));
    CHECK(client.result().outcome == ClientResult::Outcome::Delivered);
  }
}
