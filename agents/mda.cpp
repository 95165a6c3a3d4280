#include "agents/mda.hpp"

#include "agents/mime/encoding.hpp"
#include "agents/mime/headers.hpp"
#include "agents/wire_trace.hpp"

namespace mailsim::agents {

Mda::Mda(Context& ctx, const MailServerConfig& config, store::MailboxStore& store)
    : ctx_(ctx), config_(config), store_(store) {}

const UserAccount* Mda::user(const std::string& address) const { return config_.mailbox_for(address); }

Mda::Result Mda::deliver(const std::string& msg, const std::string& mail_from, const std::string& rcpt,
                         const std::string& content) {
  const trace::Actor self{trace::Agent::MDA, config_.host};
  const UserAccount* u = user(rcpt);
  if (!u) {
    state(ctx_, self, msg, trace::DeliveryFailed{rcpt, trace::DeliveryProblem::UnknownUser, 0, 0, true});
    return Result::NoSuchUser;
  }
  // As Postfix's local(8): Return-Path: records the envelope sender (RFC 5321 section 4.4),
  // Delivered-To: the mailbox it went into (postmaster@ and abuse@ may be another's), at the top.
  const std::string& mailbox = u->address;
  std::string top;
  mime::append_field(top, "Return-Path", "<" + mail_from + ">");
  mime::append_field(top, "Delivered-To", mailbox);
  const std::string stored = mime::add_fields(content, top, "");
  if (u->quota_octets && store_.octets(mailbox) + stored.size() > u->quota_octets) {
    state(ctx_, self, msg,
          trace::DeliveryFailed{rcpt, trace::DeliveryProblem::MailboxFull, static_cast<std::int64_t>(u->quota_octets),
                                static_cast<std::int64_t>(stored.size()), config_.policy.quota_full_is_permanent});
    return Result::QuotaFull;
  }
  const auto id = store_.add(mailbox, stored, ctx_.engine.now());
  ctx_.correlation.tag_record(config_.host, id, msg);
  state(ctx_, self, msg, trace::Delivered{rcpt, id, static_cast<std::int64_t>(stored.size())});
  return Result::Stored;
}

}  // namespace mailsim::agents
