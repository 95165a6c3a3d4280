#include <catch2/catch.hpp>

#include "harness.hpp"

using namespace pop3test;
using State = Pop3Server::State;

namespace {

// Three lines: 11 + 0 + 4 characters, each line ending counted as 2 octets: 21.
const std::string kSmall = "Subject: hi\r\n\r\nbody\r\n";

struct Fixture {
  MemoryMaildrop drop;
  Pop3Server server{{"mail.example.com", ""}, drop};
  Fixture() {
    drop.accounts["alice"].password = "secret";
    drop.add("alice", 10, kSmall);
    drop.add("alice", 11, "Subject: hi\n\nbody\n");  // bare LF: still 21 octets
    drop.add("alice", 12, "A: 1\r\nB: 2\r\n\r\nl1\r\n.l2\r\nl3\r\n");
  }
};

template <class T>
std::vector<T> events_of(Pop3Server& s) {
  std::vector<T> out;
  for (const Event& e : s.take_events())
    if (const T* t = std::get_if<T>(&e)) out.push_back(*t);
  return out;
}

}  // namespace

TEST_CASE("greeting carries the APOP timestamp when configured", "[server]") {
  MemoryMaildrop drop;
  Pop3Server a({"h", "<1.2@h>"}, drop), b({"h", ""}, drop);
  a.start();
  b.start();
  CHECK(to_bytes(a.take_output()) == "+OK POP3 server ready <1.2@h>\r\n");
  CHECK(to_bytes(b.take_output()) == "+OK POP3 server ready\r\n");
}

TEST_CASE("STAT and LIST count CRLF line endings as two octets", "[server]") {
  Fixture f;
  login(f.server);
  const std::size_t third = std::string("A: 1\r\nB: 2\r\n\r\nl1\r\n.l2\r\nl3\r\n").size();  // 27
  REQUIRE(third == 27);
  CHECK(say(f.server, "STAT") == "+OK 3 " + std::to_string(21 + 21 + 27) + "\r\n");
  CHECK(say(f.server, "LIST") == "+OK 3 messages (69 octets)\r\n1 21\r\n2 21\r\n3 27\r\n.\r\n");
  CHECK(say(f.server, "LIST 2") == "+OK 2 21\r\n");
  CHECK(say(f.server, "LIST 02") == "+OK 2 21\r\n");
  CHECK(first_line(say(f.server, "LIST 4")) == "-ERR no such message");
  CHECK(first_line(say(f.server, "LIST 0")) == "-ERR no such message");
  CHECK(first_line(say(f.server, "LIST x")) == "-ERR no such message");
}

TEST_CASE("the bare-LF message is sent with CRLF endings", "[server]") {
  Fixture f;
  login(f.server);
  CHECK(say(f.server, "RETR 2") == "+OK 21 octets\r\nSubject: hi\r\n\r\nbody\r\n.\r\n");
}

TEST_CASE("commands out of state give -ERR and leave the state alone", "[server]") {
  Fixture f;
  f.server.start();
  f.server.take_output();
  for (const char* cmd : {"STAT", "LIST", "RETR 1", "DELE 1", "NOOP", "RSET", "TOP 1 1", "UIDL"}) {
    CHECK(first_line(say(f.server, cmd)) == "-ERR command not valid in this state");
    CHECK(f.server.state() == State::Authorization);
  }
  CHECK(first_line(say(f.server, "PASS secret")) == "-ERR no USER given");
  CHECK(f.server.state() == State::Authorization);
  CHECK(f.drop.locked.empty());
  CHECK(say(f.server, "USER alice") == "+OK send PASS\r\n");
  CHECK(first_line(say(f.server, "PASS secret")).starts_with("+OK maildrop has 3 messages"));
  CHECK(f.server.state() == State::Transaction);
  CHECK(first_line(say(f.server, "USER bob")) == "-ERR command not valid in this state");
  CHECK(first_line(say(f.server, "PASS x")) == "-ERR command not valid in this state");
  CHECK(f.server.state() == State::Transaction);
  CHECK(say(f.server, "NOOP") == "+OK\r\n");
}

TEST_CASE("keywords are case-insensitive and syntax errors are -ERR", "[server]") {
  Fixture f;
  f.server.start();
  f.server.take_output();
  CHECK(say(f.server, "user alice") == "+OK send PASS\r\n");
  CHECK(first_line(say(f.server, "pAsS secret")).starts_with("+OK"));
  CHECK(first_line(say(f.server, "stat")) == "+OK 3 69");
  CHECK(first_line(say(f.server, "FROB")) == "-ERR unknown command");
  CHECK(first_line(say(f.server, "")) == "-ERR unknown command");
  CHECK(first_line(say(f.server, "RETR")) == "-ERR missing argument");
  CHECK(first_line(say(f.server, "STAT 1")) == "-ERR too many arguments");
  CHECK(first_line(say(f.server, "LIST " + std::string(41, '1'))) == "-ERR argument too long");
  CHECK(first_line(say(f.server, std::string("NOOP\0", 5))) == "-ERR invalid character in command");
  CHECK(f.server.state() == State::Transaction);
}

TEST_CASE("bad password: -ERR [AUTH], same text for unknown users, no lock held", "[server]") {
  Fixture f;
  f.server.start();
  f.server.take_output();
  say(f.server, "USER alice");
  const std::string bad = first_line(say(f.server, "PASS wrong"));
  CHECK(bad == "-ERR [AUTH] invalid user name or password");
  say(f.server, "USER nobody");
  CHECK(first_line(say(f.server, "PASS wrong")) == bad);
  CHECK(f.drop.locked.empty());
  CHECK(f.server.state() == State::Authorization);
  CHECK(events_of<AuthFailed>(f.server).size() == 2);
  // After a failed PASS the USER must be given again.
  CHECK(first_line(say(f.server, "PASS secret")) == "-ERR no USER given");
}

TEST_CASE("the third failed login on a connection hangs up, even pipelined", "[server]") {
  Fixture f;
  f.server.start();
  f.server.take_output();
  std::string guesses;
  for (int i = 0; i < 10; ++i) guesses += "USER alice\r\nPASS guess" + std::to_string(i) + "\r\n";
  f.server.receive(guesses + "USER alice\r\nPASS secret\r\n");
  const std::string out = to_bytes(f.server.take_output());
  CHECK(out ==
        "+OK send PASS\r\n-ERR [AUTH] invalid user name or password\r\n"
        "+OK send PASS\r\n-ERR [AUTH] invalid user name or password\r\n"
        "+OK send PASS\r\n-ERR [AUTH] invalid user name or password; too many failures, closing connection\r\n");
  CHECK(f.server.wants_close());
  const auto failed = events_of<AuthFailed>(f.server);
  REQUIRE(failed.size() == 3);
  CHECK(failed[0].failures == 1);
  CHECK_FALSE(failed[1].disconnect);
  CHECK(failed[2].disconnect);
  CHECK(f.drop.locked.empty());
}

TEST_CASE("a second concurrent session gets -ERR [IN-USE]", "[server]") {
  Fixture f;
  login(f.server);
  Pop3Server second({"h", ""}, f.drop);
  second.start();
  second.take_output();
  say(second, "USER alice");
  CHECK(first_line(say(second, "PASS secret")) == "-ERR [IN-USE] unable to lock maildrop: in use by another session");
  CHECK(second.state() == State::Authorization);
  CHECK(events_of<InUse>(second).size() == 1);
  say(f.server, "QUIT");
  CHECK(f.drop.locked.empty());
  say(second, "USER alice");
  CHECK(first_line(say(second, "PASS secret")).starts_with("+OK"));
  CHECK(f.drop.locked.count("alice") == 1);
}

TEST_CASE("DELE hides a message, RSET restores it", "[server]") {
  Fixture f;
  login(f.server);
  CHECK(say(f.server, "DELE 1") == "+OK message 1 deleted\r\n");
  CHECK(first_line(say(f.server, "DELE 1")) == "-ERR message 1 already deleted");
  CHECK(first_line(say(f.server, "RETR 1")) == "-ERR message 1 already deleted");
  CHECK(first_line(say(f.server, "LIST 1")) == "-ERR message 1 already deleted");
  CHECK(say(f.server, "STAT") == "+OK 2 48\r\n");
  CHECK(say(f.server, "LIST") == "+OK 2 messages (48 octets)\r\n2 21\r\n3 27\r\n.\r\n");
  CHECK(say(f.server, "RSET") == "+OK maildrop has 3 messages (69 octets)\r\n");
  CHECK(say(f.server, "STAT") == "+OK 3 69\r\n");
  CHECK(first_line(say(f.server, "RETR 1")) == "+OK 21 octets");
}

TEST_CASE("deletions are applied only by QUIT from the transaction state", "[server]") {
  Fixture f;
  SECTION("QUIT enters UPDATE") {
    login(f.server);
    say(f.server, "DELE 1");
    say(f.server, "DELE 3");
    f.server.take_events();
    CHECK(say(f.server, "QUIT") == "+OK mail.example.com POP3 server signing off (1 messages left)\r\n");
    CHECK(f.server.state() == State::Update);
    CHECK(f.server.wants_close());
    REQUIRE(f.drop.removals.size() == 1);
    CHECK(f.drop.removals[0] == std::vector<std::uint64_t>{10, 12});
    CHECK(f.drop.accounts["alice"].messages.size() == 1);
    CHECK(f.drop.locked.empty());
    const std::vector<Event> ev = f.server.take_events();
    REQUIRE(ev.size() == 3);
    CHECK(std::get<Deleted>(ev[0]).id == 10);
    CHECK(std::get<Deleted>(ev[1]).id == 12);
    CHECK(std::get<Closed>(ev[2]).reason == Closed::Reason::Quit);
    CHECK(std::get<Closed>(ev[2]).updated);
    say(f.server, "NOOP");  // ignored after close
    CHECK(f.server.take_output().empty());
  }
  SECTION("connection lost: no UPDATE, lock released") {
    login(f.server);
    say(f.server, "DELE 1");
    f.server.take_events();
    f.server.connection_lost();
    CHECK(f.drop.removals.empty());
    CHECK(f.drop.accounts["alice"].messages.size() == 3);
    CHECK(f.drop.locked.empty());
    CHECK(f.server.take_output().empty());
    const std::vector<Event> ev = f.server.take_events();
    REQUIRE(ev.size() == 1);
    CHECK(std::get<Closed>(ev[0]).reason == Closed::Reason::ConnectionLost);
    CHECK_FALSE(std::get<Closed>(ev[0]).updated);
  }
  SECTION("autologout timer: silent close, no UPDATE") {
    login(f.server);
    say(f.server, "DELE 2");
    f.server.timeout();
    CHECK(f.server.wants_close());
    CHECK(f.server.take_output().empty());
    CHECK(f.drop.removals.empty());
    CHECK(f.drop.locked.empty());
    CHECK(events_of<Closed>(f.server).at(0).reason == Closed::Reason::Timeout);
    f.server.connection_lost();  // idempotent: no second Closed
    CHECK(f.server.take_events().empty());
  }
  SECTION("QUIT in AUTHORIZATION just says goodbye") {
    f.server.start();
    f.server.take_output();
    CHECK(say(f.server, "QUIT") == "+OK mail.example.com POP3 server signing off\r\n");
    CHECK(f.server.wants_close());
    CHECK(f.drop.removals.empty());
  }
}

TEST_CASE("TOP sends headers, the blank line and n body lines, byte-stuffed", "[server]") {
  Fixture f;
  login(f.server);
  CHECK(say(f.server, "TOP 3 0") == "+OK top of message follows\r\nA: 1\r\nB: 2\r\n\r\n.\r\n");
  CHECK(say(f.server, "TOP 3 2") == "+OK top of message follows\r\nA: 1\r\nB: 2\r\n\r\nl1\r\n..l2\r\n.\r\n");
  CHECK(say(f.server, "TOP 3 99") == "+OK top of message follows\r\nA: 1\r\nB: 2\r\n\r\nl1\r\n..l2\r\nl3\r\n.\r\n");
  CHECK(first_line(say(f.server, "TOP 3 -1")) == "-ERR invalid number of lines");
  CHECK(first_line(say(f.server, "TOP 9 1")) == "-ERR no such message");
  // TOP is not a retrieval for the trace.
  CHECK(events_of<Retrieved>(f.server).empty());
}

TEST_CASE("RETR outputs one Content unit between the status and the dot", "[server]") {
  Fixture f;
  login(f.server);
  f.server.receive("RETR 3\r\n");
  const std::vector<Output> out = f.server.take_output();
  REQUIRE(out.size() == 3);
  CHECK(out[0] == Output{Output::Kind::Line, "+OK 27 octets"});
  CHECK(out[1] == Output{Output::Kind::Content, "A: 1\r\nB: 2\r\n\r\nl1\r\n..l2\r\nl3\r\n"});
  CHECK(out[2] == Output{Output::Kind::Line, "."});
  const auto ev = events_of<Retrieved>(f.server);
  REQUIRE(ev.size() == 1);
  CHECK(ev[0].user == "alice");
  CHECK(ev[0].id == 12);
}

TEST_CASE("UIDL is stable across sessions and unaffected by deletions", "[server]") {
  Fixture f;
  f.drop.accounts["alice"].messages[1].uid = "bad uid with spaces";  // replaced by a valid one
  login(f.server);
  const std::string listing = say(f.server, "UIDL");
  CHECK(listing == "+OK unique-id listing follows\r\n1 uid-10\r\n2 mailsim-11\r\n3 uid-12\r\n.\r\n");
  CHECK(say(f.server, "UIDL 3") == "+OK 3 uid-12\r\n");
  say(f.server, "DELE 2");
  CHECK(say(f.server, "UIDL") == "+OK unique-id listing follows\r\n1 uid-10\r\n3 uid-12\r\n.\r\n");
  CHECK(first_line(say(f.server, "UIDL 2")) == "-ERR message 2 already deleted");
  f.server.connection_lost();
  Pop3Server again({"h", ""}, f.drop);
  login(again);
  CHECK(say(again, "UIDL") == listing);
}

TEST_CASE("CAPA lists the capabilities in both states", "[server]") {
  Fixture f;
  f.server.start();
  f.server.take_output();
  const std::string before = say(f.server, "CAPA");
  CHECK(before ==
        "+OK Capability list follows\r\nTOP\r\nUSER\r\nUIDL\r\nRESP-CODES\r\nAUTH-RESP-CODE\r\n"
        "PIPELINING\r\nIMPLEMENTATION mailsim\r\n.\r\n");
  say(f.server, "USER alice");
  say(f.server, "PASS secret");
  CHECK(say(f.server, "CAPA") == before);
}

TEST_CASE("APOP with the RFC 1939 example", "[server][apop]") {
  MemoryMaildrop drop;
  drop.accounts["mrose"].password = "tanstaaf";
  drop.add("mrose", 1, "x\r\n");
  SECTION("correct digest, either hex case") {
    Pop3Server s({"dbc.mtview.ca.us", "<1896.697170952@dbc.mtview.ca.us>"}, drop);
    s.start();
    s.take_output();
    const char* digest = GENERATE("c4c9334bac560ecc979e58001b3e22fb", "C4C9334BAC560ECC979E58001B3E22FB");
    CHECK(first_line(say(s, std::string("APOP mrose ") + digest)) == "+OK maildrop has 1 messages (3 octets)");
    CHECK(s.state() == State::Transaction);
    CHECK(drop.locked.count("mrose") == 1);
  }
  SECTION("wrong digest or unknown user") {
    Pop3Server s({"h", "<1896.697170952@dbc.mtview.ca.us>"}, drop);
    s.start();
    s.take_output();
    CHECK(first_line(say(s, "APOP mrose c4c9334bac560ecc979e58001b3e22fc")) ==
          "-ERR [AUTH] invalid user name or password");
    CHECK(first_line(say(s, "APOP nobody c4c9334bac560ecc979e58001b3e22fb")) ==
          "-ERR [AUTH] invalid user name or password");
    CHECK(drop.locked.empty());
  }
  SECTION("refused when the server has no timestamp") {
    Pop3Server s({"h", ""}, drop);
    s.start();
    s.take_output();
    CHECK(first_line(say(s, "APOP mrose c4c9334bac560ecc979e58001b3e22fb")) == "-ERR APOP not supported");
  }
}

TEST_CASE("pipelined commands in one chunk are answered in order", "[server]") {
  Fixture f;
  f.server.start();
  f.server.take_output();
  f.server.receive("USER alice\r\nPASS secret\r\nSTAT\r\nDELE 1\r\nQUIT\r\nNOOP\r\n");
  CHECK(to_bytes(f.server.take_output()) ==
        "+OK send PASS\r\n+OK maildrop has 3 messages (69 octets)\r\n+OK 3 69\r\n+OK message 1 deleted\r\n"
        "+OK mail.example.com POP3 server signing off (2 messages left)\r\n");
}

TEST_CASE("the reply choke point caps the first line at 512 octets", "[server]") {
  MemoryMaildrop drop;
  Pop3Server s({std::string(2000, 'h'), ""}, drop);
  s.start();
  s.take_output();
  const std::string reply = say(s, "QUIT");
  CHECK(reply.size() == 512);
  CHECK(reply.ends_with("hhh\r\n"));
}

TEST_CASE("store failures become -ERR [SYS/TEMP] without breaking the session", "[server]") {
  struct Flaky : MemoryMaildrop {
    bool fail_load = true, fail_remove = true, fail_content = true;
    std::vector<MaildropEntry> load(std::string_view u) override {
      if (fail_load) throw std::runtime_error("disk");
      return MemoryMaildrop::load(u);
    }
    std::string content(std::string_view u, std::uint64_t id) override {
      if (fail_content) throw std::runtime_error("disk");
      return MemoryMaildrop::content(u, id);
    }
    void remove(std::string_view u, const std::vector<std::uint64_t>& ids) override {
      if (fail_remove) throw std::runtime_error("disk");
      MemoryMaildrop::remove(u, ids);
    }
  } drop;
  drop.accounts["alice"].password = "secret";
  drop.add("alice", 1, "x\r\n");
  Pop3Server s({"h", ""}, drop);
  s.start();
  say(s, "USER alice");
  CHECK(first_line(say(s, "PASS secret")) == "-ERR [SYS/TEMP] unable to open maildrop");
  CHECK(drop.locked.empty());
  drop.fail_load = false;
  say(s, "USER alice");
  say(s, "PASS secret");
  // Bodies are read at RETR and TOP, not at PASS: a failure there leaves the session as it was.
  CHECK(say(s, "RETR 1") == "-ERR [SYS/TEMP] temporary failure, try again later\r\n");
  CHECK(say(s, "TOP 1 0") == "-ERR [SYS/TEMP] temporary failure, try again later\r\n");
  CHECK(s.take_events().size() == 1);  // LoggedIn only: no Retrieved for a RETR that failed
  drop.fail_content = false;
  CHECK(say(s, "RETR 1") == "+OK 3 octets\r\nx\r\n.\r\n");
  say(s, "DELE 1");
  CHECK(first_line(say(s, "QUIT")) == "-ERR [SYS/TEMP] some deleted messages not removed");
  CHECK(drop.locked.empty());
  CHECK(s.wants_close());
}
