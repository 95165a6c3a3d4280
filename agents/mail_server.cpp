#include "agents/mail_server.hpp"

#include "agents/wire_trace.hpp"

namespace mailsim::agents {

MailServer::MailServer(Context& ctx, sim::HostId host, MailServerConfig config)
    : config_(std::move(config)),
      resolver_(ctx, host, trace::Actor{trace::Agent::MTA, config_.host}, config_.dns_address, config_.dns_host),
      mda_(ctx, config_, store_),
      remote_(ctx, host, config_, resolver_),
      destinations_(ctx, config_, remote_) {
  qmgr_ = std::make_unique<QueueManager>(ctx, config_, mda_, destinations_);
  if (config_.smtp) smtpd_ = std::make_unique<SmtpListener>(ctx, host, config_, false, *qmgr_, store_, resolver_);
  if (config_.submission) msa_ = std::make_unique<SmtpListener>(ctx, host, config_, true, *qmgr_, store_, resolver_);
  if (config_.pop3) pop3d_ = std::make_unique<Pop3Agent>(ctx, host, config_, store_);
}

void MailServer::start() {
  if (smtpd_) smtpd_->start();
  if (msa_) msa_->start();
  if (pop3d_) pop3d_->start();
}

void MailServer::crash() {
  if (smtpd_) smtpd_->stop();
  if (msa_) msa_->stop();
  if (pop3d_) pop3d_->stop();
  qmgr_->crash();
  destinations_.crash();
  remote_.crash();
  resolver_.crash();
}

void MailServer::restart() {
  start();
  qmgr_->restart();
}

}  // namespace mailsim::agents
