#include "agents/queue_manager.hpp"

#include <algorithm>
#include <cmath>

#include "agents/mime/dsn.hpp"
#include "agents/smtp_listener.hpp"
#include "agents/wire_trace.hpp"

namespace mailsim::agents {

namespace {
std::string domain_of(const std::string& address) {
  const auto at = address.rfind('@');
  return at == std::string::npos ? std::string() : address.substr(at + 1);
}
std::string header_section(const std::string& content) {
  const auto p = content.find("\r\n\r\n");
  return p == std::string::npos ? content : content.substr(0, p + 2);
}
}  // namespace

QueueManager::QueueManager(Context& ctx, sim::HostId host, const MailServerConfig& config, Mda& mda,
                           RemoteDelivery& remote)
    : ctx_(ctx), host_(host), config_(config), mda_(mda), remote_(remote) {}

std::size_t QueueManager::active() const {
  return static_cast<std::size_t>(std::count_if(entries_.begin(), entries_.end(), [](const auto& kv) { return kv.second.in_flight > 0; }));
}
std::size_t QueueManager::deferred() const { return entries_.size() - active(); }

bool QueueManager::is_local(const std::string& rcpt) const {
  const std::string d = domain_of(rcpt);
  return d.empty() || domain_in(config_.domains, d);
}

sim::Time QueueManager::retry_delay(int attempts) const {
  const RetryConfig& r = config_.retry;
  if (attempts <= 1) return r.first;
  const double grown = static_cast<double>(r.interval) * std::pow(r.backoff, attempts - 2);
  return std::min<sim::Time>(r.max_interval, static_cast<sim::Time>(grown));
}

void QueueManager::enqueue(QueuedMessage m) {
  const std::uint64_t id = next_id_++;
  Entry e;
  e.epoch = epoch_;
  e.pending.insert(m.rcpts.begin(), m.rcpts.end());
  e.m = std::move(m);
  entries_.emplace(id, std::move(e));
  if (up_) attempt(id);
}

void QueueManager::attempt(std::uint64_t id) {
  auto it = entries_.find(id);
  if (it == entries_.end()) return;
  Entry& e = it->second;
  ++e.attempts;
  e.next_retry = -1;
  std::map<std::string, std::vector<std::string>> remote_groups;  // by domain, in order
  for (const auto& rcpt : std::vector<std::string>(e.pending.begin(), e.pending.end())) {
    if (!is_local(rcpt)) {
      remote_groups[config_.smarthost ? std::string("*") : domain_of(rcpt)].push_back(rcpt);
      continue;
    }
    switch (mda_.deliver(e.m.msg, e.m.mail_from, rcpt, e.m.content)) {
      case Mda::Result::Stored:
        e.pending.erase(rcpt);
        break;
      case Mda::Result::NoSuchUser:
        e.pending.erase(rcpt);
        e.failed.push_back(RcptOutcome{RcptOutcome::Kind::Permanent, rcpt, "550 5.1.1 user unknown", "5.1.1", ""});
        break;
      case Mda::Result::QuotaFull:
        if (config_.policy.quota_full_is_permanent) {
          e.pending.erase(rcpt);
          e.failed.push_back(RcptOutcome{RcptOutcome::Kind::Permanent, rcpt, "552 5.2.2 mailbox full", "5.2.2", ""});
        } else {
          e.last_error[rcpt] = "452 4.2.2 mailbox full";
        }
        break;
    }
  }
  for (auto& [domain, rcpts] : remote_groups) {
    ++e.in_flight;
    DeliveryJob job{e.m.msg, e.m.mail_from, rcpts, domain == "*" ? domain_of(rcpts.front()) : domain, e.m.content};
    trace_note(ctx_, sim::Step::Relay, self(), e.m.msg,
               "queue " + e.m.queue_id + ": delivery attempt " + std::to_string(e.attempts) + " to " +
                   (config_.smarthost ? "the smarthost " + *config_.smarthost : "the mail exchanger of " + domain) +
                   " for " + std::to_string(rcpts.size()) + " recipient(s)");
    const std::uint64_t epoch = e.epoch;
    remote_.deliver(std::move(job), [this, id, epoch](std::vector<RcptOutcome> results) {
      auto it2 = entries_.find(id);
      if (it2 == entries_.end() || it2->second.epoch != epoch || !up_) return;  // lost in a crash
      Entry& en = it2->second;
      --en.in_flight;
      for (auto& r : results) {
        if (r.kind == RcptOutcome::Kind::Relayed) {
          en.pending.erase(r.rcpt);
          trace_note(ctx_, sim::Step::Relay, self(), en.m.msg,
                     "handed the message for " + r.rcpt + " to " + r.remote_mta + ": " + r.reply);
        } else if (r.kind == RcptOutcome::Kind::Permanent) {
          en.pending.erase(r.rcpt);
          en.failed.push_back(r);
        } else {
          en.last_error[r.rcpt] = r.reply;
        }
      }
      if (en.in_flight == 0) settle_round(id);
    });
  }
  if (e.in_flight == 0) settle_round(id);
}

void QueueManager::settle_round(std::uint64_t id) {
  auto it = entries_.find(id);
  if (it == entries_.end()) return;
  Entry& e = it->second;
  std::vector<RcptOutcome> failed = std::move(e.failed);
  e.failed.clear();
  if (!e.pending.empty()) {
    const sim::Time delay = retry_delay(e.attempts);
    if (ctx_.engine.now() + delay - e.m.arrived > config_.retry.give_up) {
      // Queued too long (RFC 5321 section 4.5.4.1): give up and tell the sender.
      for (const auto& r : e.pending) {
        const std::string err = e.last_error.count(r) ? e.last_error[r] : std::string("no answer");
        failed.push_back(RcptOutcome{RcptOutcome::Kind::Permanent, r,
                                     "delivery gave up after " + std::to_string(e.attempts) + " attempts: " + err,
                                     "4.4.7", ""});
      }
      e.pending.clear();
    } else {
      e.next_retry = ctx_.engine.now() + delay;
      for (const auto& r : e.pending) {
        const std::string err = e.last_error.count(r) ? e.last_error[r] : std::string("temporary failure");
        ctx_.ledger.deferred(e.m.msg, r, e.next_retry, err);
        trace_note(ctx_, sim::Step::Relay, self(), e.m.msg,
                   "deferred " + r + " (" + err + "); next retry at " + sim::format_duration(e.next_retry),
                   sim::Alert::Transient);
      }
      e.retry = ctx_.engine.at(e.next_retry, [this, id] { attempt(id); });
    }
  }
  if (!failed.empty()) bounce(e, failed);
  if (e.pending.empty()) entries_.erase(id);
}

void QueueManager::bounce(Entry& e, const std::vector<RcptOutcome>& failed) {
  for (const auto& r : failed) {
    ctx_.ledger.bounced(e.m.msg, r.rcpt, ctx_.engine.now(), r.reply);
    trace_note(ctx_, sim::Step::Relay, self(), e.m.msg, "permanent failure for " + r.rcpt + ": " + r.reply,
               sim::Alert::Permanent);
  }
  if (e.m.mail_from.empty()) {
    // RFC 5321 section 4.5.5: a bounce is never bounced.
    trace_note(ctx_, sim::Step::Relay, self(), e.m.msg, "the failed message was itself a bounce: discarded",
               sim::Alert::Permanent);
    return;
  }
  mime::DsnInfo dsn;
  dsn.reporting_mta = config_.host;
  dsn.original_sender = e.m.mail_from;
  dsn.arrival_date = sim::rfc5322_date(ctx_.start_epoch, e.m.arrived);
  dsn.date = sim::rfc5322_date(ctx_.start_epoch, ctx_.engine.now());
  dsn.message_id = "dsn." + e.m.queue_id + "." + std::to_string(ctx_.engine.now()) + "@" + config_.host;
  for (const auto& r : failed)
    dsn.recipients.push_back(mime::DsnRecipient{r.rcpt, "failed", r.status, r.remote_mta, "smtp; " + r.reply});
  dsn.original_message = header_section(e.m.content);
  QueuedMessage q;
  q.queue_id = "B" + e.m.queue_id;
  q.msg = ctx_.ledger.plan_bounce(e.m.msg, dsn.message_id, e.m.mail_from);
  q.mail_from = "";
  q.rcpts = {e.m.mail_from};
  q.content = mime::compose_dsn(dsn);
  q.arrived = ctx_.engine.now();
  trace_note(ctx_, sim::Step::Relay, self(), e.m.msg,
             "sending a delivery status notification (bounce) from MAILER-DAEMON to " + e.m.mail_from,
             sim::Alert::Permanent);
  ctx_.engine.after(ctx_.processing_delay, [this, q = std::move(q)]() mutable { enqueue(std::move(q)); });
}

void QueueManager::crash() {
  up_ = false;
  ++epoch_;
  for (auto& [id, e] : entries_) {
    ctx_.engine.cancel(e.retry);
    e.in_flight = 0;
    e.epoch = epoch_;
    // e.failed stays: those recipients already left e.pending, so forgetting them would
    // lose their bounce. Like a queue file that records each recipient's fate, the next
    // round after the restart sends the bounce.
  }
}

void QueueManager::restart() {
  if (up_) return;  // already running: a rescan would start a second delivery of everything
  up_ = true;
  // Like a restarted Postfix, rescan the queue: everything gets an attempt now.
  for (auto& [id, e] : entries_) {
    const std::uint64_t eid = id;
    e.retry = ctx_.engine.after(ctx_.processing_delay, [this, eid] { attempt(eid); });
  }
}

}  // namespace mailsim::agents
