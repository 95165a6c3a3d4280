// Section parser: /users (mailboxes and the PCs their mail programs run on).
#include <algorithm>

#include "cli/lib/scenario_sections.hpp"

namespace mailsim::app::detail {

void parse_users(const json& root, LoadContext& c) {
  const json* users = member(root, "users");
  if (!users || !users->is_array()) return;
  for (std::size_t i = 0; i < users->size(); ++i) {
    const json& uj = (*users)[i];
    const std::string p = index_ptr("/users", i);
    UserDef u;
    const auto address = text(uj, "address");
    if (!address || c.diag.has_error_at(p + "/address")) {
      c.broken_users = true;
      continue;
    }
    u.address = lower(*address);
    if (!ascii_address(c, u.address, p + "/address")) {
      c.broken_users = true;
      continue;
    }
    if (c.user_index.count(u.address)) {
      c.diag.error(p + "/address", "user " + quote_text(u.address) + " is declared twice", "one entry per address");
      continue;
    }
    const std::string domain = u.address.substr(u.address.find('@') + 1);
    const auto server = text(uj, "server");
    if (!server || !c.need_server(*server, p + "/server")) {
      c.broken_users = true;
      continue;
    }
    u.server = *server;
    auto& cfg = c.s.servers[c.server_index[u.server]];
    if (std::find(cfg.domains.begin(), cfg.domains.end(), domain) == cfg.domains.end() && c.broken_servers) {
      c.broken_users = true;
      continue;
    }
    if (std::find(cfg.domains.begin(), cfg.domains.end(), domain) == cfg.domains.end()) {
      std::string expected = "a server holding " + domain;
      for (const auto& other : c.s.servers)
        if (std::find(other.domains.begin(), other.domains.end(), domain) != other.domains.end())
          expected = "the server that holds " + domain + ", \"" + other.host + "\"";
      c.diag.error(p + "/server", "server " + quote_text(u.server) + " does not hold the domain " + domain, expected,
                   did_you_mean(domain, cfg.domains).value_or(""));
      c.broken_users = true;
      continue;
    }
    u.password = text(uj, "password").value_or("");
    if (const auto host = text(uj, "host"); host && c.need_host(*host, p + "/host")) u.host = *host;
    u.display_name = text(uj, "name").value_or("");
    const json* poll = member(uj, "poll");
    if (poll && !poll->is_boolean()) {
      if (const auto d = duration(c, uj, "poll", p, 0)) {
        if (*d <= 0) c.diag.error(p + "/poll", "a poll interval of 0 would poll without pause", "more than 0, or false for never");
        else u.poll_interval = *d;
      }
    }
    if (u.poll_interval > 0 && !member(uj, "host"))
      c.diag.error(p + "/host", "missing: a user who polls needs a PC for the mail program", "\"host\": the name of a PC in /hosts");
    u.keep_on_server = boolean(uj, "keep_on_server").value_or(false);
    agents::UserAccount account{u.address, u.password, 0};
    const auto sq = c.server_quota.find(c.server_index[u.server]);
    if (sq != c.server_quota.end()) account.quota_octets = sq->second;
    if (const json* q = member(uj, "quota"); q && !c.diag.has_error_at(p + "/quota")) {
      if (const auto size = parse_size(*q)) account.quota_octets = *size;
      else c.diag.error(p + "/quota", "not a usable size", "octets or a size such as \"10MB\" (at most 1 PB)");
    }
    cfg.users.push_back(account);
    c.user_index[u.address] = c.s.users.size();
    c.s.users.push_back(std::move(u));
  }
}

}  // namespace mailsim::app::detail
