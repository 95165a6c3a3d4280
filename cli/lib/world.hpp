#pragma once
// A simulation built from a scenario: the network, the agents, the faults. run() drives
// the engine until every message is settled (or the scenario's time limit).
#include <filesystem>
#include <memory>
#include <ostream>
#include <vector>

#include "agents/dns_agents.hpp"
#include "agents/mail_server.hpp"
#include "agents/mua.hpp"
#include "cli/lib/scenario.hpp"

namespace mailsim::app {

struct RunOptions {
  bool trace = true;
  bool trace_content = true;
  std::optional<std::uint64_t> seed;  // overrides the scenario's
};

class World {
 public:
  World(const Scenario& scenario, RunOptions options);
  ~World();
  void run();

  const Scenario& scenario() const { return scenario_; }
  std::uint64_t seed() const { return engine_.seed(); }
  sim::Engine& engine() { return engine_; }
  sim::Network& network() { return net_; }
  sim::Transport& transport() { return transport_; }
  sim::Trace& trace() { return trace_; }
  agents::Ledger& ledger() { return ledger_; }
  agents::Context& context() { return ctx_; }
  std::vector<std::unique_ptr<agents::MailServer>>& servers() { return servers_; }
  std::vector<std::unique_ptr<agents::Mua>>& muas() { return muas_; }

  nlohmann::json trace_json() const;
  nlohmann::json summary_json() const;
  void print_summary(std::ostream& out) const;
  // Each server mailbox and each MUA's local store as a Maildir under dir.
  void export_maildirs(const std::filesystem::path& dir);

 private:
  void schedule_faults();
  agents::MailServer* server_on(sim::HostId host);

  Scenario scenario_;
  sim::Engine engine_;
  sim::Network net_;
  sim::Transport transport_;
  sim::Trace trace_;
  agents::Ledger ledger_;
  agents::Context ctx_;
  std::unique_ptr<agents::DnsServerAgent> dns_;
  std::vector<std::unique_ptr<agents::MailServer>> servers_;
  std::vector<sim::HostId> server_hosts_;
  std::vector<std::unique_ptr<agents::Mua>> muas_;
};

}  // namespace mailsim::app
