#include "agents/mail_config.hpp"

#include <algorithm>

#include "sim/text.hpp"

namespace mailsim::agents {
namespace {
std::string_view domain_of(std::string_view address) {
  const auto at = address.rfind('@');
  return at == std::string_view::npos ? std::string_view() : address.substr(at + 1);
}
std::string_view local_of(std::string_view address) { return address.substr(0, address.rfind('@')); }
}  // namespace

bool domain_in(const std::vector<std::string>& domains, std::string_view domain) {
  return std::any_of(domains.begin(), domains.end(), [&](const std::string& x) { return text::iequals(x, domain); });
}

bool MailServerConfig::is_local(std::string_view address) const {
  const std::string_view d = domain_of(address);
  return d.empty() || domain_in(domains, d);
}

const UserAccount* MailServerConfig::find_user(std::string_view who) const {
  for (const auto& u : users)
    if (text::iequals(u.address, who) || text::iequals(local_of(u.address), who)) return &u;
  return nullptr;
}

const UserAccount* MailServerConfig::mailbox_for(std::string_view address) const {
  if (!is_local(address)) return nullptr;
  const std::string_view local = local_of(address);
  std::string_view domain = domain_of(address);
  if (domain.empty() && !domains.empty()) domain = domains.front();  // RCPT TO:<Postmaster>
  for (const auto& u : users)
    if (text::iequals(local_of(u.address), local) && text::iequals(domain_of(u.address), domain)) return &u;
  if (!text::iequals(local, "postmaster") && !text::iequals(local, "abuse")) return nullptr;
  for (const auto& u : users)
    if (text::iequals(domain_of(u.address), domain)) return &u;
  return users.empty() ? nullptr : &users.front();
}

}  // namespace mailsim::agents
