// Section parsers: /hosts and /links.
#include <set>

#include "cli/lib/scenario_sections.hpp"

namespace mailsim::app::detail {

void parse_hosts(const json& root, LoadContext& c) {
  const json* hosts = member(root, "hosts");
  c.broken_hosts = c.diag.has_error_exactly_at("/hosts");
  if (!hosts || !hosts->is_array()) {
    c.broken_hosts = true;
    return;
  }
  std::map<std::uint32_t, std::string> address_owner;
  for (std::size_t i = 0; i < hosts->size(); ++i) {
    const json& h = (*hosts)[i];
    const std::string p = index_ptr("/hosts", i);
    HostDef def;
    const auto name = text(h, "name");
    if (!name || c.diag.has_error_at(p + "/name")) {
      c.broken_hosts = true;
      continue;
    }
    def.name = *name;
    if (is_reserved_host_name(def.name)) {
      c.diag.error(p + "/name", quote_text(def.name) + " is reserved (live mode's gateway to real clients)",
                   "another host name");
      c.broken_hosts = true;
      continue;
    }
    if (c.host_index.count(def.name)) {
      c.diag.error(p + "/name", "host " + quote_text(def.name) + " is declared twice (first at " + c.host_pointer[def.name] + ")",
                   "a unique name per host");
      c.broken_hosts = true;
      continue;
    }
    if (const auto addr = text(h, "address")) {
      const auto a = dns::parse_ipv4(*addr);
      if (a) {
        def.address = *a;
        if (address_owner.count(*a))
          c.diag.error(p + "/address", "address " + *addr + " is already used by host " + quote_text(address_owner[*a]),
                       "a unique IPv4 address per host");
        else
          address_owner[*a] = def.name;
      }
    }
    if (const auto r = text(h, "role")) def.role = parse_host_role(*r).value_or(HostRole::Pc);
    def.label = text(h, "label").value_or("");
    c.host_index[def.name] = c.s.hosts.size();
    c.host_pointer[def.name] = p;
    c.s.hosts.push_back(std::move(def));
  }
}

void parse_links(const json& root, LoadContext& c) {
  const json* links = member(root, "links");
  if (!links || !links->is_array()) return;
  std::map<std::pair<std::string, std::string>, std::string> seen;
  for (std::size_t i = 0; i < links->size(); ++i) {
    const json& l = (*links)[i];
    const std::string p = index_ptr("/links", i);
    LinkDef def;
    const auto a = text(l, "a"), b = text(l, "b");
    bool ok = a && b;
    if (a) ok &= c.need_host(*a, p + "/a");
    if (b) ok &= c.need_host(*b, p + "/b");
    if (ok && *a == *b) {
      c.diag.error(p + "/b", "a link must join two different hosts (both ends are " + quote_text(*a) + ")");
      ok = false;
    }
    if (const auto lat = duration(c, l, "latency", p, def.latency)) {
      if (*lat > sim::kDay) {
        c.diag.error(p + "/latency", "latency " + shown(l["latency"]) + " is longer than a day", "at most \"1d\"");
        ok = false;
      }
      def.latency = *lat;
    }
    if (const json* bw = member(l, "bandwidth"); bw && !c.diag.has_error_at(p + "/bandwidth")) {
      if (const auto bps = parse_bandwidth(*bw)) {
        def.bandwidth_bps = *bps;
      } else {
        c.diag.error(p + "/bandwidth", shown(*bw) + " is not a usable bandwidth",
                     "at least 1 bps and at most 10 Tbps, such as \"64kbps\" or \"100Mbps\"");
        ok = false;
      }
    }
    def.loss = number(l, "loss").value_or(0.0);
    def.mtu = static_cast<std::uint32_t>(whole(l, "mtu", 1500, 576, 65535));
    if (!ok) continue;
    def.a = *a;
    def.b = *b;
    const auto key = std::minmax(def.a, def.b);
    if (seen.count(key))
      c.diag.warning(p, "a second link between " + quote_text(def.a) + " and " + quote_text(def.b) + " (first at " + seen[key] + ")",
                     "one link per pair of hosts; faults act on both");
    else
      seen[key] = p;
    c.s.links.push_back(std::move(def));
  }
}

}  // namespace mailsim::app::detail
