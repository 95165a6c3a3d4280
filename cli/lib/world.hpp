#pragma once
// A simulation built from a scenario: the network, the agents, the faults. run() drives
// the engine until every message is settled (or the scenario's time limit).
#include <filesystem>
#include <map>
#include <memory>
#include <ostream>
#include <vector>

#include "agents/dns_agents.hpp"
#include "agents/mail_server.hpp"
#include "agents/mua.hpp"
#include "agents/traffic.hpp"
#include "cli/lib/scenario.hpp"

namespace mailsim::app {

struct RunOptions {
  bool trace_content = true;  // keep message bodies in the trace
  std::optional<std::uint64_t> seed;  // overrides the scenario's
  // Live mode (`serve`): real clients play the MUAs, so the scenario's MUAs and messages
  // can be left out; a gateway host carries the bridged real connections.
  bool simulate_clients = true;
  bool live_gateway = false;
  // Scenarios with "external" servers: the SMTP client timeouts (greeting, command, end of
  // data) are at most this, so that a silent real server costs a bounded wall time. 0 = off.
  sim::Time external_timeout = 0;
};

// A scenario server with "external": its simulated host stands for a real SMTP server on
// loopback; no simulated agents run there (the live bridge answers its port 25).
struct ExternalServer {
  sim::HostId host = sim::kNoHost;
  std::string name;
  std::string address;  // loopback address text
  std::uint16_t port = 0;
};

inline constexpr const char* kGatewayName = "live-gateway";

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
  // Facts always flow to the ledger; add a sink (trace::TraceWriter) to record everything.
  trace::Trace& trace() { return trace_; }
  agents::Ledger& ledger() { return ledger_; }
  agents::Context& context() { return ctx_; }
  std::vector<std::unique_ptr<agents::MailServer>>& servers() { return servers_; }
  std::vector<std::unique_ptr<agents::Mua>>& muas() { return muas_; }
  const std::vector<ExternalServer>& externals() const { return externals_; }
  // The live gateway host (kNoHost unless RunOptions::live_gateway).
  sim::HostId gateway() const { return gateway_; }

  // The trace's header (docs/trace-format.md), keys in their documented order.
  nlohmann::ordered_json trace_header() const;
  nlohmann::json summary_json() const;
  // Each server mailbox and each MUA's local store as a Maildir under dir.
  void export_maildirs(const std::filesystem::path& dir);

 private:
  void schedule_faults();
  agents::MailServer* server_on(sim::HostId host);

  Scenario scenario_;
  sim::Engine engine_;
  sim::Network net_;
  sim::Transport transport_;
  trace::Trace trace_;
  agents::Ledger ledger_;
  agents::Context ctx_;
  std::unique_ptr<agents::DnsServerAgent> dns_;
  std::vector<std::unique_ptr<agents::MailServer>> servers_;
  std::vector<sim::HostId> server_hosts_;
  // One store per client host, a mailbox per user: 10,000 users need not open 10,000 databases.
  std::map<sim::HostId, std::unique_ptr<store::MailboxStore>> client_stores_;
  std::vector<std::unique_ptr<agents::Mua>> muas_;
  std::unique_ptr<agents::TrafficGenerator> traffic_;
  std::vector<ExternalServer> externals_;
  sim::HostId gateway_ = sim::kNoHost;
  std::string gateway_peer_;  // the host the gateway is linked to
  RunOptions options_;
};

}  // namespace mailsim::app
