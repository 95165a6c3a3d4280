#include "cli/lib/scenario.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include <arpa/inet.h>

#include "agents/dns/message.hpp"

namespace mailsim::app {

using nlohmann::json;

bool is_loopback_address(const std::string& address) {
  in_addr v4{};
  if (inet_pton(AF_INET, address.c_str(), &v4) == 1) return (ntohl(v4.s_addr) >> 24) == 127;
  in6_addr v6{};
  return inet_pton(AF_INET6, address.c_str(), &v6) == 1 && IN6_IS_ADDR_LOOPBACK(&v6);
}

std::optional<std::pair<std::string, std::uint16_t>> parse_loopback_endpoint(const std::string& text) {
  std::string host, port;
  if (!text.empty() && text.front() == '[') {
    const auto close = text.find("]:");
    if (close == std::string::npos) return std::nullopt;
    host = text.substr(1, close - 1);
    port = text.substr(close + 2);
  } else {
    const auto colon = text.rfind(':');
    if (colon == std::string::npos) return std::nullopt;
    host = text.substr(0, colon);
    port = text.substr(colon + 1);
  }
  if (port.empty() || port.size() > 5 || !std::all_of(port.begin(), port.end(), [](unsigned char c) { return std::isdigit(c); }))
    return std::nullopt;
  const int n = std::stoi(port);
  if (n < 1 || n > 65535 || !is_loopback_address(host)) return std::nullopt;
  return std::make_pair(host, static_cast<std::uint16_t>(n));
}

namespace {
// "2.5 ms" -> {2.5, "ms"}: a decimal number, then a unit with spaces removed.
std::optional<std::pair<double, std::string>> number_and_unit(const std::string& t) {
  std::size_t i = 0;
  while (i < t.size() && (std::isdigit(static_cast<unsigned char>(t[i])) || t[i] == '.')) ++i;
  if (i == 0) return std::nullopt;
  double n;
  try {
    n = std::stod(t.substr(0, i));
  } catch (...) {
    return std::nullopt;
  }
  std::string unit = t.substr(i);
  unit.erase(std::remove(unit.begin(), unit.end(), ' '), unit.end());
  return std::make_pair(n, unit);
}
}  // namespace

std::optional<sim::Time> parse_duration(const json& v) {
  if (v.is_number()) {
    const double s = v.get<double>();
    if (!std::isfinite(s) || s < 0 || s > 1e9) return std::nullopt;
    return static_cast<sim::Time>(std::llround(s * sim::kSecond));
  }
  if (!v.is_string()) return std::nullopt;
  const auto parsed = number_and_unit(v.get<std::string>());
  if (!parsed) return std::nullopt;
  const auto& [n, unit] = *parsed;
  static const std::map<std::string, sim::Time> kUnits = {
      {"us", 1}, {"ms", sim::kMillisecond}, {"s", sim::kSecond}, {"", sim::kSecond}, {"m", sim::kMinute},
      {"min", sim::kMinute}, {"h", sim::kHour}, {"d", sim::kDay}};
  auto it = kUnits.find(unit);
  if (it == kUnits.end() || !std::isfinite(n) || n * static_cast<double>(it->second) > 9e17) return std::nullopt;
  return static_cast<sim::Time>(std::llround(n * static_cast<double>(it->second)));
}

std::optional<std::uint64_t> parse_bandwidth(const json& v) {
  if (v.is_number()) {
    const double b = v.get<double>();
    if (!std::isfinite(b) || b <= 0 || b > 1e13) return std::nullopt;
    return static_cast<std::uint64_t>(b);
  }
  if (!v.is_string()) return std::nullopt;
  const auto parsed = number_and_unit(v.get<std::string>());
  if (!parsed) return std::nullopt;
  const double n = parsed->first;
  std::string unit = parsed->second;
  std::transform(unit.begin(), unit.end(), unit.begin(), [](unsigned char c) { return std::tolower(c); });
  static const std::map<std::string, double> kUnits = {{"bps", 1}, {"kbps", 1e3}, {"mbps", 1e6}, {"gbps", 1e9}};
  auto it = kUnits.find(unit);
  if (it == kUnits.end() || n <= 0 || n * it->second > 1e13) return std::nullopt;
  return static_cast<std::uint64_t>(n * it->second);
}

namespace {

class Reader {
 public:
  explicit Reader(std::string file) : file_(std::move(file)) {}
  [[noreturn]] void fail(const std::string& ptr, const std::string& what) const {
    throw ScenarioError(file_ + ": " + (ptr.empty() ? "/" : ptr) + ": " + what);
  }
  const json& object(const json& v, const std::string& ptr, std::initializer_list<const char*> allowed) const {
    if (!v.is_object()) fail(ptr, "expected an object");
    for (auto it = v.begin(); it != v.end(); ++it) {
      bool ok = false;
      for (const char* a : allowed) ok |= it.key() == a;
      if (!ok) {
        std::string list;
        for (const char* a : allowed) list += std::string(list.empty() ? "" : ", ") + a;
        fail(ptr + "/" + it.key(), "unknown key (allowed here: " + list + ")");
      }
    }
    return v;
  }
  const json& array(const json& v, const std::string& ptr) const {
    if (!v.is_array()) fail(ptr, "expected an array");
    return v;
  }
  std::string str(const json& obj, const char* key, const std::string& ptr, std::optional<std::string> def = {}) const {
    if (!obj.contains(key)) {
      if (def) return *def;
      fail(ptr + "/" + key, "missing (required)");
    }
    const json& v = obj.at(key);
    if (!v.is_string()) fail(ptr + "/" + key, "expected a string");
    return v.get<std::string>();
  }
  sim::Time duration(const json& obj, const char* key, const std::string& ptr, std::optional<sim::Time> def) const {
    if (!obj.contains(key)) {
      if (def) return *def;
      fail(ptr + "/" + key, "missing (required)");
    }
    auto d = parse_duration(obj.at(key));
    if (!d) fail(ptr + "/" + key, "expected a duration such as 30, \"250ms\", \"2h\" or \"5d\"");
    return *d;
  }
  double number(const json& obj, const char* key, const std::string& ptr, double def, double lo, double hi) const {
    if (!obj.contains(key)) return def;
    const json& v = obj.at(key);
    if (!v.is_number()) fail(ptr + "/" + key, "expected a number");
    const double d = v.get<double>();
    if (!(d >= lo && d <= hi)) fail(ptr + "/" + key, "must be between " + fmt(lo) + " and " + fmt(hi));
    return d;
  }
  bool boolean(const json& obj, const char* key, const std::string& ptr, bool def) const {
    if (!obj.contains(key)) return def;
    if (!obj.at(key).is_boolean()) fail(ptr + "/" + key, "expected true or false");
    return obj.at(key).get<bool>();
  }
  std::vector<std::string> strings(const json& obj, const char* key, const std::string& ptr, bool required) const {
    std::vector<std::string> out;
    if (!obj.contains(key)) {
      if (required) fail(ptr + "/" + key, "missing (required)");
      return out;
    }
    const json& v = obj.at(key);
    if (v.is_string()) return {v.get<std::string>()};
    if (!v.is_array()) fail(ptr + "/" + key, "expected a string or an array of strings");
    for (std::size_t i = 0; i < v.size(); ++i) {
      if (!v[i].is_string()) fail(ptr + "/" + key + "/" + std::to_string(i), "expected a string");
      out.push_back(v[i].get<std::string>());
    }
    return out;
  }
  static std::string fmt(double d) {
    std::ostringstream o;
    o << d;
    return o.str();
  }

 private:
  std::string file_;
};

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

bool valid_address(const std::string& a) {
  const auto at = a.find('@');
  if (at == std::string::npos || at == 0 || at + 1 >= a.size() || a.find('@', at + 1) != std::string::npos) return false;
  if (at > 64 || a.size() - at - 1 > 255) return false;
  return std::none_of(a.begin(), a.end(), [](unsigned char c) { return c <= ' ' || c == '<' || c == '>' || c == 127; });
}

std::string domain_of(const std::string& a) { return a.substr(a.find('@') + 1); }

std::string read_file(const std::filesystem::path& p, const Reader& r, const std::string& ptr) {
  std::ifstream in(p, std::ios::binary);
  if (!in) r.fail(ptr, "cannot read file " + p.string());
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

Scenario parse_scenario(const std::string& text, const std::filesystem::path& file) {
  Reader r(file.string());
  json root;
  try {
    root = json::parse(text);
  } catch (const json::parse_error& e) {
    // Turn the byte offset into line:column, which is what editors show.
    std::size_t line = 1, col = 1;
    for (std::size_t i = 0; i + 1 < e.byte && i < text.size(); ++i) {
      if (text[i] == '\n') {
        ++line;
        col = 1;
      } else {
        ++col;
      }
    }
    std::string what = e.what();
    const auto p = what.find("syntax error");
    throw ScenarioError(file.string() + ":" + std::to_string(line) + ":" + std::to_string(col) +
                        ": not valid JSON: " + (p == std::string::npos ? what : what.substr(p)));
  }
  r.object(root, "", {"name", "description", "start", "seed", "until", "time_scale", "hosts", "links", "dns",
                      "servers", "users", "messages", "faults", "$schema"});
  Scenario s;
  s.file = file;
  s.name = r.str(root, "name", "");
  if (root.contains("description")) {
    const json& d = root["description"];
    if (d.is_string()) s.description = {{"en", d}};
    else if (d.is_object()) s.description = r.object(d, "/description", {"en", "es"});
    else r.fail("/description", "expected a string or {\"en\": …, \"es\": …}");
  }
  if (root.contains("seed")) {
    if (!root["seed"].is_number_unsigned()) r.fail("/seed", "expected a non-negative integer");
    s.seed = root["seed"].get<std::uint64_t>();
  }
  s.until = r.duration(root, "until", "", s.until);
  s.time_scale = r.number(root, "time_scale", "", 1.0, 1e-6, 1e6);

  // Hosts
  std::map<std::string, std::size_t> host_index;
  std::set<std::uint32_t> addresses;
  const json hosts = r.array(root.value("hosts", json::array()), "/hosts");
  if (hosts.empty()) r.fail("/hosts", "a scenario needs at least one host");
  static const std::set<std::string> kRoles = {"pc", "mailserver", "dns", "router", "relay"};
  for (std::size_t i = 0; i < hosts.size(); ++i) {
    const std::string p = "/hosts/" + std::to_string(i);
    r.object(hosts[i], p, {"name", "address", "role", "label"});
    HostDef h;
    h.name = r.str(hosts[i], "name", p);
    if (h.name.empty() || h.name.size() > 253) r.fail(p + "/name", "must be 1 to 253 characters");
    const std::string addr = r.str(hosts[i], "address", p);
    auto a = dns::parse_ipv4(addr);
    if (!a) r.fail(p + "/address", "'" + addr + "' is not an IPv4 address like 192.0.2.10");
    h.address = *a;
    h.role = r.str(hosts[i], "role", p, "pc");
    if (!kRoles.count(h.role)) r.fail(p + "/role", "unknown role '" + h.role + "' (pc, mailserver, dns, router, relay)");
    h.label = r.str(hosts[i], "label", p, "");
    if (host_index.count(h.name)) r.fail(p + "/name", "host '" + h.name + "' is declared twice");
    if (!addresses.insert(h.address).second) r.fail(p + "/address", "address " + addr + " is used twice");
    host_index[h.name] = s.hosts.size();
    s.hosts.push_back(h);
  }
  auto need_host = [&](const std::string& name, const std::string& ptr) {
    if (!host_index.count(name)) r.fail(ptr, "host '" + name + "' is not declared in /hosts");
    return name;
  };

  // Links
  const json links = r.array(root.value("links", json::array()), "/links");
  for (std::size_t i = 0; i < links.size(); ++i) {
    const std::string p = "/links/" + std::to_string(i);
    r.object(links[i], p, {"a", "b", "latency", "bandwidth", "loss", "mtu"});
    LinkDef l;
    l.a = need_host(r.str(links[i], "a", p), p + "/a");
    l.b = need_host(r.str(links[i], "b", p), p + "/b");
    if (l.a == l.b) r.fail(p, "a link must join two different hosts");
    l.latency = r.duration(links[i], "latency", p, sim::kMillisecond);
    if (links[i].contains("bandwidth")) {
      auto b = parse_bandwidth(links[i]["bandwidth"]);
      if (!b) r.fail(p + "/bandwidth", "expected a bandwidth such as \"100Mbps\", \"64kbps\" or 1000000");
      l.bandwidth_bps = *b;
    }
    l.loss = r.number(links[i], "loss", p, 0.0, 0.0, 1.0);
    l.mtu = static_cast<std::uint32_t>(r.number(links[i], "mtu", p, 1500, 576, 65535));
    s.links.push_back(l);
  }

  // DNS
  if (root.contains("dns")) {
    const json& d = r.object(root["dns"], "/dns", {"server", "records"});
    s.dns_server = need_host(r.str(d, "server", "/dns"), "/dns/server");
    const json recs = r.array(d.value("records", json::array()), "/dns/records");
    for (std::size_t i = 0; i < recs.size(); ++i) {
      const std::string p = "/dns/records/" + std::to_string(i);
      r.object(recs[i], p, {"name", "type", "preference", "target", "address"});
      DnsRecordDef rec;
      rec.name = lower(r.str(recs[i], "name", p));
      rec.type = r.str(recs[i], "type", p);
      if (rec.type == "MX") {
        rec.preference = static_cast<std::uint16_t>(r.number(recs[i], "preference", p, 10, 0, 65535));
        rec.target = lower(r.str(recs[i], "target", p));
      } else if (rec.type == "A") {
        const std::string addr = r.str(recs[i], "address", p);
        auto a = dns::parse_ipv4(addr);
        if (!a) r.fail(p + "/address", "'" + addr + "' is not an IPv4 address");
        rec.address = *a;
      } else {
        r.fail(p + "/type", "unsupported record type '" + rec.type + "' (MX or A)");
      }
      s.dns_records.push_back(rec);
    }
  }

  // Servers
  const json servers = r.array(root.value("servers", json::array()), "/servers");
  std::map<std::string, std::size_t> server_index;
  for (std::size_t i = 0; i < servers.size(); ++i) {
    const std::string p = "/servers/" + std::to_string(i);
    r.object(servers[i], p, {"host", "domains", "relay_domains", "relay_clients", "services", "smarthost", "external",
                             "retry", "policy", "quota"});
    agents::MailServerConfig c;
    c.host = need_host(r.str(servers[i], "host", p), p + "/host");
    if (server_index.count(c.host)) r.fail(p + "/host", "host '" + c.host + "' has two server entries");
    for (auto& d : r.strings(servers[i], "domains", p, false)) c.domains.push_back(lower(d));
    for (auto& d : r.strings(servers[i], "relay_domains", p, false)) c.relay_domains.push_back(lower(d));
    const auto clients = r.strings(servers[i], "relay_clients", p, false);
    for (std::size_t k = 0; k < clients.size(); ++k)
      c.relay_clients.push_back(need_host(clients[k], p + "/relay_clients/" + std::to_string(k)));
    if (servers[i].contains("services")) {
      c.smtp = c.submission = c.pop3 = false;
      const auto svc = r.strings(servers[i], "services", p, true);
      for (std::size_t k = 0; k < svc.size(); ++k) {
        if (svc[k] == "smtp") c.smtp = true;
        else if (svc[k] == "submission") c.submission = true;
        else if (svc[k] == "pop3") c.pop3 = true;
        else r.fail(p + "/services/" + std::to_string(k), "unknown service '" + svc[k] + "' (smtp, submission, pop3)");
      }
    }
    if (servers[i].contains("smarthost")) c.smarthost = need_host(r.str(servers[i], "smarthost", p), p + "/smarthost");
    if (servers[i].contains("external")) {
      // A real SMTP server the simulated host stands for: loopback only (live mode).
      c.external = r.str(servers[i], "external", p);
      if (!parse_loopback_endpoint(*c.external))
        r.fail(p + "/external", "'" + *c.external + "' is not a loopback address and port (127.0.0.1:PORT or [::1]:PORT)");
    }
    if (servers[i].contains("retry")) {
      const std::string rp = p + "/retry";
      const json& rj = r.object(servers[i]["retry"], rp, {"first", "interval", "backoff", "max_interval", "give_up"});
      c.retry.first = r.duration(rj, "first", rp, c.retry.first);
      c.retry.interval = r.duration(rj, "interval", rp, c.retry.interval);
      c.retry.backoff = r.number(rj, "backoff", rp, 1.0, 1.0, 10.0);
      c.retry.max_interval = r.duration(rj, "max_interval", rp, c.retry.max_interval);
      c.retry.give_up = r.duration(rj, "give_up", rp, c.retry.give_up);
      if (c.retry.first <= 0 || c.retry.interval <= 0) r.fail(rp, "retry times must be positive");
    }
    if (servers[i].contains("policy")) {
      const std::string pp = p + "/policy";
      const json& pj = r.object(servers[i]["policy"], pp, {"max_message_size", "max_recipients", "greylisting",
                                                           "greylist_delay", "reject_subject", "quota_full"});
      c.policy.max_message_size = static_cast<std::size_t>(r.number(pj, "max_message_size", pp, 10485760, 1024, 1e10));
      c.policy.max_recipients = static_cast<std::size_t>(r.number(pj, "max_recipients", pp, 100, 1, 100000));
      c.policy.greylisting = r.boolean(pj, "greylisting", pp, false);
      c.policy.greylist_delay = r.duration(pj, "greylist_delay", pp, c.policy.greylist_delay);
      c.policy.reject_subject = r.str(pj, "reject_subject", pp, "");
      const std::string q = r.str(pj, "quota_full", pp, "permanent");
      if (q != "permanent" && q != "temporary") r.fail(pp + "/quota_full", "expected \"permanent\" (552) or \"temporary\" (452)");
      c.policy.quota_full_is_permanent = q == "permanent";
    }
    server_index[c.host] = s.servers.size();
    s.servers.push_back(std::move(c));
  }
  for (std::size_t i = 0; i < s.servers.size(); ++i) {
    auto& c = s.servers[i];
    if (c.smarthost && !server_index.count(*c.smarthost))
      r.fail("/servers/" + std::to_string(i) + "/smarthost", "'" + *c.smarthost + "' is not a mail server in /servers");
    if (c.smarthost) c.smarthost_address = s.hosts[host_index[*c.smarthost]].address;
    if (!s.dns_server.empty()) {
      c.dns_host = s.dns_server;
      c.dns_address = s.hosts[host_index[s.dns_server]].address;
    }
  }

  // Users
  const json users = r.array(root.value("users", json::array()), "/users");
  std::map<std::string, std::size_t> user_index;
  for (std::size_t i = 0; i < users.size(); ++i) {
    const std::string p = "/users/" + std::to_string(i);
    r.object(users[i], p, {"address", "password", "host", "server", "poll", "name", "keep_on_server", "quota"});
    UserDef u;
    u.address = lower(r.str(users[i], "address", p));
    if (!valid_address(u.address)) r.fail(p + "/address", "'" + u.address + "' is not an address like user@example.org");
    if (user_index.count(u.address)) r.fail(p + "/address", "user '" + u.address + "' is declared twice");
    u.password = r.str(users[i], "password", p);
    u.server = need_host(r.str(users[i], "server", p), p + "/server");
    if (!server_index.count(u.server)) r.fail(p + "/server", "'" + u.server + "' is not a mail server in /servers");
    u.host = users[i].contains("host") ? need_host(r.str(users[i], "host", p), p + "/host") : "";
    u.display_name = r.str(users[i], "name", p, "");
    u.poll_interval = users[i].contains("poll") && users[i]["poll"].is_boolean() && !users[i]["poll"].get<bool>()
                          ? 0
                          : r.duration(users[i], "poll", p, 0);
    if (u.poll_interval > 0 && u.host.empty()) r.fail(p + "/poll", "a user who polls needs a host for the MUA");
    u.keep_on_server = r.boolean(users[i], "keep_on_server", p, false);
    auto& server = s.servers[server_index[u.server]];
    if (!std::count(server.domains.begin(), server.domains.end(), domain_of(u.address)))
      r.fail(p + "/server", "server '" + u.server + "' does not hold the domain " + domain_of(u.address));
    agents::UserAccount acct{u.address, u.password, 0};
    if (users[i].contains("quota")) acct.quota_octets = static_cast<std::size_t>(r.number(users[i], "quota", p, 0, 0, 1e12));
    server.users.push_back(acct);
    user_index[u.address] = s.users.size();
    s.users.push_back(u);
  }

  // Messages
  const json msgs = r.array(root.value("messages", json::array()), "/messages");
  std::set<std::string> ids;
  for (std::size_t i = 0; i < msgs.size(); ++i) {
    const std::string p = "/messages/" + std::to_string(i);
    r.object(msgs[i], p, {"id", "at", "from", "to", "cc", "subject", "body", "body_file", "attachments"});
    MessageDef m;
    m.id = r.str(msgs[i], "id", p, "m" + std::to_string(i + 1));
    if (m.id.empty() || m.id.size() > 64 ||
        !std::all_of(m.id.begin(), m.id.end(), [](unsigned char c) { return std::isalnum(c) || c == '-' || c == '_'; }))
      r.fail(p + "/id", "ids use letters, digits, '-' and '_' (at most 64)");
    if (!ids.insert(m.id).second) r.fail(p + "/id", "message id '" + m.id + "' is used twice");
    m.at = r.duration(msgs[i], "at", p, 0);
    m.draft.from = lower(r.str(msgs[i], "from", p));
    if (!user_index.count(m.draft.from)) r.fail(p + "/from", "'" + m.draft.from + "' is not a user in /users");
    const UserDef& sender = s.users[user_index[m.draft.from]];
    if (sender.host.empty()) r.fail(p + "/from", "user '" + sender.address + "' has no host to run a MUA on");
    m.draft.from_name = sender.display_name;
    m.draft.to = r.strings(msgs[i], "to", p, true);
    m.draft.cc = r.strings(msgs[i], "cc", p, false);
    if (m.draft.to.empty()) r.fail(p + "/to", "a message needs at least one recipient");
    for (auto* list : {&m.draft.to, &m.draft.cc})
      for (auto& a : *list) {
        a = lower(a);
        if (!valid_address(a)) r.fail(p + (list == &m.draft.to ? "/to" : "/cc"), "'" + a + "' is not an address");
      }
    m.draft.subject = r.str(msgs[i], "subject", p, "");
    m.draft.body = r.str(msgs[i], "body", p, "");
    const auto base = file.parent_path();
    if (msgs[i].contains("body_file"))
      m.draft.body = read_file(base / r.str(msgs[i], "body_file", p), r, p + "/body_file");
    const json atts = r.array(msgs[i].value("attachments", json::array()), p + "/attachments");
    for (std::size_t k = 0; k < atts.size(); ++k) {
      const std::string ap = p + "/attachments/" + std::to_string(k);
      mime::Attachment a;
      if (atts[k].is_string()) {
        a.filename = std::filesystem::path(atts[k].get<std::string>()).filename().string();
        a.data = read_file(base / atts[k].get<std::string>(), r, ap);
      } else {
        r.object(atts[k], ap, {"file", "name", "type", "text"});
        if (atts[k].contains("file")) {
          const std::string f = r.str(atts[k], "file", ap);
          a.filename = std::filesystem::path(f).filename().string();
          a.data = read_file(base / f, r, ap + "/file");
        } else {
          a.data = r.str(atts[k], "text", ap);
        }
        a.filename = r.str(atts[k], "name", ap, a.filename);
        a.content_type = r.str(atts[k], "type", ap, "");
        if (a.filename.empty()) r.fail(ap, "an attachment needs a file or a name");
      }
      m.draft.attachments.push_back(std::move(a));
    }
    s.messages.push_back(std::move(m));
  }

  // Faults
  const json faults = r.array(root.value("faults", json::array()), "/faults");
  for (std::size_t i = 0; i < faults.size(); ++i) {
    const std::string p = "/faults/" + std::to_string(i);
    r.object(faults[i], p, {"at", "action", "link", "host", "loss", "for"});
    FaultDef f;
    f.pointer = p;
    f.at = r.duration(faults[i], "at", p, std::nullopt);
    f.action = r.str(faults[i], "action", p);
    static const std::set<std::string> kActions = {"link-down", "link-up", "host-down", "host-up", "loss"};
    if (!kActions.count(f.action))
      r.fail(p + "/action", "unknown action '" + f.action + "' (link-down, link-up, host-down, host-up, loss)");
    if (f.action.rfind("host", 0) == 0) {
      f.target = need_host(r.str(faults[i], "host", p), p + "/host");
    } else {
      const auto ends = r.strings(faults[i], "link", p, true);
      if (ends.size() != 2) r.fail(p + "/link", "name a link by its two hosts: [\"a\", \"b\"]");
      need_host(ends[0], p + "/link/0");
      need_host(ends[1], p + "/link/1");
      bool found = false;
      for (const auto& l : s.links) found |= (l.a == ends[0] && l.b == ends[1]) || (l.a == ends[1] && l.b == ends[0]);
      if (!found) r.fail(p + "/link", "there is no link between " + ends[0] + " and " + ends[1]);
      f.target = ends[0] + "--" + ends[1];
    }
    if (f.action == "loss") f.loss = r.number(faults[i], "loss", p, 0.5, 0.0, 1.0);
    s.faults.push_back(f);
    if (faults[i].contains("for")) {
      // Shorthand: the matching "up" (or loss 0) after a duration.
      FaultDef back = f;
      back.at = f.at + r.duration(faults[i], "for", p, std::nullopt);
      back.action = f.action == "link-down" ? "link-up" : f.action == "host-down" ? "host-up" : f.action;
      if (f.action == "loss") back.loss = 0;
      if (back.action == f.action && f.action != "loss") r.fail(p + "/for", "'for' goes with link-down, host-down or loss");
      s.faults.push_back(back);
    }
  }
  return s;
}

Scenario load_scenario(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw ScenarioError(file.string() + ": cannot open the file");
  std::ostringstream text;
  text << in.rdbuf();
  if (text.str().size() > 64u << 20) throw ScenarioError(file.string() + ": file is larger than 64 MiB");
  return parse_scenario(text.str(), file);
}

}  // namespace mailsim::app
