#include <catch2/catch.hpp>

#include <bit>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

#include <unistd.h>

#include "sim/pcap.hpp"
#include "sim/transport.hpp"

using namespace mailsim::sim;

namespace {
struct Sink : StreamHandler {
  std::string data;
  bool peer_closed = false;
  void on_data(SocketId, std::string_view b) override { data.append(b); }
  void on_peer_closed(SocketId) override { peer_closed = true; }
  void on_error(SocketId, NetError) override {}
};

std::uint32_t rd32(const std::vector<std::uint8_t>& b, std::size_t at) {
  std::uint32_t v;
  std::memcpy(&v, b.data() + at, 4);  // pcap headers are in host byte order
  return v;
}
std::uint16_t be16(const std::vector<std::uint8_t>& b, std::size_t at) {
  return static_cast<std::uint16_t>(b[at] << 8 | b[at + 1]);
}
}  // namespace

TEST_CASE("a small SMTP-like exchange is written as a valid pcap", "[pcap]") {
  const auto path = std::filesystem::temp_directory_path() /
                    ("mailsim-test-pcap-" + std::to_string(::getpid()) + ".pcap");
  std::uint64_t written = 0;
  {
    Engine engine;
    Network net{engine};
    const HostId a = net.add_host({"a", 0x0A000001, "pc"});
    const HostId b = net.add_host({"b", 0x0A000002, "mailserver"});
    net.add_link({a, b, 2 * kMillisecond, 10'000'000});
    Transport t(engine, net);
    PcapWriter pcap(path.string());
    t.set_observer([&](const PacketInfo& p) { pcap.write(p); });
    Sink client, server;
    SocketId server_side{};
    t.listen(b, 25, [&](SocketId s) {
      server_side = s;
      return &server;
    });
    const SocketId c = t.connect(a, 0x0A000002, 25, &client);
    t.send(c, "EHLO x\r\n");
    engine.run();
    REQUIRE(server.data == "EHLO x\r\n");
    t.close(c);
    engine.run();
    REQUIRE(server.peer_closed);
    t.close(server_side);
    engine.run();
    REQUIRE(t.open_connections() == 0);
    written = pcap.packets();
  }
  std::ifstream in(path, std::ios::binary);
  const std::vector<std::uint8_t> file((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::filesystem::remove(path);

  // Global header: magic, version 2.4, zone 0, sigfigs 0, snaplen, Ethernet.
  REQUIRE(file.size() >= 24);
  CHECK(rd32(file, 0) == 0xa1b2c3d4u);
  CHECK((file[4] | file[5] << 8) == (std::endian::native == std::endian::little ? 2 : 512));
  CHECK(rd32(file, 8) == 0);
  CHECK(rd32(file, 12) == 0);
  CHECK(rd32(file, 16) == 262144u);
  CHECK(rd32(file, 20) == 1u);

  // SYN, SYN-ACK, ACK, data, its ACK, FIN, its ACK, FIN, its ACK.
  std::vector<std::vector<std::uint8_t>> frames;
  std::size_t at = 24;
  while (at + 16 <= file.size()) {
    const std::uint32_t caplen = rd32(file, at + 8);
    CHECK(rd32(file, at) >= 1795687200u);
    CHECK(caplen == rd32(file, at + 12));
    REQUIRE(at + 16 + caplen <= file.size());
    frames.emplace_back(file.begin() + static_cast<long>(at + 16), file.begin() + static_cast<long>(at + 16 + caplen));
    at += 16 + caplen;
  }
  CHECK(at == file.size());
  CHECK(frames.size() == written);
  CHECK(frames.size() == 9);

  bool payload_seen = false;
  for (const auto& fr : frames) {
    REQUIRE(fr.size() >= 54);
    CHECK(be16(fr, 12) == 0x0800);
    CHECK(fr[14] == 0x45);
    CHECK(be16(fr, 16) == fr.size() - 14);
    CHECK(fr[23] == 6);
    // Recompute the IPv4 header checksum: the sum over the header, checksum included, is 0xffff.
    std::uint32_t sum = 0;
    for (std::size_t i = 14; i < 34; i += 2) sum += be16(fr, i);
    while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
    CHECK(sum == 0xffff);
    // And the TCP checksum over the pseudo-header.
    std::uint32_t tsum = be16(fr, 26) + be16(fr, 28) + be16(fr, 30) + be16(fr, 32) + 6 + (fr.size() - 34);
    for (std::size_t i = 34; i < fr.size(); i += 2)
      tsum += i + 1 < fr.size() ? be16(fr, i) : static_cast<std::uint32_t>(fr[i] << 8);
    while (tsum >> 16) tsum = (tsum & 0xffff) + (tsum >> 16);
    CHECK(tsum == 0xffff);
    const std::string payload(fr.begin() + 54, fr.end());
    if (payload == "EHLO x\r\n") {
      payload_seen = true;
      CHECK(be16(fr, 36) == 25);          // destination port
      CHECK((fr[47] & 0x18) == 0x18);     // PSH, ACK
    }
  }
  CHECK(payload_seen);
  // The first frame is the client's SYN from 10.0.0.1 to 10.0.0.2, MACs derived from them.
  const auto& syn = frames.front();
  CHECK(std::vector<std::uint8_t>(syn.begin(), syn.begin() + 12) ==
        std::vector<std::uint8_t>{0x02, 0, 10, 0, 0, 2, 0x02, 0, 10, 0, 0, 1});
  CHECK(syn[47] == 0x02);
}

namespace {
// Runs a short exchange with `cfg` and returns the captured frames.
std::vector<std::vector<std::uint8_t>> capture_frames(const TransportConfig& cfg) {
  const auto path = std::filesystem::temp_directory_path() /
                    ("mailsim-test-pcap-opt-" + std::to_string(::getpid()) + ".pcap");
  {
    Engine engine;
    Network net{engine};
    const HostId a = net.add_host({"a", 0x0A000001, "pc"});
    const HostId b = net.add_host({"b", 0x0A000002, "mailserver"});
    net.add_link({a, b, 2 * kMillisecond, 10'000'000, 0.0, 1400});
    Transport t(engine, net, cfg);
    PcapWriter pcap(path.string());
    t.set_observer([&](const PacketInfo& p) { pcap.write(p); });
    Sink client, server;
    t.listen(b, 25, [&](SocketId) { return &server; });
    const SocketId c = t.connect(a, 0x0A000002, 25, &client);
    t.send(c, std::string(5000, 'z'));
    engine.run();
  }
  std::ifstream in(path, std::ios::binary);
  const std::vector<std::uint8_t> file((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::filesystem::remove(path);
  std::vector<std::vector<std::uint8_t>> frames;
  for (std::size_t at = 24; at + 16 <= file.size();) {
    const std::uint32_t caplen = rd32(file, at + 8);
    frames.emplace_back(file.begin() + static_cast<long>(at + 16), file.begin() + static_cast<long>(at + 16 + caplen));
    at += 16 + caplen;
  }
  return frames;
}
}  // namespace

TEST_CASE("SYN segments carry the MSS option and every segment the real window", "[pcap]") {
  const auto frames = capture_frames(TransportConfig{});
  REQUIRE(frames.size() > 6);
  for (std::size_t i = 0; i < 2; ++i) {  // SYN, SYN-ACK
    const auto& f = frames[i];
    CHECK((f[47] & 0x02) == 0x02);
    CHECK(f[46] >> 4 == 6);  // 24-octet header
    CHECK(std::vector<std::uint8_t>(f.begin() + 54, f.begin() + 58) ==
          std::vector<std::uint8_t>{2, 4, 0x05, 0x50});  // MSS 1360: the 1400-octet link
    CHECK(be16(f, 48) == 65535);
  }
  for (std::size_t i = 2; i < frames.size(); ++i) {
    CHECK(frames[i][46] >> 4 == 5);
    CHECK(be16(frames[i], 48) == 65535);
    CHECK(be16(frames[i], 16) <= 1400);
  }
}

TEST_CASE("a receive buffer above 64 KB is announced with the window scale option", "[pcap]") {
  TransportConfig cfg;
  cfg.receive_buffer = 256 * 1024;
  const auto frames = capture_frames(cfg);
  const auto& syn = frames.at(0);
  CHECK(syn[46] >> 4 == 7);  // MSS, NOP, window scale
  CHECK(std::vector<std::uint8_t>(syn.begin() + 58, syn.begin() + 62) == std::vector<std::uint8_t>{1, 3, 3, 3});
  CHECK(be16(syn, 48) == 65535);
  CHECK(be16(frames.at(3), 48) == 256 * 1024 / 8);  // scaled by 2^3 after the handshake
}
