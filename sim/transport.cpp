// Connections: set-up (handshake), demultiplexing, RST, close, crash, TIME-WAIT, and UDP.
// The data transfer itself (windows, ACKs, retransmission, congestion control) is in
// transport_tcp.cpp.
#include "sim/transport.hpp"

#include <algorithm>
#include <utility>
#include <vector>

#include "sim/transport_internal.hpp"

namespace mailsim::sim {

const char* to_string(NetError e) {
  switch (e) {
    case NetError::Refused: return "connection refused";
    case NetError::Unreachable: return "host unreachable";
    case NetError::TimedOut: return "connection timed out";
    case NetError::Reset: return "connection reset";
  }
  return "network error";
}

void RtoEstimator::sample(Time rtt) {
  rtt = std::max<Time>(rtt, 0);
  if (samples_ == 0) {
    srtt_ = rtt;
    rttvar_ = rtt / 2;
  } else {
    const Time delta = srtt_ > rtt ? srtt_ - rtt : rtt - srtt_;
    rttvar_ = (3 * rttvar_ + delta) / 4;  // beta = 1/4
    srtt_ = (7 * srtt_ + rtt) / 8;        // alpha = 1/8
  }
  ++samples_;
  shift_ = 0;
}

Time RtoEstimator::base() const {
  if (samples_ == 0) return std::min(initial_, max_);
  return std::clamp(srtt_ + std::max(kGranularity, 4 * rttvar_), min_, max_);
}

Time RtoEstimator::rto() const {
  Time t = base();
  for (int i = 0; i < shift_ && t < max_; ++i) t *= 2;
  return std::min(t, max_);
}

namespace {
// Deterministic initial sequence numbers, distinct per connection, side and incarnation.
std::uint32_t initial_sequence(std::uint64_t conn, int side, std::uint32_t incarnation, std::uint32_t offset) {
  const std::uint64_t mixed = side == 0 ? conn * 0x9E3779B1u : conn * 0x85EBCA77u + 0x1000u;
  return static_cast<std::uint32_t>(mixed + incarnation * 0x5bd1e995u) + offset;
}
// The window scale an end needs so that its whole buffer fits the 16-bit field (RFC 7323).
std::uint8_t scale_for(std::uint32_t buffer) {
  std::uint8_t s = 0;
  while (s < 14 && (buffer >> s) > 65535) ++s;
  return s;
}
}  // namespace

Transport::Transport(Engine& engine, Network& network, TransportConfig config)
    : engine_(engine), net_(network), cfg_(config), packets_(std::make_unique<PacketPool>()) {
  cfg_.receive_buffer = std::max<std::uint32_t>(cfg_.receive_buffer, 1);
  cfg_.initial_window = std::max<std::uint32_t>(cfg_.initial_window, 1);
}

Transport::~Transport() = default;

void Transport::listen(HostId host, std::uint16_t port, Acceptor acceptor) {
  listeners_[{host, port}] = std::move(acceptor);
}
void Transport::unlisten(HostId host, std::uint16_t port) { listeners_.erase({host, port}); }
bool Transport::listening(HostId host, std::uint16_t port) const { return listeners_.count({host, port}) > 0; }

std::uint16_t Transport::ephemeral_port(HostId host) {
  auto [it, fresh] = next_port_.emplace(host, 49152);
  const std::uint16_t p = it->second;
  it->second = it->second == 65535 ? 49152 : it->second + 1;
  return p;
}

Transport::Conn* Transport::find(std::uint64_t id) { return conns_.find(id); }

HostId Transport::host_of(SocketId s) const { return conns_.at(s.conn).end[s.side].host; }
HostId Transport::peer_host_of(SocketId s) const { return conns_.at(s.conn).end[1 - s.side].host; }
std::uint32_t Transport::peer_address_of(SocketId s) const { return conns_.at(s.conn).end[1 - s.side].addr; }

std::size_t Transport::open_connections() const {
  std::size_t n = 0;
  conns_.for_each([&](std::uint64_t, const Conn& c) {
    for (const Endpoint& e : c.end)
      if (e.state != TcpState::Closed && e.state != TcpState::TimeWait) return void(++n);
  });
  return n;
}

std::optional<TcpInfo> Transport::info(SocketId s) const {
  const Conn* c = conns_.find(s.conn);
  if (!c) return std::nullopt;
  const Endpoint& e = c->end[s.side];
  if (e.state == TcpState::Closed || lines()) return std::nullopt;
  TcpInfo i = e.stats;
  i.mss = e.mss;
  i.cwnd = e.cwnd;
  i.ssthresh = e.ssthresh;
  i.peer_window = e.snd_wnd;
  i.in_flight = e.snd_max - e.snd_una;
  i.srtt = e.rto.srtt();
  i.rttvar = e.rto.rttvar();
  i.rto = e.rto.rto();
  i.rtt_samples = e.rto.samples();
  i.in_recovery = e.in_recovery;
  return i;
}

SocketId Transport::connect(HostId from, std::uint32_t to_addr, std::uint16_t port, StreamHandler* handler) {
  Busy busy(*this);
  purge_lingering();
  Conn& c = conns_.add(std::make_unique<Conn>(cfg_));
  c.id = conns_.next_id() - 1;
  Endpoint& a = c.end[0];
  Endpoint& b = c.end[1];
  a.host = from;
  a.addr = net_.host(from).address;
  a.port = ephemeral_port(from);
  b.host = net_.host_by_address(to_addr).value_or(kNoHost);
  b.addr = to_addr;
  b.port = port;
  a.handler = handler;
  a.state = TcpState::SynSent;
  a.iss = initial_sequence(c.id, 0, a.incarnation++, cfg_.isn_offset);
  a.snd_una = a.iss;
  a.snd_nxt = a.snd_max = a.iss + 1;
  a.buf_seq = a.iss + 1;
  a.recover = a.iss;
  a.own_mss = a.mss = mss_toward(from, b.host);
  a.rcv_shift = scale_for(cfg_.receive_buffer);
  c.connect_started = engine_.now();
  const std::uint64_t id = c.id;
  if (lines())
    line_connect(id);
  else
    send_syn(id);
  return SocketId{id, 0};
}

std::uint32_t Transport::mss_toward(HostId from, HostId to) {
  // The path MTU is known at once (as if path MTU discovery had run): segments fit the
  // smallest link on the way.
  std::uint32_t mtu = 1500;
  if (to != kNoHost)
    if (auto m = net_.path_mtu(from, to)) mtu = *m;
  return std::max<std::uint32_t>(mtu, 576) - kTcpIpHeader;
}

void Transport::send_syn(std::uint64_t id) {
  Busy busy(*this);
  Conn* c = find(id);
  if (!c || c->end[0].state != TcpState::SynSent) return;
  Endpoint& a = c->end[0];
  if (engine_.now() - c->connect_started >= cfg_.connect_timeout) {
    const HostId to = c->end[1].host;
    const bool reachable = to != kNoHost && net_.reachable(a.host, to);
    return fail(*c, 0, reachable ? NetError::TimedOut : NetError::Unreachable);
  }
  const int attempt = a.retries++;
  if (attempt > 0) {
    a.handshake_retransmitted = true;
    ++a.stats.retransmitted_segments;
  }
  a.handshake_sent = engine_.now();
  const std::uint32_t p = new_packet(*c, 0);
  Packet& syn = (*packets_)[p];
  syn.seq = a.iss;
  syn.syn = true;
  syn.mss = static_cast<std::uint16_t>(std::min<std::uint32_t>(a.own_mss, 65535));
  if (a.rcv_shift > 0) syn.wscale = static_cast<std::int8_t>(a.rcv_shift);
  syn.window = window_field(a, true);
  const Time backoff = cfg_.rto_initial << std::min(attempt, 20);
  const Time next = std::min(engine_.now() + backoff, c->connect_started + cfg_.connect_timeout);
  a.rto_timer = engine_.at(next, [this, id] { send_syn(id); });
  send_packet(p, a.host, c->end[1].host);  // to nobody when no host has that address
}

void Transport::send_synack(Conn& c) {
  Endpoint& b = c.end[1];
  const std::uint32_t p = new_packet(c, 1);
  Packet& sa = (*packets_)[p];
  sa.seq = b.iss;
  sa.syn = sa.has_ack = true;
  sa.ack = b.rcv_nxt;
  sa.mss = static_cast<std::uint16_t>(std::min<std::uint32_t>(b.own_mss, 65535));
  if (b.rcv_shift > 0) sa.wscale = static_cast<std::int8_t>(b.rcv_shift);
  sa.window = window_field(b, true);
  b.ack_sent = b.rcv_nxt;
  b.handshake_sent = engine_.now();
  send_packet(p, b.host, c.end[0].host);
}

void Transport::on_synack_timeout(std::uint64_t id) {
  Busy busy(*this);
  Conn* c = find(id);
  if (!c || c->end[1].state != TcpState::SynRcvd) return;
  Endpoint& b = c->end[1];
  if (b.retries >= cfg_.max_synack_retransmissions) return drop_end(*c, 1);  // forget the attempt
  ++b.retries;
  b.handshake_retransmitted = true;
  ++b.stats.retransmitted_segments;
  send_synack(*c);
  b.rto_timer = engine_.after(cfg_.rto_initial << std::min(b.retries, 20), [this, id] { on_synack_timeout(id); });
}

// A SYN for an end that does not exist (yet, or any more after a crash).
void Transport::on_listen_syn(Conn& c, const Packet& p) {
  Endpoint& b = c.end[1];
  if (!listening(b.host, b.port)) return answer_with_rst(p);
  const std::uint32_t incarnation = b.incarnation;
  const HostId host = b.host;
  b = Endpoint(cfg_);  // a fresh end: after a crash nothing of the old one survives
  b.host = host;
  b.addr = p.dst;
  b.port = p.dport;
  b.incarnation = incarnation;
  b.state = TcpState::SynRcvd;
  b.irs = p.seq;
  b.rcv_nxt = b.ack_sent = p.seq + 1;
  b.iss = initial_sequence(c.id, 1, b.incarnation++, cfg_.isn_offset);
  b.snd_una = b.iss;
  b.snd_nxt = b.snd_max = b.buf_seq = b.iss + 1;
  b.recover = b.iss;
  b.own_mss = mss_toward(b.host, c.end[0].host);
  b.mss = std::min<std::uint32_t>(b.own_mss, p.mss ? p.mss : 536);
  if (p.wscale >= 0 && scale_for(cfg_.receive_buffer) > 0) {  // both ends must offer it
    b.rcv_shift = scale_for(cfg_.receive_buffer);
    b.snd_shift = static_cast<std::uint8_t>(std::min<int>(p.wscale, 14));
  }
  b.snd_wnd = b.max_snd_wnd = p.window;  // never scaled in a SYN
  send_synack(c);
  const std::uint64_t id = c.id;
  b.rto_timer = engine_.after(cfg_.rto_initial, [this, id] { on_synack_timeout(id); });
}

void Transport::on_synack(Conn& c, const Packet& p) {
  Endpoint& a = c.end[0];
  if (p.rst) {
    if (p.has_ack && p.ack == a.iss + 1) fail(c, 0, NetError::Refused);
    return;
  }
  if (!(p.syn && p.has_ack && p.ack == a.iss + 1)) return;
  engine_.cancel(a.rto_timer);
  a.irs = p.seq;
  a.rcv_nxt = p.seq + 1;
  a.snd_una = a.iss + 1;
  a.mss = std::min<std::uint32_t>(a.own_mss, p.mss ? p.mss : 536);
  if (p.wscale >= 0 && a.rcv_shift > 0) {
    a.snd_shift = static_cast<std::uint8_t>(std::min<int>(p.wscale, 14));
  } else {
    a.rcv_shift = 0;  // the peer did not offer scaling: neither side scales
  }
  a.snd_wnd = a.max_snd_wnd = p.window;
  start_data_phase(a);
  a.state = TcpState::Established;
  send_ack(c, 0);  // the handshake's third packet
  const std::uint64_t id = c.id;
  if (a.handler && !a.app_closed) a.handler->on_open(SocketId{id, 0});
  if (a.state == TcpState::Established && a.fin_queued) a.state = TcpState::FinWait1;  // closed before the handshake
  output(c, 0);
}

void Transport::start_data_phase(Endpoint& e) {
  // RTT of the handshake is the first sample; after a lost SYN or SYN-ACK there is none,
  // the RTO stays at least 3 s (RFC 6298 section 5.7) and the initial window is one
  // segment (RFC 5681 section 3.1).
  if (!e.handshake_retransmitted) {
    e.rto.sample(engine_.now() - e.handshake_sent);
  } else {
    e.rto.raise_base(3 * kSecond);
  }
  e.rto.reset_backoff();
  e.retries = 0;
  const std::uint32_t iw = e.handshake_retransmitted ? 1 : cfg_.initial_window;
  e.cwnd = iw * e.mss;
  e.ssthresh = UINT32_MAX;  // "arbitrarily high" (RFC 5681 section 3.1)
}

void Transport::establish_server(Conn& c, const Packet& p) {
  Endpoint& b = c.end[1];
  engine_.cancel(b.rto_timer);
  b.snd_una = b.iss + 1;
  b.snd_wnd = static_cast<std::uint32_t>(p.window) << b.snd_shift;
  b.max_snd_wnd = std::max(b.max_snd_wnd, b.snd_wnd);
  start_data_phase(b);
  b.state = TcpState::Established;
  const std::uint64_t id = c.id;
  auto acc = listeners_.find({b.host, b.port});
  StreamHandler* h = acc == listeners_.end() ? nullptr : acc->second(SocketId{id, 1});
  if (!h) {  // the application is gone: refuse with a reset
    answer_with_rst(p);
    return drop_end(c, 1);
  }
  b.handler = h;
  h->on_open(SocketId{id, 1});
}

void Transport::on_arrival(std::uint32_t id) {
  Busy busy(*this);
  Packet& p = (*packets_)[id];
  if (p.udp) {
    const auto to = net_.host_by_address(p.dst);
    auto it = to ? udp_.find({*to, p.dport}) : udp_.end();
    if (it != udp_.end()) {
      it->second(p.src, p.sport, p.payload);
    }
    return packets_->release(id);
  }
  purge_lingering();
  Conn* c = find(p.conn);
  bool kept = false;
  if (!c) {
    answer_with_rst(p);
  } else {
    Endpoint& e = c->end[p.to_side];
    if (e.state == TcpState::Closed) {
      if (p.to_side == 1 && p.syn && !p.has_ack)
        on_listen_syn(*c, p);
      else
        answer_with_rst(p);
    } else {
      kept = on_segment(*c, p.to_side, id);
    }
    mark_for_reap(p.conn);
  }
  if (!kept) packets_->release(id);
}

bool Transport::on_segment(Conn& c, int side, std::uint32_t id) {
  const Packet& p = (*packets_)[id];
  Endpoint& e = c.end[side];
  switch (e.state) {
    case TcpState::SynSent:
      on_synack(c, p);
      return false;
    case TcpState::SynRcvd:
      if (p.rst) {
        drop_end(c, 1);  // back to listening
        return false;
      }
      if (p.syn && !p.has_ack) {  // our SYN-ACK was lost and the SYN retried
        send_synack(c);
        return false;
      }
      if (!p.has_ack || p.ack != e.iss + 1) return false;
      establish_server(c, p);
      if (e.state != TcpState::Established) return false;
      break;
    case TcpState::TimeWait:
      if (p.fin) send_ack(c, side);  // our last ACK was lost: the peer repeats its FIN
      return false;
    default:
      break;
  }
  if (p.rst) {
    fail(c, side, NetError::Reset);
    return false;
  }
  if (p.syn) {  // a repeated SYN-ACK: our third packet was lost
    send_ack(c, side);
    return false;
  }
  if (p.has_ack) on_ack(c, side, p);
  if (e.state == TcpState::Closed) return false;
  return on_data_or_fin(c, side, id);
}

void Transport::answer_with_rst(const Packet& p) {
  if (p.rst || p.udp) return;
  const auto from = net_.host_by_address(p.dst);
  const auto to = net_.host_by_address(p.src);
  if (!from || !to) return;
  const std::uint32_t id = packets_->acquire();
  Packet& r = (*packets_)[id];
  r.conn = p.conn;
  r.to_side = static_cast<std::uint8_t>(1 - p.to_side);
  r.src = p.dst;
  r.dst = p.src;
  r.sport = p.dport;
  r.dport = p.sport;
  r.rst = true;
  if (p.has_ack) {
    r.seq = p.ack;
  } else {
    r.has_ack = true;
    r.ack = p.seq + p.seq_len();
  }
  send_packet(id, *from, *to);
}

void Transport::close(SocketId s) {
  Busy busy(*this);
  Conn* c = find(s.conn);
  if (!c) return;
  Endpoint& e = c->end[s.side];
  e.handler = nullptr;
  if (e.app_closed) return;
  e.app_closed = true;
  switch (e.state) {
    case TcpState::SynSent:
      if (e.sndbuf.empty()) {  // nothing to say yet: abandon the attempt
        drop_end(*c, s.side);
        mark_for_reap(s.conn);
        return;
      }
      e.fin_queued = true;  // FIN after the data, once connected
      return;
    case TcpState::Established:
      e.fin_queued = true;
      e.state = TcpState::FinWait1;
      break;
    case TcpState::CloseWait:
      e.fin_queued = true;
      e.state = TcpState::LastAck;
      break;
    default:
      return;
  }
  if (lines())
    line_launch(*c, s.side);
  else
    output(*c, s.side);
}

void Transport::fail(Conn& c, int side, NetError err) {
  Endpoint& e = c.end[side];
  StreamHandler* h = e.app_closed ? nullptr : e.handler;
  drop_end(c, side);
  mark_for_reap(c.id);
  if (h) h->on_error(SocketId{c.id, static_cast<std::uint8_t>(side)}, err);
}

void Transport::drop_end(Conn& c, int side) {
  Endpoint& e = c.end[side];
  engine_.cancel(e.rto_timer);
  engine_.cancel(e.delack_timer);
  for (std::uint32_t p : e.out_of_order) packets_->release(p);
  std::vector<std::uint32_t>().swap(e.out_of_order);
  e.sndbuf.release();
  e.handler = nullptr;
  e.state = TcpState::Closed;
}

void Transport::mark_for_reap(std::uint64_t id) { reap_pending_.push_back(id); }

void Transport::reap(std::uint64_t id) {
  const Conn* c = conns_.find(id);
  if (c && c->end[0].state == TcpState::Closed && c->end[1].state == TcpState::Closed) conns_.erase(id);
}

void Transport::enter_lingering(Conn& c, int side, TcpState state) {
  Endpoint& e = c.end[side];
  e.state = state;
  e.linger_since = engine_.now();
  if (state == TcpState::TimeWait) {  // everything sent was acknowledged: keep only the numbers
    engine_.cancel(e.rto_timer);
    e.sndbuf.release();
  }
  lingering_.emplace_back(engine_.now(), c.id);
}

// Ends in TIME-WAIT (2 MSL) or orphaned in FIN-WAIT-2 (Linux tcp_fin_timeout, the same
// 60 s) are dropped lazily, without an event each.
void Transport::purge_lingering() {
  const Time now = engine_.now();
  while (!lingering_.empty() && lingering_.front().first + cfg_.time_wait <= now) {
    const std::uint64_t id = lingering_.front().second;
    lingering_.pop_front();
    Conn* c = find(id);
    if (!c) continue;
    for (int side = 0; side < 2; ++side) {
      Endpoint& e = c->end[side];
      const bool lingering = e.state == TcpState::TimeWait || (e.state == TcpState::FinWait2 && e.app_closed);
      if (lingering && e.linger_since + cfg_.time_wait <= now) drop_end(*c, side);
    }
    mark_for_reap(id);
  }
}

void Transport::crash_host(HostId host) {
  Busy busy(*this);
  std::vector<std::pair<std::uint64_t, int>> victims;
  conns_.for_each([&](std::uint64_t id, const Conn& c) {  // in id order: deterministic
    for (int side = 0; side < 2; ++side)
      if (c.end[side].host == host && c.end[side].state != TcpState::Closed) victims.emplace_back(id, side);
  });
  for (auto [id, side] : victims) {
    Conn* c = find(id);
    if (!c) continue;
    Endpoint& e = c->end[side];
    StreamHandler* own = e.app_closed ? nullptr : e.handler;
    drop_end(*c, side);  // silently: not a packet leaves the crashed host
    mark_for_reap(id);
    if (own) own->on_error(SocketId{id, static_cast<std::uint8_t>(side)}, NetError::Reset);
  }
  for (auto it = udp_.begin(); it != udp_.end();) it = it->first.first == host ? udp_.erase(it) : std::next(it);
}

std::uint32_t Transport::new_packet(const Conn& c, int from_side) {
  const std::uint32_t id = packets_->acquire();
  Packet& p = (*packets_)[id];
  const Endpoint& from = c.end[from_side];
  const Endpoint& to = c.end[1 - from_side];
  p.conn = c.id;
  p.to_side = static_cast<std::uint8_t>(1 - from_side);
  p.src = from.addr;
  p.dst = to.addr;
  p.sport = from.port;
  p.dport = to.port;
  return id;
}

void Transport::send_packet(std::uint32_t id, HostId from, HostId to) {
  if (lines()) return line_datagram(id, from, to);
  const Packet& p = (*packets_)[id];
  bool lose = false;
  if (observer_ || loss_filter_) {
    PacketInfo info;
    info.time = engine_.now();
    info.udp = p.udp;
    info.src = p.src;
    info.dst = p.dst;
    info.sport = p.sport;
    info.dport = p.dport;
    info.seq = p.seq;
    info.ack = p.ack;
    info.syn = p.syn;
    info.fin = p.fin;
    info.rst = p.rst;
    info.has_ack = p.has_ack;
    info.psh = p.psh;
    info.window = p.window;
    info.mss = p.mss;
    info.wscale = p.wscale;
    info.payload = p.payload;
    if (observer_) observer_(info);
    if (loss_filter_) lose = loss_filter_(info);
  }
  if (to == kNoHost) return packets_->release(id);
  net_.transmit(from, to, p.wire_size(), [this, id] { on_arrival(id); }, [this, id] { packets_->release(id); },
                lose);
}

void Transport::bind_udp(HostId host, std::uint16_t port, DatagramHandler handler) {
  udp_[{host, port}] = std::move(handler);
}
void Transport::unbind_udp(HostId host, std::uint16_t port) { udp_.erase({host, port}); }

void Transport::send_datagram(HostId from, std::uint16_t from_port, std::uint32_t to_addr, std::uint16_t to_port,
                              std::string bytes) {
  const std::uint32_t id = packets_->acquire();
  Packet& p = (*packets_)[id];
  p.udp = true;
  p.src = net_.host(from).address;
  p.dst = to_addr;
  p.sport = from_port;
  p.dport = to_port;
  p.payload = std::move(bytes);
  send_packet(id, from, net_.host_by_address(to_addr).value_or(kNoHost));
}

}  // namespace mailsim::sim
