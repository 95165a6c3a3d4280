// RFC 6298: the retransmission timeout from RTT samples, Karn's rule, backoff, and what a
// lost SYN changes (RFC 6298 section 5.7, RFC 5681 section 3.1).
#include <catch2/catch.hpp>

#include "transport_fixture.hpp"

using namespace mailsim::sim;
using namespace mailsim::sim::testing;

namespace {
constexpr std::uint32_t kClient = 0x0A000001, kServer = 0x0A000003;
}

TEST_CASE("RtoEstimator follows RFC 6298's formulas", "[tcp][rto]") {
  RtoEstimator r(kSecond, 0, 60 * kSecond);
  CHECK(r.rto() == kSecond);  // before any sample (section 2.1)
  r.sample(100 * kMillisecond);
  CHECK(r.srtt() == 100 * kMillisecond);
  CHECK(r.rttvar() == 50 * kMillisecond);
  CHECK(r.rto() == 300 * kMillisecond);  // SRTT + 4 RTTVAR
  r.sample(200 * kMillisecond);
  CHECK(r.rttvar() == (3 * 50 + 100) * kMillisecond / 4);
  CHECK(r.srtt() == (7 * 100 + 200) * kMillisecond / 8);
}

TEST_CASE("the RTO converges to the round trip when samples are steady", "[tcp][rto]") {
  RtoEstimator r(kSecond, 0, 60 * kSecond);
  for (int i = 0; i < 60; ++i) r.sample(80 * kMillisecond);
  CHECK(r.srtt() == 80 * kMillisecond);
  CHECK(r.rttvar() < 100);                                      // variance decays by 3/4 a sample
  CHECK(r.rto() == 80 * kMillisecond + RtoEstimator::kGranularity);  // 4 RTTVAR below G
  // A new round trip is learnt within a few dozen samples.
  for (int i = 0; i < 40; ++i) r.sample(300 * kMillisecond);
  CHECK(r.srtt() > 297 * kMillisecond);
  CHECK(r.srtt() <= 300 * kMillisecond);
}

TEST_CASE("the floor and ceiling bound the RTO; backoff doubles it until a new sample", "[tcp][rto]") {
  RtoEstimator r(kSecond, 200 * kMillisecond, 120 * kSecond);
  r.sample(10 * kMillisecond);
  CHECK(r.rto() == 200 * kMillisecond);
  r.backoff();
  CHECK(r.rto() == 400 * kMillisecond);
  for (int i = 0; i < 20; ++i) r.backoff();
  CHECK(r.rto() == 120 * kSecond);
  r.sample(10 * kMillisecond);
  CHECK(r.rto() == 200 * kMillisecond);
}

TEST_CASE("an echo conversation measures the path's round trip", "[tcp][rto]") {
  // 2 x (1 ms + 24 ms) = 50 ms plus serialization; the echo carries each ACK at once.
  for (Time floor : {200 * kMillisecond, Time{0}}) {
    Path path(100'000'000, 25 * kMillisecond);
    TransportConfig cfg;
    cfg.rto_min = floor;
    Transport t(path.engine, path.net, cfg);
    Recorder client(path.engine);
    Echo server(path.engine, t);
    t.listen(path.server, 7, [&](SocketId) { return &server; });
    const SocketId s = t.connect(path.client, kServer, 7, &client);
    path.engine.run();
    for (int i = 0; i < 40; ++i) {
      t.send(s, "ping\r\n");
      path.engine.run();
    }
    const auto info = t.info(s);
    REQUIRE(info);
    CHECK(info->rtt_samples == 41);  // the handshake and every exchange
    CHECK(info->srtt > 50 * kMillisecond);
    CHECK(info->srtt < 50 * kMillisecond + 100);
    if (floor > 0)
      CHECK(info->rto == 200 * kMillisecond);
    else
      CHECK(info->rto < 52 * kMillisecond);
  }
}

TEST_CASE("Karn: the ACK of a retransmitted segment gives no RTT sample", "[tcp][rto]") {
  Path path(10'000'000, 10 * kMillisecond);
  Transport t(path.engine, path.net);
  Capture cap;
  cap.attach(t);
  Recorder client(path.engine);
  Echo server(path.engine, t);
  t.listen(path.server, 7, [&](SocketId) { return &server; });
  const SocketId s = t.connect(path.client, kServer, 7, &client);
  path.engine.run();
  const auto before = *t.info(s);
  CHECK(before.rtt_samples == 1);
  bool dropped = false;
  t.set_loss_filter([&](const PacketInfo& p) {
    if (p.src == kClient && !p.payload.empty() && !dropped) return dropped = true;
    return false;
  });
  t.send(s, "ping\r\n");
  path.engine.run();
  CHECK(client.data == "ping\r\n");
  auto after = *t.info(s);
  CHECK(after.timeouts == 1);
  // The echo's ACK could answer either copy: no sample, SRTT unchanged, RTO still doubled.
  CHECK(after.rtt_samples == 1);
  CHECK(after.srtt == before.srtt);
  CHECK(after.rto == 2 * before.rto);
  // The next segment is sent once and timed: the RTO collapses back.
  t.send(s, "ping\r\n");
  path.engine.run();
  after = *t.info(s);
  CHECK(after.rtt_samples == 2);
  CHECK(after.rto == before.rto);
}

TEST_CASE("after a lost SYN the RTO is 3 s and the initial window one segment", "[tcp][rto]") {
  Path path(10'000'000, 10 * kMillisecond);
  Transport t(path.engine, path.net);
  bool dropped = false;
  t.set_loss_filter([&](const PacketInfo& p) {
    if (p.syn && !dropped) return dropped = true;
    return false;
  });
  Recorder client(path.engine), server(path.engine);
  t.listen(path.server, 25, [&](SocketId) { return &server; });
  const SocketId s = t.connect(path.client, kServer, 25, &client);
  path.engine.run();
  CHECK(client.opened > kSecond);  // the second SYN, one second later
  const auto info = *t.info(s);
  CHECK(info.rtt_samples == 0);
  CHECK(info.rto == 3 * kSecond);
  CHECK(info.cwnd == info.mss);
}

TEST_CASE("a peer that never answers again is given up after 15 backed-off retransmissions", "[tcp][rto]") {
  Path path(10'000'000, 10 * kMillisecond);
  Transport t(path.engine, path.net);
  Recorder client(path.engine), server(path.engine);
  t.listen(path.server, 25, [&](SocketId) { return &server; });
  const SocketId s = t.connect(path.client, kServer, 25, &client);
  path.engine.run();
  const Time rto0 = t.info(s)->rto;
  path.net.set_link_up(path.bottleneck, false);
  const Time sent = path.engine.now();
  t.send(s, "MAIL FROM:<a@b>\r\n");
  path.engine.run();
  REQUIRE(client.error == NetError::TimedOut);
  // Sixteen timeouts: the first after rto0, each next one doubled, capped at 120 s.
  Time expected = 0, rto = rto0;
  for (int i = 0; i <= 15; ++i) {
    expected += rto;
    rto = std::min(2 * rto, 120 * kSecond);
  }
  CHECK(client.failed - sent == expected);
  CHECK(expected > 15 * kMinute);  // longer than SMTP's own 10-minute wait (RFC 5321 4.5.3.2)
}
