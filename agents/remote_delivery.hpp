#pragma once
// The MTA's client role: finds where a domain's mail goes (MX, or the smarthost) and
// hands the message over SMTP, trying each exchanger in order of preference.
#include <functional>
#include <string>
#include <vector>

#include "agents/connection_cache.hpp"
#include "agents/context.hpp"
#include "agents/dns_agents.hpp"
#include "agents/mail_config.hpp"
#include "agents/smtp/dsn_params.hpp"

namespace mailsim::agents {

// What became of one recipient in one delivery attempt, typed for the facts and the DSN.
struct RcptOutcome {
  enum class Kind { Relayed, Transient, Permanent } kind = Kind::Transient;
  std::string rcpt;
  std::optional<trace::ReplyInfo> reply;       // what a server answered, when one did
  std::optional<trace::NetFailure> net_error;  // no exchanger could be reached
  std::optional<trace::MxFailure> dns_error;   // the MX lookup failed
  std::optional<trace::DeliveryProblem> problem;  // local delivery (MDA)
  std::string status;      // enhanced status code for DSNs (RFC 3463)
  std::string remote_mta;  // who said so, when a server did
  std::string diagnostic;  // for the DSN's Diagnostic-Code: "smtp; 550 …" or Postfix's words
};

struct DeliveryJob {
  std::string msg;
  std::string mail_from;
  std::vector<std::string> rcpts;
  std::string domain;  // all rcpts share it (or all go to the smarthost)
  std::string content;
  // The sender's DSN requests (RFC 3461), passed on to the next MTA: RET, ENVID, and NOTIFY
  // and ORCPT of rcpts[i].
  smtp::DsnRet dsn_ret = smtp::DsnRet::Unspecified;
  std::string envid;
  std::vector<smtp::RcptDsn> rcpt_dsn;
  // Postfix's on-demand connection cache, as the queue manager asks for it: the destination
  // ("*": the smarthost), whether to look for an idle connection to it first (load) and
  // whether to keep this delivery's connection open afterwards (store).
  std::string destination{};
  bool conn_load = false, conn_store = false;
};

class RemoteDelivery {
 public:
  RemoteDelivery(Context& ctx, sim::HostId host, const MailServerConfig& config, Resolver& resolver);
  void deliver(DeliveryJob job, std::function<void(std::vector<RcptOutcome>)> done);
  void crash() { cache_.crash(); }

 private:
  using Done = std::function<void(std::vector<RcptOutcome>)>;
  using Job = std::shared_ptr<DeliveryJob>;
  void route(Job job, Done done);  // smarthost or MX lookup, then a new connection
  void reuse(Job job, CachedConnection c, Done done);
  void try_target(Job job, std::vector<MxTarget> targets, std::size_t i, RcptOutcome last_error, Done done);
  // What one SMTP session said, as outcomes per recipient; keeps or closes its connection.
  void session_ended(Job job, const std::vector<MxTarget>& targets, std::size_t i, CachedConnection c,
                     const SmtpOutcome& o, Done done);
  WireParty party(const Job& job, const MxTarget& target) const;
  smtp::Transaction transaction(const DeliveryJob& job) const;
  trace::Actor self() const;
  Context& ctx_;
  sim::HostId host_;
  const MailServerConfig& config_;
  Resolver& resolver_;
  ConnectionCache cache_;
};

// The same outcome for every recipient of a job.
std::vector<RcptOutcome> all_rcpts(const std::vector<std::string>& rcpts, const RcptOutcome& like);

}  // namespace mailsim::agents
