// AUTH PLAIN / LOGIN (RFC 4954) and submission rules (RFC 6409).
#include <catch2/catch.hpp>

#include "sim/base64.hpp"
#include "smtp_test_helpers.hpp"

using namespace smtp_test;
using Lines = std::vector<std::string>;
using mailsim::base64_encode;

namespace {
SmtpServer make_server(TestPolicy& policy, bool submission) {
  ServerConfig config = server_config();
  config.offer_auth = true;
  config.submission = submission;
  return SmtpServer(config, policy);
}
std::string plain(std::string_view user, std::string_view password) {
  return base64_encode(std::string(1, '\0') + std::string(user) + '\0' + std::string(password));
}
}  // namespace

TEST_CASE("AUTH PLAIN with an initial response succeeds with 235", "[auth]") {
  TestPolicy policy;
  SmtpServer s = make_server(policy, false);
  greet(s);
  CHECK(feed(s, "AUTH PLAIN " + plain("alice", "secret") + "\r\n") == Lines{"235 2.7.0 Authentication successful"});
  CHECK(feed(s, "AUTH PLAIN " + plain("alice", "secret") + "\r\n") == Lines{"503 5.5.1 Error: already authenticated"});
  // Authenticated users may relay.
  feed(s, "MAIL FROM:<alice@example.org>\r\n");
  CHECK(feed(s, "RCPT TO:<x@elsewhere.net>\r\n") == Lines{"250 2.1.5 Ok"});
  CHECK(s.envelope().auth_user == "alice");
}

TEST_CASE("AUTH PLAIN without initial response gets an empty 334 challenge", "[auth]") {
  TestPolicy policy;
  SmtpServer s = make_server(policy, false);
  greet(s);
  CHECK(feed(s, "AUTH PLAIN\r\n") == Lines{"334 "});
  CHECK(s.phase() == SmtpServer::Phase::AuthResponse);
  CHECK(feed(s, plain("alice", "wrong") + "\r\n") == Lines{"535 5.7.8 Error: authentication failed"});
  CHECK(s.phase() == SmtpServer::Phase::Command);
  CHECK(feed(s, "AUTH PLAIN\r\n" + plain("alice", "secret") + "\r\n") == Lines{"334 ", "235 2.7.0 Authentication successful"});
}

TEST_CASE("the third failed AUTH on a connection gets 421 and a hang-up, even pipelined", "[auth]") {
  TestPolicy policy;
  SmtpServer s = make_server(policy, false);
  greet(s);
  std::string guesses;
  for (int i = 0; i < 10; ++i) guesses += "AUTH PLAIN " + plain("alice", "guess" + std::to_string(i)) + "\r\n";
  const Lines out = feed(s, guesses + "AUTH PLAIN " + plain("alice", "secret") + "\r\n");
  CHECK(out == Lines{"535 5.7.8 Error: authentication failed", "535 5.7.8 Error: authentication failed",
                     "535 5.7.8 Error: authentication failed",
                     "421 4.7.0 mx.example.com Error: too many failed logins, closing"});
  CHECK(s.wants_close());
}

TEST_CASE("AUTH PLAIN refuses acting for another identity", "[auth]") {
  TestPolicy policy;
  SmtpServer s = make_server(policy, false);
  greet(s);
  const std::string proxy = base64_encode(std::string("bob") + '\0' + "alice" + '\0' + "secret");
  CHECK(feed(s, "AUTH PLAIN " + proxy + "\r\n") == Lines{"535 5.7.8 Error: authentication failed"});
  CHECK(feed(s, "AUTH PLAIN " + base64_encode("no-nuls") + "\r\n") == Lines{"501 5.5.2 Error: malformed PLAIN response"});
}

TEST_CASE("AUTH LOGIN walks the Username/Password challenges", "[auth]") {
  TestPolicy policy;
  SmtpServer s = make_server(policy, false);
  greet(s);
  CHECK(feed(s, "AUTH LOGIN\r\n") == Lines{"334 VXNlcm5hbWU6"});
  CHECK(feed(s, base64_encode("alice") + "\r\n") == Lines{"334 UGFzc3dvcmQ6"});
  CHECK(feed(s, base64_encode("nope") + "\r\n") == Lines{"535 5.7.8 Error: authentication failed"});
  CHECK(feed(s, "AUTH LOGIN " + base64_encode("alice") + "\r\n") == Lines{"334 UGFzc3dvcmQ6"});
  CHECK(feed(s, base64_encode("secret") + "\r\n") == Lines{"235 2.7.0 Authentication successful"});
}

TEST_CASE("AUTH cancel, bad base64, unknown mechanism, wrong state", "[auth]") {
  TestPolicy policy;
  SmtpServer s = make_server(policy, false);
  s.start();
  s.take_output();
  CHECK(feed(s, "AUTH PLAIN " + plain("alice", "secret") + "\r\n") == Lines{"503 5.5.1 Error: send HELO/EHLO first"});
  feed(s, "EHLO pc.example.org\r\n");
  CHECK(feed(s, "AUTH LOGIN\r\n*\r\n") == Lines{"334 VXNlcm5hbWU6", "501 5.7.0 Authentication cancelled"});
  CHECK(feed(s, "AUTH PLAIN !!!!\r\n") == Lines{"501 5.5.2 Error: cannot decode response"});
  CHECK(feed(s, "AUTH CRAM-MD5\r\n") == Lines{"504 5.5.4 Error: unsupported authentication mechanism"});
  CHECK(feed(s, "AUTH\r\n") == Lines{"501 5.5.4 Syntax: AUTH mechanism"});
  feed(s, "MAIL FROM:<alice@example.org>\r\n");
  CHECK(feed(s, "AUTH PLAIN " + plain("alice", "secret") + "\r\n") ==
        Lines{"503 5.5.1 Error: MAIL transaction in progress"});
}

TEST_CASE("AUTH is not available unless offered", "[auth]") {
  TestPolicy policy;
  SmtpServer s(server_config(), policy);
  greet(s);
  CHECK(feed(s, "AUTH PLAIN " + plain("alice", "secret") + "\r\n") ==
        Lines{"502 5.5.1 Error: authentication not enabled"});
}

TEST_CASE("submission requires AUTH before MAIL", "[auth][submission]") {
  TestPolicy policy;
  SmtpServer s = make_server(policy, true);
  greet(s);
  CHECK(feed(s, "MAIL FROM:<alice@example.org>\r\n") == Lines{"530 5.7.0 Authentication required"});
  CHECK(feed(s, "AUTH PLAIN " + plain("alice", "secret") + "\r\n") == Lines{"235 2.7.0 Authentication successful"});
  CHECK(feed(s, "MAIL FROM:<alice@example.org>\r\n") == Lines{"250 2.1.0 Ok"});
}

TEST_CASE("submission advertises AUTH even when offer_auth is false", "[auth][submission]") {
  TestPolicy policy;
  ServerConfig config = server_config();
  config.submission = true;
  SmtpServer s(config, policy);
  s.start();
  const Lines ehlo = feed(s, "EHLO pc\r\n");
  CHECK(ehlo.back() == "250 AUTH PLAIN LOGIN");
}

TEST_CASE("a policy that throws becomes 454/451 and the session goes on", "[auth][policy]") {
  struct Throwing : TestPolicy {
    bool authenticate(std::string_view, std::string_view) override { throw std::runtime_error("db down"); }
    Reply check_recipient(const Envelope&, const Path&) override { throw std::runtime_error("db down"); }
  } policy;
  ServerConfig config = server_config();
  config.offer_auth = true;
  SmtpServer s(config, policy);
  greet(s);
  CHECK(feed(s, "AUTH PLAIN " + plain("alice", "secret") + "\r\n") == Lines{"454 4.7.0 Temporary authentication failure"});
  feed(s, "MAIL FROM:<alice@example.org>\r\n");
  CHECK(feed(s, "RCPT TO:<bob@example.com>\r\n") == Lines{"451 4.3.0 Error: temporary local problem"});
  CHECK(feed(s, "NOOP\r\n") == Lines{"250 2.0.0 Ok"});
}
