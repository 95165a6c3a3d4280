// Numbers with units in scenarios: durations, bandwidths, sizes, dates, loopback endpoints.
#include <algorithm>
#include <cctype>
#include <cmath>
#include <map>

#include <arpa/inet.h>

#include "cli/lib/scenario.hpp"
#include "sim/text.hpp"

namespace mailsim::app {

using nlohmann::json;

namespace {
// One table per enum: the names scenarios use, both ways.
constexpr std::pair<HostRole, const char*> kRoles[] = {{HostRole::Pc, "pc"},
                                                       {HostRole::MailServer, "mailserver"},
                                                       {HostRole::Dns, "dns"},
                                                       {HostRole::Router, "router"},
                                                       {HostRole::Relay, "relay"}};
constexpr std::pair<FaultAction, const char*> kActions[] = {{FaultAction::LinkDown, "link-down"},
                                                            {FaultAction::LinkUp, "link-up"},
                                                            {FaultAction::HostDown, "host-down"},
                                                            {FaultAction::HostUp, "host-up"},
                                                            {FaultAction::Loss, "loss"}};

template <typename E, std::size_t N>
const char* name_in(const std::pair<E, const char*> (&table)[N], E value) {
  for (const auto& [e, name] : table)
    if (e == value) return name;
  return table[0].second;
}

template <typename E, std::size_t N>
std::optional<E> value_in(const std::pair<E, const char*> (&table)[N], std::string_view name) {
  for (const auto& [e, n] : table)
    if (name == n) return e;
  return std::nullopt;
}
}  // namespace

const char* to_string(HostRole r) { return name_in(kRoles, r); }
std::optional<HostRole> parse_host_role(std::string_view name) { return value_in(kRoles, name); }
const char* to_string(FaultAction a) { return name_in(kActions, a); }
std::optional<FaultAction> parse_fault_action(std::string_view name) { return value_in(kActions, name); }

bool is_reserved_host_name(const std::string& name) { return name == "live-gateway"; }

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
// " 2.5 ms " -> {2.5, "ms"}: digits, an optional fraction, optional spaces, a unit word, and
// nothing else ("1.2.3ms" and "5 m s" are refused).
std::optional<std::pair<double, std::string>> number_and_unit(const std::string& t) {
  std::size_t i = 0;
  auto spaces = [&] {
    while (i < t.size() && t[i] == ' ') ++i;
  };
  auto digits = [&] {
    const std::size_t from = i;
    while (i < t.size() && std::isdigit(static_cast<unsigned char>(t[i]))) ++i;
    return i > from;
  };
  spaces();
  const std::size_t start = i;
  if (!digits()) return std::nullopt;
  if (i < t.size() && t[i] == '.') {
    ++i;
    if (!digits()) return std::nullopt;
  }
  const std::string number = t.substr(start, i - start);
  spaces();
  const std::size_t unit_start = i;
  while (i < t.size() && t[i] != ' ') ++i;
  const std::string unit = t.substr(unit_start, i - unit_start);
  spaces();
  if (i != t.size() || number.size() > 30) return std::nullopt;
  const double n = std::strtod(number.c_str(), nullptr);
  if (!std::isfinite(n)) return std::nullopt;
  return std::make_pair(n, unit);
}

std::string lower(std::string_view s) { return text::to_lower(s); }
}  // namespace

std::optional<sim::Time> parse_duration(const json& v) {
  double us;
  if (v.is_number()) {
    const double s = v.get<double>();
    if (!std::isfinite(s) || s < 0) return std::nullopt;
    us = s * sim::kSecond;
  } else if (v.is_string()) {
    const auto parsed = number_and_unit(v.get<std::string>());
    if (!parsed) return std::nullopt;
    static const std::map<std::string, sim::Time> kUnits = {
        {"us", 1}, {"µs", 1}, {"ms", sim::kMillisecond}, {"s", sim::kSecond}, {"", sim::kSecond},
        {"m", sim::kMinute}, {"min", sim::kMinute}, {"h", sim::kHour}, {"d", sim::kDay}};
    const auto it = kUnits.find(parsed->second);
    if (it == kUnits.end()) return std::nullopt;
    us = parsed->first * static_cast<double>(it->second);
  } else {
    return std::nullopt;
  }
  if (!(us <= static_cast<double>(kMaxSimTime))) return std::nullopt;
  return static_cast<sim::Time>(std::llround(us));
}

std::optional<std::uint64_t> parse_bandwidth(const json& v) {
  double bps;
  if (v.is_number()) {
    bps = v.get<double>();
  } else if (v.is_string()) {
    const auto parsed = number_and_unit(v.get<std::string>());
    if (!parsed) return std::nullopt;
    static const std::map<std::string, double> kUnits = {{"bps", 1}, {"kbps", 1e3}, {"mbps", 1e6}, {"gbps", 1e9}};
    const auto it = kUnits.find(lower(parsed->second));
    if (it == kUnits.end()) return std::nullopt;
    bps = parsed->first * it->second;
  } else {
    return std::nullopt;
  }
  // Below 1 bps would truncate to 0, which the network reads as "unlimited".
  if (!std::isfinite(bps) || bps < 1 || bps > 1e13) return std::nullopt;
  return static_cast<std::uint64_t>(bps);
}

std::optional<std::uint64_t> parse_size(const json& v) {
  double octets;
  if (v.is_number_unsigned() || v.is_number_integer()) {
    if (v.is_number_integer() && v.get<std::int64_t>() < 0) return std::nullopt;
    octets = v.get<double>();
  } else if (v.is_string()) {
    const auto parsed = number_and_unit(v.get<std::string>());
    if (!parsed) return std::nullopt;
    static const std::map<std::string, double> kUnits = {{"b", 1},         {"kb", 1e3},     {"mb", 1e6},
                                                         {"gb", 1e9},      {"kib", 1024.0}, {"mib", 1048576.0},
                                                         {"gib", 1073741824.0}};
    const auto it = kUnits.find(lower(parsed->second));
    if (it == kUnits.end()) return std::nullopt;
    octets = parsed->first * it->second;
  } else {
    return std::nullopt;
  }
  if (!std::isfinite(octets) || octets < 0 || octets > 1e15) return std::nullopt;
  return static_cast<std::uint64_t>(std::llround(octets));
}

std::optional<std::int64_t> parse_rfc3339(const std::string& t) {
  // YYYY-MM-DDTHH:MM:SS[.frac](Z|±HH:MM)
  auto num = [&](std::size_t at, std::size_t len) -> std::optional<int> {
    if (at + len > t.size()) return std::nullopt;
    int n = 0;
    for (std::size_t i = at; i < at + len; ++i) {
      if (!std::isdigit(static_cast<unsigned char>(t[i]))) return std::nullopt;
      n = n * 10 + (t[i] - '0');
    }
    return n;
  };
  const auto y = num(0, 4), mo = num(5, 2), d = num(8, 2), h = num(11, 2), mi = num(14, 2), s = num(17, 2);
  if (!y || !mo || !d || !h || !mi || !s || t.size() < 20 || t[4] != '-' || t[7] != '-' ||
      (t[10] != 'T' && t[10] != 't' && t[10] != ' ') || t[13] != ':' || t[16] != ':')
    return std::nullopt;
  std::size_t i = 19;
  if (i < t.size() && t[i] == '.') {
    ++i;
    while (i < t.size() && std::isdigit(static_cast<unsigned char>(t[i]))) ++i;
  }
  std::int64_t offset = 0;
  if (i < t.size() && (t[i] == 'Z' || t[i] == 'z')) {
    ++i;
  } else if (i < t.size() && (t[i] == '+' || t[i] == '-')) {
    const auto oh = num(i + 1, 2), om = num(i + 4, 2);
    if (!oh || !om || i + 3 >= t.size() || t[i + 3] != ':' || *oh > 23 || *om > 59) return std::nullopt;
    offset = (t[i] == '+' ? 1 : -1) * (*oh * 3600 + *om * 60);
    i += 6;
  } else {
    return std::nullopt;
  }
  if (i != t.size()) return std::nullopt;
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (*y % 4 == 0 && *y % 100 != 0) || *y % 400 == 0;
  if (*y < 1970 || *mo < 1 || *mo > 12 || *d < 1 || *d > kDays[*mo - 1] + (*mo == 2 && leap) || *h > 23 || *mi > 59 ||
      *s > 60)
    return std::nullopt;
  // Days from 1970-01-01 to the date (civil calendar, H. Hinnant's algorithm).
  const int yy = *y - (*mo <= 2);
  const int era = yy / 400;
  const int yoe = yy - era * 400;
  const int doy = (153 * (*mo + (*mo > 2 ? -3 : 9)) + 2) / 5 + *d - 1;
  const int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  const std::int64_t days = static_cast<std::int64_t>(era) * 146097 + doe - 719468;
  return days * 86400 + *h * 3600 + *mi * 60 + std::min(*s, 59) - offset;
}

}  // namespace mailsim::app
