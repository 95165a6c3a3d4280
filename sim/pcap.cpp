#include "sim/pcap.hpp"

#include <stdexcept>
#include <vector>

namespace mailsim::sim {

namespace {
constexpr std::uint32_t kMagic = 0xa1b2c3d4u;
constexpr std::uint32_t kSnaplen = 262144;
constexpr std::uint32_t kLinktypeEthernet = 1;
constexpr std::int64_t kEpochSeconds = 1795687200;  // simulated time 0

// pcap headers are written in the host's byte order (the magic tells readers which).
void put_host32(std::vector<std::uint8_t>& b, std::uint32_t v) {
  const auto* p = reinterpret_cast<const std::uint8_t*>(&v);
  b.insert(b.end(), p, p + 4);
}
void put_host16(std::vector<std::uint8_t>& b, std::uint16_t v) {
  const auto* p = reinterpret_cast<const std::uint8_t*>(&v);
  b.insert(b.end(), p, p + 2);
}
// Network byte order for the packet headers.
void put16(std::vector<std::uint8_t>& b, std::uint16_t v) {
  b.push_back(static_cast<std::uint8_t>(v >> 8));
  b.push_back(static_cast<std::uint8_t>(v));
}
void put32(std::vector<std::uint8_t>& b, std::uint32_t v) {
  put16(b, static_cast<std::uint16_t>(v >> 16));
  put16(b, static_cast<std::uint16_t>(v));
}
void set16(std::vector<std::uint8_t>& b, std::size_t at, std::uint16_t v) {
  b[at] = static_cast<std::uint8_t>(v >> 8);
  b[at + 1] = static_cast<std::uint8_t>(v);
}
void put_mac(std::vector<std::uint8_t>& b, std::uint32_t addr) {
  b.push_back(0x02);  // locally administered, unicast
  b.push_back(0x00);
  put32(b, addr);
}

// One's-complement sum of 16-bit big-endian words, not yet folded.
std::uint32_t sum16(const std::uint8_t* p, std::size_t n, std::uint32_t acc = 0) {
  for (std::size_t i = 0; i + 1 < n; i += 2) acc += static_cast<std::uint32_t>(p[i] << 8 | p[i + 1]);
  if (n & 1) acc += static_cast<std::uint32_t>(p[n - 1] << 8);
  return acc;
}
std::uint16_t fold(std::uint32_t acc) {
  while (acc >> 16) acc = (acc & 0xffff) + (acc >> 16);
  return static_cast<std::uint16_t>(~acc & 0xffff);
}
}  // namespace

PcapWriter::PcapWriter(const std::string& path) : f_(std::fopen(path.c_str(), "wb")) {
  if (!f_) throw std::runtime_error("cannot create " + path);
  std::vector<std::uint8_t> h;
  put_host32(h, kMagic);
  put_host16(h, 2);  // version 2.4
  put_host16(h, 4);
  put_host32(h, 0);  // thiszone
  put_host32(h, 0);  // sigfigs
  put_host32(h, kSnaplen);
  put_host32(h, kLinktypeEthernet);
  if (std::fwrite(h.data(), 1, h.size(), f_) != h.size()) throw std::runtime_error("cannot write " + path);
}

PcapWriter::~PcapWriter() {
  if (f_) std::fclose(f_);
}

void PcapWriter::write(const PacketInfo& p) {
  // TCP options, SYN segments only: MSS (kind 2), then NOP + window scale (kind 3) so
  // that the header stays a multiple of four octets.
  std::uint8_t options[8];
  std::size_t options_len = 0;
  if (!p.udp && p.mss) {
    options[options_len++] = 2;
    options[options_len++] = 4;
    options[options_len++] = static_cast<std::uint8_t>(p.mss >> 8);
    options[options_len++] = static_cast<std::uint8_t>(p.mss);
  }
  if (!p.udp && p.wscale >= 0) {
    options[options_len++] = 1;
    options[options_len++] = 3;
    options[options_len++] = 3;
    options[options_len++] = static_cast<std::uint8_t>(p.wscale);
  }
  const std::size_t l4_header = p.udp ? 8 : 20 + options_len;
  const std::size_t l4_len = l4_header + p.payload.size();
  const std::size_t ip_len = 20 + l4_len;

  std::vector<std::uint8_t> f;
  f.reserve(14 + ip_len);
  // Ethernet II.
  put_mac(f, p.dst);
  put_mac(f, p.src);
  put16(f, 0x0800);
  // IPv4.
  const std::size_t ip = f.size();
  f.push_back(0x45);  // version 4, IHL 5
  f.push_back(0x00);  // DSCP/ECN
  put16(f, static_cast<std::uint16_t>(ip_len > 0xffff ? 0xffff : ip_len));
  put16(f, ip_id_++);
  put16(f, 0x4000);  // DF, fragment offset 0
  f.push_back(64);   // TTL
  f.push_back(p.udp ? 17 : 6);
  put16(f, 0);  // checksum, below
  put32(f, p.src);
  put32(f, p.dst);
  set16(f, ip + 10, fold(sum16(f.data() + ip, 20)));
  // Transport header.
  const std::size_t l4 = f.size();
  put16(f, p.sport);
  put16(f, p.dport);
  if (p.udp) {
    put16(f, static_cast<std::uint16_t>(l4_len));
    put16(f, 0);
  } else {
    put32(f, p.seq);
    put32(f, p.has_ack ? p.ack : 0);
    f.push_back(static_cast<std::uint8_t>((l4_header / 4) << 4));  // data offset
    std::uint8_t flags = 0;
    if (p.fin) flags |= 0x01;
    if (p.syn) flags |= 0x02;
    if (p.rst) flags |= 0x04;
    if (p.psh) flags |= 0x08;
    if (p.has_ack) flags |= 0x10;
    f.push_back(flags);
    put16(f, p.window);
    put16(f, 0);  // checksum, below
    put16(f, 0);  // urgent pointer
    f.insert(f.end(), options, options + options_len);
  }
  f.insert(f.end(), p.payload.begin(), p.payload.end());
  // Checksum over the pseudo-header, the transport header and the payload.
  std::uint32_t acc = sum16(f.data() + ip + 12, 8);  // source and destination addresses
  acc += p.udp ? 17u : 6u;
  acc += static_cast<std::uint32_t>(l4_len & 0xffff);
  acc = sum16(f.data() + l4, l4_len, acc);
  std::uint16_t sum = fold(acc);
  if (p.udp && sum == 0) sum = 0xffff;  // zero means "no checksum" in UDP
  set16(f, l4 + (p.udp ? 6 : 16), sum);

  // Record header: simulated time from a fixed epoch, microseconds.
  const std::int64_t t = p.time < 0 ? 0 : p.time;
  std::vector<std::uint8_t> rec;
  put_host32(rec, static_cast<std::uint32_t>(kEpochSeconds + t / 1'000'000));
  put_host32(rec, static_cast<std::uint32_t>(t % 1'000'000));
  const auto caplen = static_cast<std::uint32_t>(f.size() < kSnaplen ? f.size() : kSnaplen);
  put_host32(rec, caplen);
  put_host32(rec, static_cast<std::uint32_t>(f.size()));
  std::fwrite(rec.data(), 1, rec.size(), f_);
  std::fwrite(f.data(), 1, caplen, f_);
  ++packets_;
}

}  // namespace mailsim::sim
