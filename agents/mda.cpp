#include "agents/mda.hpp"

#include "agents/mime/headers.hpp"
#include "agents/wire_trace.hpp"

namespace mailsim::agents {

Mda::Mda(Context& ctx, const MailServerConfig& config, store::MailboxStore& store)
    : ctx_(ctx), config_(config), store_(store) {}

const UserAccount* Mda::user(const std::string& address) const {
  for (const auto& u : config_.users)
    if (u.address == address) return &u;
  return nullptr;
}

Mda::Result Mda::deliver(const std::string& msg, const std::string& mail_from, const std::string& rcpt,
                         const std::string& content) {
  const sim::Actor self{"MDA", config_.host};
  const UserAccount* u = user(rcpt);
  if (!u) return Result::NoSuchUser;
  const std::string stored = mime::prepend_header(content, "Return-Path", "<" + mail_from + ">");
  if (u->quota_octets && store_.octets(rcpt) + stored.size() > u->quota_octets) {
    trace_note(ctx_, sim::Step::Deliver, self, msg, "mailbox of " + rcpt + " is full (quota " +
               std::to_string(u->quota_octets) + " octets)", sim::Alert::Permanent);
    return Result::QuotaFull;
  }
  const auto id = store_.add(rcpt, stored, ctx_.engine.now());
  trace_note(ctx_, sim::Step::Deliver, self, msg,
             "stored the message in the mailbox of " + rcpt + " (record " + std::to_string(id) + ", " +
                 std::to_string(stored.size()) + " octets), with Return-Path: <" + mail_from + ">");
  ctx_.ledger.delivered(msg, rcpt, ctx_.engine.now());
  return Result::Stored;
}

}  // namespace mailsim::agents
