// Server and client wired back to back: exact transcripts, dot-stuffing round trips, and
// byte-at-a-time delivery giving the same dialogue as whole chunks.
#include <catch2/catch.hpp>

#include <algorithm>

#include "smtp_test_helpers.hpp"

using namespace smtp_test;

namespace {
const std::string kContent = "From: alice@example.org\r\nSubject: hi\r\n\r\nHello Bob\r\n";

Transaction alice_to_bob(std::string content = kContent) {
  return Transaction{"alice@example.org", {"bob@example.com"}, std::move(content), false};
}
}  // namespace

TEST_CASE("lock-step dialogue produces the exact RFC 5321 transcript", "[dialogue]") {
  TestPolicy policy;
  SmtpServer server(server_config(), policy);
  SmtpClient client(client_config("client.example.org", {.pipelining = false, .declare_size = false}), alice_to_bob());
  const Dialogue d = run_dialogue(server, client);
  const std::vector<std::string> expected = {
      "S: 220 mx.example.com ESMTP mailsim",
      "C: EHLO client.example.org",
      "S: 250-mx.example.com",
      "S: 250-PIPELINING",
      "S: 250-SIZE 10485760",
      "S: 250-8BITMIME",
      "S: 250 ENHANCEDSTATUSCODES",
      "C: MAIL FROM:<alice@example.org>",
      "S: 250 2.1.0 Ok",
      "C: RCPT TO:<bob@example.com>",
      "S: 250 2.1.5 Ok",
      "C: DATA",
      "S: 354 End data with <CR><LF>.<CR><LF>",
      "C: <content>",
      "C: .",
      "S: 250 2.0.0 Ok: queued as Q1",
      "C: QUIT",
      "S: 221 2.0.0 Bye",
  };
  CHECK(d.transcript == expected);
  CHECK(d.client_bytes ==
        "EHLO client.example.org\r\nMAIL FROM:<alice@example.org>\r\nRCPT TO:<bob@example.com>\r\n"
        "DATA\r\n" + kContent + ".\r\nQUIT\r\n");
  REQUIRE(client.done());
  CHECK(client.result().outcome == ClientResult::Outcome::Delivered);
  CHECK(client.result().last_reply.code == 250);
  REQUIRE(client.result().recipients.size() == 1);
  CHECK(client.result().recipients[0].reply.summary() == "250 2.0.0 Ok: queued as Q1");
  CHECK(server.wants_close());

  const std::vector<Accepted> accepted = server.take_accepted();
  REQUIRE(accepted.size() == 1);
  CHECK(accepted[0].queue_id == "Q1");
  CHECK(accepted[0].content == kContent);
  CHECK(accepted[0].envelope.helo == "client.example.org");
  CHECK(accepted[0].envelope.mail_from.str() == "alice@example.org");
  REQUIRE(accepted[0].envelope.rcpt_to.size() == 1);
  CHECK(accepted[0].envelope.rcpt_to[0].str() == "bob@example.com");
  CHECK(server.accepted_count() == 1);
}

TEST_CASE("pipelined dialogue batches MAIL, RCPTs and DATA and declares SIZE", "[dialogue]") {
  TestPolicy policy;
  SmtpServer server(server_config(), policy);
  Transaction t = alice_to_bob();
  t.rcpt_to.push_back("carol@example.com");
  SmtpClient client(client_config("client.example.org"), t);
  const Dialogue d = run_dialogue(server, client);
  const std::string size = std::to_string(kContent.size());
  const std::vector<std::string> expected = {
      "S: 220 mx.example.com ESMTP mailsim",
      "C: EHLO client.example.org",
      "S: 250-mx.example.com",
      "S: 250-PIPELINING",
      "S: 250-SIZE 10485760",
      "S: 250-8BITMIME",
      "S: 250 ENHANCEDSTATUSCODES",
      "C: MAIL FROM:<alice@example.org> SIZE=" + size,
      "C: RCPT TO:<bob@example.com>",
      "C: RCPT TO:<carol@example.com>",
      "C: DATA",
      "S: 250 2.1.0 Ok",
      "S: 250 2.1.5 Ok",
      "S: 250 2.1.5 Ok",
      "S: 354 End data with <CR><LF>.<CR><LF>",
      "C: <content>",
      "C: .",
      "S: 250 2.0.0 Ok: queued as Q1",
      "C: QUIT",
      "S: 221 2.0.0 Bye",
  };
  CHECK(d.transcript == expected);
  CHECK(client.result().outcome == ClientResult::Outcome::Delivered);
  const std::vector<Accepted> accepted = server.take_accepted();
  REQUIRE(accepted.size() == 1);
  CHECK(accepted[0].envelope.declared_size == kContent.size());
  CHECK(accepted[0].envelope.rcpt_to.size() == 2);
}

TEST_CASE("dot-stuffing round-trips lines made of dots", "[dialogue][dots]") {
  const std::string content = ".hidden\r\n..\r\n.\r\nmiddle . dot\r\n...three\r\n";
  TestPolicy policy;
  SmtpServer server(server_config(), policy);
  SmtpClient client(client_config("client.example.org"), alice_to_bob(content));
  const Dialogue d = run_dialogue(server, client);
  // On the wire every leading dot is doubled and the lone terminator follows.
  CHECK(d.client_bytes.find("DATA\r\n..hidden\r\n...\r\n..\r\nmiddle . dot\r\n....three\r\n.\r\nQUIT\r\n") !=
        std::string::npos);
  const std::vector<Accepted> accepted = server.take_accepted();
  REQUIRE(accepted.size() == 1);
  CHECK(accepted[0].content == content);
}

TEST_CASE("content without a final CRLF or with bare LFs is canonicalised by the client", "[dialogue]") {
  TestPolicy policy;
  SmtpServer server(server_config(), policy);
  SmtpClient client(client_config("client.example.org"), alice_to_bob("Subject: x\n\nno newline at end"));
  run_dialogue(server, client);
  const std::vector<Accepted> accepted = server.take_accepted();
  REQUIRE(accepted.size() == 1);
  CHECK(accepted[0].content == "Subject: x\r\n\r\nno newline at end\r\n");
}

TEST_CASE("byte-at-a-time delivery gives the same transcript as whole chunks", "[dialogue]") {
  auto run = [](bool bytewise, bool pipelining) {
    TestPolicy policy;
    ServerConfig config = server_config();
    config.offer_auth = true;
    SmtpServer server(config, policy);
    Transaction t = alice_to_bob(".dot first\r\nbody\r\n");
    t.rcpt_to = {"bob@example.com", "nobody@example.com", "carol@example.com"};
    ClientConfig cc = client_config("client.example.org", {.pipelining = pipelining, .user = "alice", .password = "secret"});
    SmtpClient client(cc, t);
    Dialogue d = run_dialogue(server, client, bytewise);
    CHECK(client.result().outcome == ClientResult::Outcome::Delivered);
    CHECK(server.accepted_count() == 1);
    return d;
  };
  for (bool pipelining : {true, false}) {
    const Dialogue whole = run(false, pipelining);
    const Dialogue bytes = run(true, pipelining);
    CHECK(whole.transcript == bytes.transcript);
    CHECK(whole.client_bytes == bytes.client_bytes);
    CHECK(whole.server_bytes == bytes.server_bytes);
  }
}

TEST_CASE("partial recipient failure delivers to the accepted ones and reports the rest", "[dialogue]") {
  TestPolicy policy;
  SmtpServer server(server_config(), policy);
  Transaction t = alice_to_bob();
  t.rcpt_to = {"bob@example.com", "nobody@example.com", "busy@example.com"};
  SmtpClient client(client_config("client.example.org"), t);
  run_dialogue(server, client);
  const ClientResult& r = client.result();
  CHECK(r.outcome == ClientResult::Outcome::Delivered);
  REQUIRE(r.recipients.size() == 3);
  CHECK(r.recipients[0].rcpt == "bob@example.com");
  CHECK(r.recipients[0].reply.code == 250);
  CHECK(r.recipients[0].reply.text[0] == "Ok: queued as Q1");
  CHECK(r.recipients[1].reply.code == 550);
  CHECK(r.recipients[1].reply.enhanced == "5.1.1");
  CHECK(r.recipients[2].reply.code == 452);
  const std::vector<Accepted> accepted = server.take_accepted();
  REQUIRE(accepted.size() == 1);
  REQUIRE(accepted[0].envelope.rcpt_to.size() == 1);
  CHECK(accepted[0].envelope.rcpt_to[0].str() == "bob@example.com");
}

TEST_CASE("no accepted recipient ends in QUIT with the recipients' verdict", "[dialogue]") {
  for (bool pipelining : {true, false}) {
    TestPolicy policy;
    SmtpServer server(server_config(), policy);
    Transaction t = alice_to_bob();
    t.rcpt_to = {"nobody@example.com", "stranger@elsewhere.net"};
    SmtpClient client(client_config("client.example.org", {.pipelining = pipelining}), t);
    const Dialogue d = run_dialogue(server, client);
    CHECK(client.result().outcome == ClientResult::Outcome::Permanent);
    CHECK(client.result().stage == "rcpt");
    CHECK(client.result().recipients[1].reply.enhanced == "5.7.1");
    CHECK(server.accepted_count() == 0);
    CHECK(d.transcript.back() == "S: 221 2.0.0 Bye");
    // Pipelined, DATA was already sent and refused with 554 (RFC 2920); lock-step never sends it.
    const bool data_refused =
        std::find(d.transcript.begin(), d.transcript.end(), "S: 554 5.5.1 Error: no valid recipients") !=
        d.transcript.end();
    CHECK(data_refused == pipelining);
  }
}

TEST_CASE("a transiently refused recipient makes the whole attempt transient", "[dialogue]") {
  TestPolicy policy;
  SmtpServer server(server_config(), policy);
  Transaction t = alice_to_bob();
  t.rcpt_to = {"nobody@example.com", "busy@example.com"};
  SmtpClient client(client_config("client.example.org"), t);
  run_dialogue(server, client);
  CHECK(client.result().outcome == ClientResult::Outcome::Transient);
  CHECK(client.result().last_reply.code == 452);
}

TEST_CASE("a message refused after the dot is reported for every accepted recipient", "[dialogue]") {
  TestPolicy policy;
  SmtpServer server(server_config(), policy);
  Transaction t = alice_to_bob("Subject: VIRUS\r\n\r\nx\r\n");
  t.rcpt_to.push_back("carol@example.com");
  SmtpClient client(client_config("client.example.org"), t);
  run_dialogue(server, client);
  CHECK(client.result().outcome == ClientResult::Outcome::Permanent);
  CHECK(client.result().stage == "content");
  for (const RecipientResult& r : client.result().recipients) CHECK(r.reply.code == 554);
  CHECK(server.take_accepted().empty());
}

TEST_CASE("a message over SIZE is refused at MAIL and the client reports it", "[dialogue][size]") {
  TestPolicy policy;
  ServerConfig config = server_config();
  config.max_message_size = 20;
  SmtpServer server(config, policy);
  SmtpClient client(client_config("client.example.org"), alice_to_bob());
  const Dialogue d = run_dialogue(server, client);
  CHECK(client.result().outcome == ClientResult::Outcome::Permanent);
  CHECK(client.result().stage == "mail");
  CHECK(client.result().last_reply.code == 552);
  CHECK(client.result().last_reply.enhanced == "5.3.4");
  CHECK(d.transcript.back() == "S: 221 2.0.0 Bye");
}

TEST_CASE("submission: the client authenticates and may then relay", "[dialogue][auth]") {
  TestPolicy policy;
  ServerConfig config = server_config();
  config.submission = true;
  SmtpServer server(config, policy);
  Transaction t{"alice@example.org", {"someone@elsewhere.net"}, kContent, false};
  SmtpClient client(client_config("pc.example.org", {.user = "alice", .password = "secret"}), t);
  const Dialogue d = run_dialogue(server, client);
  CHECK(client.result().outcome == ClientResult::Outcome::Delivered);
  CHECK(std::find(d.transcript.begin(), d.transcript.end(), "C: AUTH PLAIN AGFsaWNlAHNlY3JldA==") !=
        d.transcript.end());
  const std::vector<Accepted> accepted = server.take_accepted();
  REQUIRE(accepted.size() == 1);
  CHECK(accepted[0].envelope.auth_user == "alice");
}

TEST_CASE("submission with a wrong password ends Permanent at the auth stage", "[dialogue][auth]") {
  TestPolicy policy;
  ServerConfig config = server_config();
  config.submission = true;
  SmtpServer server(config, policy);
  SmtpClient client(client_config("pc.example.org", {.user = "alice", .password = "guess"}),
                    alice_to_bob());
  run_dialogue(server, client);
  CHECK(client.result().outcome == ClientResult::Outcome::Permanent);
  CHECK(client.result().stage == "auth");
  CHECK(client.result().last_reply.code == 535);
}
