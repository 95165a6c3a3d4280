#pragma once
// One provider's mail server host, assembled from single-job agents as Postfix is: the
// MSA (587) and the MTA's server role (25) feed the queue manager, which uses the MDA for
// local mailboxes and the SMTP client (with the DNS resolver) for remote domains; the
// POP3 server reads the same mailbox store.
#include <memory>

#include "agents/context.hpp"
#include "agents/dns_agents.hpp"
#include "agents/mail_config.hpp"
#include "agents/mda.hpp"
#include "agents/pop3_agent.hpp"
#include "agents/queue_manager.hpp"
#include "agents/remote_delivery.hpp"
#include "agents/smtp_listener.hpp"
#include "agents/store/mailbox_store.hpp"

namespace mailsim::agents {

class MailServer {
 public:
  MailServer(Context& ctx, sim::HostId host, MailServerConfig config);
  void start();
  void crash();    // services stop, attempts in flight are lost; the store and queue stay
  void restart();
  const MailServerConfig& config() const { return config_; }
  store::MailboxStore& store() { return store_; }
  const QueueManager& queue() const { return *qmgr_; }
  // The host's SMTP client, for delivery: used by the live mode bridge too.
  QueueSink& queue_sink() { return *qmgr_; }

 private:
  MailServerConfig config_;
  store::MailboxStore store_;
  Resolver resolver_;
  Mda mda_;
  RemoteDelivery remote_;
  DestinationQueues destinations_;
  std::unique_ptr<QueueManager> qmgr_;
  std::unique_ptr<SmtpListener> smtpd_, msa_;
  std::unique_ptr<Pop3Agent> pop3d_;
};

}  // namespace mailsim::agents
