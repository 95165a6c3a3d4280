#pragma once
// The MTA's client role: finds where a domain's mail goes (MX, or the smarthost) and
// hands the message over SMTP, trying each exchanger in order of preference.
#include <functional>
#include <string>
#include <vector>

#include "agents/context.hpp"
#include "agents/dns_agents.hpp"
#include "agents/mail_config.hpp"

namespace mailsim::agents {

struct RcptOutcome {
  enum class Kind { Relayed, Transient, Permanent } kind = Kind::Transient;
  std::string rcpt;
  std::string reply;       // "550 5.1.1 ..." or a reason
  std::string status;      // enhanced status code for DSNs
  std::string remote_mta;  // who said so, when a server did
};

struct DeliveryJob {
  std::string msg;
  std::string mail_from;
  std::vector<std::string> rcpts;
  std::string domain;  // all rcpts share it (or all go to the smarthost)
  std::string content;
};

class RemoteDelivery {
 public:
  RemoteDelivery(Context& ctx, sim::HostId host, const MailServerConfig& config, Resolver& resolver);
  void deliver(DeliveryJob job, std::function<void(std::vector<RcptOutcome>)> done);

 private:
  void try_target(std::shared_ptr<DeliveryJob> job, std::vector<MxTarget> targets, std::size_t i,
                  std::string last_error, std::function<void(std::vector<RcptOutcome>)> done);
  Context& ctx_;
  sim::HostId host_;
  const MailServerConfig& config_;
  Resolver& resolver_;
};

std::vector<RcptOutcome> all_rcpts(const std::vector<std::string>& rcpts, RcptOutcome::Kind kind,
                                   const std::string& reply, const std::string& status, const std::string& remote);

}  // namespace mailsim::agents
