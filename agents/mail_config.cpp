#include "agents/mail_config.hpp"

#include <algorithm>
#include <unordered_map>

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

namespace {
// Case-blind hashing and equality, so that lookups by a string_view neither copy nor lower it.
struct CaseBlindHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const {
    std::uint64_t h = 14695981039346656037ULL;  // FNV-1a
    for (unsigned char c : s) h = (h ^ static_cast<unsigned char>(c >= 'A' && c <= 'Z' ? c + 32 : c)) * 1099511628211ULL;
    return static_cast<std::size_t>(h);
  }
};
struct CaseBlindEqual {
  using is_transparent = void;
  bool operator()(std::string_view a, std::string_view b) const { return text::iequals(a, b); }
};
using FirstUser = std::unordered_map<std::string, std::size_t, CaseBlindHash, CaseBlindEqual>;
}  // namespace

struct MailServerConfig::UserIndex {
  const UserAccount* built_from = nullptr;
  std::size_t count = 0;
  FirstUser by_name;     // full address or local part -> the first user it names
  FirstUser by_mailbox;  // "local@domain" -> the first user with that local part and domain
};

const MailServerConfig::UserIndex& MailServerConfig::user_index() const {
  if (user_index_cache && user_index_cache->built_from == users.data() && user_index_cache->count == users.size())
    return *user_index_cache;
  auto index = std::make_shared<UserIndex>();
  index->built_from = users.data();
  index->count = users.size();
  for (std::size_t i = 0; i < users.size(); ++i) {  // emplace keeps the first: the order of the scan
    const std::string& a = users[i].address;
    index->by_name.emplace(a, i);
    index->by_name.emplace(std::string(local_of(a)), i);
    index->by_mailbox.emplace(std::string(local_of(a)) + "@" + std::string(domain_of(a)), i);
  }
  user_index_cache = std::move(index);
  return *user_index_cache;
}

const UserAccount* MailServerConfig::find_user(std::string_view who) const {
  const auto& by_name = user_index().by_name;
  const auto it = by_name.find(who);
  return it == by_name.end() ? nullptr : &users[it->second];
}

const UserAccount* MailServerConfig::mailbox_for(std::string_view address) const {
  if (!is_local(address)) return nullptr;
  const std::string_view local = local_of(address);
  std::string_view domain = domain_of(address);
  if (domain.empty() && !domains.empty()) domain = domains.front();  // RCPT TO:<Postmaster>
  char key[512];
  if (local.size() + 1 + domain.size() <= sizeof key) {
    // copy_n, not memcpy: an empty view may have no data pointer at all.
    std::copy_n(local.data(), local.size(), key);
    key[local.size()] = '@';
    std::copy_n(domain.data(), domain.size(), key + local.size() + 1);
    const auto& by_mailbox = user_index().by_mailbox;
    if (const auto it = by_mailbox.find(std::string_view(key, local.size() + 1 + domain.size()));
        it != by_mailbox.end())
      return &users[it->second];
  } else {  // longer than any address can be: scanned
    for (const auto& u : users)
      if (text::iequals(local_of(u.address), local) && text::iequals(domain_of(u.address), domain)) return &u;
  }
  if (!text::iequals(local, "postmaster") && !text::iequals(local, "abuse")) return nullptr;
  for (const auto& u : users)
    if (text::iequals(domain_of(u.address), domain)) return &u;
  return users.empty() ? nullptr : &users.front();
}

}  // namespace mailsim::agents
