// The cores keep what they read from a real peer when asked (live mode): the server its
// client's command lines (never the message text, only the final dot), the client its
// server's reply lines; so the agents trace a real program's lines from their own parse
// instead of the bridge parsing the bytes a third time.
#include <catch2/catch.hpp>

#include "smtp_test_helpers.hpp"

using namespace smtp_test;

namespace {
std::vector<std::string> texts(const std::vector<mailsim::Line>& lines) {
  std::vector<std::string> out;
  for (const auto& l : lines) out.push_back(l.text);
  return out;
}
}  // namespace

TEST_CASE("the server keeps the client's lines but not the message text", "[server][keep_input]") {
  TestPolicy policy;
  SmtpServer s(server_config(), policy);
  s.keep_input(true);
  s.start();
  s.take_output();
  s.receive("EHLO pc\r\nMAIL FROM:<alice@example.org>\r\nRCPT TO:<bob@example.com>\r\nDATA\r\n");
  s.receive("Subject: secret\r\n\r\nbody line\r\n.\r\nQUIT\r\n");
  CHECK(texts(s.take_input()) == std::vector<std::string>{"EHLO pc", "MAIL FROM:<alice@example.org>",
                                                         "RCPT TO:<bob@example.com>", "DATA", ".", "QUIT"});
  CHECK(s.take_input().empty());

  SmtpServer quiet(server_config(), policy);  // not asked: keeps nothing
  quiet.start();
  quiet.receive("EHLO pc\r\n");
  CHECK(quiet.take_input().empty());
}

TEST_CASE("the client keeps the server's reply lines, also those read before it closed", "[client][keep_input]") {
  Transaction t{"alice@example.org", {"bob@example.com"}, "Subject: hi\r\n\r\nHello\r\n", false};
  SmtpClient c(client_config("mail.example.org"), t);
  c.keep_input(true);
  c.receive("220 real.example.com ESMTP\r\n");
  c.receive("250-real.example.com\r\n250 PIPELINING\r\n");
  CHECK(texts(c.take_input()) == std::vector<std::string>{"220 real.example.com ESMTP", "250-real.example.com",
                                                         "250 PIPELINING"});
  c.take_output();
  c.receive("250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n354 go\r\n");
  c.take_output();
  c.receive("250 2.0.0 Ok: stored\r\n221 2.0.0 Bye\r\n");
  CHECK(c.done());
  CHECK(texts(c.take_input()) == std::vector<std::string>{"250 2.1.0 Ok", "250 2.1.5 Ok", "354 go",
                                                         "250 2.0.0 Ok: stored", "221 2.0.0 Bye"});
}
