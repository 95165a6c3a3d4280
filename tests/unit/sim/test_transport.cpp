#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "sim/transport.hpp"

using namespace mailsim::sim;

namespace {
struct Recorder : StreamHandler {
  std::string data;
  std::vector<Time> data_times;
  Time opened = -1, closed = -1;
  std::optional<NetError> error;
  Engine* engine;
  explicit Recorder(Engine& e) : engine(&e) {}
  void on_open(SocketId) override { opened = engine->now(); }
  void on_data(SocketId, std::string_view b) override {
    data.append(b);
    data_times.push_back(engine->now());
  }
  void on_peer_closed(SocketId) override { closed = engine->now(); }
  void on_error(SocketId, NetError e) override { error = e; }
};

struct Line3 {
  Engine engine;
  Network net{engine};
  HostId a, r1, r2, b;
  LinkId l1, l2, l3;
  Line3() {
    a = net.add_host({"a", 0x0A000001, "pc"});
    r1 = net.add_host({"r1", 0x0A000002, "router"});
    r2 = net.add_host({"r2", 0x0A000003, "router"});
    b = net.add_host({"b", 0x0A000004, "mailserver"});
    l1 = net.add_link({a, r1, 2 * kMillisecond, 10'000'000});      // 10 Mbit/s
    l2 = net.add_link({r1, r2, 20 * kMillisecond, 1'000'000});     // 1 Mbit/s
    l3 = net.add_link({r2, b, 5 * kMillisecond, 100'000'000});     // 100 Mbit/s
  }
};
}  // namespace

TEST_CASE("serialization time rounds up to a microsecond", "[network]") {
  REQUIRE(serialization_time(1500, 1'000'000) == 12000);
  REQUIRE(serialization_time(1, 3'000'000) == 3);  // 8/3 us -> 3
  REQUIRE(serialization_time(0, 1'000) == 0);
}

TEST_CASE("a stream's delivery time over three hops matches the hand computation", "[transport]") {
  Line3 w;
  Transport t(w.engine, w.net);
  Recorder client(w.engine), server(w.engine);
  t.listen(w.b, 25, [&](SocketId) { return &server; });
  SocketId s = t.connect(w.a, 0x0A000004, 25, &client);
  // Per hop for a packet of n octets: n*8/bandwidth (serialization) + latency.
  auto hop = [](std::uint64_t n, std::uint64_t bps, Time lat) { return serialization_time(n, bps) + lat; };
  auto path = [&](std::uint64_t n) {
    return hop(n, 10'000'000, 2000) + hop(n, 1'000'000, 20000) + hop(n, 100'000'000, 5000);
  };
  // SYN and SYN-ACK carry the MSS option: 44 octets, 36 (35.2 up) + 2000, 352 + 20000,
  // 4 (3.52 up) + 5000 = 27392 us each way. The third packet, a bare ACK, has 40 octets:
  // 32 + 2000, 320 + 20000, 4 (3.2 up) + 5000 = 27356 us.
  REQUIRE(path(44) == 27392);
  REQUIRE(path(40) == 27356);
  w.engine.run();
  const Time syn_ack_back = 2 * path(44);
  REQUIRE(client.opened == syn_ack_back);
  REQUIRE(server.opened == 2 * path(44) + path(40));  // the server accepts on the third packet

  // 1000 octets of payload travel as one 1040-octet segment (MSS 1460).
  const std::string payload(1000, 'x');
  const Time sent_at = w.engine.now();
  t.send(s, payload);
  w.engine.run();
  REQUIRE(server.data == payload);
  REQUIRE(server.data_times.size() == 1);
  // 832 + 2000 + 8320 + 20000 + 84 (83.2 up) + 5000 = 36236
  REQUIRE(server.data_times[0] - sent_at == 36236);
  REQUIRE(path(1040) == 36236);
}

TEST_CASE("segments queue FIFO behind each other on the bottleneck link", "[transport]") {
  Line3 w;
  Transport t(w.engine, w.net);
  Recorder client(w.engine), server(w.engine);
  t.listen(w.b, 25, [&](SocketId) { return &server; });
  SocketId s = t.connect(w.a, 0x0A000004, 25, &client);
  w.engine.run();
  const Time t0 = w.engine.now();
  t.send(s, std::string(3000, 'y'));  // 1460 + 1460 + 80 octets of payload
  w.engine.run();
  REQUIRE(server.data.size() == 3000);
  REQUIRE(server.data_times.size() == 3);
  // First segment: 1500 octets. 1200 + 2000 | 12000 + 20000 | 120 + 5000.
  const Time first = 1200 + 2000 + 12000 + 20000 + 120 + 5000;
  REQUIRE(server.data_times[0] - t0 == first);
  // The second leaves the first link 1200 us later and reaches r1 at 4400, but the 1 Mbit/s
  // link is busy until 3200 + 12000 = 15200: it departs then and arrives 12 ms later.
  REQUIRE(server.data_times[1] - t0 == 15200 + 12000 + 20000 + 120 + 5000);
  // The third (120 octets) waits for the second: departs r1 at 27200, 960 us to serialize.
  REQUIRE(server.data_times[2] - t0 == 27200 + 960 + 20000 + 10 + 5000);  // 9.6 us rounds up to 10
}

TEST_CASE("connecting to a port nobody listens on is refused", "[transport]") {
  Line3 w;
  Transport t(w.engine, w.net);
  Recorder client(w.engine);
  t.connect(w.a, 0x0A000004, 110, &client);
  w.engine.run();
  REQUIRE(client.error == NetError::Refused);
  REQUIRE(t.open_connections() == 0);
}

TEST_CASE("an unreachable host times out the connect", "[transport]") {
  Line3 w;
  w.net.set_link_up(w.l2, false);
  Transport t(w.engine, w.net, [] { TransportConfig c; c.connect_timeout = 10 * kSecond; return c; }());
  Recorder client(w.engine);
  t.connect(w.a, 0x0A000004, 25, &client);
  w.engine.run();
  REQUIRE(client.error == NetError::Unreachable);
  REQUIRE(w.engine.now() == 10 * kSecond);
}

TEST_CASE("a link that comes back lets a retried SYN through", "[transport]") {
  Line3 w;
  w.net.set_link_up(w.l2, false);
  Transport t(w.engine, w.net);
  Recorder client(w.engine), server(w.engine);
  t.listen(w.b, 25, [&](SocketId) { return &server; });
  t.connect(w.a, 0x0A000004, 25, &client);
  w.engine.at(2500 * kMillisecond, [&] { w.net.set_link_up(w.l2, true); });
  w.engine.run();
  REQUIRE_FALSE(client.error);
  // SYNs at 0, 1 s and 3 s (backoff 1 s, 2 s): the one at 3 s gets through.
  REQUIRE(client.opened == 3 * kSecond + 2 * 27392);
}

TEST_CASE("lost segments are retransmitted and data arrives intact and in order", "[transport]") {
  Line3 w;
  w.net.set_extra_loss(w.l2, 0.3);
  Transport t(w.engine, w.net, TransportConfig{});
  Recorder client(w.engine), server(w.engine);
  t.listen(w.b, 25, [&](SocketId) { return &server; });
  SocketId s = t.connect(w.a, 0x0A000004, 25, &client);
  std::string payload;
  for (int i = 0; i < 20000; ++i) payload += static_cast<char>('a' + i % 26);
  t.send(s, payload);  // queued until the handshake completes
  t.close(s);
  w.engine.run();
  REQUIRE(w.net.packets_dropped() > 0);
  REQUIRE(server.data == payload);
  REQUIRE(server.closed > 0);
}

TEST_CASE("close delivers FIN after the data and both ends finish", "[transport]") {
  Line3 w;
  Transport t(w.engine, w.net);
  Recorder client(w.engine), server(w.engine);
  SocketId server_sock;
  t.listen(w.b, 25, [&](SocketId s) { server_sock = s; return &server; });
  SocketId s = t.connect(w.a, 0x0A000004, 25, &client);
  w.engine.run();
  t.send(server_sock, "221 bye\r\n");
  t.close(server_sock);
  w.engine.run();
  REQUIRE(client.data == "221 bye\r\n");
  REQUIRE(client.closed > client.data_times.back() - 1);
  t.close(s);
  w.engine.run();
  REQUIRE(t.open_connections() == 0);
}

TEST_CASE("datagrams cross the network to a bound port", "[transport]") {
  Line3 w;
  Transport t(w.engine, w.net);
  std::string got;
  std::uint32_t from = 0;
  t.bind_udp(w.b, 53, [&](std::uint32_t a, std::uint16_t, std::string_view d) { from = a; got = d; });
  t.send_datagram(w.a, 40000, 0x0A000004, 53, "query");
  w.engine.run();
  REQUIRE(got == "query");
  REQUIRE(from == 0x0A000001);
  // 33 octets: 27 + 2000, 264 + 20000, 3 + 5000
  REQUIRE(w.engine.now() == 27 + 2000 + 264 + 20000 + 3 + 5000);
}

TEST_CASE("routes follow the lowest latency and change when a link fails", "[network]") {
  Engine e;
  Network n(e);
  HostId a = n.add_host({"a", 1, "pc"}), b = n.add_host({"b", 2, "pc"}), c = n.add_host({"c", 3, "router"});
  LinkId direct = n.add_link({a, b, 50 * kMillisecond, 1'000'000'000});
  n.add_link({a, c, 10 * kMillisecond, 1'000'000'000});
  n.add_link({c, b, 10 * kMillisecond, 1'000'000'000});
  Time arrived = -1;
  n.transmit(a, b, 0, [&] { arrived = e.now(); }, [] {});
  e.run();
  REQUIRE(arrived == 20 * kMillisecond);  // via c
  n.set_host_up(c, false);
  const Time t0 = e.now();
  n.transmit(a, b, 0, [&] { arrived = e.now(); }, [] {});
  e.run();
  REQUIRE(arrived - t0 == 50 * kMillisecond);  // direct
  n.set_link_up(direct, false);
  bool dropped = false;
  n.transmit(a, b, 0, [] {}, [&] { dropped = true; });
  e.run();
  REQUIRE(dropped);  // partition
}
