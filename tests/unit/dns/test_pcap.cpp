// Wireshark is the judge of our wire format: one query and its response go into a minimal
// pcap (Ethernet + IPv4 + UDP/53) and tshark must dissect the names back out of it.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "agents/dns/message.hpp"
#include "agents/dns/zone.hpp"

using namespace mailsim::dns;
namespace fs = std::filesystem;

namespace {

void be16(std::string& s, std::uint32_t v) {
  s += static_cast<char>(v >> 8 & 0xFF);
  s += static_cast<char>(v & 0xFF);
}
void be32(std::string& s, std::uint32_t v) { be16(s, v >> 16), be16(s, v & 0xFFFF); }
void le16(std::string& s, std::uint32_t v) {
  s += static_cast<char>(v & 0xFF);
  s += static_cast<char>(v >> 8 & 0xFF);
}
void le32(std::string& s, std::uint32_t v) { le16(s, v & 0xFFFF), le16(s, v >> 16); }

// RFC 791 header checksum: one's complement of the one's complement sum of 16-bit words.
std::uint16_t ip_checksum(const std::string& h) {
  std::uint32_t sum = 0;
  for (std::size_t i = 0; i + 1 < h.size(); i += 2)
    sum += static_cast<std::uint8_t>(h[i]) << 8 | static_cast<std::uint8_t>(h[i + 1]);
  while (sum >> 16) sum = (sum & 0xFFFF) + (sum >> 16);
  return static_cast<std::uint16_t>(~sum);
}

std::string frame(std::uint32_t src, std::uint32_t dst, std::uint16_t sport, std::uint16_t dport,
                  const std::string& payload) {
  std::string udp;
  be16(udp, sport), be16(udp, dport), be16(udp, 8 + payload.size()), be16(udp, 0);  // no checksum: allowed over IPv4
  udp += payload;
  std::string ip;
  ip += '\x45', ip += '\0';  // version 4, 20-byte header; TOS 0
  be16(ip, 20 + udp.size()), be16(ip, 1), be16(ip, 0x4000);  // total length, id, DF
  ip += '\x40', ip += '\x11';  // TTL 64, protocol UDP
  be16(ip, 0), be32(ip, src), be32(ip, dst);
  const std::uint16_t sum = ip_checksum(ip);
  ip[10] = static_cast<char>(sum >> 8), ip[11] = static_cast<char>(sum & 0xFF);
  REQUIRE(ip_checksum(ip) == 0);  // a correct header sums to 0xFFFF
  std::string eth = std::string("\x02\0\0\0\0\x02\x02\0\0\0\0\x01", 12) + "\x08" + std::string(1, '\0');
  return eth + ip + udp;
}

std::string read_all(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

TEST_CASE("query and response in a pcap dissect in tshark", "[dns][pcap]") {
  Zone z;
  z.add({"example.com", Type::MX, 3600, 10, "mail.example.com"});
  z.add({"mail.example.com", Type::A, 3600, 0, "", *parse_ipv4("192.0.2.25")});
  Message q;
  q.id = 0xBEEF;
  q.recursion_desired = true;
  q.questions.push_back({"example.com", Type::MX});
  const Message r = z.answer(q);

  const std::uint32_t client = *parse_ipv4("192.0.2.10"), server = *parse_ipv4("192.0.2.53");
  std::string pcap;
  le32(pcap, 0xA1B2C3D4), le16(pcap, 2), le16(pcap, 4);  // magic (microseconds), version 2.4
  le32(pcap, 0), le32(pcap, 0), le32(pcap, 65535), le32(pcap, 1);  // zone, sigfigs, snaplen, Ethernet
  std::uint32_t usec = 0;
  for (const std::string& f : {frame(client, server, 40000, 53, encode(q)),
                               frame(server, client, 53, 40000, encode(r))}) {
    le32(pcap, 1795687200), le32(pcap, usec += 1000), le32(pcap, f.size()), le32(pcap, f.size());
    pcap += f;
  }

  const fs::path dir = fs::temp_directory_path() / ("mailsim-dns-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const fs::path file = dir / "dns.pcap", out = dir / "tshark.txt", bad = dir / "bad.txt";
  std::ofstream(file, std::ios::binary) << pcap;
  REQUIRE(fs::file_size(file) == pcap.size());

  if (!fs::exists("/usr/bin/tshark")) {
    WARN("tshark not installed: pcap written but not dissected");
  } else {
    const std::string base = "/usr/bin/tshark -o ip.check_checksum:TRUE -r '" + file.string() + "' ";
    REQUIRE(std::system((base + "-T fields -e dns.qry.name -e dns.mx.mail_exchange > '" +
                         out.string() + "' 2>/dev/null").c_str()) == 0);
    const std::string fields = read_all(out);
    INFO(fields);
    REQUIRE(fields == "example.com\t\nexample.com\tmail.example.com\n");
    // Nothing malformed, and the IPv4 checksums are good (status 0 means bad).
    REQUIRE(std::system((base + "-Y '_ws.malformed || ip.checksum.status == 0 || dns.flags.response "
                                "&& dns.a != 192.0.2.25' > '" + bad.string() + "' 2>/dev/null").c_str()) == 0);
    REQUIRE(read_all(bad).empty());
  }
  fs::remove_all(dir);
}
