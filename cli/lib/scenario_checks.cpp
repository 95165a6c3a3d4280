// Suspicious but legal: warnings that point at what an author probably did not mean.
#include <algorithm>
#include <functional>
#include <numeric>
#include <set>

#include "cli/lib/scenario_sections.hpp"

namespace mailsim::app::detail {

namespace {

// "5s", "90m", "2d", "250ms": the unit in which t is a whole number, as authors write it.
std::string short_duration(sim::Time t) {
  static const std::pair<sim::Time, const char*> kUnits[] = {
      {sim::kDay, "d"}, {sim::kHour, "h"}, {sim::kMinute, "m"}, {sim::kSecond, "s"}, {sim::kMillisecond, "ms"}};
  for (const auto& [unit, name] : kUnits)
    if (t % unit == 0 && t != 0) return std::to_string(t / unit) + name;
  return std::to_string(t) + "us";
}

// Hosts joined by links, ignoring faults: find(x) == find(y) when packets can ever pass.
class Components {
 public:
  explicit Components(const LoadContext& c) : parent_(c.s.hosts.size()) {
    std::iota(parent_.begin(), parent_.end(), 0);
    for (const auto& l : c.s.links) parent_[find(c.host_index.at(l.a))] = find(c.host_index.at(l.b));
  }
  std::size_t find(std::size_t x) {
    while (parent_[x] != x) x = parent_[x] = parent_[parent_[x]];
    return x;
  }

 private:
  std::vector<std::size_t> parent_;
};

bool holds(const agents::MailServerConfig& s, const std::string& domain) {
  return std::find(s.domains.begin(), s.domains.end(), domain) != s.domains.end();
}
bool relays(const agents::MailServerConfig& s, const std::string& domain) {
  return std::find(s.relay_domains.begin(), s.relay_domains.end(), domain) != s.relay_domains.end();
}

// Why no SMTP path from the DNS-using world reaches `domain`'s mailboxes, or "" if one does.
std::string why_unreachable(LoadContext& c, Components& comp, const std::string& domain) {
  const Scenario& s = c.s;
  if (s.dns_server.empty()) return "there is no DNS server (/dns), so no other server can find " + domain;
  std::vector<std::string> names;
  for (const auto& r : s.dns_records)
    if (r.type == dns::Type::MX && r.name == domain) names.push_back(r.target);
  if (names.empty()) names.push_back(domain);  // implicit MX: the domain's own A record
  std::string reason;
  const std::size_t dns_comp = comp.find(c.host_index.at(s.dns_server));
  for (const auto& name : names) {
    const DnsRecordDef* a = nullptr;
    for (const auto& r : s.dns_records)
      if (r.type == dns::Type::A && r.name == name) a = &r;
    if (!a) {
      reason = names.size() == 1 && name == domain ? "no MX or A record for " + domain : "no A record for " + name;
      continue;
    }
    const HostDef* host = nullptr;
    for (const auto& h : s.hosts)
      if (h.address == a->address) host = &h;
    if (!host) {
      reason = "the A record of " + name + " points at " + dns::format_ipv4(a->address) + ", which no host has";
      continue;
    }
    const auto sv = c.server_index.find(host->name);
    if (sv == c.server_index.end() ||
        (!holds(s.servers[sv->second], domain) && !relays(s.servers[sv->second], domain))) {
      reason = "host " + host->name + " (the exchanger of " + domain + ") does not accept mail for it";
      continue;
    }
    if (comp.find(c.host_index.at(host->name)) != dns_comp) {
      reason = "host " + host->name + " has no path of links to the rest of the network";
      continue;
    }
    return "";
  }
  return reason;
}

void check_links_and_time(LoadContext& c, Components& comp) {
  const Scenario& s = c.s;
  std::vector<bool> linked(s.hosts.size(), false);
  for (const auto& l : s.links) linked[c.host_index.at(l.a)] = linked[c.host_index.at(l.b)] = true;
  for (std::size_t i = 0; i < s.hosts.size(); ++i)
    if (!linked[i] && s.hosts.size() > 1)
      c.diag.warning(c.host_pointer.at(s.hosts[i].name), "host " + quote_text(s.hosts[i].name) + " has no link: nothing can reach it",
                     "a link to it in /links");
  for (std::size_t i = 0; i < s.users.size(); ++i) {
    const UserDef& u = s.users[i];
    if (!u.host.empty() && comp.find(c.host_index.at(u.host)) != comp.find(c.host_index.at(u.server)))
      c.diag.warning(index_ptr("/users", i) + "/host", "no path of links from " + quote_text(u.host) + " to the server " + quote_text(u.server),
                     "links that join the user's PC to their server");
  }
  if (s.network_model == sim::NetworkModel::Lines) {  // the line model loses nothing
    for (std::size_t i = 0; i < s.links.size(); ++i)
      if (s.links[i].loss > 0)
        c.diag.warning(index_ptr("/links", i) + "/loss", "the line network model loses no packets: this loss has no effect",
                       "\"network\": {\"model\": \"packets\"} to model loss");
    for (const auto& f : s.faults)
      if (f.action == FaultAction::Loss)
        c.diag.warning(f.pointer, "the line network model loses no packets: this loss fault has no effect",
                       "\"network\": {\"model\": \"packets\"} to model loss");
  }
  if (!s.messages.empty()) {
    const auto first = std::min_element(s.messages.begin(), s.messages.end(),
                                        [](const MessageDef& a, const MessageDef& b) { return a.at < b.at; });
    if (first->at >= s.until)
      c.diag.warning("/until", "until (" + short_duration(s.until) + ") comes before every message (the first at " +
                                   short_duration(first->at) + "): nothing will be sent",
                     "an until after the messages");
  }
}

void check_mail_paths(LoadContext& c, Components& comp) {
  const Scenario& s = c.s;
  std::size_t simulated = 0;
  for (const auto& sv : s.servers) simulated += !sv.external;
  if (simulated > 1)
    for (std::size_t i = 0; i < s.users.size(); ++i) {
      const std::string domain = s.users[i].address.substr(s.users[i].address.find('@') + 1);
      const std::string why = why_unreachable(c, comp, domain);
      if (!why.empty())
        c.diag.warning(index_ptr("/users", i) + "/address",
                       "no SMTP path from other servers reaches " + quote_text(s.users[i].address) + ": " + why,
                       "an MX record for " + domain + " whose exchanger holds it");
    }
  // Smarthost chains that come back to where they started: mail would go round until the
  // hop limit bounces it.
  for (std::size_t i = 0; i < s.servers.size(); ++i) {
    std::vector<std::string> chain = {s.servers[i].host};
    std::size_t cur = i;
    while (s.servers[cur].smarthost && c.server_index.count(*s.servers[cur].smarthost) && chain.size() <= s.servers.size()) {
      const std::string next = *s.servers[cur].smarthost;
      if (next == s.servers[i].host) {
        std::string loop;
        for (const auto& h : chain) loop += h + " → ";
        c.diag.warning(index_ptr("/servers", i) + "/smarthost", "smarthost loop: " + loop + next +
                                                                    ": remote mail would go round until the hop limit bounces it",
                       "a chain of smarthosts that ends at a server sending directly");
        break;
      }
      if (std::find(chain.begin(), chain.end(), next) != chain.end()) break;  // a loop not through i: reported there
      chain.push_back(next);
      cur = c.server_index.at(next);
    }
  }
  for (std::size_t i = 0; i < s.servers.size(); ++i)
    for (std::size_t k = 0; k < s.servers[i].relay_domains.size(); ++k) {
      const std::string& d = s.servers[i].relay_domains[k];
      if (std::none_of(s.servers.begin(), s.servers.end(), [&](const auto& sv) { return holds(sv, d); }))
        c.diag.warning(index_ptr(index_ptr("/servers", i) + "/relay_domains", k),
                       "no server holds " + d + ": relays would pass its mail to each other until the hop limit bounces it",
                       "a server with " + d + " in its domains");
    }
}

void check_unused_servers(LoadContext& c) {
  const Scenario& s = c.s;
  if (s.messages.empty() || s.traffic) return;  // generated traffic may use any server
  std::set<std::string> used;
  for (const auto& m : s.messages) {
    used.insert(s.users[c.user_index.at(m.draft.from)].server);
    for (const auto* list : {&m.draft.to, &m.draft.cc})
      for (const auto& a : *list) {
        const std::string d = a.substr(a.find('@') + 1);
        for (const auto& sv : s.servers)
          if (holds(sv, d) || relays(sv, d)) used.insert(sv.host);
      }
  }
  for (const auto& sv : s.servers)
    if (sv.smarthost) used.insert(*sv.smarthost);
  for (std::size_t i = 0; i < s.servers.size(); ++i)
    if (!used.count(s.servers[i].host))
      c.diag.warning(index_ptr("/servers", i) + "/host",
                     "no message is sent from or to server " + quote_text(s.servers[i].host),
                     "a message from or to one of its users");
}

}  // namespace

void check_plausibility(LoadContext& c) {
  Components comp(c);
  check_links_and_time(c, comp);
  check_mail_paths(c, comp);
  check_unused_servers(c);
}

}  // namespace mailsim::app::detail
