// Section parser: /traffic (generated mail: Poisson arrivals and the shape of each message).
// The schema checked the structure; this file resolves senders, reads rates and sizes, and
// checks what a schema cannot: known senders with a PC, a profile that is not all zeros,
// unreachable domains that really are unreachable, ids that do not clash with listed ones.
#include <algorithm>
#include <cctype>
#include <cmath>

#include "cli/lib/scenario_sections.hpp"

namespace mailsim::app::detail {

namespace {

constexpr double kMaxRate = 1e6;            // messages per second, per source
constexpr std::uint64_t kMaxWritten = 25u << 20;  // octets a generated message may carry
constexpr double kManyMessages = 1e7;       // above this, a warning: probably a missing "stop"

// "12/h", "0.5/s", "300/d", "2/min", or a number (per second). nullopt on bad text.
std::optional<double> parse_rate(const json& v) {
  if (v.is_number()) return v.get<double>();
  if (!v.is_string()) return std::nullopt;
  std::string t;
  for (char ch : v.get<std::string>())
    if (ch != ' ') t += ch;
  const auto slash = t.find('/');
  if (slash == std::string::npos || slash == 0) return std::nullopt;
  const std::string number = t.substr(0, slash), unit = t.substr(slash + 1);
  if (std::count(number.begin(), number.end(), '.') > 1 ||
      !std::all_of(number.begin(), number.end(), [](char ch) { return std::isdigit(static_cast<unsigned char>(ch)) || ch == '.'; }))
    return std::nullopt;
  double per = 0;
  if (unit == "s") per = 1;
  else if (unit == "min" || unit == "m") per = 60;
  else if (unit == "h") per = 3600;
  else if (unit == "d") per = 86400;
  else return std::nullopt;
  try {
    return std::stod(number) / per;
  } catch (...) {
    return std::nullopt;
  }
}

std::optional<double> share(const json& obj, const char* key) {
  const auto v = number(obj, key);
  return v && *v >= 0 && *v <= 1 ? v : std::nullopt;
}

std::string domain_of(const std::string& address) { return address.substr(address.find('@') + 1); }

// Seconds into the day, on the clock `start` was written in ("…T08:30:00+01:00" is 8:30).
std::int64_t local_time_of_day(const json& root) {
  const auto start = text(root, "start");
  if (!start || start->size() < 19 || !parse_rfc3339(*start)) return 10 * 3600;  // the default start
  const std::string& t = *start;
  return std::stoi(t.substr(11, 2)) * 3600 + std::stoi(t.substr(14, 2)) * 60 + std::stoi(t.substr(17, 2));
}

struct Domains {
  std::vector<std::string> names;
  std::map<std::string, std::size_t> index;
};

void parse_senders(LoadContext& c, const json& fj, const std::string& p, const agents::TrafficConfig& cfg,
                   const Domains& domains, agents::TrafficFlow& flow, bool& ok) {
  std::vector<bool> chosen(cfg.users.size(), !member(fj, "senders"));
  for (const auto& [name, ptr] : texts(fj, "senders", p)) {
    if (c.diag.has_error_at(ptr)) {
      ok = false;
      continue;
    }
    const std::string want = lower(name);
    if (want.find('@') != std::string::npos) {
      const auto u = c.user_index.find(want);
      if (u == c.user_index.end()) {
        if (!c.broken_users) {
          std::vector<std::string> addresses;
          for (const auto& user : c.s.users) addresses.push_back(user.address);
          c.diag.error(ptr, quote_text(want) + " is not a user in /users", "the address of a user with a host, or a domain",
                       did_you_mean(want, addresses).value_or(""));
        }
        ok = false;
      } else if (c.s.users[u->second].host.empty()) {
        c.diag.error(ptr, "user " + quote_text(want) + " has no host to run a mail program on",
                     "a \"host\" for " + want + " in /users");
        ok = false;
      } else {
        chosen[u->second] = true;
      }
      continue;
    }
    const auto d = domains.index.find(want);
    if (d == domains.index.end()) {
      if (!c.broken_users)
        c.diag.error(ptr, "no user in /users has an address at " + quote_text(want), "a domain of the users, or an address",
                     did_you_mean(want, domains.names).value_or(""));
      ok = false;
      continue;
    }
    for (std::size_t i = 0; i < cfg.users.size(); ++i)
      if (cfg.user_domain[i] == d->second && !c.s.users[i].host.empty()) chosen[i] = true;
  }
  for (std::size_t i = 0; i < cfg.users.size(); ++i)
    if (chosen[i] && !c.s.users[i].host.empty()) flow.senders.push_back(i);
  if (ok && flow.senders.empty())
    c.diag.error(member(fj, "senders") ? p + "/senders" : p, "no sender: none of these users has a host (a PC for the mail program)",
                 "users with a \"host\" in /users"), ok = false;
}

void parse_recipients(LoadContext& c, const json& fj, const std::string& p, agents::TrafficFlow& flow, bool& ok) {
  const json* rj = member(fj, "recipients");
  if (!rj || !rj->is_object()) return;
  const std::string rp = p + "/recipients";
  if (text(*rj, "choice").value_or("uniform") == "zipf") flow.choice = agents::RecipientChoice::Zipf;
  if (const auto s = number(*rj, "zipf_exponent")) {
    flow.zipf_exponent = *s;
    if (flow.choice != agents::RecipientChoice::Zipf)
      c.diag.error(rp + "/zipf_exponent", "\"zipf_exponent\" goes with \"choice\": \"zipf\" only", "\"choice\": \"zipf\", or no exponent"), ok = false;
  }
  flow.same_domain = share(*rj, "same_domain");
  flow.unknown = share(*rj, "unknown").value_or(0);
  flow.unreachable = share(*rj, "unreachable").value_or(0);
  if (const json* w = member(*rj, "per_message"); w && w->is_array() && !c.diag.has_error_at(rp + "/per_message")) {
    flow.recipients_weights.clear();
    double sum = 0;
    for (const json& x : *w) sum += flow.recipients_weights.emplace_back(x.is_number() ? x.get<double>() : 0);
    if (sum <= 0) c.diag.error(rp + "/per_message", "every weight is 0: no message could have a recipient", "at least one weight above 0, e.g. [8, 1, 1]"), ok = false;
  }
  if (member(*rj, "unreachable_domains")) {
    flow.unreachable_domains.clear();
    for (const auto& [d, dp] : texts(*rj, "unreachable_domains", rp)) {
      const std::string domain = lower(d);
      bool served = false;
      for (const auto& s : c.s.servers)
        if (std::find(s.domains.begin(), s.domains.end(), domain) != s.domains.end()) {
          c.diag.error(dp, "server " + quote_text(s.host) + " holds " + domain + ": mail to it is delivered",
                       "a domain no server of the scenario holds, such as \"gone.invalid\"");
          ok = false;
          served = true;
          break;
        }
      if (!served) flow.unreachable_domains.push_back(domain);
    }
    if (flow.unreachable <= 0 && !flow.unreachable_domains.empty())
      c.diag.warning(rp + "/unreachable_domains", "no message goes there: \"unreachable\" is 0", "\"unreachable\": a share above 0");
  }
}

void parse_size_and_attachments(LoadContext& c, const json& fj, const std::string& p, agents::TrafficFlow& flow, bool& ok) {
  auto octets = [&](const json& v, const std::string& ptr) -> std::optional<std::uint64_t> {
    if (c.diag.has_error_at(ptr)) return std::nullopt;
    const auto n = parse_size(v);
    if (!n || *n > kMaxWritten) {
      c.diag.error(ptr, shown(v) + " is not a usable message size", "a size of at most 25 MiB, such as 2000, \"20KB\" or \"1MiB\"");
      ok = false;
      return std::nullopt;
    }
    return n;
  };
  if (const json* sj = member(fj, "size")) {
    const std::string sp = p + "/size";
    if (sj->is_array()) {
      for (std::size_t k = 0; k < sj->size(); ++k) {
        const json& e = (*sj)[k];
        const std::string ep = index_ptr(sp, k);
        const json* s = member(e, "size");
        if (!s) continue;
        if (const auto n = octets(*s, ep + "/size")) flow.sizes.push_back({*n, number(e, "weight").value_or(1)});
      }
      double sum = 0;
      for (const auto& z : flow.sizes) sum += z.weight;
      if (ok && !flow.sizes.empty() && sum <= 0)
        c.diag.error(sp, "every weight is 0: no size could be chosen", "at least one weight above 0"), ok = false;
    } else if (sj->is_object()) {
      if (const json* m = member(*sj, "median"))
        if (const auto n = octets(*m, sp + "/median")) flow.median_octets = *n;
      flow.sigma = number(*sj, "sigma").value_or(0);
    } else if (const auto n = octets(*sj, sp)) {
      flow.median_octets = *n;
    }
  }
  if (const json* aj = member(fj, "attachments"); aj && aj->is_object()) {
    flow.attachment_probability = share(*aj, "probability").value_or(0);
    if (const json* types = member(*aj, "types"); types && types->is_array()) {
      flow.attachment_kinds.clear();
      for (const json& t : *types) {
        agents::AttachmentKind k;
        k.type = lower(text(t, "type").value_or("application/octet-stream"));
        k.name = text(t, "name").value_or("attachment");
        k.weight = number(t, "weight").value_or(1);
        flow.attachment_kinds.push_back(std::move(k));
      }
    }
  }
}

}  // namespace

void parse_traffic(const json& root, LoadContext& c) {
  const json* tj = member(root, "traffic");
  if (!tj || !tj->is_object()) return;
  const std::string p = "/traffic";
  agents::TrafficConfig cfg;
  Domains domains;
  for (const auto& u : c.s.users) {
    const std::string d = domain_of(u.address);
    const auto [it, fresh] = domains.index.emplace(d, domains.names.size());
    if (fresh) domains.names.push_back(d);
    cfg.users.push_back(u.address);
    cfg.user_domain.push_back(it->second);
  }
  cfg.domains = domains.names;
  cfg.day_offset_s = local_time_of_day(root);
  bool ok = true;
  if (const auto start = duration(c, *tj, "start", p, 0)) cfg.start = *start;
  else ok = false;
  if (const auto stop = duration(c, *tj, "stop", p, c.s.until)) cfg.stop = *stop;
  else ok = false;
  if (ok && cfg.stop <= cfg.start)
    c.diag.error(member(*tj, "stop") ? p + "/stop" : p, "traffic stops before it starts (stop defaults to the scenario's \"until\")",
                 "\"stop\" later than \"start\""), ok = false;
  cfg.max_messages = whole(*tj, "messages", 0, 1, 100'000'000);
  if (cfg.users.size() < 2 && !c.broken_users)
    c.diag.error(p, "traffic needs at least two users in /users (a sender and a recipient)", "two or more users"), ok = false;
  if (const json* msgs = member(root, "messages"); msgs && msgs->is_array())
    for (std::size_t i = 0; i < msgs->size(); ++i) {
      const std::string id = text((*msgs)[i], "id").value_or("");
      if (id.size() > 1 && id[0] == 't' && std::all_of(id.begin() + 1, id.end(), [](char ch) { return std::isdigit(static_cast<unsigned char>(ch)); })) {
        c.diag.error(index_ptr("/messages", i) + "/id", "message id " + quote_text(id) + " is the name of a generated message (t1, t2, …)",
                     "another id for the listed message");
        ok = false;
      }
    }

  const json* flows = member(*tj, "flows");
  double expected = 0;
  for (std::size_t i = 0; flows && flows->is_array() && i < flows->size(); ++i) {
    const json& fj = (*flows)[i];
    const std::string fp = index_ptr(p + "/flows", i);
    if (c.diag.has_error_exactly_at(fp)) {
      ok = false;
      continue;
    }
    agents::TrafficFlow flow;
    parse_senders(c, fj, fp, cfg, domains, flow, ok);
    if (const json* r = member(fj, "rate"); r && !c.diag.has_error_at(fp + "/rate")) {
      const auto rate = parse_rate(*r);
      if (!rate || !std::isfinite(*rate) || *rate <= 0 || *rate > kMaxRate)
        c.diag.error(fp + "/rate", shown(*r) + " is not a usable rate",
                     "more than 0 and at most 1000000 messages per second, such as \"12/h\", \"0.5/s\" or \"300/d\""), ok = false;
      else
        flow.rate_per_second = *rate;
    } else {
      ok = false;
    }
    const std::string per = text(fj, "per").value_or("user");
    flow.per = per == "domain" ? agents::RatePer::Domain : per == "total" ? agents::RatePer::Total : agents::RatePer::User;
    if (const json* prof = member(fj, "profile"); prof && prof->is_array() && prof->size() == 24 && !c.diag.has_error_at(fp + "/profile")) {
      std::array<double, 24> w{};
      double sum = 0;
      for (std::size_t h = 0; h < 24; ++h) sum += (w[h] = (*prof)[h].is_number() ? (*prof)[h].get<double>() : 0);
      if (sum <= 0) {
        c.diag.error(fp + "/profile", "every hour has weight 0: no message would ever be sent", "at least one hour above 0"), ok = false;
      } else {
        for (double& x : w) x *= 24 / sum;  // a mean of 1: "rate" stays the day's average
        flow.profile = w;
      }
    }
    parse_recipients(c, fj, fp, flow, ok);
    parse_size_and_attachments(c, fj, fp, flow, ok);
    flow.subject = text(fj, "subject").value_or(flow.subject);
    std::size_t sources = flow.per == agents::RatePer::User ? flow.senders.size()
                          : flow.per == agents::RatePer::Total ? 1 : 0;
    if (flow.per == agents::RatePer::Domain) {
      std::vector<bool> seen(cfg.domains.size());
      for (std::size_t s : flow.senders) sources += !seen[cfg.user_domain[s]], seen[cfg.user_domain[s]] = true;
    }
    expected += flow.rate_per_second * static_cast<double>(sources);
    cfg.flows.push_back(std::move(flow));
  }
  expected *= static_cast<double>(cfg.stop - cfg.start) / sim::kSecond;
  if (ok && !cfg.max_messages && expected > kManyMessages)
    c.diag.warning(p, "about " + std::to_string(static_cast<std::uint64_t>(expected)) +
                          " messages until \"stop\" (or the scenario's \"until\"); a run that long takes hours",
                   "\"stop\" or \"messages\" to bound the traffic");
  if (ok) c.s.traffic = std::move(cfg);
}

}  // namespace mailsim::app::detail
