// Client sessions: each protocol waits with its own timeouts, and the caller (not the
// agent's display name) decides what a crash of the client's own host does.
#include <catch2/catch.hpp>

#include <optional>

#include "agents/client_sessions.hpp"

using namespace mailsim;
using namespace mailsim::agents;

namespace {
// A server that accepts and never says a word.
struct Silent : sim::StreamHandler {
  void on_data(sim::SocketId, std::string_view) override {}
  void on_peer_closed(sim::SocketId) override {}
  void on_error(sim::SocketId, sim::NetError) override {}
};

struct World {
  sim::Engine engine;
  sim::Network net{engine};
  sim::Transport transport{engine, net};
  trace::Trace trace{true};
  Ledger ledger;
  Context ctx{engine, net, transport, trace, ledger, 0, {}, 100, {}};
  sim::HostId pc, server;
  Silent silent;
  World() {
    pc = net.add_host({"pc", 0x0A000001, "pc"});
    server = net.add_host({"server", 0x0A000002, "mailserver"});
    net.add_link({pc, server, sim::kMillisecond, 100'000'000});
    for (std::uint16_t port : {kPortSmtp, kPortPop3}) transport.listen(server, port, [this](sim::SocketId) { return &silent; });
    ctx.timeouts.smtp_greeting = 4 * sim::kMinute;
    ctx.timeouts.smtp_command = 4 * sim::kMinute;
    ctx.timeouts.pop3_reply = 7 * sim::kMinute;
  }
  WireParty party(const std::string& agent) {
    WireParty p;
    p.self = trace::Actor{agent == "MTA" ? trace::Agent::MTA : trace::Agent::MUA, "pc"};
    p.peer = trace::Actor{trace::Agent::MTA, "server"};
    return p;
  }
  void start_smtp(const std::string& agent, OnOwnHostCrash on_crash, std::optional<sim::Time>& done_at) {
    smtp::ClientConfig cc;
    cc.helo_name = "pc";
    smtp::Transaction txn;
    txn.mail_from = "a@example.org";
    txn.rcpt_to = {"b@example.com"};
    txn.content = "Subject: x\r\n\r\nx\r\n";
    start_smtp_session(ctx, pc, 0x0A000002, kPortSmtp, party(agent), on_crash, cc, txn,
                       [&](SmtpOutcome) { done_at = engine.now(); });
  }
};
}  // namespace

TEST_CASE("a POP3 client waits the POP3 reply timeout, not SMTP's", "[sessions]") {
  World w;
  std::optional<sim::Time> done_at;
  pop3::ClientConfig pc;
  pc.user = "bob@example.com";
  pc.password = "secret";
  start_pop3_session(w.ctx, w.pc, 0x0A000002, kPortPop3, w.party("MUA"), OnOwnHostCrash::KeepWaiting, pc,
                     [&](Pop3Outcome o) {
                       done_at = w.engine.now();
                       CHECK(o.result.outcome != pop3::ClientResult::Outcome::Ok);
                     });
  w.engine.run();
  REQUIRE(done_at);
  // 7 minutes from the connect without a greeting (before: SMTP's 4).
  CHECK(*done_at == 7 * sim::kMinute);
  CHECK(w.ctx.sessions.size() == 0);
}

TEST_CASE("an SMTP client waits the SMTP greeting timeout", "[sessions]") {
  World w;
  std::optional<sim::Time> done_at;
  w.start_smtp("MTA", OnOwnHostCrash::Vanish, done_at);
  w.engine.run();
  REQUIRE(done_at);
  CHECK(*done_at == 4 * sim::kMinute);
}

TEST_CASE("the caller decides what a crash of the client's own host does", "[sessions]") {
  SECTION("Vanish: no report, the session is freed, whatever the agent is called") {
    World w;
    std::optional<sim::Time> done_at;
    w.start_smtp("MUA", OnOwnHostCrash::Vanish, done_at);
    w.engine.run(sim::kSecond);
    REQUIRE(w.ctx.sessions.size() == 1);
    w.net.set_host_up(w.pc, false);
    w.transport.crash_host(w.pc);
    w.engine.run();
    CHECK_FALSE(done_at);
    CHECK(w.ctx.sessions.size() == 0);
  }
  SECTION("KeepWaiting: the session's own timeout reports, whatever the agent is called") {
    World w;
    std::optional<sim::Time> done_at;
    w.start_smtp("MTA", OnOwnHostCrash::KeepWaiting, done_at);
    w.engine.run(sim::kSecond);
    w.net.set_host_up(w.pc, false);
    w.transport.crash_host(w.pc);
    w.engine.run();
    REQUIRE(done_at);
    CHECK(*done_at == 4 * sim::kMinute);
    CHECK(w.ctx.sessions.size() == 0);
  }
}
