#pragma once
// The mail delivery agent: puts a message into a local user's mailbox, a record in the
// server's database, after adding Return-Path (RFC 5321 section 4.4) and Delivered-To.
#include <string>

#include "agents/context.hpp"
#include "agents/mail_config.hpp"
#include "agents/store/mailbox_store.hpp"

namespace mailsim::agents {

class Mda {
 public:
  enum class Result { Stored, NoSuchUser, QuotaFull };
  Mda(Context& ctx, const MailServerConfig& config, store::MailboxStore& store);
  // Stores `content` for `rcpt` and reports to the ledger; `msg` tags the trace.
  Result deliver(const std::string& msg, const std::string& mail_from, const std::string& rcpt,
                 const std::string& content);
  const UserAccount* user(const std::string& address) const;

 private:
  Context& ctx_;
  const MailServerConfig& config_;
  store::MailboxStore& store_;
};

}  // namespace mailsim::agents
