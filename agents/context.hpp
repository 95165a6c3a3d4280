#pragma once
// What every agent is given: the infrastructure of one simulation. Agents never reach
// each other through it; they talk over the network or through narrow hand-offs.
#include <algorithm>
#include <cstdint>
#include <map>
#include <set>
#include <memory>
#include <unordered_map>
#include <string>

#include "agents/correlation.hpp"
#include "agents/ledger.hpp"
#include "agents/trace/trace.hpp"
#include "sim/engine.hpp"
#include "sim/transport.hpp"

namespace mailsim::agents {

// RFC 5321 section 4.5.3.2 timeouts (and POP3's 10-minute autologout), all scaled by the
// scenario's `time_scale` so that a classroom run need not wait minutes of simulated time.
struct Timeouts {
  sim::Time smtp_greeting = 5 * sim::kMinute;
  sim::Time smtp_command = 5 * sim::kMinute;
  sim::Time smtp_data_block = 3 * sim::kMinute;
  sim::Time smtp_data_end = 10 * sim::kMinute;
  sim::Time smtp_server_idle = 5 * sim::kMinute;
  // The reply to an RSET probe on a reused connection (Postfix smtp_rset_timeout).
  sim::Time smtp_rset = 20 * sim::kSecond;
  sim::Time pop3_autologout = 10 * sim::kMinute;
  // A POP3 client's wait for the greeting and for each reply. RFC 1939 sets none for
  // clients; 5 minutes is fetchmail's default (its `timeout`, 300 s).
  sim::Time pop3_reply = 5 * sim::kMinute;
  // A failed login is answered after a delay that doubles with each failure on the
  // connection, up to the maximum (Dovecot: auth_failure_delay 2 s; its penalty caps at 15 s).
  sim::Time auth_failure_delay = 2 * sim::kSecond;
  sim::Time auth_failure_delay_max = 15 * sim::kSecond;
  sim::Time dns_query = 5 * sim::kSecond;
  int dns_attempts = 3;
};

// Owns the client sessions that run on their own (an MUA's POP3 poll, an MTA's SMTP
// delivery), so that the ones still open when a run stops are freed with the simulation.
class SessionPool {
 public:
  template <class T>
  T* adopt(std::unique_ptr<T> session) {
    T* raw = session.get();
    owned_.emplace(raw, std::move(session));
    return raw;
  }
  void release(const sim::StreamHandler* session) { owned_.erase(session); }
  std::size_t size() const { return owned_.size(); }

 private:
  std::unordered_map<const sim::StreamHandler*, std::unique_ptr<sim::StreamHandler>> owned_;
};

struct Context {
  sim::Engine& engine;
  sim::Network& net;
  sim::Transport& transport;
  trace::Trace& trace;
  Ledger& ledger;
  std::int64_t start_epoch = 0;  // wall-clock seconds at simulated time 0
  Timeouts timeouts;
  // Time an agent takes to process a hand-off (queueing, storing): small but non-zero,
  // so that steps appear in a sensible order.
  sim::Time processing_delay = 100;
  SessionPool sessions;
  Correlation correlation;
  // Live mode: hosts whose programs are real (the live gateway, external servers). Nothing
  // simulated traces what they send, so whoever talks to one traces the lines it reads.
  std::set<sim::HostId> real_hosts;
  // Live mode: a real SMTP server stands for this host ("127.0.0.1:2525" by host name);
  // a message it accepts has left the simulation.
  std::map<std::string, std::string> external_endpoints;
};

// Ports of the well-known services.
inline constexpr std::uint16_t kPortSmtp = 25;
inline constexpr std::uint16_t kPortSubmission = 587;
inline constexpr std::uint16_t kPortPop3 = 110;
inline constexpr std::uint16_t kPortDns = 53;

// The reply delay after the n-th failed login on one connection (n >= 1).
inline sim::Time auth_failure_delay(const Timeouts& t, int failures) {
  sim::Time d = t.auth_failure_delay;
  for (int i = 1; i < failures && d < t.auth_failure_delay_max; ++i) d *= 2;
  return std::min(d, t.auth_failure_delay_max);
}

}  // namespace mailsim::agents
