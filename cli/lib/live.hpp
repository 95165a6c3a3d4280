#pragma once
// Live mode: real TCP connections on loopback bridged into the simulation, and the
// real-time loop that paces the engine against the wall clock (see docs/live-mode.md).
//
// Inbound (`serve`): a real client connects to a loopback port mapped to (server host,
// service); the bridge opens a simulated connection from the gateway host to that host's
// port 25, 587 or 110 and pipes bytes both ways. Outbound (a scenario server with
// "external"): the bridge listens on that simulated host's port 25; each simulated
// connection to it is piped to the real SMTP server on loopback.
//
// The agents and protocol cores are not touched: only bytes cross the bridge. Real
// sockets are only ever opened on loopback addresses.
#include <csignal>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cli/lib/live_gate.hpp"
#include "cli/lib/world.hpp"

namespace mailsim::app {

struct LiveEndpoint {
  std::string server;   // host name of the mail server
  std::string service;  // smtp, submission, pop3
  std::uint16_t sim_port = 0;
  std::uint16_t real_port = 0;
};

// The real port of a service under --base-port N: server k (0-based, scenario order) gets
// N + 100*k + (well-known port mod 100): smtp +25, submission +87, pop3 +10.
int live_port_for(int base, std::size_t server_index, std::uint16_t sim_port);

class LiveBridge {
 public:
  explicit LiveBridge(World& world);
  ~LiveBridge();
  LiveBridge(const LiveBridge&) = delete;
  LiveBridge& operator=(const LiveBridge&) = delete;

  // Opens a real listener for each service of each simulated mail server. base_port 0:
  // the OS chooses. Throws std::runtime_error when a port cannot be bound.
  std::vector<LiveEndpoint> listen(const std::string& bind_address, int base_port);
  // serve: the real-time loop at `speed` simulated seconds per wall second, until *stop
  // becomes non-zero or `for_seconds` of wall time have passed (0 = no limit).
  void serve(double speed, double for_seconds, const volatile std::sig_atomic_t* stop);
  // run: like Engine::run (until no work is left and the ledger is settled, or `until`),
  // as fast as possible, but in real time while a real connection is open.
  void run(sim::Time until, const volatile std::sig_atomic_t* stop);
  // Closes every real socket (listeners and connections).
  void close_all();

  class Conn;  // one bridged connection

 private:
  friend class Conn;
  struct Listener {
    int fd = -1;
    sim::HostId host = sim::kNoHost;
    std::uint16_t sim_port = 0;
    std::string server;
  };
  void accept_from(const Listener& l);
  void refuse(int fd, const Listener& l, const std::string& address, LiveGate::Verdict why);
  void on_failed_login(std::uint64_t sim_conn);
  void iterate(int max_wait_ms);
  void schedule_sim_work();
  void sim_work();
  void reap();
  bool wants_sim_work(const Conn& c) const;

  World& world_;
  std::vector<Listener> listeners_;
  std::map<std::uint64_t, std::unique_ptr<Conn>> conns_;
  std::uint64_t next_id_ = 1;
  LiveGate gate_;
  // Fact observers cannot be removed from the trace: they reach the bridge through this,
  // which the destructor clears.
  std::shared_ptr<LiveBridge*> self_ = std::make_shared<LiveBridge*>(this);
  bool sim_work_scheduled_ = false;
  // The clock: simulated time = sim0_ + (wall - wall0_) * speed_.
  double speed_ = 1.0;
  std::int64_t wall0_us_ = 0;
  sim::Time sim0_ = 0;
  sim::Time target() const;
  void anchor();
};

// SIGINT and SIGTERM set the returned flag (async-signal-safe); SIGPIPE is ignored.
const volatile std::sig_atomic_t* install_stop_signals();

}  // namespace mailsim::app
