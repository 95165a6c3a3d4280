#pragma once
// Per-destination queues between the queue manager and the SMTP client, as Postfix's qmgr
// keeps them: a delivery waits until its destination has a free session slot (the
// concurrency window, see DeliveryConfig), and a destination that keeps failing is declared
// dead for a while, its waiting mail deferred without an attempt.
#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "agents/remote_delivery.hpp"

namespace mailsim::agents {

class DestinationQueues {
 public:
  using Done = std::function<void(std::vector<RcptOutcome>)>;
  DestinationQueues(Context& ctx, const MailServerConfig& config, RemoteDelivery& remote);
  // `destination` is the recipient domain, or "*" for everything that goes to the smarthost.
  void deliver(const std::string& destination, DeliveryJob job, Done done);
  // Host crash: waiting deliveries are forgotten (the queue manager rescans on restart),
  // sessions in flight no longer count, every destination starts afresh.
  void crash();

  // For tests and the summary: the most sessions one destination ever had at once.
  std::size_t peak_sessions(const std::string& destination) const;

 private:
  struct Waiting {
    DeliveryJob job;
    Done done;
  };
  struct Destination {
    std::deque<Waiting> waiting;
    std::size_t busy = 0;      // sessions in flight
    double window = 0;         // how many may be in flight
    double success = 0, failure = 0, fail_cohorts = 0;  // Postfix's feedback accumulators
    bool dead = false;
    RcptOutcome dead_reason;   // the failure that killed it, for the deferrals meanwhile
    sim::TimerId revive;
    std::size_t peak = 0;
    // Postfix's on-demand connection caching (qmgr_entry.c): switched on by deliveries back
    // to back, off again when they are neither concurrent nor back to back.
    std::optional<sim::Time> last_done;
    bool conn_load = false, conn_store = false;
  };
  Destination& destination(const std::string& name);
  void pump(const std::string& name);
  void start(const std::string& name, Waiting w);
  void finished(const std::string& name, const std::vector<RcptOutcome>& results);
  void succeeded(Destination& d);
  void failed(const std::string& name, Destination& d, const RcptOutcome& why);
  void suspend_waiting(Destination& d);

  Context& ctx_;
  const MailServerConfig& config_;
  RemoteDelivery& remote_;
  std::map<std::string, Destination> destinations_;
  std::uint64_t epoch_ = 0;  // bumps on crash so that late callbacks are ignored
};

// A delivery that never reached a server that answered: no connection, a lost or silent
// session, a failed lookup. These count against the destination, not the recipients.
bool site_failure(const std::vector<RcptOutcome>& results);

}  // namespace mailsim::agents
