#pragma once
// Shared pieces of the transport tests: a recording handler, an echo handler, a two-link
// path with a bottleneck, and a capture of what each packet carried when it left.
#include <optional>
#include <string>
#include <vector>

#include "sim/transport.hpp"

namespace mailsim::sim::testing {

struct Recorder : StreamHandler {
  std::string data;
  std::vector<Time> data_times;
  Time opened = -1, closed = -1, failed = -1;
  std::optional<NetError> error;
  Engine* engine;
  explicit Recorder(Engine& e) : engine(&e) {}
  void on_open(SocketId) override { opened = engine->now(); }
  void on_data(SocketId, std::string_view b) override {
    data.append(b);
    data_times.push_back(engine->now());
  }
  void on_peer_closed(SocketId) override { closed = engine->now(); }
  void on_error(SocketId, NetError e) override {
    error = e;
    failed = engine->now();
  }
};

// Answers every chunk at once with the same bytes (a reply carries the ACK).
struct Echo : Recorder {
  Transport* t;
  SocketId sock{};
  Echo(Engine& e, Transport& tr) : Recorder(e), t(&tr) {}
  void on_open(SocketId s) override {
    sock = s;
    Recorder::on_open(s);
  }
  void on_data(SocketId s, std::string_view b) override {
    Recorder::on_data(s, b);
    t->send(s, b);
  }
};

// client --(access: 1 Gbit/s, 1 ms)-- router --(bottleneck)-- server
struct Path {
  Engine engine;
  Network net{engine};
  HostId client, router, server;
  LinkId access, bottleneck;
  Path(std::uint64_t bottleneck_bps, Time one_way_latency, double loss = 0.0) {
    client = net.add_host({"client", 0x0A000001, "pc"});
    router = net.add_host({"router", 0x0A000002, "router"});
    server = net.add_host({"server", 0x0A000003, "mailserver"});
    access = net.add_link({client, router, kMillisecond, 1'000'000'000});
    bottleneck = net.add_link({router, server, one_way_latency - kMillisecond, bottleneck_bps, loss});
  }
};

struct Captured {
  PacketInfo info;
  std::string payload;
};

// Records every packet; the payload is copied (PacketInfo's view dies with the call).
struct Capture {
  std::vector<Captured> packets;
  void attach(Transport& t) {
    t.set_observer([this](const PacketInfo& p) { packets.push_back({p, std::string(p.payload)}); });
  }
  // Packets from `src` sent at or after `since`; with data_only, those with a payload.
  std::vector<Captured> from(std::uint32_t src, bool data_only, Time since = 0) const {
    std::vector<Captured> out;
    for (const auto& c : packets)
      if (c.info.src == src && c.info.time >= since && (!data_only || !c.payload.empty())) out.push_back(c);
    return out;
  }
};

inline std::string pattern(std::size_t n) {
  std::string s;
  s.reserve(n);
  for (std::size_t i = 0; i < n; ++i) s += static_cast<char>('a' + (i * 7 + i / 26) % 26);
  return s;
}

}  // namespace mailsim::sim::testing
