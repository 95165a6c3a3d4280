// Section parser: /dns (the DNS server and its zone).
#include "cli/lib/scenario_sections.hpp"

namespace mailsim::app::detail {

void parse_dns(const json& root, LoadContext& c) {
  const json* d = member(root, "dns");
  if (!d || !d->is_object()) return;
  if (const auto server = text(*d, "server"); server && c.need_host(*server, "/dns/server")) {
    const HostDef& h = c.s.hosts[c.host_index[*server]];
    if (h.role != HostRole::Dns)
      c.diag.error("/dns/server", "host " + quote_text(*server) + " is a " + to_string(h.role) + ", not a DNS server",
                   "a host with \"role\": \"dns\"");
    else
      c.s.dns_server = *server;
  }
  const json* records = member(*d, "records");
  if (!records || !records->is_array()) return;
  for (std::size_t i = 0; i < records->size(); ++i) {
    const json& r = (*records)[i];
    const std::string p = index_ptr("/dns/records", i);
    const auto name = text(r, "name"), type = text(r, "type");
    if (!name || !type) continue;
    DnsRecordDef rec;
    rec.name = lower(*name);
    if (*type == "MX") {
      rec.type = dns::Type::MX;
      if (member(r, "address")) c.diag.error(p + "/address", "an MX record has no address", "\"target\": the exchanger's host name (with its own A record)");
      rec.preference = static_cast<std::uint16_t>(whole(r, "preference", 10, 0, 65535));
      rec.target = lower(text(r, "target").value_or(""));
    } else if (*type == "A") {
      rec.type = dns::Type::A;
      for (const char* k : {"target", "preference"})
        if (member(r, k)) c.diag.error(p + "/" + k, "an A record has no " + std::string(k), "\"address\": an IPv4 address");
      const auto a = dns::parse_ipv4(text(r, "address").value_or(""));
      if (!a) continue;
      rec.address = *a;
    } else if (*type == "PTR") {
      // Reverse DNS: the address points back to the name; the zone holds it under the
      // address's in-addr.arpa name, where a server looks up a client.
      rec.type = dns::Type::PTR;
      for (const char* k : {"target", "preference"})
        if (member(r, k))
          c.diag.error(p + "/" + k, "a PTR record has no " + std::string(k),
                       "\"name\": the host name, \"address\": the IPv4 address that points back to it");
      const auto a = dns::parse_ipv4(text(r, "address").value_or(""));
      if (!a) continue;
      rec.target = rec.name;
      rec.name = dns::reverse_name(*a);
      rec.address = *a;
    } else {
      continue;  // the schema named the allowed types
    }
    c.s.dns_records.push_back(std::move(rec));
  }
}

}  // namespace mailsim::app::detail
