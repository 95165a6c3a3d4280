#pragma once
// What every server session (SMTP listener, POP3 server) does around its sans-I/O core, in
// one place: open, feed, flush, finish; one deadline per command; a reply delay after a
// failed login.
//
// The deadline bounds the whole command (or the whole DATA phase), not the gap between two
// bytes: it is set when the core answers or changes phase, and received bytes only extend
// it by octets / kMinDataRate seconds (Postfix 3.7's smtpd_min_data_rate, 500 octets/s),
// never beyond `limit` from now. A client dripping one byte a second cannot stay for ever.
//
// penalize(d) makes the next reply wait d (Dovecot's auth_failure_delay): while it waits,
// the session reads nothing more, so pipelined guesses wait too.
#include <algorithm>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "agents/context.hpp"

namespace mailsim::agents {

class ServerSession : public sim::StreamHandler {
 public:
  static constexpr std::int64_t kMinDataRate = 500;         // octets per second that extend a deadline
  static constexpr std::size_t kMaxHeldInput = 64u << 10;  // input read while a reply waits

  ~ServerSession() override { ctx_.engine.cancel(timer_); }

  void on_open(sim::SocketId) override {
    if (greet_later()) {  // input waits (bounded) until begin()
      holding_ = true;
      return;
    }
    core_start();
    flush(true);
  }
  void on_data(sim::SocketId, std::string_view bytes) override {
    if (closed_) return;
    if (holding_) {  // a delayed reply is pending: keep the input for later, bounded
      held_.append(bytes.substr(0, kMaxHeldInput - std::min(kMaxHeldInput, held_.size())));
      return;
    }
    received_ += static_cast<std::int64_t>(bytes.size());
    core_receive(bytes);
    flush(false);
  }
  void on_peer_closed(sim::SocketId) override {
    core_lost();
    finish();
  }
  void on_error(sim::SocketId, sim::NetError) override {
    core_lost();
    closed_ = true;
    ctx_.engine.cancel(timer_);
    end_();
  }

 protected:
  // `dies_with_host`: nothing here; `end` is called once the session is over (the agent
  // destroys it after the current callback).
  ServerSession(Context& ctx, sim::SocketId sock, std::function<void()> end)
      : ctx_(ctx), sock_(sock), end_(std::move(end)) {}

  virtual void core_start() = 0;
  virtual void core_receive(std::string_view bytes) = 0;
  virtual void core_timeout() = 0;  // the deadline passed
  virtual void core_lost() {}       // the peer went away
  // Takes the core's output and events: states facts, traces and sends. Returns whether
  // the core answered anything (a new command may start).
  virtual bool core_output() = 0;
  virtual bool core_wants_close() const = 0;
  // The deadline for what the core waits for now, and a number that changes with the phase.
  virtual sim::Time core_limit() const = 0;
  virtual int core_phase() const = 0;

  // A session that must learn something before its greeting (the client's name, by reverse
  // DNS) says so here and calls begin() when it knows.
  virtual bool greet_later() { return false; }
  void begin() {
    if (closed_) return;
    core_start();
    release();
  }

  // The next reply waits this long (the largest asked for wins).
  void penalize(sim::Time delay) { penalty_ = std::max(penalty_, delay); }

  void finish() {
    if (closed_) return;
    closed_ = true;
    ctx_.engine.cancel(timer_);
    ctx_.transport.close(sock_);
    end_();
  }

  Context& ctx_;
  sim::SocketId sock_;

 private:
  void flush(bool fresh) {
    if (closed_) return;
    ctx_.engine.cancel(timer_);
    if (penalty_ > 0) {  // answer later; the core keeps its output until then
      holding_ = true;
      timer_ = ctx_.engine.after(std::exchange(penalty_, 0), [this] { release(); });
      return;
    }
    const bool answered = core_output();
    if (core_wants_close()) return finish();
    const sim::Time now = ctx_.engine.now();
    const sim::Time limit = core_limit();
    const int phase = core_phase();
    if (fresh || answered || phase != phase_) {
      deadline_ = now + limit;  // a new command (or phase): a new deadline
    } else {                     // more of the same command: a little more time, bounded
      deadline_ = std::min(now + limit, deadline_ + received_ * sim::kSecond / kMinDataRate);
    }
    phase_ = phase;
    received_ = 0;
    timer_ = ctx_.engine.after(std::max<sim::Time>(0, deadline_ - now), [this] {
      core_timeout();
      flush(true);
      finish();
    });
  }

  void release() {
    holding_ = false;
    flush(true);
    if (closed_ || held_.empty()) return;
    const std::string input = std::exchange(held_, {});
    on_data(sock_, input);
  }

  std::function<void()> end_;
  sim::TimerId timer_;
  sim::Time deadline_ = 0;
  sim::Time penalty_ = 0;
  std::int64_t received_ = 0;  // octets since the last flush
  int phase_ = -1;
  bool holding_ = false;
  bool closed_ = false;
  std::string held_;
};

}  // namespace mailsim::agents
