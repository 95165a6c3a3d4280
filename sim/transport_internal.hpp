#pragma once
// Private structures of sim/transport.*: packets, connection ends (TCBs), serial-number
// arithmetic. Only transport.cpp and transport_tcp.cpp include this file.
#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "sim/transport.hpp"

namespace mailsim::sim {

// RFC 1982 serial-number arithmetic on 32-bit sequence numbers: a precedes b when b is
// less than 2^31 ahead of it, so comparisons stay right across the wrap at 2^32.
inline bool seq_lt(std::uint32_t a, std::uint32_t b) { return static_cast<std::int32_t>(a - b) < 0; }
inline bool seq_leq(std::uint32_t a, std::uint32_t b) { return static_cast<std::int32_t>(a - b) <= 0; }
inline bool seq_gt(std::uint32_t a, std::uint32_t b) { return seq_lt(b, a); }
inline bool seq_geq(std::uint32_t a, std::uint32_t b) { return seq_leq(b, a); }

enum class TcpState : std::uint8_t {
  Closed, SynSent, SynRcvd, Established, FinWait1, FinWait2, CloseWait, Closing, LastAck, TimeWait
};

// One packet on its way: the header fields a capture shows, the payload, and two items of
// simulation bookkeeping that are not on the wire (the connection and the end it is for).
struct Transport::Packet {
  std::uint64_t conn = 0;
  std::uint8_t to_side = 0;
  bool udp = false;
  bool syn = false, fin = false, rst = false, has_ack = false, psh = false;
  std::int8_t wscale = -1;
  std::uint16_t sport = 0, dport = 0;
  std::uint16_t window = 0, mss = 0;
  std::uint32_t src = 0, dst = 0;
  std::uint32_t seq = 0, ack = 0;
  std::string payload;

  std::uint32_t seq_len() const { return static_cast<std::uint32_t>(payload.size()) + syn + fin; }
  std::uint32_t wire_size() const {
    if (udp) return kUdpIpHeader + static_cast<std::uint32_t>(payload.size());
    const std::uint32_t options = (mss ? 4u : 0u) + (wscale >= 0 ? 4u : 0u);  // MSS; NOP + window scale
    return kTcpIpHeader + options + static_cast<std::uint32_t>(payload.size());
  }
};

// Packets live in fixed chunks (addresses never move while a handler runs) and are reused
// through a free list; a reused packet keeps its payload's capacity.
class Transport::PacketPool {
 public:
  std::uint32_t acquire() {
    if (free_.empty()) {
      chunks_.push_back(std::make_unique<Packet[]>(kChunk));
      const auto base = static_cast<std::uint32_t>((chunks_.size() - 1) * kChunk);
      for (std::uint32_t i = kChunk; i-- > 0;) free_.push_back(base + i);
    }
    const std::uint32_t id = free_.back();
    free_.pop_back();
    return id;
  }
  Packet& operator[](std::uint32_t id) { return chunks_[id / kChunk][id % kChunk]; }
  void release(std::uint32_t id) {
    Packet& p = (*this)[id];
    std::string keep = std::move(p.payload);
    keep.clear();
    p = Packet{};
    p.payload = std::move(keep);
    free_.push_back(id);
  }

 private:
  static constexpr std::uint32_t kChunk = 256;
  std::vector<std::unique_ptr<Packet[]>> chunks_;
  std::vector<std::uint32_t> free_;
};

// The octets an end has written and the peer has not acknowledged yet, front first.
class ByteQueue {
 public:
  std::size_t size() const { return buf_.size() - head_; }
  bool empty() const { return size() == 0; }
  void append(std::string_view b) { buf_.append(b); }
  std::string_view view(std::size_t offset, std::size_t len) const {
    return std::string_view(buf_).substr(head_ + offset, len);
  }
  void pop(std::size_t n) {
    head_ += std::min(n, size());
    if (head_ == buf_.size()) {
      buf_.clear();
      head_ = 0;
    } else if (head_ > 65536 && head_ * 2 > buf_.size()) {  // amortised O(1) per octet
      buf_.erase(0, head_);
      head_ = 0;
    }
  }
  void clear() {
    buf_.clear();
    head_ = 0;
  }
  void release() {  // clear() that also gives the memory back (an end that is done)
    std::string().swap(buf_);
    head_ = 0;
  }

 private:
  std::string buf_;
  std::size_t head_ = 0;
};

// One end of a connection: RFC 9293's transmission control block.
struct Transport::Endpoint {
  explicit Endpoint(const TransportConfig& c) : rto(c.rto_initial, c.rto_min, c.rto_max) {}

  TcpState state = TcpState::Closed;
  StreamHandler* handler = nullptr;
  bool app_closed = false;  // close() was called: no more callbacks
  HostId host = kNoHost;
  std::uint32_t addr = 0;
  std::uint16_t port = 0;
  std::uint32_t incarnation = 0;  // how many times this end was (re)created
  std::uint32_t mss = 536, own_mss = 536;
  std::uint8_t snd_shift = 0, rcv_shift = 0;  // window scaling in effect (RFC 7323)

  // Sending.
  std::uint32_t iss = 0, snd_una = 0, snd_nxt = 0, snd_max = 0;
  std::uint32_t buf_seq = 0;  // sequence number of sndbuf's first octet
  ByteQueue sndbuf;
  bool fin_queued = false;
  std::uint32_t snd_wnd = 0, max_snd_wnd = 0;
  std::uint32_t cwnd = 0, ssthresh = 0, recover = 0;
  std::uint32_t ca_acked = 0;  // octets acknowledged toward the next congestion-avoidance step
  int dupacks = 0;
  bool in_recovery = false, partial_seen = false;
  Time last_send = -1;
  RtoEstimator rto;
  bool timing = false;
  std::uint32_t rtt_seq = 0;
  Time rtt_start = 0;
  int retries = 0;  // consecutive timeouts (or SYN / SYN-ACK attempts)
  bool handshake_retransmitted = false;
  Time handshake_sent = 0;
  TimerId rto_timer;

  // Receiving.
  std::uint32_t irs = 0, rcv_nxt = 0, ack_sent = 0;
  bool fin_rcvd = false;
  std::uint32_t unacked_octets = 0;
  std::vector<std::uint32_t> out_of_order;  // packet ids, by sequence number
  TimerId delack_timer;
  Time linger_since = -1;  // FIN-WAIT-2 or TIME-WAIT since

  TcpInfo stats;

  // The line model (transport_lines.cpp).
  struct LineUnit {
    std::string bytes;
    bool fin = false;
  };
  // A FIFO that costs nothing while empty (std::deque allocates on construction, and
  // thousands of connections linger in TIME-WAIT).
  class LineQueue {
   public:
    bool empty() const { return head_ == items_.size(); }
    LineUnit& front() { return items_[head_]; }
    void push_back(LineUnit u) { items_.push_back(std::move(u)); }
    void pop_front() {
      if (++head_ == items_.size()) {
        items_.clear();
        head_ = 0;
      }
    }

   private:
    std::vector<LineUnit> items_;
    std::size_t head_ = 0;
  };
  LineQueue line_in;     // units on their way to this end, in sending order
  LineQueue line_retry;  // this end's units that met a down host: sent again first
  bool line_fin_sent = false;
  bool line_stalled = false;        // no path: writes wait in line_retry/sndbuf for the retry timer
  Time line_busy = 0;               // this end's last unit leaves the slowest link then
  Time line_last_arrival = 0;       // arrivals stay in sending order across route changes

  std::uint32_t data_end() const { return buf_seq + static_cast<std::uint32_t>(sndbuf.size()); }
};

struct Transport::Conn {
  explicit Conn(const TransportConfig& c) : end{Endpoint(c), Endpoint(c)} {}
  std::uint64_t id = 0;
  Endpoint end[2];  // [0] connecting, [1] accepting
  Time connect_started = 0;
};

// Keeps erasure of connections out of nested calls: a handler may call back into the
// transport (send, close) while a segment of the same connection is being processed.
class Transport::Busy {
 public:
  explicit Busy(Transport& t) : t_(t) { ++t_.depth_; }
  ~Busy() {
    if (--t_.depth_ > 0) return;
    while (!t_.reap_pending_.empty()) {
      const std::uint64_t id = t_.reap_pending_.back();
      t_.reap_pending_.pop_back();
      t_.reap(id);
    }
  }
  Busy(const Busy&) = delete;
  Busy& operator=(const Busy&) = delete;

 private:
  Transport& t_;
};

inline std::uint64_t timer_key(std::uint64_t conn, int side) { return conn << 1 | static_cast<std::uint64_t>(side); }

}  // namespace mailsim::sim
