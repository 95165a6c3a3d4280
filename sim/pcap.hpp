#pragma once
// Writes the simulated traffic as a classic pcap file (Ethernet / IPv4 / TCP or UDP) that
// Wireshark and tshark dissect: real addresses from the scenario, real sequence and
// acknowledgement numbers, the advertised window, the SYN options (MSS, window scale),
// checksums, and the exact protocol bytes.
#include <cstdio>
#include <string>

#include "sim/transport.hpp"

namespace mailsim::sim {

class PcapWriter {
 public:
  // Throws std::runtime_error when the file cannot be created.
  explicit PcapWriter(const std::string& path);
  ~PcapWriter();
  PcapWriter(const PcapWriter&) = delete;
  PcapWriter& operator=(const PcapWriter&) = delete;
  void write(const PacketInfo& p);
  std::uint64_t packets() const { return packets_; }

 private:
  std::FILE* f_ = nullptr;
  std::uint64_t packets_ = 0;
  std::uint16_t ip_id_ = 1;
};

}  // namespace mailsim::sim
