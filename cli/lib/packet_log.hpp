#pragma once
// `run --trace-packets FILE`: every packet the simulated transport sends, as typed records for
// the viewer's lower-layer view (`visualize --packets FILE`): time, the two hosts, TCP or UDP,
// ports, flags, sequence and acknowledgement numbers, payload length, and whether a TCP
// segment carries sequence space already sent (a retransmission, as Wireshark marks one).
#include <cstdint>
#include <map>
#include <string>
#include <tuple>

#include <nlohmann/json.hpp>

#include "sim/network.hpp"
#include "sim/transport.hpp"

namespace mailsim::app {

class PacketLog {
 public:
  explicit PacketLog(const sim::Network& net) : net_(net) {}
  void record(const sim::PacketInfo& p);
  // {"format": "mailsim-packets", "version": 1, "packets": [{t, from, to, proto, sport, dport,
  // flags, seq, ack, len, rtx}…]}
  nlohmann::json document(const std::string& scenario, std::uint64_t seed) const;

 private:
  std::string host_of(std::uint32_t address) const;
  const sim::Network& net_;
  nlohmann::json packets_ = nlohmann::json::array();
  // Per direction of a connection (src, sport, dst, dport): the end of the sequence space sent.
  std::map<std::tuple<std::uint32_t, std::uint16_t, std::uint32_t, std::uint16_t>, std::uint32_t> sent_;
};

}  // namespace mailsim::app
