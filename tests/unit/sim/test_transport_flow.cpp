// Flow and congestion control: the receive window, slow start, congestion avoidance, fast
// retransmit and recovery, and ACKs that cross (and get lost on) the links.
#include <catch2/catch.hpp>

#include <algorithm>
#include <map>

#include "transport_fixture.hpp"

using namespace mailsim::sim;
using namespace mailsim::sim::testing;

namespace {
constexpr std::uint32_t kClient = 0x0A000001, kServer = 0x0A000003;

struct Bulk {
  Path path;
  Transport t;
  Capture cap;
  Recorder client{path.engine}, server{path.engine};
  SocketId sock{};
  Time start = 0;
  Bulk(std::uint64_t bps, Time one_way, TransportConfig cfg = {}) : path(bps, one_way), t(path.engine, path.net, cfg) {
    cap.attach(t);
    t.listen(path.server, 25, [this](SocketId) { return &server; });
    sock = t.connect(path.client, kServer, 25, &client);
    path.engine.run();
    REQUIRE(client.opened > 0);
    start = path.engine.now();
  }
  Time send_all(const std::string& bytes) {
    t.send(sock, bytes);
    path.engine.run();
    REQUIRE(server.data == bytes);
    return server.data_times.back() - start;
  }
};
}  // namespace

TEST_CASE("the sender keeps in flight no more than the receiver's 64 KB window", "[tcp][flow]") {
  // 100 Mbit/s and 100 ms round trip: 1.25 MB could be in flight, the window allows 65535.
  Bulk b(100'000'000, 50 * kMillisecond);
  const Time took = b.send_all(pattern(1'000'000));
  const auto info = b.t.info(b.sock);
  REQUIRE(info);
  CHECK(info->peer_window == 65535);
  CHECK(info->max_in_flight <= 65535);
  CHECK(info->max_in_flight > 60000);  // and it does use the window
  // So throughput is at most one window per round trip: 1 MB needs at least 15 round
  // trips (the old model, with no window, took 0.13 s).
  CHECK(took >= 1'000'000 / 65535 * 100 * kMillisecond);
  CHECK(took <= 20 * 100 * kMillisecond);
  // Every data segment the capture shows lies inside the window the receiver offered.
  std::uint32_t acked = 0;
  std::uint32_t window = 65535;
  bool seen_ack = false;
  for (const auto& p : b.cap.packets) {
    if (p.info.src == kServer && p.info.has_ack) {
      acked = p.info.ack;
      window = p.info.window;
      seen_ack = true;
    } else if (p.info.src == kClient && !p.payload.empty() && seen_ack) {
      CHECK(p.info.seq + static_cast<std::uint32_t>(p.payload.size()) - acked <= window);
    }
  }
}

TEST_CASE("a small receive buffer limits throughput to one window per round trip", "[tcp][flow]") {
  TransportConfig cfg;
  cfg.receive_buffer = 8192;
  Bulk b(100'000'000, 50 * kMillisecond, cfg);
  const Time took = b.send_all(pattern(200'000));
  const auto info = b.t.info(b.sock);
  CHECK(info->peer_window == 8192);
  CHECK(info->max_in_flight <= 8192);
  // Five full segments (7300 octets) per 100 ms round trip: about 27 round trips.
  const double rounds = static_cast<double>(took) / (100 * kMillisecond);
  CHECK(rounds > 25);
  CHECK(rounds < 30);
}

TEST_CASE("buffers above 65535 octets negotiate window scaling", "[tcp][flow]") {
  TransportConfig cfg;
  cfg.receive_buffer = 1 << 20;
  Bulk b(100'000'000, 50 * kMillisecond, cfg);
  const auto& syn = b.cap.packets.at(0).info;
  const auto& synack = b.cap.packets.at(1).info;
  CHECK(syn.syn);
  CHECK(syn.wscale == 5);  // 2^20 >> 5 = 32768 fits the 16-bit field
  CHECK(syn.window == 65535);  // never scaled in a SYN
  CHECK(synack.wscale == 5);
  b.send_all(pattern(2'000'000));
  const auto info = b.t.info(b.sock);
  CHECK(info->peer_window == 1u << 20);
  CHECK(info->max_in_flight > 65535);
  for (const auto& p : b.cap.from(kServer, false))
    if (!p.info.syn) CHECK(p.info.window == (1 << 20) >> 5);
}

TEST_CASE("slow start doubles the window every round trip from ten segments", "[tcp][congestion]") {
  // 1 Gbit/s and 100 ms round trip: each round's burst takes a few ms, so rounds stand apart.
  TransportConfig cfg;
  cfg.receive_buffer = 16 << 20;
  Bulk b(1'000'000'000, 50 * kMillisecond, cfg);
  b.send_all(pattern(3'000'000));
  const auto data = b.cap.from(kClient, true);
  REQUIRE(!data.empty());
  const Time first = data.front().info.time;
  std::map<Time, int> per_round;
  for (const auto& p : data) ++per_round[(p.info.time - first + 10 * kMillisecond) / (100 * kMillisecond)];
  REQUIRE(per_round.size() >= 5);
  CHECK(per_round[0] == 10);  // RFC 6928 initial window
  CHECK(per_round[1] == 20);
  CHECK(per_round[2] == 40);
  CHECK(per_round[3] == 80);
  CHECK(per_round[4] == 160);
  // Delayed ACKs: one ACK per two full segments, yet the window doubles (byte counting).
  const auto acks = b.cap.from(kServer, false, b.start);
  CHECK(acks.size() < data.size() * 6 / 10);
}

namespace {
// Drops the client's data segments number `which` (counted from 1, first transmissions only).
LossFilter drop_data_segments(std::vector<int> which) {
  auto count = std::make_shared<int>(0);
  auto seen = std::make_shared<std::uint32_t>(0);
  return [=](const PacketInfo& p) {
    if (p.src != kClient || p.payload.empty()) return false;
    const std::uint32_t end = p.seq + static_cast<std::uint32_t>(p.payload.size());
    if (*count > 0 && static_cast<std::int32_t>(end - *seen) <= 0) return false;  // a retransmission
    *seen = end;
    ++*count;
    return std::find(which.begin(), which.end(), *count) != which.end();
  };
}
}  // namespace

TEST_CASE("three duplicate ACKs halve the window and retransmit at once", "[tcp][congestion]") {
  TransportConfig cfg;
  cfg.receive_buffer = 1 << 20;
  Bulk b(10'000'000, 10 * kMillisecond, cfg);
  b.t.set_loss_filter(drop_data_segments({60}));
  b.send_all(pattern(1'000'000));
  const auto info = b.t.info(b.sock);
  CHECK(info->fast_retransmits == 1);
  CHECK(info->timeouts == 0);
  CHECK(info->retransmitted_segments == 1);
  // The retransmission is the lost segment; ssthresh is half of what was in flight when the
  // third duplicate ACK arrived, i.e. when the retransmission left.
  const auto data = b.cap.from(kClient, true);
  std::uint32_t lost_seq = 0, highest = 0;
  bool found = false;
  for (std::size_t i = 0; i < data.size() && !found; ++i) {
    const auto& p = data[i].info;
    for (std::size_t j = 0; j < i; ++j)
      if (data[j].info.seq == p.seq) {
        lost_seq = p.seq;
        found = true;
      }
    if (!found) highest = std::max(highest, p.seq + static_cast<std::uint32_t>(data[i].payload.size()));
  }
  REQUIRE(found);
  const std::uint32_t flight = highest - lost_seq;
  CHECK(flight > 20 * info->mss);
  // Afterwards congestion avoidance only adds one segment per round trip: ssthresh stays.
  CHECK(info->ssthresh == std::max(flight / 2, 2 * info->mss));
  CHECK(info->cwnd >= info->ssthresh);
  CHECK(!info->in_recovery);
}

TEST_CASE("congestion avoidance adds one segment per round trip", "[tcp][congestion]") {
  TransportConfig cfg;
  cfg.receive_buffer = 16 << 20;
  Bulk b(1'000'000'000, 50 * kMillisecond, cfg);
  b.t.set_loss_filter(drop_data_segments({100}));
  // Sample cwnd once per round trip after recovery.
  std::vector<std::uint32_t> cwnds;
  std::function<void()> sample = [&] {
    auto i = b.t.info(b.sock);
    if (!i) return;
    if (!i->in_recovery && i->fast_retransmits == 1) cwnds.push_back(i->cwnd);
    if (cwnds.size() < 8) b.path.engine.after(100 * kMillisecond, sample);
  };
  b.path.engine.after(0, sample);
  b.send_all(pattern(6'000'000));
  REQUIRE(cwnds.size() == 8);
  // Sampled every 100 ms against a round trip of a little more: 5 round trips from sample
  // 2 to sample 7 give 4 to 5 steps of one MSS each, never a doubling.
  const std::uint32_t mss = b.t.info(b.sock)->mss;
  for (std::size_t i = 2; i + 1 < cwnds.size(); ++i) CHECK(cwnds[i + 1] - cwnds[i] <= mss);
  CHECK((cwnds[7] - cwnds[2]) / mss >= 4);
  CHECK((cwnds[7] - cwnds[2]) % mss == 0);
}

TEST_CASE("two losses in one window: a partial ACK repairs the second without a timeout", "[tcp][congestion]") {
  TransportConfig cfg;
  cfg.receive_buffer = 1 << 20;
  Bulk b(10'000'000, 10 * kMillisecond, cfg);
  b.t.set_loss_filter(drop_data_segments({60, 64}));
  b.send_all(pattern(600'000));
  const auto info = b.t.info(b.sock);
  CHECK(info->fast_retransmits == 1);
  CHECK(info->retransmitted_segments == 2);
  CHECK(info->timeouts == 0);
}

TEST_CASE("ACKs cross the links: 40 octets each, in the bottleneck's queue", "[tcp][ack]") {
  // A 1 Mbit/s link: an ACK takes 320 us to serialize. 10 small requests answered by
  // delayed ACKs load the server->client direction with 10 ACKs.
  Bulk b(1'000'000, 10 * kMillisecond);
  std::string all;
  for (int i = 0; i < 10; ++i) {
    b.t.send(b.sock, "NOOP\r\n");
    all += "NOOP\r\n";
    b.path.engine.run();
  }
  CHECK(b.server.data == all);
  const auto acks = b.cap.from(kServer, false, b.start);
  CHECK(acks.size() == 10);
  for (std::size_t i = 0; i < b.server.data_times.size(); ++i) {
    // Each bare ACK leaves 40 ms (the delayed-ACK time) after its data arrived.
    CHECK(acks[i].info.time - b.server.data_times[i] == 40 * kMillisecond);
  }
}

TEST_CASE("every second full segment is acknowledged at once", "[tcp][ack]") {
  Bulk b(10'000'000, 10 * kMillisecond);
  b.send_all(pattern(2 * 1460));
  const auto acks = b.cap.from(kServer, false, b.start);
  REQUIRE(acks.size() == 1);
  CHECK(acks[0].info.time == b.server.data_times.back());  // no delay
}

TEST_CASE("a reply written while handling data carries the ACK", "[tcp][ack]") {
  Path path(10'000'000, 10 * kMillisecond);
  Transport t(path.engine, path.net);
  Capture cap;
  cap.attach(t);
  Recorder client(path.engine);
  Echo server(path.engine, t);
  t.listen(path.server, 25, [&](SocketId) { return &server; });
  const SocketId s = t.connect(path.client, kServer, 25, &client);
  path.engine.run();
  const std::size_t before = cap.from(kServer, false).size();
  t.send(s, "EHLO x\r\n");
  path.engine.run();
  CHECK(client.data == "EHLO x\r\n");
  const auto from_server = cap.from(kServer, false);
  REQUIRE(from_server.size() == before + 1);  // the echo only: no separate ACK
  CHECK(from_server.back().payload == "EHLO x\r\n");
}

TEST_CASE("lost ACKs in a stream are covered by the next cumulative ACK", "[tcp][ack]") {
  Bulk b(10'000'000, 10 * kMillisecond);
  auto dropped = std::make_shared<int>(0);
  b.t.set_loss_filter([dropped](const PacketInfo& p) {
    if (p.src == kServer && p.payload.empty() && !p.syn && !p.fin && *dropped < 3 && p.time > 0) {
      ++*dropped;
      return true;
    }
    return false;
  });
  b.send_all(pattern(300'000));
  CHECK(*dropped == 3);
  CHECK(b.path.net.packets_dropped() == 3);
  CHECK(b.t.info(b.sock)->retransmitted_segments == 0);
}

TEST_CASE("the lost ACK of a lone segment is recovered by a retransmission", "[tcp][ack]") {
  Bulk b(10'000'000, 10 * kMillisecond);
  bool dropped = false;
  b.t.set_loss_filter([&](const PacketInfo& p) {
    if (p.src == kServer && p.payload.empty() && !p.syn && !dropped) return dropped = true;
    return false;
  });
  const Time sent = b.path.engine.now();
  b.t.send(b.sock, "HELO x\r\n");
  b.path.engine.run();
  CHECK(dropped);
  CHECK(b.server.data == "HELO x\r\n");  // the repeat is recognised, not delivered twice
  const auto info = b.t.info(b.sock);
  CHECK(info->timeouts == 1);
  CHECK(info->retransmitted_segments == 1);
  CHECK(info->in_flight == 0);
  // The repeat left one RTO after the original: 200 ms, the floor (the handshake measured 20 ms).
  const auto data = b.cap.from(kClient, true);
  REQUIRE(data.size() == 2);
  CHECK(data[1].info.time - sent == 200 * kMillisecond);
  // The receiver answers a duplicate at once: its ACK leaves as the repeat arrives, 48
  // octets through 1 Gbit/s + 1 ms, then 10 Mbit/s + 9 ms.
  const auto acks = b.cap.from(kServer, false, b.start);
  const Time one_way = serialization_time(48, 1'000'000'000) + kMillisecond + serialization_time(48, 10'000'000) +
                       9 * kMillisecond;
  CHECK(acks.back().info.time - data[1].info.time == one_way);
}
