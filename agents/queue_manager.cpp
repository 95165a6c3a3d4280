#include "agents/queue_manager.hpp"

#include <algorithm>
#include <cmath>

#include "agents/mime/dsn.hpp"
#include "agents/wire_trace.hpp"
#include "sim/time.hpp"

namespace mailsim::agents {

namespace {
std::string domain_of(const std::string& address) {
  const auto at = address.rfind('@');
  return at == std::string::npos ? std::string() : address.substr(at + 1);
}
// Postfix's bounce_size_limit: a larger original comes back as its header section only.
constexpr std::size_t kBounceSizeLimit = 50000;
}  // namespace

QueueManager::QueueManager(Context& ctx, const MailServerConfig& config, Mda& mda,
                           DestinationQueues& destinations)
    : ctx_(ctx), config_(config), mda_(mda), destinations_(destinations), started_(ctx.engine.now()) {}

std::size_t QueueManager::active() const {
  return static_cast<std::size_t>(std::count_if(entries_.begin(), entries_.end(), [](const auto& kv) { return kv.second.in_flight > 0; }));
}
std::size_t QueueManager::deferred() const { return entries_.size() - active(); }

bool QueueManager::is_local(const std::string& rcpt) const { return config_.is_local(rcpt); }

// When a deferred message is tried again (see RetryConfig).
sim::Time QueueManager::next_attempt(const Entry& e) const {
  const RetryConfig& r = config_.retry;
  const sim::Time now = ctx_.engine.now();
  if (r.schedule == RetryConfig::Schedule::Fixed) {
    if (e.attempts <= 1) return now + r.first;
    const double grown = static_cast<double>(r.interval) * std::pow(r.backoff, e.attempts - 2);
    return now + std::min<sim::Time>(r.max_interval, static_cast<sim::Time>(grown));
  }
  // Postfix's qmgr: wait as long as the message has been queued (so the wait doubles), capped
  // at maximal_backoff, then raised to minimal_backoff; the first deferred-queue scan at or
  // after that moment picks the message up again.
  sim::Time wait = std::min(now - e.m.arrived, r.maximal_backoff);
  wait = std::max(wait, r.minimal_backoff);
  const sim::Time ready = now + wait;
  const sim::Time scans = (ready - started_ + r.queue_run_delay - 1) / r.queue_run_delay;
  return started_ + scans * r.queue_run_delay;
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
    RcptOutcome local;
    local.rcpt = rcpt;
    local.remote_mta = config_.host;
    switch (mda_.deliver(e.m.msg, e.m.mail_from, rcpt, e.m.content)) {
      case Mda::Result::Stored:
        e.pending.erase(rcpt);
        break;
      case Mda::Result::NoSuchUser:
        e.pending.erase(rcpt);
        local.kind = RcptOutcome::Kind::Permanent;
        local.problem = trace::DeliveryProblem::UnknownUser;
        local.status = "5.1.1";
        local.diagnostic = "X-Postfix; unknown user: \"" + rcpt + "\"";
        e.failed.push_back(local);
        break;
      case Mda::Result::QuotaFull:
        local.problem = trace::DeliveryProblem::MailboxFull;
        if (config_.policy.quota_full_is_permanent) {
          e.pending.erase(rcpt);
          local.kind = RcptOutcome::Kind::Permanent;
          local.status = "5.2.2";
          local.diagnostic = "X-Postfix; mailbox full";
          e.failed.push_back(local);
        } else {
          local.status = "4.2.2";
          local.diagnostic = "X-Postfix; mailbox full";
          e.last_error[rcpt] = local;
        }
        break;
    }
  }
  // One SMTP transaction per destination and at most recipient_limit recipients
  // (Postfix's default_destination_recipient_limit).
  const std::size_t per_delivery = std::max<std::size_t>(1, config_.delivery.recipient_limit);
  std::vector<std::pair<std::string, std::vector<std::string>>> deliveries;
  for (auto& [domain, all] : remote_groups)
    for (std::size_t i = 0; i < all.size(); i += per_delivery)
      deliveries.emplace_back(domain, std::vector<std::string>(all.begin() + static_cast<std::ptrdiff_t>(i),
                                                               all.begin() + static_cast<std::ptrdiff_t>(std::min(all.size(), i + per_delivery))));
  for (auto& [domain, rcpts] : deliveries) {
    ++e.in_flight;
    DeliveryJob job{e.m.msg, e.m.mail_from, rcpts, domain == "*" ? domain_of(rcpts.front()) : domain, e.m.content};
    job.dsn_ret = e.m.dsn_ret;
    job.envid = e.m.envid;
    for (const auto& r : rcpts) {
      const auto asked = e.m.rcpt_dsn.find(r);
      job.rcpt_dsn.push_back(asked == e.m.rcpt_dsn.end() ? smtp::RcptDsn{} : asked->second);
    }
    trace::RelayAttempt fact;
    fact.queue_id = e.m.queue_id;
    fact.attempt = e.attempts;
    fact.domain = job.domain;
    fact.rcpts = rcpts;
    fact.via = config_.smarthost ? trace::Via::Smarthost : trace::Via::Mx;
    if (config_.smarthost) fact.smarthost = *config_.smarthost;
    // The seed's three roles: always a client of another MTA here; also the intermediary
    // between a submission agent and that MTA when the mail came in through submission.
    fact.roles = {trace::MtaRole::Client};
    if (e.m.submitted) fact.roles.push_back(trace::MtaRole::Intermediary);
    state(ctx_, self(), e.m.msg, std::move(fact));
    const std::uint64_t epoch = e.epoch;
    destinations_.deliver(domain, std::move(job), [this, id, epoch](std::vector<RcptOutcome> results) {
      auto it2 = entries_.find(id);
      if (it2 == entries_.end() || it2->second.epoch != epoch || !up_) return;  // lost in a crash
      Entry& en = it2->second;
      --en.in_flight;
      for (auto& r : results) {
        if (r.kind == RcptOutcome::Kind::Relayed) {
          en.pending.erase(r.rcpt);
        } else if (r.kind == RcptOutcome::Kind::Permanent) {
          en.pending.erase(r.rcpt);
          en.failed.push_back(r);
        } else {
          en.last_error[r.rcpt] = r;
        }
      }
      if (en.in_flight == 0) settle_round(id);
    });
  }
  if (e.in_flight == 0) settle_round(id);
}

void QueueManager::state_deferred(const Entry& e, const std::string& rcpt) {
  trace::Deferred f;
  f.rcpt = rcpt;
  f.attempt = e.attempts;
  f.next_attempt_us = e.next_retry;
  f.local = is_local(rcpt);
  if (auto it = e.last_error.find(rcpt); it != e.last_error.end()) {
    f.host = it->second.remote_mta;
    f.reply = it->second.reply;
    f.net_error = it->second.net_error;
    f.dns_error = it->second.dns_error;
  }
  state(ctx_, self(), e.m.msg, std::move(f));
}

void QueueManager::settle_round(std::uint64_t id) {
  auto it = entries_.find(id);
  if (it == entries_.end()) return;
  Entry& e = it->second;
  std::vector<RcptOutcome> failed = std::move(e.failed);
  e.failed.clear();
  if (!e.pending.empty()) {
    const RetryConfig& r = config_.retry;
    const sim::Time queued = ctx_.engine.now() - e.m.arrived;
    if (queued >= r.give_up) {
      // As Postfix's qmgr: the first attempt that ends at or after arrival + give_up and still
      // leaves recipients deferred returns them (RFC 5321 section 4.5.4.1); never earlier.
      expire(e, failed);
    } else {
      e.next_retry = next_attempt(e);
      for (const auto& rcpt : e.pending) state_deferred(e, rcpt);
      if (r.delay_warning > 0 && !e.warned && queued >= r.delay_warning) warn_delayed(e);
      e.retry = ctx_.engine.at(e.next_retry, [this, id] { attempt(id); });
    }
  }
  if (!failed.empty()) bounce(e, failed);
  if (e.pending.empty()) entries_.erase(id);
}

void QueueManager::expire(Entry& e, std::vector<RcptOutcome>& failed) {
  trace::Expired ex;
  ex.attempts = e.attempts;
  ex.queued_us = ctx_.engine.now() - e.m.arrived;
  ex.give_up_us = config_.retry.give_up;
  for (const auto& r : e.pending) {
    ex.rcpts.push_back(r);
    RcptOutcome o = e.last_error.count(r) ? e.last_error[r] : RcptOutcome{};
    if (o.reply) ex.last_reply = o.reply;
    o.kind = RcptOutcome::Kind::Permanent;
    o.rcpt = r;
    // The DSN reports the last deferral as it was (Postfix keeps its status and its words:
    // "smtp; <the server's reply>" or what went wrong when no server replied).
    if (o.status.empty()) o.status = "4.4.7";  // RFC 3463: delivery time expired
    if (o.diagnostic.empty()) o.diagnostic = "X-Postfix; message delivery timed out";
    failed.push_back(std::move(o));
  }
  state(ctx_, self(), e.m.msg, std::move(ex));
  e.pending.clear();
}

void QueueManager::warn_delayed(Entry& e) {
  e.warned = true;
  if (e.m.mail_from.empty()) return;  // nobody to warn about a bounce
  std::vector<RcptOutcome> delayed;
  for (const auto& r : e.pending) {
    const auto asked = e.m.rcpt_dsn.find(r);  // RFC 3461: NOTIFY without DELAY, no warning
    if (asked != e.m.rcpt_dsn.end() && !asked->second.notify.wants_delay()) continue;
    RcptOutcome o = e.last_error.count(r) ? e.last_error[r] : RcptOutcome{};
    o.rcpt = r;
    if (o.status.empty() || o.status[0] != '4') o.status = "4.0.0";
    delayed.push_back(std::move(o));
  }
  if (!delayed.empty()) send_dsn(e, delayed, trace::DsnAction::Delayed);
}

void QueueManager::bounce(Entry& e, const std::vector<RcptOutcome>& failed) {
  for (const auto& r : failed) {
    trace::Failed f;
    f.rcpt = r.rcpt;
    f.host = r.remote_mta;
    f.reply = r.reply;
    f.dns_error = r.dns_error;
    f.problem = r.problem;
    f.local = is_local(r.rcpt);
    state(ctx_, self(), e.m.msg, std::move(f));
  }
  if (e.m.mail_from.empty()) {
    // RFC 5321 section 4.5.5: a bounce is never bounced.
    std::vector<std::string> rcpts;
    for (const auto& r : failed) rcpts.push_back(r.rcpt);
    state(ctx_, self(), e.m.msg, trace::BounceDiscarded{rcpts});
    return;
  }
  // RFC 3461: a recipient whose NOTIFY leaves out FAILURE (or says NEVER) gets no DSN.
  std::vector<RcptOutcome> wanted;
  std::vector<std::string> unwanted;
  for (const auto& r : failed) {
    const auto asked = e.m.rcpt_dsn.find(r.rcpt);
    if (asked == e.m.rcpt_dsn.end() || asked->second.notify.wants_failure())
      wanted.push_back(r);
    else
      unwanted.push_back(r.rcpt);
  }
  if (!unwanted.empty()) state(ctx_, self(), e.m.msg, trace::BounceDiscarded{unwanted, true});
  if (!wanted.empty()) send_dsn(e, wanted, trace::DsnAction::Failed);
}

// One DSN (RFC 3464) from MAILER-DAEMON to the sender about these recipients.
void QueueManager::send_dsn(Entry& e, const std::vector<RcptOutcome>& rcpts, trace::DsnAction action) {
  const bool delayed = action == trace::DsnAction::Delayed;
  mime::DsnInfo dsn;
  dsn.reporting_mta = config_.host;
  dsn.original_sender = e.m.mail_from;
  dsn.original_envelope_id = e.m.envid;
  dsn.arrival_date = sim::rfc5322_date(ctx_.start_epoch, e.m.arrived);
  dsn.date = sim::rfc5322_date(ctx_.start_epoch, ctx_.engine.now());
  if (delayed) dsn.will_retry_until = sim::rfc5322_date(ctx_.start_epoch, e.m.arrived + config_.retry.give_up);
  dsn.message_id = "dsn." + e.m.queue_id + "." + std::to_string(ctx_.engine.now()) + "@" + config_.host;
  std::vector<std::string> addresses;
  for (const auto& r : rcpts) {
    addresses.push_back(r.rcpt);
    const auto asked = e.m.rcpt_dsn.find(r.rcpt);
    dsn.recipients.push_back(mime::DsnRecipient{r.rcpt, delayed ? "delayed" : "failed", r.status, r.remote_mta,
                                                r.diagnostic,
                                                asked == e.m.rcpt_dsn.end() ? "" : asked->second.orcpt});
  }
  // As Postfix: a failure returns the whole message unless the sender asked for headers only
  // (RET=HDRS) or it is larger than bounce_size_limit, 50,000 octets; a delay warning, headers.
  dsn.original_message = e.m.content;
  dsn.returned = !delayed && e.m.dsn_ret != smtp::DsnRet::Headers && e.m.content.size() <= kBounceSizeLimit
                     ? mime::DsnInfo::Returned::Full
                     : mime::DsnInfo::Returned::Headers;
  QueuedMessage q;
  q.queue_id = (delayed ? "W" : "B") + e.m.queue_id;
  q.msg = ctx_.correlation.new_bounce_id(e.m.msg);
  q.mail_from = "";
  q.rcpts = {e.m.mail_from};
  q.content = mime::compose_dsn(dsn);
  q.arrived = ctx_.engine.now();
  ctx_.correlation.tag_message_id(dsn.message_id, q.msg);
  trace::BounceCreated bc;
  bc.dsn = q.msg;
  bc.of = e.m.msg;
  bc.to = e.m.mail_from;
  bc.rcpts = addresses;
  bc.action = action;
  bc.subject = mime::dsn_subject(delayed);
  bc.message_id = dsn.message_id;
  state(ctx_, self(), e.m.msg, std::move(bc));
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
  started_ = ctx_.engine.now();  // a restarted qmgr scans its deferred queue from now on
  // Like a restarted Postfix, rescan the queue: everything gets an attempt now.
  for (auto& [id, e] : entries_) {
    const std::uint64_t eid = id;
    e.retry = ctx_.engine.after(ctx_.processing_delay, [this, eid] { attempt(eid); });
  }
}

}  // namespace mailsim::agents
