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
  const trace::Actor self{trace::Agent::MDA, config_.host};
  const UserAccount* u = user(rcpt);
  if (!u) {
    state(ctx_, self, msg, trace::DeliveryFailed{rcpt, trace::DeliveryProblem::UnknownUser, 0, 0, true});
    return Result::NoSuchUser;
  }
  const std::string stored = mime::prepend_header(content, "Return-Path", "<" + mail_from + ">");
  if (u->quota_octets && store_.octets(rcpt) + stored.size() > u->quota_octets) {
    state(ctx_, self, msg,
          trace::DeliveryFailed{rcpt, trace::DeliveryProblem::MailboxFull, static_cast<std::int64_t>(u->quota_octets),
                                static_cast<std::int64_t>(stored.size()), config_.policy.quota_full_is_permanent});
    return Result::QuotaFull;
  }
  const auto id = store_.add(rcpt, stored, ctx_.engine.now());
  ctx_.correlation.tag_record(config_.host, id, msg);
  state(ctx_, self, msg, trace::Delivered{rcpt, id, static_cast<std::int64_t>(stored.size())});
  return Result::Stored;
}

}  // namespace mailsim::agents
