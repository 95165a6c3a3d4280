#include "agents/remote_delivery.hpp"

#include "agents/client_sessions.hpp"
#include "agents/dns/message.hpp"
#include "agents/wire_trace.hpp"

namespace mailsim::agents {

std::vector<RcptOutcome> all_rcpts(const std::vector<std::string>& rcpts, RcptOutcome::Kind kind,
                                   const std::string& reply, const std::string& status, const std::string& remote) {
  std::vector<RcptOutcome> out;
  for (const auto& r : rcpts) out.push_back(RcptOutcome{kind, r, reply, status, remote});
  return out;
}

RemoteDelivery::RemoteDelivery(Context& ctx, sim::HostId host, const MailServerConfig& config, Resolver& resolver)
    : ctx_(ctx), host_(host), config_(config), resolver_(resolver) {}

void RemoteDelivery::deliver(DeliveryJob job, std::function<void(std::vector<RcptOutcome>)> done) {
  auto shared = std::make_shared<DeliveryJob>(std::move(job));
  if (config_.smarthost) {
    std::vector<MxTarget> t{MxTarget{*config_.smarthost, config_.smarthost_address, 0}};
    return try_target(shared, std::move(t), 0, "", std::move(done));
  }
  resolver_.resolve_mail_hosts(shared->domain, shared->msg, [this, shared, done](MxResult r) {
    if (r.outcome == MxResult::Outcome::Permanent)
      return done(all_rcpts(shared->rcpts, RcptOutcome::Kind::Permanent, r.reason, "5.1.2", ""));
    if (r.outcome == MxResult::Outcome::Transient)
      return done(all_rcpts(shared->rcpts, RcptOutcome::Kind::Transient, r.reason, "4.4.3", ""));
    // Never deliver to ourselves through MX: that would be a mail loop.
    std::vector<MxTarget> targets;
    for (auto& t : r.targets)
      if (t.address != ctx_.net.host(host_).address) targets.push_back(t);
    if (targets.empty())
      return done(all_rcpts(shared->rcpts, RcptOutcome::Kind::Permanent, "mail for " + shared->domain + " loops back to myself",
                            "5.4.6", ""));
    try_target(shared, std::move(targets), 0, "", done);
  });
}

void RemoteDelivery::try_target(std::shared_ptr<DeliveryJob> job, std::vector<MxTarget> targets, std::size_t i,
                                std::string last_error, std::function<void(std::vector<RcptOutcome>)> done) {
  if (i == targets.size())
    return done(all_rcpts(job->rcpts, RcptOutcome::Kind::Transient, last_error, "4.4.1", ""));
  const MxTarget target = targets[i];
  WireParty party;
  party.self = sim::Actor{"MTA", config_.host};
  party.peer = sim::Actor{"MTA", target.host};
  party.step = sim::Step::Relay;
  party.msg = job->msg;
  smtp::ClientConfig cc;
  cc.helo_name = config_.host;
  smtp::Transaction txn;
  txn.mail_from = job->mail_from;
  txn.rcpt_to = job->rcpts;
  txn.content = job->content;
  for (unsigned char c : job->content)
    if (c >= 0x80) {
      txn.body_8bit = true;
      break;
    }
  start_smtp_session(
      ctx_, host_, target.address, kPortSmtp, party, OnOwnHostCrash::Vanish, std::move(cc), std::move(txn),
      [this, job, targets, i, done, target](SmtpOutcome o) {
        using O = smtp::ClientResult::Outcome;
        if (o.net_error) {
          // Unreachable or refused: try the next exchanger (RFC 5321 section 5.1).
          std::string err = "connect to " + target.host + "[" + dns::format_ipv4(target.address) + "]:25: " +
                            sim::to_string(*o.net_error);
          if (i + 1 < targets.size())  // otherwise the queue's deferral note reports it
            trace_note(ctx_, sim::Step::Relay, sim::Actor{"MTA", config_.host}, job->msg,
                       err + "; trying the next mail exchanger, " + targets[i + 1].host, sim::Alert::Transient);
          return try_target(job, targets, i + 1, std::move(err), done);
        }
        const auto& res = o.result;
        const bool session_failed = res.outcome == O::ConnectionLost ||
                                    (res.outcome == O::Transient && res.recipients.empty());
        if (session_failed)
          return try_target(job, targets, i + 1, target.host + " said: " + res.last_reply.summary(), done);
        std::vector<RcptOutcome> out;
        for (const auto& rcpt : job->rcpts) {
          RcptOutcome r;
          r.rcpt = rcpt;
          r.remote_mta = target.host;
          const smtp::RecipientResult* rr = nullptr;
          for (const auto& x : res.recipients)
            if (x.rcpt == rcpt) rr = &x;
          const smtp::Reply reply = rr ? rr->reply : res.last_reply;
          r.reply = reply.summary();
          r.status = reply.enhanced.empty() ? (reply.permanent() ? "5.0.0" : "4.0.0") : reply.enhanced;
          if (res.outcome == O::Delivered && reply.positive())
            r.kind = RcptOutcome::Kind::Relayed;
          else
            r.kind = reply.permanent() ? RcptOutcome::Kind::Permanent : RcptOutcome::Kind::Transient;
          out.push_back(std::move(r));
        }
        done(std::move(out));
      });
}

}  // namespace mailsim::agents
