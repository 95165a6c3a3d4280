#pragma once
// Live mode's gate for real clients, per loopback source address, as Postfix's anvil and
// fail2ban do it: how many connections an address has open, and how many logins it failed
// recently. Limits and defaults are in docs/live-mode.md. Pure bookkeeping: no sockets, no
// clock (the caller passes simulated time).
#include <deque>
#include <string>
#include <unordered_map>

#include "sim/time.hpp"

namespace mailsim::app {

struct GateLimits {
  int connections_per_address = 50;               // Postfix smtpd_client_connection_count_limit
  int auth_failures = 5;                          // failed logins within the window (fail2ban maxretry)
  sim::Time failure_window = 10 * sim::kMinute;   // fail2ban findtime
  sim::Time block = 10 * sim::kMinute;            // fail2ban bantime
};

class LiveGate {
 public:
  enum class Verdict { Admit, TooManyConnections, Blocked };
  explicit LiveGate(GateLimits limits = {}) : limits_(limits) {}

  Verdict admit(const std::string& address, sim::Time now);
  void opened(const std::string& address) { ++by_address_[address].open; }
  void closed(const std::string& address);
  // Counts a failed login; true when it exhausts the budget (the address is now blocked).
  bool failed_login(const std::string& address, sim::Time now);

  int open(const std::string& address) const;
  int failures(const std::string& address) const;
  sim::Time blocked_until(const std::string& address) const;
  const GateLimits& limits() const { return limits_; }

 private:
  struct PerAddress {
    int open = 0;
    std::deque<sim::Time> failures;  // times of the recent ones, at most limits_.auth_failures
    sim::Time blocked_until = -1;
  };

  GateLimits limits_;
  std::unordered_map<std::string, PerAddress> by_address_;
};

}  // namespace mailsim::app
