#include "agents/client_sessions.hpp"

#include <type_traits>
#include <utility>

namespace mailsim::agents {

namespace {

// How long a client waits: for the greeting, after a command, after a message's content,
// for the reply to an RSET probe on a reused connection.
struct Waits {
  sim::Time greeting, command, content, probe;
};

// Core must offer receive(), take_output(), done(), timeout(), connection_lost(), result().
template <class Core, class Outcome>
class ClientSession : public sim::StreamHandler {
  static constexpr bool kSmtp = std::is_same_v<Core, smtp::SmtpClient>;

 public:
  template <class... CoreArgs>
  ClientSession(Context& ctx, WireParty party, OnOwnHostCrash on_crash, Waits waits,
                std::function<void(Outcome)> done, CoreArgs&&... args)
      : ctx_(ctx), party_(std::move(party)), on_crash_(on_crash), waits_(waits),
        core_(std::forward<CoreArgs>(args)...), done_(std::move(done)) {}

  std::uint64_t connect(sim::HostId from, std::uint32_t to_addr, std::uint16_t port) {
    host_ = from;
    sock_ = ctx_.transport.connect(from, to_addr, port, this);
    party_.conn = sock_.conn;
    if (!party_.msg.empty()) ctx_.correlation.tag_connection(sock_.conn, party_.msg);
    if constexpr (kSmtp) {
      // A real server (live mode) traces nothing itself: its reply lines are traced here.
      const auto peer = ctx_.net.host_by_address(to_addr);
      real_peer_ = peer && ctx_.real_hosts.count(*peer) > 0;
      core_.keep_input(real_peer_);
    }
    arm(waits_.greeting);
    return sock_.conn;
  }

  void on_open(sim::SocketId) override { opened_ = true; }
  void on_data(sim::SocketId, std::string_view bytes) override {
    core_.receive(bytes);
    if constexpr (kSmtp)
      if (real_peer_) trace_peer_lines(ctx_, party_, core_.take_input());
    flush();
  }
  void on_peer_closed(sim::SocketId) override {
    core_.connection_lost();
    finish(std::nullopt);
  }
  void on_error(sim::SocketId, sim::NetError e) override {
    closed_ = true;  // the transport already forgot this end
    if (!ctx_.net.host_up(host_)) {
      // Our own host crashed: the caller said whether this program dies with it.
      if (on_crash_ == OnOwnHostCrash::KeepWaiting && !idle_) return;
      finished_ = true;
      ctx_.engine.cancel(timer_);
      ctx_.engine.after(0, [this] { ctx_.sessions.release(this); });
      return gone();
    }
    core_.connection_lost();
    // A network error is the outcome only when the connection never opened. Once it has,
    // the protocol result stands: a reset after "250 queued" (the server crashed during
    // QUIT) must not undo a delivery, and a reset mid-session is a lost connection.
    finish(opened_ ? std::nullopt : std::optional<sim::NetError>(e));
  }

 protected:
  void arm(sim::Time limit) {
    ctx_.engine.cancel(timer_);
    armed_at_ = ctx_.engine.now();
    timer_ = ctx_.engine.after(limit, [this] {
      // A silent server on an RSET probe is no news: the message goes over a new connection.
      if constexpr (kSmtp)
        if (core_.phase() != smtp::SmtpClient::Phase::Probe) state_timeout();
      core_.timeout();
      flush();
      if (!finished_) finish(std::nullopt);
    });
  }
  void flush() {
    core_.take_output(out_);
    const auto& out = out_;
    bool content = false;
    for (const auto& o : out) content |= o.kind == decltype(o.kind)::Content;
    send_outputs(ctx_, sock_, party_, out);
    out_.clear();  // the lines and content go now; the capacity stays for the next flush
    if (core_.done()) return finish(std::nullopt);
    if constexpr (kSmtp) {
      if (core_.idle()) return park();
      if (core_.phase() == smtp::SmtpClient::Phase::Probe) return arm(waits_.probe);
    }
    arm(content ? waits_.content : waits_.command);
  }
  // The transaction is over and the connection stays open: report, and wait for the owner.
  void park() {
    ctx_.engine.cancel(timer_);
    idle_ = true;
    Outcome outcome{core_.result(), std::nullopt, sock_.conn};
    if constexpr (kSmtp) outcome.link = link();
    auto done = std::move(done_);
    done_ = nullptr;
    if (done) done(std::move(outcome));
  }
  virtual SmtpLink* link() { return nullptr; }
  void gone() {
    if (!idle_) return;
    idle_ = false;
    if (auto g = std::move(gone_)) g();
  }
  // An SMTP client that gives up waiting says so: that is when duplicates can happen.
  void state_timeout() {
    using P = smtp::SmtpClient::Phase;
    static constexpr std::pair<P, trace::Stage> stages[] = {
        {P::Greeting, trace::Stage::Greeting}, {P::Ehlo, trace::Stage::Ehlo}, {P::Auth, trace::Stage::Auth},
        {P::Mail, trace::Stage::Mail},         {P::Rcpt, trace::Stage::Rcpt}, {P::DataStart, trace::Stage::Data},
        {P::DataEnd, trace::Stage::Content},   {P::Quit, trace::Stage::Quit}};
    trace::TimedOut f;
    f.peer = party_.peer.host;
    for (const auto& [p, st] : stages)
      if (p == core_.phase()) f.stage = st;
    f.waited_us = ctx_.engine.now() - armed_at_;
    f.submission = party_.step == trace::Step::Submit;
    state(ctx_, party_.self, party_.msg, std::move(f), sock_.conn);
  }
  void finish(std::optional<sim::NetError> err) {
    if (finished_) return;
    finished_ = true;
    ctx_.correlation.forget_connection(sock_.conn);
    ctx_.engine.cancel(timer_);
    if (!closed_) ctx_.transport.close(sock_);
    closed_ = true;
    Outcome outcome{core_.result(), err, sock_.conn};
    auto done = std::move(done_);
    done_ = nullptr;
    // Free the session after this callback; report first so that callers see the result.
    ctx_.engine.after(0, [this] { ctx_.sessions.release(this); });
    if (done) done(std::move(outcome));  // none once the outcome went out when it parked
    gone();
  }

  Context& ctx_;
  WireParty party_;
  OnOwnHostCrash on_crash_;
  Waits waits_;
  Core core_;
  decltype(std::declval<Core&>().take_output()) out_;  // the core's output, drained into the same buffer
  std::function<void(Outcome)> done_;
  sim::SocketId sock_;
  sim::HostId host_ = sim::kNoHost;
  sim::TimerId timer_;
  sim::Time armed_at_ = 0;
  bool closed_ = false, finished_ = false, opened_ = false;
  bool idle_ = false;  // parked between transactions
  bool real_peer_ = false;
  std::function<void()> gone_;
};

// An SMTP session can carry more transactions (connection reuse).
class SmtpSession final : public ClientSession<smtp::SmtpClient, SmtpOutcome>, public SmtpLink {
 public:
  using ClientSession::ClientSession;

  void next(WireParty party, smtp::Transaction txn, std::function<void(SmtpOutcome)> done) override {
    if (!idle_) return;
    idle_ = false;
    gone_ = nullptr;
    party.conn = sock_.conn;
    party.direction = party_.direction;
    party.protocol = party_.protocol;
    party_ = std::move(party);
    done_ = std::move(done);
    if (!party_.msg.empty()) ctx_.correlation.tag_connection(sock_.conn, party_.msg);
    core_.next(std::move(txn));
    flush();
  }
  void quit() override {
    if (!idle_) return;
    gone();
    core_.quit();
    flush();
  }
  void hang_up() override {
    if (!idle_) return;
    gone();
    core_.hang_up();
    flush();
  }
  void on_gone(std::function<void()> g) override { gone_ = std::move(g); }

 private:
  SmtpLink* link() override { return this; }
};

}  // namespace

std::uint64_t start_smtp_session(Context& ctx, sim::HostId from, std::uint32_t to_addr, std::uint16_t port, WireParty party,
                        OnOwnHostCrash on_crash, smtp::ClientConfig config, smtp::Transaction txn,
                        std::function<void(SmtpOutcome)> done) {
  party.direction = trace::Direction::Request;
  party.protocol = trace::Protocol::SMTP;
  const Waits waits{ctx.timeouts.smtp_greeting, ctx.timeouts.smtp_command, ctx.timeouts.smtp_data_end,
                    ctx.timeouts.smtp_rset};
  auto* s = ctx.sessions.adopt(std::make_unique<SmtpSession>(ctx, std::move(party), on_crash, waits, std::move(done),
                                                         std::move(config), std::move(txn)));
  return s->connect(from, to_addr, port);
}

std::uint64_t start_pop3_session(Context& ctx, sim::HostId from, std::uint32_t to_addr, std::uint16_t port, WireParty party,
                        OnOwnHostCrash on_crash, pop3::ClientConfig config, std::function<void(Pop3Outcome)> done) {
  party.direction = trace::Direction::Request;
  party.protocol = trace::Protocol::POP3;
  using Session = ClientSession<pop3::Pop3Client, Pop3Outcome>;
  const sim::Time wait = ctx.timeouts.pop3_reply;
  auto* s = ctx.sessions.adopt(std::make_unique<Session>(ctx, std::move(party), on_crash, Waits{wait, wait, wait, wait},
                                                         std::move(done), std::move(config)));
  return s->connect(from, to_addr, port);
}

}  // namespace mailsim::agents
