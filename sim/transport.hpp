#pragma once
// A TCP-like byte stream and a UDP-like datagram service over the simulated network.
//
// Streams follow RFC 9293 closely enough that a capture of them reads like a real one:
// - three-way handshake with the MSS option (and window scaling when the receive buffer
//   exceeds 65535 octets); the server application sees the connection when the ACK arrives;
// - every segment carries the receiver's window; the sender keeps what it has in flight
//   within min(cwnd, peer's window);
// - Reno congestion control with NewReno's partial-ACK rule (RFC 5681, RFC 6582): initial
//   window of ten segments (RFC 6928), slow start with byte counting (RFC 3465, L = 2),
//   congestion avoidance, fast retransmit and fast recovery on the third duplicate ACK;
// - the retransmission timeout from RTT samples (RFC 6298: SRTT, RTTVAR, Karn's rule,
//   exponential backoff), with Linux's 200 ms floor;
// - ACKs are packets like any other: 40 octets on every link, lost like any packet; the
//   receiver ACKs every second full-sized segment or after a 40 ms delay, at once for
//   out-of-order data and FIN, and a reply written while handling data carries the ACK;
// - FIN on close, TIME-WAIT, RST for segments nobody has a connection for.
// Sequence numbers are compared with serial-number arithmetic (wrap-around safe).
// docs/fidelity.md ("TCP and the network") lists the parameters and what is simplified.
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "sim/id_window.hpp"
#include "sim/network.hpp"

namespace mailsim::sim {

inline constexpr std::uint32_t kTcpIpHeader = 40;
inline constexpr std::uint32_t kUdpIpHeader = 28;

enum class NetError { Refused, Unreachable, TimedOut, Reset };
const char* to_string(NetError);

enum class TcpState : std::uint8_t;

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
  bool syn = false, fin = false, rst = false, has_ack = false, psh = false;
  std::uint16_t window = 0;  // the window field as on the wire (already scaled down)
  std::uint16_t mss = 0;     // MSS option (SYN segments only); 0 = none
  std::int8_t wscale = -1;   // window scale option (SYN segments only); -1 = none
  std::string_view payload;
};
using PacketObserver = std::function<void(const PacketInfo&)>;
// Fault injection: a packet for which the filter returns true is lost on its first link.
using LossFilter = std::function<bool(const PacketInfo&)>;

// Defaults follow Linux (the stack the real Postfix and Dovecot run on) where the RFCs
// leave a choice; docs/fidelity.md gives the reason for each.
// How streams cross the network. Packets: TCP segments, ACKs, windows, loss and
// retransmission, hop by hop (pcap export). Lines: each write crosses the path as one unit
// (propagation plus serialization at the slowest link, FIFO per connection) for scale runs;
// docs/performance.md lists what it leaves out.
enum class NetworkModel : std::uint8_t { Packets, Lines };

struct TransportConfig {
  NetworkModel model = NetworkModel::Packets;
  std::uint32_t receive_buffer = 65535;     // octets: the advertised receive window
  std::uint32_t initial_window = 10;        // segments (RFC 6928)
  Time delayed_ack = 40 * kMillisecond;     // Linux's delayed-ACK timeout (RFC 1122: < 500 ms)
  Time rto_initial = kSecond;               // RFC 6298 section 2.1
  Time rto_min = 200 * kMillisecond;        // Linux TCP_RTO_MIN (RFC 6298 suggests 1 s)
  Time rto_max = 120 * kSecond;             // Linux TCP_RTO_MAX
  int max_retransmissions = 15;             // Linux tcp_retries2: then the end gives up (TimedOut)
  int max_synack_retransmissions = 5;       // Linux tcp_synack_retries
  Time connect_timeout = 30 * kSecond;      // SYNs are retried until then (Postfix smtp_connect_timeout)
  Time time_wait = 60 * kSecond;            // Linux TCP_TIMEWAIT_LEN (2 MSL)
  std::uint32_t isn_offset = 0;             // added to every initial sequence number
};

// A snapshot of one end's TCP state (like Linux's TCP_INFO), for tests and tools.
struct TcpInfo {
  std::uint32_t mss = 0;
  std::uint32_t cwnd = 0, ssthresh = 0;  // octets
  std::uint32_t peer_window = 0;         // octets, after scaling
  std::uint32_t in_flight = 0;           // octets sent and not yet acknowledged
  Time srtt = 0, rttvar = 0, rto = 0;
  std::uint32_t rtt_samples = 0;
  std::uint32_t retransmitted_segments = 0, fast_retransmits = 0, timeouts = 0;
  std::uint32_t max_in_flight = 0;       // the largest in_flight ever reached
  bool in_recovery = false;
};

// RFC 6298 retransmission timer: SRTT and RTTVAR from samples, RTO = SRTT + max(G, 4 RTTVAR)
// clamped to [min, max], doubled by each backoff until a new sample arrives.
class RtoEstimator {
 public:
  RtoEstimator(Time initial, Time min, Time max) : initial_(initial), min_(min), max_(max) {}
  static constexpr Time kGranularity = kMillisecond;  // G
  void sample(Time rtt);
  void backoff() { if (rto() < max_) ++shift_; }
  void reset_backoff() { shift_ = 0; }
  // At least `floor` until the first sample (RFC 6298 section 5.7: 3 s after a lost SYN).
  void raise_base(Time floor) { if (!samples_ && base() < floor) initial_ = floor; }
  Time rto() const;
  Time srtt() const { return srtt_; }
  Time rttvar() const { return rttvar_; }
  std::uint32_t samples() const { return samples_; }

 private:
  Time base() const;
  Time initial_, min_, max_;
  Time srtt_ = 0, rttvar_ = 0;
  std::uint32_t samples_ = 0;
  int shift_ = 0;
};

class Transport {
 public:
  using Acceptor = std::function<StreamHandler*(SocketId)>;
  using DatagramHandler = std::function<void(std::uint32_t from_addr, std::uint16_t from_port, std::string_view)>;

  Transport(Engine& engine, Network& network, TransportConfig config = {});
  ~Transport();

  void set_observer(PacketObserver observer) { observer_ = std::move(observer); }
  void set_loss_filter(LossFilter filter) { loss_filter_ = std::move(filter); }
  const TransportConfig& config() const { return cfg_; }

  void listen(HostId host, std::uint16_t port, Acceptor acceptor);
  void unlisten(HostId host, std::uint16_t port);
  bool listening(HostId host, std::uint16_t port) const;

  SocketId connect(HostId from, std::uint32_t to_addr, std::uint16_t port, StreamHandler* handler);
  void send(SocketId s, std::string_view bytes);
  // Sends FIN after the queued data; the handler of this end gets no more callbacks.
  void close(SocketId s);
  // A crash: every connection end on `host` vanishes without a packet. Its peers learn
  // only by their own timeouts or, once the host is back, by the RST it answers to a
  // segment of a connection it no longer knows. The crashed ends' handlers get Reset, with
  // their host already down, only so that they can free themselves: they must not act.
  void crash_host(HostId host);

  void bind_udp(HostId host, std::uint16_t port, DatagramHandler handler);
  void unbind_udp(HostId host, std::uint16_t port);
  void send_datagram(HostId from, std::uint16_t from_port, std::uint32_t to_addr, std::uint16_t to_port,
                     std::string bytes);
  std::uint16_t ephemeral_port(HostId host);

  HostId host_of(SocketId s) const;
  HostId peer_host_of(SocketId s) const;
  std::uint32_t peer_address_of(SocketId s) const;
  // Connections with an end that is neither closed nor in TIME-WAIT.
  std::size_t open_connections() const;
  std::optional<TcpInfo> info(SocketId s) const;

 private:
  struct Packet;
  struct Endpoint;
  struct Conn;
  class PacketPool;
  class Busy;  // defers erasing connections until the outermost call returns

  // Set-up, demultiplexing, close, crash (transport.cpp).
  std::uint32_t mss_toward(HostId from, HostId to);
  void send_syn(std::uint64_t id);
  void send_synack(Conn& c);
  void on_synack_timeout(std::uint64_t id);
  void on_listen_syn(Conn& c, const Packet& p);
  void on_synack(Conn& c, const Packet& p);
  void start_data_phase(Endpoint& e);
  void establish_server(Conn& c, const Packet& p);
  void on_arrival(std::uint32_t packet);
  bool on_segment(Conn& c, int side, std::uint32_t packet);  // true: the packet was kept
  void answer_with_rst(const Packet& p);
  void fail(Conn& c, int side, NetError err);
  void drop_end(Conn& c, int side);
  void mark_for_reap(std::uint64_t id);
  void reap(std::uint64_t id);
  void enter_lingering(Conn& c, int side, TcpState state);
  void purge_lingering();
  Conn* find(std::uint64_t id);
  std::uint32_t new_packet(const Conn& c, int from_side);
  void send_packet(std::uint32_t packet, HostId from, HostId to);
  // The line model (transport_lines.cpp): the same connections, one unit per write.
  bool lines() const { return cfg_.model == NetworkModel::Lines; }
  void line_connect(std::uint64_t id);
  void line_syn_arrived(std::uint64_t id);
  void line_synack_arrived(std::uint64_t id);
  void line_ack_arrived(std::uint64_t id);
  void line_launch(Conn& c, int side);
  void line_arrived(std::uint64_t id, int to_side);
  void line_retry(std::uint64_t key);
  void line_stall(Conn& c, int side);
  void line_finish_end(Conn& c, int side);
  void line_datagram(std::uint32_t packet, HostId from, HostId to);
  void line_fail_later(std::uint64_t id, int side, NetError err, Time delay);
  Time line_delay(HostId from, HostId to);  // one packet's way, or -1 without a path
  // Data transfer (transport_tcp.cpp).
  void output(Conn& c, int side);
  void transmit_segment(Conn& c, int side, std::uint32_t seq, std::uint32_t len, bool fin);
  void retransmit_first(Conn& c, int side);
  void send_ack(Conn& c, int side);
  void on_ack(Conn& c, int side, const Packet& p);
  void on_duplicate_ack(Conn& c, int side);
  bool on_data_or_fin(Conn& c, int side, std::uint32_t packet);
  void deliver(Conn& c, int side, std::string_view bytes);
  void on_fin(Conn& c, int side);
  void on_retransmission_timeout(std::uint64_t key);
  void on_delayed_ack(std::uint64_t key);
  void arm_rto(Conn& c, int side);
  std::uint16_t window_field(const Endpoint& e, bool syn) const;

  Engine& engine_;
  Network& net_;
  TransportConfig cfg_;
  PacketObserver observer_;
  LossFilter loss_filter_;
  std::unique_ptr<PacketPool> packets_;
  std::map<std::pair<HostId, std::uint16_t>, Acceptor> listeners_;
  std::map<std::pair<HostId, std::uint16_t>, DatagramHandler> udp_;
  IdWindow<Conn> conns_;  // by id
  std::deque<std::pair<Time, std::uint64_t>> lingering_;  // (since, conn): TIME-WAIT, FIN-WAIT-2
  std::vector<std::uint64_t> reap_pending_;
  int depth_ = 0;
  std::unordered_map<HostId, std::uint16_t> next_port_;
};

}  // namespace mailsim::sim
