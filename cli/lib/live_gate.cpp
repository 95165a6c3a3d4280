#include "cli/lib/live_gate.hpp"

namespace mailsim::app {

LiveGate::Verdict LiveGate::admit(const std::string& address, sim::Time now) {
  auto it = by_address_.find(address);
  if (it == by_address_.end()) return Verdict::Admit;
  if (it->second.blocked_until > now) return Verdict::Blocked;
  it->second.blocked_until = -1;  // a block that has run out
  if (it->second.open >= limits_.connections_per_address) return Verdict::TooManyConnections;
  return Verdict::Admit;
}

void LiveGate::closed(const std::string& address) {
  auto it = by_address_.find(address);
  if (it == by_address_.end()) return;
  if (it->second.open > 0) --it->second.open;
  // An address with nothing open, no recent failure and no block is forgotten: memory
  // follows the clients connected, not every address ever seen.
  if (it->second.open == 0 && it->second.failures.empty() && it->second.blocked_until < 0) by_address_.erase(it);
}

bool LiveGate::failed_login(const std::string& address, sim::Time now) {
  PerAddress& a = by_address_[address];
  if (a.blocked_until > now) return false;  // already blocked: counted when it started
  while (!a.failures.empty() && now - a.failures.front() >= limits_.failure_window) a.failures.pop_front();
  a.failures.push_back(now);
  if (static_cast<int>(a.failures.size()) < limits_.auth_failures) return false;
  a.failures.clear();
  a.blocked_until = now + limits_.block;
  return true;
}

int LiveGate::open(const std::string& address) const {
  auto it = by_address_.find(address);
  return it == by_address_.end() ? 0 : it->second.open;
}

int LiveGate::failures(const std::string& address) const {
  auto it = by_address_.find(address);
  return it == by_address_.end() ? 0 : static_cast<int>(it->second.failures.size());
}

sim::Time LiveGate::blocked_until(const std::string& address) const {
  auto it = by_address_.find(address);
  return it == by_address_.end() ? -1 : it->second.blocked_until;
}

}  // namespace mailsim::app
