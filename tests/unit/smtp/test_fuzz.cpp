// Randomised robustness: scripts assembled from valid commands, broken fragments and noise
// must give sane, bounded replies, and the same replies however the bytes are chunked.
#include <catch2/catch.hpp>

#include <random>

#include "smtp_test_helpers.hpp"

using namespace smtp_test;

namespace {
const std::vector<std::string> kFragments = {
    "EHLO pc.example.org\r\n", "HELO pc\r\n", "MAIL FROM:<alice@example.org>\r\n", "MAIL FROM:<>\r\n",
    "RCPT TO:<bob@example.com>\r\n", "RCPT TO:<nobody@example.com>\r\n", "RCPT TO:<Postmaster>\r\n",
    "DATA\r\n", ".\r\n", "..x\r\n", "text\r\n", "RSET\r\n", "NOOP\r\n", "VRFY bob\r\n", "HELP\r\n",
    "AUTH LOGIN\r\n", "YWxpY2U=\r\n", "c2VjcmV0\r\n", "*\r\n", "AUTH PLAIN AGFsaWNlAHNlY3JldA==\r\n",
    "\r\n", "\n", "\r", ".\n", std::string(1500, 'x'), "MAIL FROM:<a@b.c> SIZE=999999999999\r\n",
    std::string("\0\xff\x80 \t", 5), "QUIT\r\n"};

bool sane(const Output& o) {
  if (o.kind != Output::Kind::Line || o.text.size() < 3 || o.text.size() > 510) return false;
  for (char c : o.text)
    if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x7f) return false;
  return o.code >= 200 && o.code <= 599 && o.text.substr(0, 3) == std::to_string(o.code);
}
}  // namespace

TEST_CASE("random command scripts: sane replies, bounded memory, chunking-invariant", "[fuzz]") {
  std::mt19937 rng(20240601);
  for (int round = 0; round < 300; ++round) {
    std::string script;
    const int pieces = 5 + static_cast<int>(rng() % 60);
    for (int i = 0; i < pieces; ++i) script += kFragments[rng() % kFragments.size()];

    ServerConfig config = server_config();
    config.offer_auth = rng() % 2 == 0;
    config.submission = rng() % 4 == 0;
    config.max_message_size = 200 + rng() % 2000;
    config.max_recipients = 1 + rng() % 3;
    TestPolicy p1, p2;
    SmtpServer whole(config, p1), chunked(config, p2);
    whole.start();
    chunked.start();
    whole.receive(script);
    std::vector<Output> chunked_out = chunked.take_output();
    for (std::size_t pos = 0; pos < script.size();) {
      const std::size_t n = 1 + rng() % 64;
      chunked.receive(std::string_view(script).substr(pos, n));
      CHECK(chunked.buffered_bytes() <= config.max_message_size + 1000);
      for (Output& o : chunked.take_output()) chunked_out.push_back(std::move(o));
      pos += n;
    }
    const std::vector<Output> whole_out = whole.take_output();
    INFO("round " << round);
    CHECK(whole_out == chunked_out);
    for (const Output& o : whole_out) CHECK(sane(o));
    CHECK(whole.accepted_count() == chunked.accepted_count());
  }
}

TEST_CASE("random bytes to the client: no crash, bounded, finishes", "[fuzz][client]") {
  std::mt19937 rng(7);
  for (int round = 0; round < 50; ++round) {
    SmtpClient c(client_config("pc"), Transaction{"a@b.c", {"d@e.f"}, "x\r\n", false});
    for (int i = 0; i < 64 && !c.done(); ++i) {
      std::string junk(1 + rng() % 4096, '\0');
      for (char& ch : junk) ch = static_cast<char>(rng() & 0xff);
      c.receive(junk);
      CHECK(c.buffered_bytes() <= 2 * ReplyParser::kMaxReplyText + 16);
    }
    if (!c.done()) c.timeout();
    CHECK(c.done());
    CHECK(c.result().outcome != ClientResult::Outcome::Delivered);
  }
}
