#include "cli/lib/packet_log.hpp"

namespace mailsim::app {

std::string PacketLog::host_of(std::uint32_t address) const {
  const auto id = net_.host_by_address(address);
  if (id) return net_.host(*id).name;
  return std::to_string(address >> 24) + "." + std::to_string((address >> 16) & 255) + "." +
         std::to_string((address >> 8) & 255) + "." + std::to_string(address & 255);
}

void PacketLog::record(const sim::PacketInfo& p) {
  std::string flags;
  auto add = [&](bool on, const char* f) { if (on) flags += (flags.empty() ? "" : " ") + std::string(f); };
  bool rtx = false;
  const auto len = static_cast<std::uint32_t>(p.payload.size());
  if (!p.udp) {
    add(p.syn, "SYN");
    add(p.fin, "FIN");
    add(p.rst, "RST");
    add(p.psh, "PSH");
    add(p.has_ack, "ACK");
    // SYN and FIN take one sequence number each; a segment whose sequence space ends at or
    // before what this direction already sent is sent again.
    const std::uint32_t space = len + (p.syn ? 1 : 0) + (p.fin ? 1 : 0);
    if (space > 0) {
      const auto key = std::make_tuple(p.src, p.sport, p.dst, p.dport);
      const std::uint32_t end = p.seq + space;
      const auto it = sent_.find(key);
      if (it != sent_.end() && !p.syn && static_cast<std::int32_t>(end - it->second) <= 0) rtx = true;
      else if (it != sent_.end() && p.syn && it->second == end) rtx = true;  // a SYN sent again
      if (it == sent_.end() || static_cast<std::int32_t>(end - it->second) > 0) sent_[key] = end;
    }
  }
  packets_.push_back({{"t", p.time}, {"from", host_of(p.src)}, {"to", host_of(p.dst)}, {"proto", p.udp ? "UDP" : "TCP"},
                      {"sport", p.sport}, {"dport", p.dport}, {"flags", flags}, {"seq", p.seq}, {"ack", p.ack},
                      {"len", len}, {"rtx", rtx}});
}

nlohmann::json PacketLog::document(const std::string& scenario, std::uint64_t seed) const {
  return {{"format", "mailsim-packets"}, {"version", 1}, {"scenario", scenario}, {"seed", seed}, {"packets", packets_}};
}

}  // namespace mailsim::app
