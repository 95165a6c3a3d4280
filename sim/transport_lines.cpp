// The line model: the same connections, listeners and errors as TCP, but every write
// crosses the path as one unit, after the path's propagation delay plus its serialization
// at the slowest link, in sending order per connection. No segments, no ACKs, no windows,
// no loss. What is kept: the handshake's timing (the client opens after one round trip, the
// server after one and a half), refused connections, connect timeouts, a crashed or
// unreachable peer learnt by retries and timeouts (TCP's retransmission schedule), and RST
// from a host that no longer knows the connection.
#include <algorithm>

#include "sim/transport.hpp"
#include "sim/transport_internal.hpp"

namespace mailsim::sim {

namespace {
constexpr std::uint32_t kSynOctets = kTcpIpHeader + 20;  // a SYN with its options
}  // namespace

Time Transport::line_delay(HostId from, HostId to) {
  const auto p = net_.path(from, to);
  return p ? p->latency + serialization_time(kTcpIpHeader, p->bottleneck_bps) : -1;
}

void Transport::line_fail_later(std::uint64_t id, int side, NetError err, Time delay) {
  engine_.after(delay, [this, id, side, err] {
    Busy busy(*this);
    Conn* c = find(id);
    if (!c) return;
    const TcpState s = c->end[side].state;
    if (err == NetError::Refused ? s == TcpState::SynSent : s != TcpState::Closed) fail(*c, side, err);
  });
}

// One SYN; repeated on TCP's schedule (1 s, 2 s, 4 s …) until connect_timeout.
void Transport::line_connect(std::uint64_t id) {
  Busy busy(*this);
  Conn* c = find(id);
  if (!c || c->end[0].state != TcpState::SynSent) return;
  Endpoint& a = c->end[0];
  const HostId to = c->end[1].host;
  if (engine_.now() - c->connect_started >= cfg_.connect_timeout) {
    const bool reachable = to != kNoHost && net_.reachable(a.host, to);
    return fail(*c, 0, reachable ? NetError::TimedOut : NetError::Unreachable);
  }
  const int attempt = a.retries++;
  const Time next = std::min(engine_.now() + (cfg_.rto_initial << std::min(attempt, 20)),
                             c->connect_started + cfg_.connect_timeout);
  a.rto_timer = engine_.at(next, [this, id] { line_connect(id); });
  if (to == kNoHost) return;
  if (const auto p = net_.path(a.host, to))
    engine_.after(p->latency + serialization_time(kSynOctets, p->bottleneck_bps), [this, id] { line_syn_arrived(id); });
}

void Transport::line_syn_arrived(std::uint64_t id) {
  Busy busy(*this);
  Conn* c = find(id);
  if (!c) return;
  Endpoint& a = c->end[0];
  Endpoint& b = c->end[1];
  // A repeated SYN, a client that gave up, or a host that went down meanwhile: no answer.
  if (a.state != TcpState::SynSent || b.state != TcpState::Closed || !net_.host_up(b.host)) return;
  const Time back = line_delay(b.host, a.host);
  if (back < 0) return;
  if (!listening(b.host, b.port)) return line_fail_later(id, 0, NetError::Refused, back);
  b.state = TcpState::SynRcvd;
  b.own_mss = b.mss = mss_toward(b.host, a.host);
  engine_.after(back, [this, id] { line_synack_arrived(id); });
}

void Transport::line_synack_arrived(std::uint64_t id) {
  Busy busy(*this);
  Conn* c = find(id);
  if (!c) return;
  Endpoint& a = c->end[0];
  Endpoint& b = c->end[1];
  if (a.state != TcpState::SynSent || b.state != TcpState::SynRcvd) return;
  engine_.cancel(a.rto_timer);
  a.retries = 0;
  a.state = a.app_closed ? TcpState::FinWait1 : TcpState::Established;
  const Time ahead = line_delay(a.host, b.host);
  if (ahead >= 0)
    engine_.after(ahead, [this, id] { line_ack_arrived(id); });
  else
    b.state = TcpState::Closed;  // the third packet cannot reach it: what follows meets a RST
  if (a.handler && !a.app_closed) a.handler->on_open(SocketId{id, 0});
  if (a.state != TcpState::Closed) line_launch(*c, 0);  // written (or closed) before the handshake ended
}

void Transport::line_ack_arrived(std::uint64_t id) {
  Busy busy(*this);
  Conn* c = find(id);
  if (!c) return;
  Endpoint& b = c->end[1];
  if (b.state != TcpState::SynRcvd) return;
  b.state = TcpState::Established;
  auto acc = listeners_.find({b.host, b.port});
  StreamHandler* h = acc == listeners_.end() ? nullptr : acc->second(SocketId{id, 1});
  if (!h) {  // the application is gone: refuse with a reset
    drop_end(*c, 1);
    mark_for_reap(id);
    const Time back = line_delay(b.host, c->end[0].host);
    if (back >= 0) line_fail_later(id, 0, NetError::Reset, back);
    return;
  }
  b.handler = h;
  h->on_open(SocketId{id, 1});
}

void Transport::line_launch(Conn& c, int side) {
  Endpoint& e = c.end[side];
  Endpoint& peer = c.end[1 - side];
  if (e.state == TcpState::SynSent || e.line_stalled) return;  // written before the handshake: sent once open
  const bool fin = e.fin_queued && !e.line_fin_sent;
  if (e.line_retry.empty() && e.sndbuf.empty() && !fin) return;
  const auto path = net_.path(e.host, peer.host);
  if (!path) return line_stall(c, side);
  auto launch = [&](Endpoint::LineUnit unit) {
    const std::uint64_t n = unit.bytes.size();
    const std::uint64_t segments = n == 0 ? 1 : (n + e.mss - 1) / e.mss;
    const Time tx = serialization_time(n + segments * kTcpIpHeader, path->bottleneck_bps);
    const Time start = std::max(engine_.now(), e.line_busy);
    e.line_busy = start + tx;
    const Time arrival = std::max(start + tx + path->latency, e.line_last_arrival);
    e.line_last_arrival = arrival;
    peer.line_in.push_back(std::move(unit));
    engine_.at(arrival, [this, id = c.id, to = 1 - side] { line_arrived(id, to); });
  };
  while (!e.line_retry.empty()) {
    launch(std::move(e.line_retry.front()));
    e.line_retry.pop_front();
  }
  if (!e.sndbuf.empty() || fin) {
    Endpoint::LineUnit unit{std::string(e.sndbuf.view(0, e.sndbuf.size())), fin};
    e.sndbuf.clear();
    e.line_fin_sent |= fin;
    launch(std::move(unit));
  }
  line_finish_end(c, side);
}

// No path (or the peer's host is down): hold every write and try again on TCP's
// retransmission schedule; after max_retransmissions the end gives up (TimedOut).
void Transport::line_stall(Conn& c, int side) {
  Endpoint& e = c.end[side];
  if (e.line_stalled) return;
  e.line_stalled = true;
  e.retries = 0;
  const std::uint64_t key = timer_key(c.id, side);
  e.rto_timer = engine_.after(cfg_.rto_initial, [this, key] { line_retry(key); });
}

void Transport::line_retry(std::uint64_t key) {
  Busy busy(*this);
  Conn* c = find(key >> 1);
  const int side = static_cast<int>(key & 1);
  if (!c || c->end[side].state == TcpState::Closed) return;
  Endpoint& e = c->end[side];
  if (!net_.path(e.host, c->end[1 - side].host)) {
    if (++e.retries > cfg_.max_retransmissions) return fail(*c, side, NetError::TimedOut);
    const Time rto = std::min(cfg_.rto_initial << std::min(e.retries, 20), cfg_.rto_max);
    e.rto_timer = engine_.after(rto, [this, key] { line_retry(key); });
    return;
  }
  e.line_stalled = false;
  e.retries = 0;
  line_launch(*c, side);
}

void Transport::line_arrived(std::uint64_t id, int to) {
  Busy busy(*this);
  Conn* c = find(id);
  if (!c) return;
  Endpoint& e = c->end[to];
  Endpoint& sender = c->end[1 - to];
  if (e.line_in.empty()) return;
  Endpoint::LineUnit unit = std::move(e.line_in.front());
  e.line_in.pop_front();
  mark_for_reap(id);
  if (!net_.host_up(e.host) || sender.line_stalled) {
    // Lost at a host that is down (or behind a unit that was): the sender sends it again,
    // keeping the order.
    if (sender.state == TcpState::Closed) return;
    sender.line_retry.push_back(std::move(unit));
    return line_stall(*c, 1 - to);
  }
  if (e.state == TcpState::Closed || e.state == TcpState::SynRcvd) {  // the end is gone: RST
    const Time back = line_delay(e.host, sender.host);
    if (sender.state != TcpState::Closed && back >= 0) line_fail_later(id, 1 - to, NetError::Reset, back);
    return;
  }
  if (!unit.bytes.empty()) deliver(*c, to, unit.bytes);
  if (!unit.fin || e.state == TcpState::Closed) return;
  e.fin_rcvd = true;
  if (e.state == TcpState::Established) e.state = TcpState::CloseWait;
  if (e.handler && !e.app_closed) e.handler->on_peer_closed(SocketId{id, static_cast<std::uint8_t>(to)});
  if (e.state != TcpState::Closed) line_finish_end(*c, to);
}

// An end is done once its application closed, its FIN left and the peer's FIN arrived.
void Transport::line_finish_end(Conn& c, int side) {
  const Endpoint& e = c.end[side];
  if (e.app_closed && e.line_fin_sent && e.fin_rcvd && !e.line_stalled && e.line_retry.empty()) {
    drop_end(c, side);
    mark_for_reap(c.id);
  }
}

void Transport::line_datagram(std::uint32_t id, HostId from, HostId to) {
  const auto path = to == kNoHost ? std::nullopt : net_.path(from, to);
  if (!path) return packets_->release(id);  // no route: lost, as an unanswered query is
  const Time tx = serialization_time((*packets_)[id].wire_size(), path->bottleneck_bps);
  engine_.after(path->latency + tx, [this, id] { on_arrival(id); });
}

}  // namespace mailsim::sim
