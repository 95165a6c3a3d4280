// The DATA phase: un-stuffing, the terminator, size and line limits, and hostile input
// (binary garbage, huge lines) that must neither crash the server nor grow its memory.
#include <catch2/catch.hpp>

#include <random>

#include "smtp_test_helpers.hpp"

using namespace smtp_test;
using Lines = std::vector<std::string>;

namespace {
constexpr const char* kEnvelope = "MAIL FROM:<alice@example.org>\r\nRCPT TO:<bob@example.com>\r\nDATA\r\n";

void start_data(SmtpServer& s) {
  greet(s);
  REQUIRE(feed(s, kEnvelope).back() == "354 End data with <CR><LF>.<CR><LF>");
}

bool sane_reply_line(const std::string& line) {
  if (line.size() < 3 || line.size() > 510) return false;
  for (char c : line)
    if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x7f) return false;
  return line[0] >= '2' && line[0] <= '5' && (line.size() == 3 || line[3] == ' ' || line[3] == '-');
}

std::string random_bytes(std::size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::string out(n, '\0');
  for (char& c : out) c = static_cast<char>(rng() & 0xff);
  return out;
}
}  // namespace

TEST_CASE("the server strips one leading dot and stops at CRLF.CRLF", "[data][dots]") {
  TestPolicy policy;
  SmtpServer s(server_config(), policy);
  start_data(s);
  CHECK(feed(s, "..hidden\r\n...\r\n..\r\nplain\r\n").empty());
  CHECK(feed(s, ".\r\n") == Lines{"250 2.0.0 Ok: queued as Q1"});
  const std::vector<Accepted> accepted = s.take_accepted();
  REQUIRE(accepted.size() == 1);
  CHECK(accepted[0].content == ".hidden\r\n..\r\n.\r\nplain\r\n");
  CHECK(s.phase() == SmtpServer::Phase::Command);
  // The transaction is over: a new one needs MAIL again.
  CHECK(feed(s, "RCPT TO:<bob@example.com>\r\n") == Lines{"503 5.5.1 Error: need MAIL command"});
}

TEST_CASE("an empty message is accepted", "[data]") {
  TestPolicy policy;
  SmtpServer s(server_config(), policy);
  start_data(s);
  CHECK(feed(s, ".\r\n") == Lines{"250 2.0.0 Ok: queued as Q1"});
  CHECK(s.take_accepted().at(0).content.empty());
}

TEST_CASE("queue ids count up per accepted message", "[data]") {
  TestPolicy policy;
  ServerConfig config = server_config();
  config.id_prefix = "mx1-c7-";
  SmtpServer s(config, policy);
  start_data(s);
  CHECK(feed(s, "a\r\n.\r\n") == Lines{"250 2.0.0 Ok: queued as mx1-c7-1"});
  CHECK(feed(s, std::string(kEnvelope) + "b\r\n.\r\n").back() == "250 2.0.0 Ok: queued as mx1-c7-2");
  CHECK(s.accepted_count() == 2);
  CHECK(s.take_accepted().size() == 2);
}

TEST_CASE("a 1001-octet text line gets 500 after the dot and the message is discarded", "[data][limits]") {
  TestPolicy policy;
  SmtpServer s(server_config(), policy);
  start_data(s);
  CHECK(feed(s, std::string(998, 'x') + "\r\n").empty());  // 1000 with CRLF: fine
  CHECK(feed(s, std::string(999, 'y') + "\r\n").empty());
  CHECK(feed(s, ".\r\n") == Lines{"500 5.5.2 Error: line too long in message text; message discarded"});
  CHECK(s.take_accepted().empty());
  CHECK(feed(s, "NOOP\r\n") == Lines{"250 2.0.0 Ok"});
}

TEST_CASE("content over the size limit gets 552 after the dot", "[data][size]") {
  TestPolicy policy;
  ServerConfig config = server_config();
  config.max_message_size = 1024;
  SmtpServer s(config, policy);
  start_data(s);
  for (int i = 0; i < 100; ++i) feed(s, std::string(100, 'z') + "\r\n");
  CHECK(s.buffered_bytes() <= 1024);
  CHECK(feed(s, ".\r\n") == Lines{"552 5.3.4 Error: message file too big"});
  CHECK(s.take_accepted().empty());
  CHECK(s.accepted_count() == 0);
}

TEST_CASE("exactly max_message_size octets are accepted", "[data][size]") {
  TestPolicy policy;
  ServerConfig config = server_config();
  config.max_message_size = 12;
  SmtpServer s(config, policy);
  start_data(s);
  CHECK(feed(s, "0123456789\r\n.\r\n") == Lines{"250 2.0.0 Ok: queued as Q1"});
}

TEST_CASE("bare LF never ends DATA and the message is refused (no SMTP smuggling)", "[data]") {
  TestPolicy policy;
  SmtpServer s(server_config(), policy);
  start_data(s);
  // "\n.\r\n" and ".\n" look like terminators to lenient servers; here they are content,
  // and the smuggled MAIL FROM is never executed as a command.
  CHECK(feed(s, "hello\n.\r\nMAIL FROM:<evil@example.org>\r\n.\n").empty());
  CHECK(s.phase() == SmtpServer::Phase::DataBlock);
  CHECK(feed(s, ".\r\n").empty());  // after a bare-LF line a dot is not "CRLF . CRLF" either
  CHECK(feed(s, "\r\n.\r\n") == Lines{"554 5.6.0 Error: bare <LF> in message text; message discarded"});
  CHECK(s.take_accepted().empty());
}

TEST_CASE("the policy's content verdict is sent after the dot", "[data][policy]") {
  TestPolicy policy;
  SmtpServer s(server_config(), policy);
  start_data(s);
  CHECK(feed(s, "Subject: VIRUS\r\n.\r\n") == Lines{"554 5.7.1 Rejected: content"});
  CHECK(s.take_accepted().empty());
}

TEST_CASE("1 MB of binary garbage: no crash, sane replies, bounded memory", "[data][hostile]") {
  const std::string garbage = random_bytes(1 << 20, 42);
  SECTION("with the error limit, the server hangs up after 20 errors") {
    TestPolicy policy;
    SmtpServer s(server_config(), policy);
    s.start();
    s.receive(garbage);
    const Lines replies = lines_of(s.take_output());
    for (const std::string& r : replies) CHECK(sane_reply_line(r));
    CHECK(replies.back() == "421 4.7.0 mx.example.com Error: too many errors");
    CHECK(replies.size() == 22);  // greeting, 20 errors, 421
    CHECK(s.wants_close());
    CHECK(s.buffered_bytes() == 0);
  }
  SECTION("without the limit, every line is answered and memory stays bounded") {
    TestPolicy policy;
    ServerConfig config = server_config();
    config.max_errors = 0;
    SmtpServer s(config, policy);
    s.start();
    std::size_t lines = 0;
    for (std::size_t pos = 0; pos < garbage.size(); pos += 4096) {
      s.receive(std::string_view(garbage).substr(pos, 4096));
      CHECK(s.buffered_bytes() <= 512);
      for (const std::string& r : lines_of(s.take_output())) {
        CHECK(sane_reply_line(r));
        ++lines;
      }
    }
    CHECK(lines > 1000);
    CHECK_FALSE(s.wants_close());
    CHECK(feed(s, "\r\nNOOP\r\n").back() == "250 2.0.0 Ok");
  }
  SECTION("inside DATA the garbage is held only up to the size limit") {
    TestPolicy policy;
    ServerConfig config = server_config();
    config.max_message_size = 64 * 1024;
    SmtpServer s(config, policy);
    start_data(s);
    for (std::size_t pos = 0; pos < garbage.size(); pos += 4096) {
      s.receive(std::string_view(garbage).substr(pos, 4096));
      CHECK(s.buffered_bytes() <= 64 * 1024 + 1000);
    }
    const Lines replies = feed(s, "\r\n.\r\n");
    REQUIRE(replies.size() == 1);
    CHECK(replies[0].substr(0, 1) == "5");
    CHECK(s.take_accepted().empty());
  }
}

TEST_CASE("a 100 KB line is answered once and the session continues", "[data][hostile]") {
  TestPolicy policy;
  SmtpServer s(server_config(), policy);
  greet(s);
  const std::string huge = "MAIL FROM:<" + std::string(100 * 1024, 'a') + "@example.org>\r\n";
  for (std::size_t pos = 0; pos < huge.size(); pos += 1000) {
    s.receive(std::string_view(huge).substr(pos, 1000));
    CHECK(s.buffered_bytes() <= 512);
  }
  CHECK(lines_of(s.take_output()) == Lines{"500 5.5.2 Error: line too long"});
  CHECK(feed(s, "MAIL FROM:<alice@example.org>\r\n") == Lines{"250 2.1.0 Ok"});
  // In one chunk too, and inside DATA.
  CHECK(feed(s, huge) == Lines{"500 5.5.2 Error: line too long"});
  feed(s, "RCPT TO:<bob@example.com>\r\nDATA\r\n");
  s.receive(huge);
  CHECK(s.buffered_bytes() <= 1000);
  CHECK(feed(s, ".\r\n") == Lines{"500 5.5.2 Error: line too long in message text; message discarded"});
}

TEST_CASE("byte-at-a-time input gives the same replies as one chunk", "[data]") {
  const std::string script = std::string("EHLO pc\r\n") + kEnvelope +
                             "Subject: x\r\n\r\n..dot\r\n.\r\nVRFY bob\r\nFOO\r\nQUIT\r\n";
  TestPolicy p1, p2;
  SmtpServer whole(server_config(), p1), bytes(server_config(), p2);
  whole.start();
  bytes.start();
  whole.receive(script);
  for (char c : script) bytes.receive(std::string_view(&c, 1));
  const std::vector<Output> a = whole.take_output(), b = bytes.take_output();
  CHECK(a == b);
  CHECK(a.size() == 13);
  CHECK(whole.take_accepted().at(0).content == bytes.take_accepted().at(0).content);
}
