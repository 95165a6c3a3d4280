// Live mode's gate per client address: connections and failed logins (anvil, fail2ban).
#include <catch2/catch.hpp>

#include "cli/lib/live_gate.hpp"

using mailsim::app::GateLimits;
using mailsim::app::LiveGate;
using mailsim::sim::kMinute;
using V = LiveGate::Verdict;

TEST_CASE("connections are limited per address, not in total", "[gate]") {
  LiveGate gate(GateLimits{3, 5, 10 * kMinute, 10 * kMinute});
  for (int i = 0; i < 3; ++i) {
    REQUIRE(gate.admit("127.0.0.2", 0) == V::Admit);
    gate.opened("127.0.0.2");
  }
  CHECK(gate.admit("127.0.0.2", 0) == V::TooManyConnections);
  CHECK(gate.admit("127.0.0.1", 0) == V::Admit);
  gate.closed("127.0.0.2");
  CHECK(gate.admit("127.0.0.2", 0) == V::Admit);
}

TEST_CASE("failed logins within the window block the address for a while", "[gate]") {
  LiveGate gate(GateLimits{50, 3, 10 * kMinute, 10 * kMinute});
  CHECK_FALSE(gate.failed_login("a", 0));
  CHECK_FALSE(gate.failed_login("a", 11 * kMinute));  // the first one has left the window
  CHECK_FALSE(gate.failed_login("a", 12 * kMinute));
  CHECK(gate.admit("a", 12 * kMinute) == V::Admit);
  CHECK(gate.failed_login("a", 13 * kMinute));  // three within ten minutes
  CHECK(gate.admit("a", 13 * kMinute) == V::Blocked);
  CHECK(gate.admit("b", 13 * kMinute) == V::Admit);
  CHECK(gate.blocked_until("a") == 23 * kMinute);
  CHECK_FALSE(gate.failed_login("a", 14 * kMinute));  // already blocked: not counted again
  CHECK(gate.admit("a", 23 * kMinute) == V::Admit);
}

TEST_CASE("an address with nothing open and no failures is forgotten", "[gate]") {
  LiveGate gate;
  gate.opened("x");
  gate.closed("x");
  CHECK(gate.open("x") == 0);
  CHECK(gate.failures("x") == 0);
  CHECK(gate.blocked_until("x") == -1);
}
