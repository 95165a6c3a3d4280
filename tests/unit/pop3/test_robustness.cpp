#include <catch2/catch.hpp>

#include <random>

#include "harness.hpp"

using namespace pop3test;

namespace {

std::string random_bytes(std::size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::string s(n, '\0');
  for (char& c : s) c = static_cast<char>(rng() & 0xff);
  return s;
}

}  // namespace

TEST_CASE("commands are limited to 255 octets including CRLF", "[robust]") {
  MemoryMaildrop drop;
  Pop3Server s({"h", ""}, drop);
  s.start();
  s.take_output();
  CHECK(first_line(say(s, "X" + std::string(252, 'y'))) == "-ERR unknown command");  // 253 + CRLF = 255
  CHECK(first_line(say(s, "X" + std::string(253, 'y'))) == "-ERR line too long");
}

TEST_CASE("a 100 KB line is refused with bounded memory and the session goes on", "[robust]") {
  MemoryMaildrop drop;
  drop.accounts["alice"].password = "secret";
  Pop3Server s({"h", ""}, drop);
  s.start();
  s.take_output();
  const std::string line(100 * 1024, 'A');
  for (std::size_t i = 0; i < line.size(); i += 4096) {
    s.receive(std::string_view(line).substr(i, 4096));
    REQUIRE(s.buffered() <= kMaxCommandOctets);
  }
  s.receive("\r\n");
  CHECK(to_bytes(s.take_output()) == "-ERR line too long\r\n");
  CHECK(say(s, "USER alice") == "+OK send PASS\r\n");
  CHECK(first_line(say(s, "PASS secret")).starts_with("+OK"));
}

TEST_CASE("1 MB of random garbage: no crash, bounded buffer, then hang-up", "[robust]") {
  MemoryMaildrop drop;
  drop.accounts["alice"].password = "secret";
  drop.add("alice", 1, "x\r\n");
  const std::string garbage = random_bytes(1 << 20, GENERATE(1u, 2u, 3u));
  SECTION("server, before and after login") {
    Pop3Server s({"h", ""}, drop);
    const bool logged_in = GENERATE(false, true);
    if (logged_in) login(s);
    for (std::size_t i = 0; i < garbage.size(); i += 1000) {
      s.receive(std::string_view(garbage).substr(i, 1000));
      REQUIRE(s.buffered() <= kMaxCommandOctets);
    }
    const std::vector<Output> out = s.take_output();
    CHECK(out.size() <= static_cast<std::size_t>(Pop3Server::kMaxBadCommands) + 1);
    for (const Output& o : out) CHECK(o.text.starts_with(s.wants_close() ? "-ERR" : "+OK POP3"));
    CHECK(s.wants_close());
    CHECK(drop.locked.empty());
    CHECK(drop.removals.empty());
  }
  SECTION("client, at the greeting and inside a message body") {
    ClientConfig cfg{"alice", "secret"};
    cfg.max_message_octets = 4096;
    Pop3Client c(cfg);
    const bool in_body = GENERATE(false, true);
    if (in_body) {
      for (const char* r : {"+OK\r\n", "+OK\r\n", "+OK\r\n", "+OK 1 10\r\n", "+OK\r\n"}) c.receive(r);
      REQUIRE(c.step() == Pop3Client::Step::Retr);
    }
    // Garbage at the greeting is refused at once; inside a body it is message text, kept under the cap.
    for (std::size_t i = 0; i < garbage.size(); i += 1000) {
      c.receive(std::string_view(garbage).substr(i, 1000));
      REQUIRE(c.buffered() <= cfg.max_message_octets + 2);
    }
    if (!in_body) CHECK(c.done());
    c.receive("\r\n.\r\n");  // ends the body if the garbage did not already derail the session
    CHECK(c.result().outcome == ClientResult::Outcome::Error);
    CHECK(c.result().messages.empty());
  }
}

TEST_CASE("NULs and control bytes in commands are refused", "[robust]") {
  MemoryMaildrop drop;
  drop.accounts["alice"].password = "secret";
  Pop3Server s({"h", ""}, drop);
  s.start();
  s.take_output();
  CHECK(first_line(say(s, std::string("USER al\0ice", 11))) == "-ERR invalid character in command");
  CHECK(first_line(say(s, std::string(300, '\0'))) == "-ERR line too long");
  CHECK(s.state() == Pop3Server::State::Authorization);
}

TEST_CASE("byte-at-a-time feeding equals whole-chunk feeding", "[robust]") {
  auto session = [](bool bytewise, bool apop, bool uidl) {
    MemoryMaildrop drop;
    drop.accounts["alice"].password = "secret";
    drop.add("alice", 1, "Subject: a\r\n\r\n.dot\r\n..\r\n.\r\n");
    drop.add("alice", 2, "Subject: b\n\nbare LF body\n");
    drop.add("alice", 3, "");
    Pop3Server server({"h", apop ? "<9.9@h>" : ""}, drop);
    ClientConfig c{"alice", "secret"};
    c.use_apop = apop;
    c.use_uidl = uidl;
    Pop3Client client(c);
    auto transcript = run(server, client, bytewise);
    std::vector<std::string> contents;
    for (const auto& m : client.result().messages) contents.push_back(m.content + (m.deleted ? "#deleted" : ""));
    return std::make_pair(transcript, contents);
  };
  const bool apop = GENERATE(false, true);
  const bool uidl = GENERATE(false, true);
  const auto whole = session(false, apop, uidl);
  const auto bytes = session(true, apop, uidl);
  CHECK(whole.first == bytes.first);
  CHECK(whole.second == bytes.second);
  REQUIRE(whole.second.size() == 3);
  CHECK(whole.second[0] == "Subject: a\r\n\r\n.dot\r\n..\r\n.\r\n#deleted");
  CHECK(whole.second[1] == "Subject: b\r\n\r\nbare LF body\r\n#deleted");
  CHECK(whole.second[2] == "#deleted");
}
