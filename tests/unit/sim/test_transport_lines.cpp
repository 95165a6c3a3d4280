// The line network model: one unit per write, timed by the path; the same connection
// outcomes as TCP (open, refused, unreachable, reset after a crash, in-order delivery).
#include <catch2/catch.hpp>

#include <optional>
#include <string>
#include <vector>

#include "sim/inline_action.hpp"
#include "sim/transport.hpp"
#include "transport_fixture.hpp"

using namespace mailsim::sim;
using mailsim::sim::testing::Recorder;

namespace {
// a -- r (2 ms, 10 Mbit/s) -- b (20 ms, 1 Mbit/s): the second link is the bottleneck.
struct World {
  Engine engine;
  Network net{engine};
  HostId a, r, b;
  LinkId l1, l2;
  Transport t{engine, net, TransportConfig{.model = NetworkModel::Lines}};
  World() {
    a = net.add_host({"a", 0x0A000001, "pc"});
    r = net.add_host({"r", 0x0A000002, "router"});
    b = net.add_host({"b", 0x0A000003, "mailserver"});
    l1 = net.add_link({a, r, 2 * kMillisecond, 10'000'000});
    l2 = net.add_link({r, b, 20 * kMillisecond, 1'000'000});
  }
};
constexpr Time kOneWay = 22 * kMillisecond;
}  // namespace

TEST_CASE("inline actions keep small captures inline and still run large ones", "[engine]") {
  int runs = 0;
  InlineAction small([&runs] { ++runs; });
  std::string big(1000, 'x');
  std::vector<std::string> many(8, big);  // a capture far above the inline size
  InlineAction large([&runs, many] { runs += static_cast<int>(many.size()); });
  InlineAction moved = std::move(large);
  REQUIRE_FALSE(static_cast<bool>(large));
  small();
  moved();
  REQUIRE(runs == 9);
  moved = nullptr;
  REQUIRE_FALSE(static_cast<bool>(moved));
}

TEST_CASE("line model: the handshake takes one round trip for the client, one and a half for the server",
          "[transport][lines]") {
  World w;
  Recorder client(w.engine), server(w.engine);
  w.t.listen(w.b, 25, [&](SocketId) { return &server; });
  w.t.connect(w.a, 0x0A000003, 25, &client);
  w.engine.run();
  // A SYN (60 octets) takes 480 us at 1 Mbit/s; the SYN-ACK and ACK (40) 320 us.
  REQUIRE(client.opened == kOneWay + 480 + kOneWay + 320);
  REQUIRE(server.opened == client.opened + kOneWay + 320);
  REQUIRE_FALSE(w.t.info(SocketId{1, 0}).has_value());  // no TCP state to show
}

TEST_CASE("line model: each write arrives whole, in order, after propagation and serialization",
          "[transport][lines]") {
  World w;
  Recorder client(w.engine), server(w.engine);
  w.t.listen(w.b, 25, [&](SocketId) { return &server; });
  const SocketId s = w.t.connect(w.a, 0x0A000003, 25, &client);
  w.engine.run();
  const Time t0 = w.engine.now();
  const std::string big(3000, 'x');  // three segments' worth at MSS 1460: 3 headers of 40
  w.t.send(s, big);
  w.t.send(s, "QUIT\r\n");
  w.engine.run();
  REQUIRE(server.data == big + "QUIT\r\n");
  REQUIRE(server.data_times.size() == 2);
  const Time big_tx = serialization_time(3000 + 3 * 40, 1'000'000);  // 24960 us
  REQUIRE(server.data_times[0] == t0 + big_tx + kOneWay);
  // The second write waits for the first to leave the bottleneck (FIFO per connection).
  REQUIRE(server.data_times[1] == t0 + big_tx + serialization_time(46, 1'000'000) + kOneWay);
  // Closing: the peer sees the end of the stream after the data.
  w.t.close(s);
  w.engine.run();
  REQUIRE(server.closed > server.data_times[1]);
}

TEST_CASE("line model: no listener is refused after a round trip; no route times out", "[transport][lines]") {
  World w;
  Recorder refused(w.engine), lost(w.engine);
  w.t.connect(w.a, 0x0A000003, 25, &refused);
  w.engine.run();
  REQUIRE(refused.error == NetError::Refused);
  REQUIRE(refused.failed == kOneWay + 480 + kOneWay + 320);

  w.net.set_link_up(w.l2, false);
  const Time start = w.engine.now();
  w.t.connect(w.a, 0x0A000003, 25, &lost);
  w.engine.run();
  REQUIRE(lost.error == NetError::Unreachable);
  REQUIRE(lost.failed == start + w.t.config().connect_timeout);
}

TEST_CASE("line model: writes wait out a link failure and arrive in order when it heals", "[transport][lines]") {
  World w;
  Recorder client(w.engine), server(w.engine);
  w.t.listen(w.b, 25, [&](SocketId) { return &server; });
  const SocketId s = w.t.connect(w.a, 0x0A000003, 25, &client);
  w.engine.run();
  w.net.set_link_up(w.l2, false);
  w.t.send(s, "one ");
  w.t.send(s, "two");
  w.engine.at(w.engine.now() + 5 * kSecond, [&] { w.net.set_link_up(w.l2, true); });
  w.engine.run();
  REQUIRE(server.data == "one two");
  REQUIRE_FALSE(client.error.has_value());
}

TEST_CASE("line model: a crashed server is learnt by a reset once it is back", "[transport][lines]") {
  World w;
  Recorder client(w.engine), server(w.engine);
  w.t.listen(w.b, 25, [&](SocketId) { return &server; });
  const SocketId s = w.t.connect(w.a, 0x0A000003, 25, &client);
  w.engine.run();
  w.net.set_host_up(w.b, false);
  w.t.crash_host(w.b);
  w.t.send(s, "MAIL FROM:<a@x>\r\n");
  w.engine.at(w.engine.now() + 10 * kSecond, [&] { w.net.set_host_up(w.b, true); });
  w.engine.run();
  REQUIRE(client.error == NetError::Reset);
  REQUIRE(client.failed > 10 * kSecond);
  REQUIRE(w.t.open_connections() == 0);
}

TEST_CASE("line model: datagrams cross the path once, without loss", "[transport][lines]") {
  World w;
  std::string got;
  Time at = -1;
  w.t.bind_udp(w.b, 53, [&](std::uint32_t, std::uint16_t, std::string_view b) {
    got = b;
    at = w.engine.now();
  });
  w.t.send_datagram(w.a, 40000, 0x0A000003, 53, "query");
  w.engine.run();
  REQUIRE(got == "query");
  REQUIRE(at == kOneWay + serialization_time(28 + 5, 1'000'000));
}
