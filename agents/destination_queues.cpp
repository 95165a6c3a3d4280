#include "agents/destination_queues.hpp"

#include <algorithm>

namespace mailsim::agents {

bool site_failure(const std::vector<RcptOutcome>& results) {
  return !results.empty() && std::all_of(results.begin(), results.end(), [](const RcptOutcome& r) {
    return r.kind == RcptOutcome::Kind::Transient && !r.reply && (r.net_error || r.dns_error);
  });
}

DestinationQueues::DestinationQueues(Context& ctx, const MailServerConfig& config, RemoteDelivery& remote)
    : ctx_(ctx), config_(config), remote_(remote) {}

DestinationQueues::Destination& DestinationQueues::destination(const std::string& name) {
  auto [it, fresh] = destinations_.try_emplace(name);
  if (fresh) it->second.window = static_cast<double>(config_.delivery.initial_concurrency);
  return it->second;
}

std::size_t DestinationQueues::peak_sessions(const std::string& name) const {
  auto it = destinations_.find(name);
  return it == destinations_.end() ? 0 : it->second.peak;
}

void DestinationQueues::deliver(const std::string& name, DeliveryJob job, Done done) {
  Destination& d = destination(name);
  d.waiting.push_back(Waiting{std::move(job), std::move(done)});
  if (d.dead) return suspend_waiting(d);
  pump(name);
}

// Start waiting deliveries while the window has room, oldest first.
void DestinationQueues::pump(const std::string& name) {
  Destination& d = destination(name);
  while (!d.dead && !d.waiting.empty() && static_cast<double>(d.busy) < d.window) {
    Waiting w = std::move(d.waiting.front());
    d.waiting.pop_front();
    start(name, std::move(w));
  }
}

void DestinationQueues::start(const std::string& name, Waiting w) {
  Destination& d = destination(name);
  ++d.busy;
  d.peak = std::max(d.peak, d.busy);
  // Postfix's rule: a delivery that starts within a second of the last one ending turns
  // caching on (not mere concurrency: a burst within the initial window opens its sessions
  // and closes them); once on, it stays on while deliveries are concurrent or back to back,
  // and cached connections are still used (load) after storing stops.
  const bool back_to_back = d.last_done && ctx_.engine.now() - *d.last_done <= sim::kSecond;
  if (!d.conn_store) {
    if (back_to_back) d.conn_load = d.conn_store = true;
  } else if (d.busy <= 1 && !back_to_back) {
    d.conn_store = false;
  }
  w.job.destination = name;
  w.job.conn_load = d.conn_load;
  w.job.conn_store = d.conn_store;
  const std::uint64_t epoch = epoch_;
  remote_.deliver(std::move(w.job), [this, name, epoch, done = std::move(w.done)](std::vector<RcptOutcome> results) {
    if (epoch == epoch_) finished(name, results);
    done(std::move(results));
  });
}

void DestinationQueues::finished(const std::string& name, const std::vector<RcptOutcome>& results) {
  Destination& d = destination(name);
  if (d.busy > 0) --d.busy;
  d.last_done = ctx_.engine.now();
  if (d.dead) return;  // sessions that were on their way when it died say nothing new
  if (site_failure(results))
    failed(name, d, results.front());
  else
    succeeded(d);
  pump(name);
}

// Postfix's positive feedback (qmgr_queue_unthrottle): 1/window per delivery while the
// window is in use, a whole step grows it, up to the limit.
void DestinationQueues::succeeded(Destination& d) {
  const DeliveryConfig& c = config_.delivery;
  d.fail_cohorts = 0;
  const double limit = static_cast<double>(c.concurrency_limit);
  if (d.window >= limit || d.window >= static_cast<double>(d.busy + c.initial_concurrency)) return;
  const double feedback = 1.0 / d.window;
  d.success += feedback;
  while (d.success + feedback / 2 >= 1.0) {
    d.window += 1;
    d.success -= 1;
    d.failure = 0;
  }
  d.window = std::min(d.window, limit);
}

// Postfix's negative feedback (qmgr_queue_throttle): each failure is 1/window of a failed
// cohort and shrinks the window; enough failed cohorts in a row and the destination is dead.
void DestinationQueues::failed(const std::string& name, Destination& d, const RcptOutcome& why) {
  const DeliveryConfig& c = config_.delivery;
  const double feedback = 1.0 / d.window;
  d.fail_cohorts += feedback;
  if (c.failed_cohort_limit > 0 && d.fail_cohorts >= c.failed_cohort_limit) {
    d.dead = true;
    d.dead_reason = why;
    const std::uint64_t epoch = epoch_;
    d.revive = ctx_.engine.after(c.dead_pause, [this, name, epoch] {
      if (epoch != epoch_) return;
      Destination& dd = destination(name);
      dd.dead = false;
      dd.window = static_cast<double>(config_.delivery.initial_concurrency);
      dd.success = dd.failure = dd.fail_cohorts = 0;
      pump(name);
    }, sim::EventKind::Background);  // nothing waits while it is dead: its mail was deferred
    return suspend_waiting(d);
  }
  d.failure -= feedback;
  while (d.failure - feedback / 2 < 0) {
    d.window -= 1;
    d.success = 0;
    d.failure += 1;
  }
  d.window = std::max(d.window, 1.0);
}

// A dead destination's waiting mail is deferred at once with the reason that killed it,
// in Postfix's words: "delivery temporarily suspended: …".
void DestinationQueues::suspend_waiting(Destination& d) {
  std::deque<Waiting> waiting;
  waiting.swap(d.waiting);
  for (auto& w : waiting) {
    RcptOutcome o = d.dead_reason;
    o.kind = RcptOutcome::Kind::Transient;
    std::string why = o.diagnostic;
    if (why.rfind("X-Postfix; ", 0) == 0) why.erase(0, 11);
    if (why.rfind("delivery temporarily suspended: ", 0) != 0) why = "delivery temporarily suspended: " + why;
    o.diagnostic = "X-Postfix; " + why;
    // Never call back from inside deliver(): the queue manager is still handing out jobs.
    ctx_.engine.after(0, [done = std::move(w.done), results = all_rcpts(w.job.rcpts, o)]() mutable {
      done(std::move(results));
    });
  }
}

void DestinationQueues::crash() {
  ++epoch_;
  for (auto& [name, d] : destinations_) ctx_.engine.cancel(d.revive);
  destinations_.clear();
}

}  // namespace mailsim::agents
