// A crashed host is silent: its peers learn of the crash only by their own timers, or by
// the RST the restarted host answers to a segment of a connection it no longer knows.
// Also: sequence numbers across the 2^32 wrap.
#include <catch2/catch.hpp>

#include "sim/transport_internal.hpp"
#include "transport_fixture.hpp"

using namespace mailsim::sim;
using namespace mailsim::sim::testing;

namespace {
constexpr std::uint32_t kClient = 0x0A000001, kServer = 0x0A000003;

struct Connected {
  Path path{10'000'000, 10 * kMillisecond};
  Transport t{path.engine, path.net};
  Capture cap;
  Recorder client{path.engine}, server{path.engine};
  SocketId sock{};
  Connected() {
    cap.attach(t);
    t.listen(path.server, 25, [this](SocketId) { return &server; });
    sock = t.connect(path.client, kServer, 25, &client);
    path.engine.run();
    REQUIRE(server.opened > 0);
  }
  void crash_server() {
    path.net.set_host_up(path.server, false);
    t.crash_host(path.server);
  }
  std::size_t rsts() const {
    std::size_t n = 0;
    for (const auto& p : cap.packets) n += p.info.rst;
    return n;
  }
};
}  // namespace

TEST_CASE("a crash tells the peer nothing: a waiting client hears no reset", "[tcp][crash]") {
  Connected w;
  w.t.send(w.sock, "DATA\r\n");
  w.path.engine.run();  // delivered and acknowledged
  const std::size_t packets = w.cap.packets.size();
  const Time crash = w.path.engine.now();
  w.crash_server();
  CHECK(w.server.error == NetError::Reset);  // the crashed end hears of it, to free itself
  w.path.engine.run(crash + 10 * kMinute);
  CHECK_FALSE(w.client.error);               // before: Reset at the same microsecond
  CHECK(w.cap.packets.size() == packets);    // and not a packet left either host
  CHECK(w.t.info(w.sock));                   // the client's end still exists
}

TEST_CASE("after the restart, a segment of the old connection is answered with RST", "[tcp][crash]") {
  Connected w;
  const Time crash = w.path.engine.now();
  w.crash_server();
  w.path.engine.at(crash + 10 * kSecond, [&] { w.path.net.set_host_up(w.path.server, true); });
  w.t.send(w.sock, "QUIT\r\n");  // into the void: retransmitted with backoff
  w.path.engine.run();
  REQUIRE(w.client.error == NetError::Reset);
  CHECK(w.client.failed > crash + 10 * kSecond);
  // 0.2 + 0.4 + ... + 6.4 s = 12.6 s: the sixth retransmission is the first to reach it;
  // 46 octets there, a 40-octet RST back.
  auto one_way = [](std::uint64_t n) {
    return serialization_time(n, 1'000'000'000) + kMillisecond + serialization_time(n, 10'000'000) + 9 * kMillisecond;
  };
  CHECK(w.client.failed - crash == 12600 * kMillisecond + one_way(46) + one_way(40));
  CHECK(w.rsts() == 1);
  CHECK(w.t.open_connections() == 0);
}

TEST_CASE("a SYN retried into a crashed and restarted host gets a fresh connection", "[tcp][crash]") {
  Connected w;
  w.crash_server();
  const Time restart = w.path.engine.now() + 2 * kSecond;
  w.path.engine.at(restart, [&] { w.path.net.set_host_up(w.path.server, true); });
  Recorder second(w.path.engine);
  w.t.connect(w.path.client, kServer, 25, &second);
  w.path.engine.run();
  CHECK(second.opened > restart);  // the SYN sent at 3 s
  CHECK_FALSE(second.error);
}

TEST_CASE("serial-number arithmetic is right across the 2^32 wrap", "[tcp][seq]") {
  CHECK(seq_lt(0xFFFFFFF0u, 0x10u));
  CHECK(seq_gt(0x10u, 0xFFFFFFF0u));
  CHECK(seq_leq(5u, 5u));
  CHECK(seq_geq(0x00000000u, 0xFFFFFFFFu));
  CHECK_FALSE(seq_lt(0x10u, 0xFFFFFFF0u));
  CHECK(seq_lt(0x7FFFFFFFu, 0x80000000u));
}

TEST_CASE("a lossy stream that wraps its sequence numbers arrives intact", "[tcp][seq]") {
  // Find the client's natural ISN, then shift it to 1000 octets below 2^32.
  std::uint32_t natural = 0;
  {
    Path probe(10'000'000, 10 * kMillisecond);
    Transport t(probe.engine, probe.net);
    t.set_observer([&](const PacketInfo& p) { if (p.syn && !p.has_ack) natural = p.seq; });
    Recorder r(probe.engine);
    t.connect(probe.client, kServer, 25, &r);
  }
  TransportConfig cfg;
  cfg.isn_offset = 0xFFFFFC18u - natural;
  Path path(10'000'000, 10 * kMillisecond, 0.03);
  Transport t(path.engine, path.net, cfg);
  Capture cap;
  cap.attach(t);
  Recorder client(path.engine);
  Echo server(path.engine, t);
  t.listen(path.server, 7, [&](SocketId) { return &server; });
  const SocketId s = t.connect(path.client, kServer, 7, &client);
  const std::string payload = pattern(300'000);
  t.send(s, payload);
  path.engine.run();
  CHECK(cap.packets.at(0).info.seq == 0xFFFFFC18u);
  CHECK(server.data == payload);
  CHECK(client.data == payload);  // the echo, through the same lossy link
  CHECK(path.net.packets_dropped() > 10);
  bool wrapped = false;
  for (const auto& p : cap.from(kClient, true)) wrapped |= p.info.seq < 0x1000000u;
  CHECK(wrapped);
}
