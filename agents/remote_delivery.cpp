#include "agents/remote_delivery.hpp"

#include "agents/client_sessions.hpp"
#include "agents/dns/message.hpp"
#include "agents/wire_trace.hpp"
#include "sim/text.hpp"

namespace mailsim::agents {

std::vector<RcptOutcome> all_rcpts(const std::vector<std::string>& rcpts, const RcptOutcome& like) {
  std::vector<RcptOutcome> out;
  for (const auto& r : rcpts) {
    out.push_back(like);
    out.back().rcpt = r;
  }
  return out;
}

namespace {
trace::NetFailure net_failure(sim::NetError e) {
  switch (e) {
    case sim::NetError::Refused: return trace::NetFailure::Refused;
    case sim::NetError::Unreachable: return trace::NetFailure::Unreachable;
    case sim::NetError::TimedOut: return trace::NetFailure::TimedOut;
    case sim::NetError::Reset: return trace::NetFailure::Reset;
  }
  return trace::NetFailure::Unreachable;
}

// Postfix's words (smtp_proto.c) for what the client was doing when a session ended without
// a reply: they become the Diagnostic-Code of a later DSN, as Postfix writes it.
const char* while_doing(const std::string& stage) {
  if (stage == "greeting") return "receiving the initial server greeting";
  if (stage == "ehlo") return "performing the EHLO handshake";
  if (stage == "auth") return "performing the AUTH handshake";
  if (stage == "mail") return "sending MAIL FROM";
  if (stage == "rcpt") return "sending RCPT TO";
  if (stage == "data") return "sending DATA command";
  if (stage == "content") return "sending end of data -- message may be sent more than once";
  return "sending QUIT";
}

// "X-Postfix; conversation with HOST[IP] timed out while …" or "lost connection with …".
std::string silent_session(const std::string& host, std::uint32_t address, bool timed_out, const std::string& stage) {
  const std::string peer = host + "[" + dns::format_ipv4(address) + "]";
  return std::string("X-Postfix; ") + (timed_out ? "conversation with " + peer + " timed out while "
                                                 : "lost connection with " + peer + " while ") +
         while_doing(stage);
}

// Postfix's (the C library's) words for a failed connect.
const char* connect_error(sim::NetError e) {
  switch (e) {
    case sim::NetError::Refused: return "Connection refused";
    case sim::NetError::Unreachable: return "No route to host";
    case sim::NetError::TimedOut: return "Connection timed out";
    case sim::NetError::Reset: return "Connection reset by peer";
  }
  return "Network is unreachable";
}

RcptOutcome dns_outcome(const MxResult& r) {
  RcptOutcome o;
  o.kind = r.outcome == MxResult::Outcome::Permanent ? RcptOutcome::Kind::Permanent : RcptOutcome::Kind::Transient;
  o.dns_error = r.failure;
  // RFC 3463: 5.1.2 bad destination system address; RFC 7505: 5.1.10 null MX; 4.4.3 directory server failure.
  o.status = r.failure == trace::MxFailure::NullMx ? "5.1.10" : o.kind == RcptOutcome::Kind::Permanent ? "5.1.2" : "4.4.3";
  o.diagnostic = "X-Postfix; " + r.reason;
  return o;
}
}  // namespace

RemoteDelivery::RemoteDelivery(Context& ctx, sim::HostId host, const MailServerConfig& config, Resolver& resolver)
    : ctx_(ctx), host_(host), config_(config), resolver_(resolver), cache_(ctx, config.delivery) {}

trace::Actor RemoteDelivery::self() const { return trace::Actor{trace::Agent::MTA, config_.host}; }

void RemoteDelivery::deliver(DeliveryJob job, Done done) {
  auto shared = std::make_shared<DeliveryJob>(std::move(job));
  // Postfix looks for a cached connection by the destination's name before any lookup.
  if (shared->conn_load)
    if (auto cached = cache_.take(shared->destination)) return reuse(shared, std::move(*cached), std::move(done));
  route(shared, std::move(done));
}

void RemoteDelivery::route(Job shared, Done done) {
  if (config_.smarthost) {
    std::vector<MxTarget> t{MxTarget{*config_.smarthost, config_.smarthost_address, 0}};
    return try_target(shared, std::move(t), 0, RcptOutcome{}, std::move(done));
  }
  resolver_.resolve_mail_hosts(shared->domain, shared->msg, [this, shared, done](MxResult r) {
    if (r.outcome != MxResult::Outcome::Ok) {
      state(ctx_, self(), shared->msg,
            trace::MxFailed{shared->domain, r.failure, r.outcome == MxResult::Outcome::Permanent});
      return done(all_rcpts(shared->rcpts, dns_outcome(r)));
    }
    if (!r.cached) {  // an answer the resolver still had is no news: nobody was asked
      trace::MxAnswer answer;
      answer.domain = shared->domain;
      answer.implicit = r.implicit;
      for (const auto& t : r.targets)
        answer.exchangers.push_back(trace::Exchanger{t.host, t.preference, dns::format_ipv4(t.address)});
      state(ctx_, self(), shared->msg, std::move(answer));
    }
    // Never deliver to ourselves through MX: that would be a mail loop.
    std::vector<MxTarget> targets;
    for (auto& t : r.targets)
      if (t.address != ctx_.net.host(host_).address) targets.push_back(t);
    if (targets.empty()) {
      state(ctx_, self(), shared->msg, trace::MxFailed{shared->domain, trace::MxFailure::LoopsBack, true});
      RcptOutcome o;
      o.kind = RcptOutcome::Kind::Permanent;
      o.dns_error = trace::MxFailure::LoopsBack;
      o.status = "5.4.6";
      o.diagnostic = "X-Postfix; mail for " + shared->domain + " loops back to myself";
      return done(all_rcpts(shared->rcpts, o));
    }
    try_target(shared, std::move(targets), 0, RcptOutcome{}, done);
  });
}

WireParty RemoteDelivery::party(const Job& job, const MxTarget& target) const {
  WireParty p;
  p.self = self();
  p.peer = trace::Actor{trace::Agent::MTA, target.host};
  p.step = trace::Step::Relay;
  p.msg = job->msg;
  return p;
}

smtp::Transaction RemoteDelivery::transaction(const DeliveryJob& job) const {
  smtp::Transaction txn;
  txn.mail_from = job.mail_from;
  txn.rcpt_to = job.rcpts;
  txn.content = job.content;
  txn.dsn_ret = job.dsn_ret;
  txn.envid = job.envid;
  txn.rcpt_dsn = job.rcpt_dsn;
  txn.keep_open = job.conn_store && config_.delivery.connection_reuse;
  txn.body_8bit = text::has_8bit(job.content);
  return txn;
}

// The next message over an idle connection: RSET, then the transaction. A connection that
// fails the probe is dropped, and the message goes the usual way over a new one.
void RemoteDelivery::reuse(Job job, CachedConnection c, Done done) {
  c.link->next(party(job, c.target), transaction(*job), [this, job, c, done](SmtpOutcome o) mutable {
    if (o.result.probe_failed) return route(job, done);
    ++c.transactions;
    session_ended(job, {c.target}, 0, c, o, done);
  });
}

void RemoteDelivery::try_target(Job job, std::vector<MxTarget> targets, std::size_t i, RcptOutcome last_error,
                                Done done) {
  if (i == targets.size()) {
    last_error.kind = RcptOutcome::Kind::Transient;
    if (last_error.status.empty()) last_error.status = "4.4.1";  // no answer from host
    return done(all_rcpts(job->rcpts, last_error));
  }
  const MxTarget target = targets[i];
  smtp::ClientConfig cc;
  cc.helo_name = config_.host;
  const CachedConnection fresh{nullptr, target, ctx_.engine.now(), 1};
  const std::uint64_t conn = start_smtp_session(
      ctx_, host_, target.address, kPortSmtp, party(job, target), OnOwnHostCrash::Vanish, std::move(cc),
      transaction(*job), [this, job, targets, i, done, fresh](SmtpOutcome o) {
        if (o.net_error) {
          const MxTarget& target = fresh.target;
          // Unreachable or refused: try the next exchanger (RFC 5321 section 5.1).
          trace::ConnectionFailed f{target.host, dns::format_ipv4(target.address), net_failure(*o.net_error), "", 0};
          if (i + 1 < targets.size()) {
            f.next_host = targets[i + 1].host;
            f.next_preference = targets[i + 1].preference;
          }
          state(ctx_, self(), job->msg, std::move(f), o.conn);
          RcptOutcome err;
          err.net_error = net_failure(*o.net_error);
          err.status = "4.4.1";
          err.remote_mta = target.host;
          err.diagnostic = "X-Postfix; connect to " + target.host + "[" + dns::format_ipv4(target.address) +
                           "]:25: " + connect_error(*o.net_error);
          return try_target(job, targets, i + 1, std::move(err), done);
        }
        session_ended(job, targets, i, fresh, o, done);
      });
  // Stated once the connection has its id, so that the session's lines belong to it.
  state(ctx_, self(), job->msg,
        trace::Connecting{target.host, dns::format_ipv4(target.address), target.preference, kPortSmtp}, conn);
}

void RemoteDelivery::session_ended(Job job, const std::vector<MxTarget>& targets, std::size_t i, CachedConnection c,
                                   const SmtpOutcome& o, Done done) {
  using O = smtp::ClientResult::Outcome;
  const MxTarget& target = c.target;
  // Kept or closed before the outcome goes out: the next delivery to this destination,
  // started from that report, finds the connection in the cache.
  if (o.link) {
    c.link = o.link;
    cache_.finished(job->destination, c, job->conn_store);
  }
  const auto& res = o.result;
  const bool session_failed = res.outcome == O::ConnectionLost || (res.outcome == O::Transient && res.recipients.empty());
  if (session_failed) {
    RcptOutcome err;
    // A lost connection or a silent server is no server reply: say what happened.
    if (res.outcome == O::ConnectionLost)
      err.net_error = trace::NetFailure::Reset;
    else if (res.timed_out)
      err.net_error = trace::NetFailure::TimedOut;
    else
      err.reply = reply_info(res.last_reply);
    err.remote_mta = target.host;
    if (err.reply) {
      err.status = res.last_reply.enhanced.empty() ? "4.0.0" : res.last_reply.enhanced;
      err.diagnostic = "smtp; " + res.last_reply.summary();
    } else {
      err.status = "4.4.2";  // RFC 3463: bad connection
      err.diagnostic = silent_session(target.host, target.address, res.timed_out, res.stage);
    }
    return try_target(job, targets, i + 1, std::move(err), done);
  }
  std::vector<RcptOutcome> out;
  for (const auto& rcpt : job->rcpts) {
    RcptOutcome r;
    r.rcpt = rcpt;
    r.remote_mta = target.host;
    const smtp::RecipientResult* rr = nullptr;
    for (const auto& x : res.recipients)
      if (x.rcpt == rcpt) rr = &x;
    const smtp::Reply reply = rr ? rr->reply : res.last_reply;
    // A recipient the server had accepted, when the session then died (no reply after
    // the dot, a reset): what happened is the silence, not a reply the client made up.
    const bool ended_by_session = reply == res.last_reply && (res.timed_out || res.outcome == O::ConnectionLost);
    if (ended_by_session) {
      r.net_error = res.timed_out ? trace::NetFailure::TimedOut : trace::NetFailure::Reset;
      r.diagnostic = silent_session(target.host, target.address, res.timed_out, res.stage);
      r.status = "4.4.2";
    } else {
      r.reply = reply_info(reply);
      r.diagnostic = "smtp; " + reply.summary();
      r.status = reply.enhanced.empty() ? (reply.permanent() ? "5.0.0" : "4.0.0") : reply.enhanced;
    }
    if (res.outcome == O::Delivered && reply.positive()) {
      r.kind = RcptOutcome::Kind::Relayed;
      // A real server (live mode) took it: the message has left the simulation.
      if (const auto ext = ctx_.external_endpoints.find(target.host); ext != ctx_.external_endpoints.end())
        state(ctx_, trace::Actor{trace::Agent::MTA, target.host}, job->msg, trace::ExternalAccepted{rcpt, ext->second},
              o.conn);
      state(ctx_, self(), job->msg, trace::Relayed{rcpt, target.host, reply_info(reply)}, o.conn);
    } else {
      r.kind = reply.permanent() ? RcptOutcome::Kind::Permanent : RcptOutcome::Kind::Transient;
    }
    out.push_back(std::move(r));
  }
  done(std::move(out));
}

}  // namespace mailsim::agents
