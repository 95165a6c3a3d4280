// Data transfer on an established connection: what may be sent (RFC 9293 windows, RFC 5681
// congestion control with RFC 6582's partial ACKs), when to acknowledge (delayed ACKs),
// and retransmission (RFC 6298 timer, fast retransmit).
#include <algorithm>

#include "sim/transport.hpp"
#include "sim/transport_internal.hpp"

namespace mailsim::sim {

namespace {
constexpr std::uint32_t kMaxCwnd = 1u << 30;  // far above any window a 16-bit field scaled by 14 allows

bool may_send(TcpState s) {
  return s == TcpState::Established || s == TcpState::CloseWait || s == TcpState::FinWait1 ||
         s == TcpState::LastAck || s == TcpState::Closing;
}
}  // namespace

std::uint16_t Transport::window_field(const Endpoint& e, bool syn) const {
  // The applications consume every in-order octet as it arrives, so the whole buffer is
  // free: out-of-order octets lie inside the window already offered.
  const std::uint32_t free_space = cfg_.receive_buffer;
  return static_cast<std::uint16_t>(std::min<std::uint32_t>(syn ? free_space : free_space >> e.rcv_shift, 65535));
}

void Transport::send(SocketId s, std::string_view bytes) {
  Busy busy(*this);
  Conn* c = find(s.conn);
  if (!c || bytes.empty()) return;
  Endpoint& e = c->end[s.side];
  if (e.app_closed || e.fin_queued) return;
  if (e.state != TcpState::SynSent && e.state != TcpState::Established && e.state != TcpState::CloseWait) return;
  e.sndbuf.append(bytes);
  if (lines())
    line_launch(*c, s.side);
  else
    output(*c, s.side);
}

// Sends what the windows allow, from snd_nxt on: full segments, a short one only when it
// empties the queue (no Nagle: like TCP_NODELAY) or fills half the largest window the peer
// ever offered (RFC 9293 section 3.8.6.2.1, sender-side silly window avoidance).
void Transport::output(Conn& c, int side) {
  Endpoint& e = c.end[side];
  if (!may_send(e.state)) return;
  // Restart window after an idle period longer than the RTO (RFC 5681 section 4.1).
  if (e.snd_una == e.snd_max && e.last_send >= 0 && engine_.now() - e.last_send > e.rto.rto())
    e.cwnd = std::min(e.cwnd, cfg_.initial_window * e.mss);
  while (may_send(e.state)) {
    const std::uint32_t end = e.data_end();
    const std::uint32_t in_flight = e.snd_nxt - e.snd_una;
    const std::uint32_t wnd = std::min(e.cwnd, e.snd_wnd);
    const std::uint32_t usable = wnd > in_flight ? wnd - in_flight : 0;
    const std::uint32_t unsent = seq_lt(e.snd_nxt, end) ? end - e.snd_nxt : 0;
    std::uint32_t len = std::min({unsent, e.mss, usable});
    if (len < unsent && len < e.mss && len < e.max_snd_wnd / 2) len = 0;
    const bool fin = e.fin_queued && seq_leq(e.snd_nxt, end) && e.snd_nxt + len == end;
    if (len == 0 && !fin) break;
    transmit_segment(c, side, e.snd_nxt, len, fin);
  }
}

void Transport::transmit_segment(Conn& c, int side, std::uint32_t seq, std::uint32_t len, bool fin) {
  Endpoint& e = c.end[side];
  const bool retransmission = seq_lt(seq, e.snd_max);
  const std::uint32_t id = new_packet(c, side);
  Packet& p = (*packets_)[id];
  p.seq = seq;
  p.has_ack = true;
  p.ack = e.rcv_nxt;
  p.fin = fin;
  p.psh = len > 0 && seq + len == e.data_end();
  p.window = window_field(e, false);
  p.payload.assign(e.sndbuf.view(seq - e.buf_seq, len));
  const std::uint32_t next = seq + len + (fin ? 1 : 0);
  if (seq_gt(next, e.snd_nxt)) e.snd_nxt = next;
  if (seq_gt(next, e.snd_max)) e.snd_max = next;
  if (retransmission) {
    ++e.stats.retransmitted_segments;
  } else if (len > 0 && !e.timing) {  // one timed segment per round trip, never a retransmitted one (Karn)
    e.timing = true;
    e.rtt_seq = next;
    e.rtt_start = engine_.now();
  }
  e.stats.max_in_flight = std::max(e.stats.max_in_flight, e.snd_max - e.snd_una);
  e.last_send = engine_.now();
  e.ack_sent = e.rcv_nxt;  // the segment carries the acknowledgement
  e.unacked_octets = 0;
  engine_.cancel(e.delack_timer);
  if (!engine_.pending(e.rto_timer)) arm_rto(c, side);
  send_packet(id, e.host, c.end[1 - side].host);
}

void Transport::retransmit_first(Conn& c, int side) {
  Endpoint& e = c.end[side];
  const std::uint32_t end = e.data_end();
  const std::uint32_t len = seq_lt(e.snd_una, end) ? std::min(e.mss, end - e.snd_una) : 0;
  const bool fin = e.fin_queued && e.snd_una + len == end && seq_lt(end, e.snd_max);
  if (len > 0 || fin) transmit_segment(c, side, e.snd_una, len, fin);
}

void Transport::send_ack(Conn& c, int side) {
  Endpoint& e = c.end[side];
  const std::uint32_t id = new_packet(c, side);
  Packet& p = (*packets_)[id];
  p.seq = e.snd_nxt;
  p.has_ack = true;
  p.ack = e.rcv_nxt;
  p.window = window_field(e, false);
  e.ack_sent = e.rcv_nxt;
  e.unacked_octets = 0;
  engine_.cancel(e.delack_timer);
  send_packet(id, e.host, c.end[1 - side].host);
}

void Transport::arm_rto(Conn& c, int side) {
  Endpoint& e = c.end[side];
  engine_.cancel(e.rto_timer);
  // Once the application has closed and every data octet is acknowledged, only the FIN
  // is at stake: its retries do not keep a finished run going.
  const bool only_fin = e.app_closed && !seq_lt(e.snd_una, e.data_end());
  const std::uint64_t key = timer_key(c.id, side);
  e.rto_timer = engine_.after(e.rto.rto(), [this, key] { on_retransmission_timeout(key); },
                              only_fin ? EventKind::Background : EventKind::Work);
}

void Transport::on_retransmission_timeout(std::uint64_t key) {
  Busy busy(*this);
  Conn* c = find(key >> 1);
  const int side = static_cast<int>(key & 1);
  if (!c) return;
  Endpoint& e = c->end[side];
  if (!may_send(e.state) && e.state != TcpState::FinWait2) return;
  if (e.snd_una == e.snd_max) return;  // everything was acknowledged meanwhile
  if (++e.retries > cfg_.max_retransmissions) return fail(*c, side, NetError::TimedOut);
  // RFC 5681 section 3.1: half the flight, once per loss; the loss window is one segment.
  if (e.retries == 1) e.ssthresh = std::max((e.snd_max - e.snd_una) / 2, 2 * e.mss);
  e.cwnd = e.mss;
  e.in_recovery = false;
  e.dupacks = 0;
  e.recover = e.snd_max;
  e.timing = false;  // Karn: no sample from what is about to be retransmitted
  e.rto.backoff();
  ++e.stats.timeouts;
  e.snd_nxt = e.snd_una;  // go back: resend from the first unacknowledged octet
  output(*c, side);
  arm_rto(*c, side);
}

void Transport::on_ack(Conn& c, int side, const Packet& p) {
  Endpoint& e = c.end[side];
  const std::uint32_t ack = p.ack;
  if (seq_gt(ack, e.snd_max)) return send_ack(c, side);  // acknowledges what was never sent
  if (seq_lt(ack, e.snd_una)) return;                     // an old ACK
  const std::uint32_t window = static_cast<std::uint32_t>(p.window) << e.snd_shift;
  const bool window_changed = window != e.snd_wnd;
  e.snd_wnd = window;
  e.max_snd_wnd = std::max(e.max_snd_wnd, window);
  const std::uint32_t acked = ack - e.snd_una;
  if (acked == 0) {
    // RFC 5681's duplicate ACK: nothing new, no data, same window, data outstanding.
    if (p.payload.empty() && !p.fin && !window_changed && e.snd_una != e.snd_max) on_duplicate_ack(c, side);
    else if (window_changed) output(c, side);
    return;
  }
  const std::uint32_t flight_before = e.snd_max - e.snd_una;
  if (e.timing && seq_geq(ack, e.rtt_seq)) {
    e.rto.sample(engine_.now() - e.rtt_start);
    e.timing = false;
  }
  e.retries = 0;  // the backed-off RTO itself stays until a valid sample (RFC 6298 section 5)
  const std::uint32_t end = e.data_end();
  const std::uint32_t upto = seq_lt(ack, end) ? ack : end;
  if (seq_gt(upto, e.buf_seq)) {
    e.sndbuf.pop(upto - e.buf_seq);
    e.buf_seq = upto;
  }
  e.snd_una = ack;
  if (seq_lt(e.snd_nxt, ack)) e.snd_nxt = ack;

  if (e.in_recovery) {
    if (seq_geq(ack, e.recover)) {  // full acknowledgement: leave fast recovery
      e.cwnd = std::min(e.ssthresh, std::max(e.snd_max - e.snd_una, e.mss) + e.mss);
      e.in_recovery = false;
      e.dupacks = 0;
    } else {  // partial acknowledgement (RFC 6582): the next hole is lost too
      retransmit_first(c, side);
      e.cwnd = e.cwnd > acked ? e.cwnd - acked : 0;
      if (acked >= e.mss) e.cwnd += e.mss;
      e.cwnd = std::max(e.cwnd, e.mss);
      if (!e.partial_seen) arm_rto(c, side);  // restart the timer on the first partial ACK only
      e.partial_seen = true;
    }
  } else {
    e.dupacks = 0;
    // Grow only while the window is what limits the sender (RFC 7661): an application
    // writing little, or the peer's window, must not inflate cwnd without bound.
    if (flight_before + e.mss > e.cwnd) {
      if (e.cwnd < e.ssthresh) {
        e.cwnd += std::min(acked, 2 * e.mss);  // slow start, byte counting with L = 2 (RFC 3465)
      } else {
        // Congestion avoidance by counting octets (RFC 5681 section 3.1, the recommended
        // form): one SMSS per window acknowledged, so delayed ACKs do not slow it down.
        e.ca_acked += acked;
        if (e.ca_acked >= e.cwnd) {
          e.ca_acked -= e.cwnd;
          e.cwnd += e.mss;
        }
      }
      e.cwnd = std::min(e.cwnd, kMaxCwnd);
    }
  }
  if (e.snd_una == e.snd_max)
    engine_.cancel(e.rto_timer);
  else if (!e.in_recovery || !engine_.pending(e.rto_timer))
    arm_rto(c, side);

  const bool fin_acked = e.fin_queued && e.snd_una == e.data_end() + 1;
  if (fin_acked) {
    switch (e.state) {
      case TcpState::FinWait1: enter_lingering(c, side, TcpState::FinWait2); break;
      case TcpState::Closing: enter_lingering(c, side, TcpState::TimeWait); break;
      case TcpState::LastAck: drop_end(c, side); mark_for_reap(c.id); return;
      default: break;
    }
  }
  output(c, side);
}

void Transport::on_duplicate_ack(Conn& c, int side) {
  Endpoint& e = c.end[side];
  ++e.dupacks;
  if (!e.in_recovery && e.dupacks == 3 && seq_geq(e.snd_una, e.recover)) {
    // Fast retransmit, then fast recovery (RFC 5681 section 3.2).
    e.ssthresh = std::max((e.snd_max - e.snd_una) / 2, 2 * e.mss);
    e.recover = e.snd_max;
    e.in_recovery = true;
    e.partial_seen = false;
    e.timing = false;
    ++e.stats.fast_retransmits;
    retransmit_first(c, side);
    e.cwnd = e.ssthresh + 3 * e.mss;
  } else if (e.in_recovery) {
    e.cwnd = std::min(e.cwnd + e.mss, kMaxCwnd);  // each duplicate: one more segment has left the network
    output(c, side);
  }
}

bool Transport::on_data_or_fin(Conn& c, int side, std::uint32_t id) {
  Endpoint& e = c.end[side];
  const Packet& p = (*packets_)[id];
  std::string_view data = p.payload;
  std::uint32_t seq = p.seq;
  if (data.empty() && !p.fin) return false;
  if (e.fin_rcvd) {  // everything up to the peer's FIN is here: a repeat
    send_ack(c, side);
    return false;
  }
  if (seq_lt(seq, e.rcv_nxt)) {  // starts with octets we already have
    const std::uint32_t skip = e.rcv_nxt - seq;
    if (skip >= data.size() + (p.fin ? 1 : 0)) {
      send_ack(c, side);  // a duplicate: acknowledge at once (RFC 5681 section 4.2)
      return false;
    }
    data.remove_prefix(std::min<std::size_t>(skip, data.size()));
    seq = e.rcv_nxt;
  }
  if (seq != e.rcv_nxt) {
    // Out of order: keep it (within the window) and send a duplicate ACK at once.
    if (seq_lt(seq, e.rcv_nxt + cfg_.receive_buffer)) {
      auto& q = e.out_of_order;
      auto at = std::find_if(q.begin(), q.end(), [&](std::uint32_t x) { return seq_gt((*packets_)[x].seq, seq); });
      q.insert(at, id);
      send_ack(c, side);
      return true;
    }
    send_ack(c, side);
    return false;
  }
  const bool filled_gap = !e.out_of_order.empty();
  const std::uint64_t conn = c.id;
  e.rcv_nxt += static_cast<std::uint32_t>(data.size());
  e.unacked_octets += static_cast<std::uint32_t>(data.size());
  deliver(c, side, data);
  bool fin = p.fin;
  // Drain what the gap held back, in order.
  while (!fin && !e.out_of_order.empty() && e.state != TcpState::Closed) {
    const std::uint32_t q = e.out_of_order.front();
    const Packet& held = (*packets_)[q];
    if (seq_gt(held.seq, e.rcv_nxt)) break;
    e.out_of_order.erase(e.out_of_order.begin());
    const std::uint32_t skip = e.rcv_nxt - held.seq;
    if (skip <= held.payload.size()) {
      std::string_view more = std::string_view(held.payload).substr(skip);
      e.rcv_nxt += static_cast<std::uint32_t>(more.size());
      deliver(c, side, more);
      fin = held.fin;
    }
    packets_->release(q);
  }
  if (fin && e.state != TcpState::Closed) on_fin(c, side);
  if (e.state == TcpState::Closed || !find(conn)) return false;
  // Acknowledge: at once for a FIN, a filled gap or two full segments; otherwise after the
  // delayed-ACK time, unless a reply written meanwhile has carried the ACK already.
  if (e.ack_sent == e.rcv_nxt) return false;
  if (fin || filled_gap || e.unacked_octets >= 2 * e.mss) {
    send_ack(c, side);
  } else if (!engine_.pending(e.delack_timer)) {
    const std::uint64_t key = timer_key(conn, side);
    e.delack_timer = engine_.after(cfg_.delayed_ack, [this, key] { on_delayed_ack(key); });
  }
  return false;
}

void Transport::deliver(Conn& c, int side, std::string_view bytes) {
  Endpoint& e = c.end[side];
  if (bytes.empty() || e.app_closed || !e.handler) return;  // after close(): read and discarded
  e.handler->on_data(SocketId{c.id, static_cast<std::uint8_t>(side)}, bytes);
}

void Transport::on_fin(Conn& c, int side) {
  Endpoint& e = c.end[side];
  e.rcv_nxt += 1;
  e.fin_rcvd = true;
  for (std::uint32_t q : e.out_of_order) packets_->release(q);
  e.out_of_order.clear();
  switch (e.state) {
    case TcpState::Established: e.state = TcpState::CloseWait; break;
    case TcpState::FinWait1: e.state = TcpState::Closing; break;
    case TcpState::FinWait2: enter_lingering(c, side, TcpState::TimeWait); break;
    default: break;
  }
  if (e.handler && !e.app_closed) e.handler->on_peer_closed(SocketId{c.id, static_cast<std::uint8_t>(side)});
}

void Transport::on_delayed_ack(std::uint64_t key) {
  Busy busy(*this);
  Conn* c = find(key >> 1);
  const int side = static_cast<int>(key & 1);
  if (!c) return;
  Endpoint& e = c->end[side];
  if (e.state != TcpState::Closed && e.ack_sent != e.rcv_nxt) send_ack(*c, side);
}

}  // namespace mailsim::sim
