#pragma once
// A TCP-like byte stream and a UDP-like datagram service over the simulated network.
//
// Streams: three-way handshake (SYN, SYN-ACK, ACK; the server's application sees the
// connection when the ACK arrives), payload cut into MSS-sized segments (path MTU minus
// 40 octets of IPv4+TCP headers), in-order delivery with reassembly, retransmission
// after a timeout with exponential backoff when a segment is lost, FIN on close, RST when
// nothing listens. Every packet costs payload + 40 octets on each link (28 for UDP).
// Acknowledgements are reported to the packet observer (for captures) but do not load
// the links: the model counts what carries data.
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "sim/network.hpp"

namespace mailsim::sim {

inline constexpr std::uint32_t kTcpIpHeader = 40;
inline constexpr std::uint32_t kUdpIpHeader = 28;

enum class NetError { Refused, Unreachable, TimedOut, Reset };
const char* to_string(NetError);

struct SocketId {
  std::uint64_t conn = 0;
  std::uint8_t side = 0;  // 0 = the connecting side, 1 = the accepting side
  friend bool operator==(SocketId, SocketId) = default;
};

// Callbacks for one end of a stream. After close() or an error on an end, it gets no more
// callbacks, so the owner may destroy the handler then.
class StreamHandler {
 public:
  virtual ~StreamHandler() = default;
  virtual void on_open(SocketId) {}
  virtual void on_data(SocketId, std::string_view bytes) = 0;
  virtual void on_peer_closed(SocketId) = 0;
  virtual void on_error(SocketId, NetError) = 0;
};

// What a capture (pcap) needs to know of each packet, reported when it leaves its sender.
struct PacketInfo {
  Time time = 0;
  bool udp = false;
  std::uint32_t src = 0, dst = 0;  // IPv4 addresses
  std::uint16_t sport = 0, dport = 0;
  std::uint32_t seq = 0, ack = 0;
  bool syn = false, fin = false, rst = false, has_ack = false;
  std::string_view payload;
};
using PacketObserver = std::function<void(const PacketInfo&)>;

struct TransportConfig {
  Time rto_initial = kSecond;          // RFC 6298 initial retransmission timeout
  int max_retransmissions = 6;         // then the connection is reset (TimedOut)
  Time connect_timeout = 30 * kSecond; // SYNs are retried until then
};

class Transport {
 public:
  using Acceptor = std::function<StreamHandler*(SocketId)>;
  using DatagramHandler = std::function<void(std::uint32_t from_addr, std::uint16_t from_port, std::string_view)>;

  Transport(Engine& engine, Network& network, TransportConfig config = {});
  ~Transport();

  void set_observer(PacketObserver observer) { observer_ = std::move(observer); }

  void listen(HostId host, std::uint16_t port, Acceptor acceptor);
  void unlisten(HostId host, std::uint16_t port);
  bool listening(HostId host, std::uint16_t port) const;

  SocketId connect(HostId from, std::uint32_t to_addr, std::uint16_t port, StreamHandler* handler);
  void send(SocketId s, std::string_view bytes);
  // Sends FIN after the queued data; the handler of this end gets no more callbacks.
  void close(SocketId s);
  // Drops every connection of a crashed host: each peer gets Reset at once (a
  // simplification: real peers learn on their next send), then the crashed end gets Reset
  // too, with its host already down, so that its handler can free itself without acting.
  void crash_host(HostId host);

  void bind_udp(HostId host, std::uint16_t port, DatagramHandler handler);
  void unbind_udp(HostId host, std::uint16_t port);
  void send_datagram(HostId from, std::uint16_t from_port, std::uint32_t to_addr, std::uint16_t to_port,
                     std::string bytes);
  std::uint16_t ephemeral_port(HostId host);

  HostId host_of(SocketId s) const;
  HostId peer_host_of(SocketId s) const;
  std::uint32_t peer_address_of(SocketId s) const;
  std::size_t open_connections() const { return conns_.size(); }

 private:
  struct Conn;
  struct Segment;
  void send_segment(Conn& c, int side, std::shared_ptr<Segment> seg);
  void on_segment_arrival(std::uint64_t id, int to_side, std::shared_ptr<Segment> seg);
  void deliver_in_order(Conn& c, int side);
  void fail(std::uint64_t id, int side, NetError err);
  void send_syn(std::uint64_t id, int attempt);
  void report(Conn& c, int side, const Segment& seg, Time when);
  void report_ack(Conn& c, int side, Time when);
  void maybe_finish(std::uint64_t id);

  Engine& engine_;
  Network& net_;
  TransportConfig cfg_;
  PacketObserver observer_;
  std::map<std::pair<HostId, std::uint16_t>, Acceptor> listeners_;
  std::map<std::pair<HostId, std::uint16_t>, DatagramHandler> udp_;
  std::unordered_map<std::uint64_t, std::unique_ptr<Conn>> conns_;
  std::unordered_map<HostId, std::uint16_t> next_port_;
  std::uint64_t next_conn_ = 1;
};

}  // namespace mailsim::sim
