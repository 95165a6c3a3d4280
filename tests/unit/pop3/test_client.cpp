#include <catch2/catch.hpp>

#include "harness.hpp"

using namespace pop3test;
using Outcome = ClientResult::Outcome;

namespace {

struct Pair {
  MemoryMaildrop drop;
  Pop3Server server;
  explicit Pair(std::string timestamp = "") : server({"mail.example.com", std::move(timestamp)}, drop) {
    drop.accounts["alice"].password = "secret";
  }
};

// A client talking to a hand-written server script, to test replies our server never sends.
struct Scripted {
  Pop3Client client;
  explicit Scripted(ClientConfig c) : client(std::move(c)) {}
  std::string reply(std::string_view bytes) {
    client.receive(bytes);
    return to_bytes(client.take_output());
  }
};

}  // namespace

TEST_CASE("back to back: the exact USER/PASS/STAT/RETR/DELE/QUIT transcript", "[client]") {
  Pair p;
  const std::string msg = "From: bob@example.org\r\nSubject: hi\r\n\r\nHello\r\n";
  p.drop.add("alice", 7, msg);
  Pop3Client client({"alice", "secret"});
  const std::vector<std::string> t = run(p.server, client);
  const std::vector<std::string> want = {
      "S: +OK POP3 server ready",
      "C: USER alice",
      "S: +OK send PASS",
      "C: PASS secret",
      "S: +OK maildrop has 1 messages (" + std::to_string(msg.size()) + " octets)",
      "C: STAT",
      "S: +OK 1 " + std::to_string(msg.size()),
      "C: RETR 1",
      "S: +OK " + std::to_string(msg.size()) + " octets",
      "S: " + msg,
      "S: .",
      "C: DELE 1",
      "S: +OK message 1 deleted",
      "C: QUIT",
      "S: +OK mail.example.com POP3 server signing off (maildrop empty)",
  };
  CHECK(t == want);
  const ClientResult& r = client.result();
  CHECK(r.outcome == Outcome::Ok);
  CHECK(r.error.empty());
  CHECK(r.maildrop_count == 1);
  CHECK(r.maildrop_octets == msg.size());
  REQUIRE(r.messages.size() == 1);
  CHECK(r.messages[0].number == 1);
  CHECK(r.messages[0].content == msg);
  CHECK(r.messages[0].deleted);
  CHECK(client.done());
  CHECK(p.drop.accounts["alice"].messages.empty());
  CHECK(p.drop.locked.empty());
}

TEST_CASE("byte-stuffing round trip keeps dot lines intact", "[client][stuffing]") {
  Pair p;
  const std::string msg = "Subject: dots\r\n\r\n.hidden\r\n..\r\n.\r\nmiddle . dot\r\n...\r\n.\r\n";
  p.drop.add("alice", 1, msg);
  Pop3Client client({"alice", "secret"});
  const std::vector<std::string> t = run(p.server, client);
  CHECK(std::find(t.begin(), t.end(),
                  "S: Subject: dots\r\n\r\n..hidden\r\n...\r\n..\r\nmiddle . dot\r\n....\r\n..\r\n") != t.end());
  REQUIRE(client.result().messages.size() == 1);
  CHECK(client.result().messages[0].content == msg);
}

TEST_CASE("several messages, no deletion, then a UIDL session skips known ones", "[client][uidl]") {
  Pair p;
  for (std::uint64_t id = 1; id <= 3; ++id) p.drop.add("alice", id, "Subject: " + std::to_string(id) + "\r\n\r\nx\r\n");
  ClientConfig keep{"alice", "secret"};
  keep.delete_after_retrieve = false;
  Pop3Client first(keep);
  const auto t1 = run(p.server, first);
  CHECK(std::count_if(t1.begin(), t1.end(), [](const std::string& l) { return l.starts_with("C: DELE"); }) == 0);
  REQUIRE(first.result().messages.size() == 3);
  CHECK_FALSE(first.result().messages[0].deleted);
  CHECK(p.drop.accounts["alice"].messages.size() == 3);

  ClientConfig uidl{"alice", "secret"};
  uidl.use_uidl = true;
  uidl.known_uids = {"uid-1", "uid-3"};
  Pop3Server again({"h", ""}, p.drop);
  Pop3Client second(uidl);
  const auto t2 = run(again, second);
  CHECK(std::find(t2.begin(), t2.end(), "C: UIDL") != t2.end());
  CHECK(std::find(t2.begin(), t2.end(), "C: RETR 2") != t2.end());
  CHECK(std::find(t2.begin(), t2.end(), "C: RETR 1") == t2.end());
  REQUIRE(second.result().messages.size() == 1);
  CHECK(second.result().messages[0].uid == "uid-2");
  CHECK(second.result().messages[0].deleted);
  CHECK(p.drop.accounts["alice"].messages.size() == 2);
}

TEST_CASE("APOP client computes the RFC 1939 digest", "[client][apop]") {
  Pair p("<1896.697170952@dbc.mtview.ca.us>");
  p.drop.accounts["mrose"].password = "tanstaaf";
  ClientConfig c{"mrose", "tanstaaf"};
  c.use_apop = true;
  Pop3Client client(c);
  const auto t = run(p.server, client);
  REQUIRE(t.size() >= 2);
  CHECK(t[1] == "C: APOP mrose c4c9334bac560ecc979e58001b3e22fb");
  CHECK(client.result().outcome == Outcome::Ok);

  Pair plain;  // no timestamp: refuse rather than leak the password with PASS
  Pop3Client refuse(c);
  const auto t2 = run(plain.server, refuse);
  CHECK(t2.at(1) == "C: QUIT");
  CHECK(refuse.result().outcome == Outcome::Error);
}

TEST_CASE("authentication failures and a locked maildrop", "[client]") {
  Pair p;
  SECTION("bad password") {
    Pop3Client client({"alice", "wrong"});
    const auto t = run(p.server, client);
    CHECK(t.back() == "S: +OK mail.example.com POP3 server signing off");
    CHECK(client.result().outcome == Outcome::AuthFailed);
    CHECK(client.result().error == "[AUTH] invalid user name or password");
    CHECK(client.done());
  }
  SECTION("maildrop in use is an Error, not AuthFailed") {
    p.drop.lock("alice");
    Pop3Client client({"alice", "secret"});
    run(p.server, client);
    CHECK(client.result().outcome == Outcome::Error);
    CHECK(client.result().error.starts_with("[IN-USE]"));
  }
}

TEST_CASE("connection lost before QUIT's reply: retrieved, but not deleted", "[client]") {
  Pair p;
  p.drop.add("alice", 1, "a\r\n");
  p.drop.add("alice", 2, "b\r\n");
  Pop3Client client({"alice", "secret"});
  p.server.start();
  // Drive by hand and cut the link once the client has sent QUIT.
  for (int i = 0; i < 50; ++i) {
    client.receive(to_bytes(p.server.take_output()));
    const std::string cmd = to_bytes(client.take_output());
    if (cmd == "QUIT\r\n") break;
    p.server.receive(cmd);
  }
  client.connection_lost();
  p.server.connection_lost();
  const ClientResult& r = client.result();
  CHECK(r.outcome == Outcome::ConnectionLost);
  REQUIRE(r.messages.size() == 2);
  CHECK_FALSE(r.messages[0].deleted);
  CHECK_FALSE(r.messages[1].deleted);
  CHECK(p.drop.accounts["alice"].messages.size() == 2);
}

TEST_CASE("connection lost mid-RETR: the partial message is not retrieved", "[client]") {
  Scripted s({"alice", "secret"});
  CHECK(s.reply("+OK hi\r\n") == "USER alice\r\n");
  CHECK(s.reply("+OK\r\n") == "PASS secret\r\n");
  CHECK(s.reply("+OK\r\n") == "STAT\r\n");
  CHECK(s.reply("+OK 1 100\r\n") == "RETR 1\r\n");
  CHECK(s.reply("+OK 100 octets\r\nSubject: x\r\n\r\npart") == "");
  s.client.connection_lost();
  CHECK(s.client.result().outcome == Outcome::ConnectionLost);
  CHECK(s.client.result().messages.empty());
  CHECK(s.client.done());
}

TEST_CASE("an oversized message ends the session cleanly after QUIT", "[client]") {
  ClientConfig c{"alice", "secret"};
  c.max_message_octets = 64;
  Scripted s(c);
  s.reply("+OK hi\r\n");
  s.reply("+OK\r\n");
  s.reply("+OK\r\n");
  CHECK(s.reply("+OK 2 500\r\n") == "RETR 1\r\n");
  CHECK(s.reply("+OK\r\nsmall\r\n.\r\n") == "DELE 1\r\n");
  CHECK(s.reply("+OK\r\n") == "RETR 2\r\n");
  std::string big = "+OK\r\n";
  for (int i = 0; i < 100; ++i) big += "line of text\r\n";
  CHECK(s.reply(big) == "");
  CHECK(s.client.buffered() < 200);  // stopped storing past the cap
  CHECK(s.reply(".\r\n") == "QUIT\r\n");
  CHECK(s.reply("+OK bye\r\n") == "");
  const ClientResult& r = s.client.result();
  CHECK(r.outcome == Outcome::Error);
  CHECK(r.error == "message 2 exceeds the size limit");
  REQUIRE(r.messages.size() == 1);
  CHECK(r.messages[0].content == "small\r\n");
  CHECK(r.messages[0].deleted);
}

TEST_CASE("client reply parsing edge cases", "[client]") {
  SECTION("-ERR greeting") {
    Scripted s({"a", "b"});
    CHECK(s.reply("-ERR go away\r\n") == "");
    CHECK(s.client.done());
    CHECK(s.client.result().outcome == Outcome::Error);
  }
  SECTION("not POP3 at all") {
    Scripted s({"a", "b"});
    CHECK(s.reply("220 smtp.example.com ESMTP\r\n") == "");
    CHECK(s.client.done());
    CHECK(s.client.result().outcome == Outcome::Error);
  }
  SECTION("+OKAY is not +OK") {
    Scripted s({"a", "b"});
    s.reply("+OKAY\r\n");
    CHECK(s.client.result().outcome == Outcome::Error);
  }
  SECTION("malformed STAT") {
    Scripted s({"a", "b"});
    s.reply("+OK\r\n");
    s.reply("+OK\r\n");
    s.reply("+OK\r\n");
    CHECK(s.reply("+OK lots\r\n") == "QUIT\r\n");
    CHECK(s.client.result().outcome == Outcome::Error);
  }
  SECTION("empty maildrop goes straight to QUIT") {
    Scripted s({"a", "b"});
    s.reply("+OK\r\n");
    s.reply("+OK\r\n");
    s.reply("+OK\r\n");
    CHECK(s.reply("+OK 0 0\r\n") == "QUIT\r\n");
    s.reply("+OK\r\n");
    CHECK(s.client.result().outcome == Outcome::Ok);
  }
  SECTION("a password with a line break is never sent") {
    Scripted s({"a", "x\r\nDELE 1"});
    CHECK(s.reply("+OK\r\n") == "QUIT\r\n");
    CHECK(s.client.result().outcome == Outcome::Error);
  }
  SECTION("timeout gives up without QUIT") {
    Scripted s({"a", "b"});
    s.reply("+OK\r\n");
    s.client.timeout();
    CHECK(s.client.take_output().empty());
    CHECK(s.client.done());
    CHECK(s.client.result().outcome == Outcome::Error);
  }
  SECTION("UIDL unsupported: fall back to fetching everything") {
    ClientConfig c{"a", "b"};
    c.use_uidl = true;
    Scripted s(c);
    s.reply("+OK\r\n");
    s.reply("+OK\r\n");
    s.reply("+OK\r\n");
    CHECK(s.reply("+OK 1 3\r\n") == "UIDL\r\n");
    CHECK(s.reply("-ERR no\r\n") == "RETR 1\r\n");
  }
}

TEST_CASE("a retrieved message is the same whatever its lines and chunks, and over the cap fails", "[client][retr]") {
  // Lines that are copied as they are, dot-stuffed ones, bare-LF ones and empty ones, fed in
  // random chunks, against caps just under, at and over the message's size.
  const std::vector<std::string> lines = {"plain text", "", "..stuffed", "a much longer line of text, still short",
                                          ".", "x"};
  std::uint32_t seed = 99;
  const auto rnd = [&](std::uint32_t n) {
    seed = seed * 1664525u + 1013904223u;
    return (seed >> 8) % n;
  };
  for (int round = 0; round < 500; ++round) {
    std::string wire, want;
    for (int i = 0, n = static_cast<int>(rnd(15)); i < n; ++i) {
      std::string line = lines[rnd(static_cast<std::uint32_t>(lines.size()))];
      if (line == ".") line = "..";  // a lone dot in the message is sent stuffed
      wire += line + (rnd(6) == 0 ? "\n" : "\r\n");
      want += (line.starts_with('.') ? line.substr(1) : line) + "\r\n";
    }
    wire += ".\r\n";
    const std::size_t cap = std::max<std::size_t>(want.size() + rnd(3), 2) - 1;  // size - 1 .. size + 1
    ClientConfig c{"alice", "secret"};
    c.max_message_octets = cap;
    Scripted s(c);
    for (const char* reply : {"+OK hi\r\n", "+OK\r\n", "+OK\r\n"}) s.reply(reply);  // greeting, USER, PASS
    REQUIRE(s.reply("+OK 1 " + std::to_string(want.size()) + "\r\n") == "RETR 1\r\n");
    std::string got = "+OK\r\n" + wire;
    std::string sent;
    for (std::size_t at = 0; at < got.size();) {
      const std::size_t n = 1 + rnd(30);
      sent += s.reply(got.substr(at, n));
      at += n;
    }
    const ClientResult& r = s.client.result();
    INFO("wire: " << wire << "cap " << cap << ", message " << want.size() << " octets");
    if (want.size() <= cap) {
      CHECK(sent == "DELE 1\r\n");
      REQUIRE(r.messages.size() == 1);
      CHECK(r.messages[0].content == want);
    } else {
      CHECK(sent == "QUIT\r\n");
      CHECK(r.messages.empty());
      CHECK(r.error == "message 1 exceeds the size limit");
    }
  }
}
