#pragma once
// The queue manager (as Postfix's qmgr): takes accepted mail from the incoming queue,
// delivers local recipients through the MDA and remote ones through the SMTP client,
// keeps failed-for-now recipients in the deferred queue with a retry schedule, and turns
// permanent failures and expired mail into DSN bounces (RFC 3464) to the sender.
// The queue is "on disk": it survives a crash of the host, but attempts in flight do not.
#include <map>
#include <set>
#include <string>
#include <vector>

#include "agents/mda.hpp"
#include "agents/queue.hpp"
#include "agents/destination_queues.hpp"

namespace mailsim::agents {

class QueueManager : public QueueSink {
 public:
  QueueManager(Context& ctx, const MailServerConfig& config, Mda& mda,
               DestinationQueues& destinations);
  void enqueue(QueuedMessage m) override;
  // Host crash: attempts in flight are forgotten; restart() schedules every entry again.
  void crash();
  void restart();
  std::size_t active() const;
  std::size_t deferred() const;

 private:
  struct Entry {
    QueuedMessage m;
    std::set<std::string> pending;  // recipients not yet delivered, relayed or bounced
    std::map<std::string, RcptOutcome> last_error;
    int attempts = 0;
    int in_flight = 0;
    std::uint64_t epoch = 0;  // bumps on crash so that late callbacks are ignored
    sim::TimerId retry;
    sim::Time next_retry = -1;
    std::vector<RcptOutcome> failed;  // permanent failures of this round, for one DSN
    bool warned = false;  // the one delay warning DSN has been sent
  };
  void attempt(std::uint64_t id);
  void settle_round(std::uint64_t id);
  void expire(Entry& e, std::vector<RcptOutcome>& failed);
  void bounce(Entry& e, const std::vector<RcptOutcome>& failed);
  void warn_delayed(Entry& e);
  void send_dsn(Entry& e, const std::vector<RcptOutcome>& rcpts, trace::DsnAction action);
  bool is_local(const std::string& rcpt) const;
  sim::Time next_attempt(const Entry& e) const;
  trace::Actor self() const { return trace::Actor{trace::Agent::MTA, config_.host}; }
  void state_deferred(const Entry& e, const std::string& rcpt);

  Context& ctx_;
  const MailServerConfig& config_;
  Mda& mda_;
  DestinationQueues& destinations_;
  std::map<std::uint64_t, Entry> entries_;
  std::uint64_t next_id_ = 1;
  std::uint64_t epoch_ = 0;
  bool up_ = true;
  sim::Time started_ = 0;  // deferred-queue scans happen every queue_run_delay from here
};

}  // namespace mailsim::agents
