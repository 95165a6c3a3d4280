#pragma once
// The SMTP server agents: the MSA on port 587 (RFC 6409: authentication required, mail
// from the provider's own users) and the MTA's server role on port 25 (mail for its own
// domains, or relayed for its clients; never an open relay). Each connection runs one
// sans-I/O SmtpServer core; accepted messages get a Received: field and go to the queue.
#include <map>
#include <memory>
#include <set>
#include <tuple>

#include "agents/context.hpp"
#include "agents/dns_agents.hpp"
#include "agents/mail_config.hpp"
#include "agents/queue.hpp"
#include "agents/store/mailbox_store.hpp"

namespace mailsim::agents {

class SmtpListener {
 public:
  // `resolver` looks up each client's name (PTR) for the Received: field.
  SmtpListener(Context& ctx, sim::HostId host, const MailServerConfig& config, bool submission, QueueSink& queue,
               const store::MailboxStore& store, Resolver& resolver);
  ~SmtpListener();
  void start();
  void stop();
  std::uint16_t port() const;

 private:
  class Session;
  friend class Session;
  void end(std::uint64_t conn);

  Context& ctx_;
  sim::HostId host_;
  const MailServerConfig& config_;
  bool submission_;
  QueueSink& queue_;
  const store::MailboxStore& store_;
  Resolver& resolver_;
  std::map<std::uint64_t, std::unique_ptr<Session>> sessions_;
  // Greylisting triplets (client address, sender, recipient) -> first seen.
  std::map<std::tuple<std::uint32_t, std::string, std::string>, sim::Time> greylist_;
  std::uint64_t queue_ids_ = 0;
};

}  // namespace mailsim::agents
