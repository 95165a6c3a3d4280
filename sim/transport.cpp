#include "sim/transport.hpp"

#include <algorithm>
#include <utility>
#include <vector>

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

namespace {
PacketInfo packet_info(Time when, bool udp, std::uint32_t src, std::uint32_t dst, std::uint16_t sport,
                       std::uint16_t dport) {
  PacketInfo info{};
  info.time = when;
  info.udp = udp;
  info.src = src;
  info.dst = dst;
  info.sport = sport;
  info.dport = dport;
  return info;
}
}  // namespace

struct Transport::Segment {
  std::uint32_t seq = 0;
  std::string payload;
  bool syn = false, fin = false;
  int attempts = 0;
  Time first_sent = 0;
};

struct Transport::Conn {
  std::uint64_t id = 0;
  HostId host[2] = {kNoHost, kNoHost};
  std::uint32_t addr[2] = {0, 0};
  std::uint16_t port[2] = {0, 0};
  StreamHandler* handler[2] = {nullptr, nullptr};
  bool established[2] = {false, false};  // [1]: the server application accepted
  bool dead[2] = {false, false};          // closed by its application or failed
  bool fin_sent[2] = {false, false}, fin_rcvd[2] = {false, false};
  bool close_pending[2] = {false, false};
  std::uint32_t isn[2] = {0, 0};
  std::uint32_t snd_next[2] = {0, 0};
  std::uint32_t rcv_next[2] = {0, 0};
  std::uint32_t acked[2] = {0, 0};  // the last ack number this side reported
  std::uint32_t mss = 1460;
  std::string unsent[2];  // written before the handshake completed
  std::map<std::uint32_t, std::shared_ptr<Segment>> out_of_order[2];
  Time connect_started = 0;
  TimerId syn_timer, synack_timer;
  int synack_attempts = 0;
};

Transport::Transport(Engine& engine, Network& network, TransportConfig config)
    : engine_(engine), net_(network), cfg_(config) {}

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

HostId Transport::host_of(SocketId s) const { return conns_.at(s.conn)->host[s.side]; }
HostId Transport::peer_host_of(SocketId s) const { return conns_.at(s.conn)->host[1 - s.side]; }
std::uint32_t Transport::peer_address_of(SocketId s) const { return conns_.at(s.conn)->addr[1 - s.side]; }

SocketId Transport::connect(HostId from, std::uint32_t to_addr, std::uint16_t port, StreamHandler* handler) {
  auto c = std::make_unique<Conn>();
  c->id = next_conn_++;
  c->host[0] = from;
  c->addr[0] = net_.host(from).address;
  c->port[0] = ephemeral_port(from);
  c->host[1] = net_.host_by_address(to_addr).value_or(kNoHost);
  c->addr[1] = to_addr;
  c->port[1] = port;
  c->handler[0] = handler;
  // Deterministic initial sequence numbers, distinct per connection and side.
  c->isn[0] = static_cast<std::uint32_t>(c->id * 0x9E3779B1u);
  c->isn[1] = static_cast<std::uint32_t>(c->id * 0x85EBCA77u + 0x1000u);
  c->snd_next[0] = c->isn[0] + 1;
  c->snd_next[1] = c->isn[1] + 1;
  c->connect_started = engine_.now();
  if (c->host[1] != kNoHost)
    if (auto mtu = net_.path_mtu(from, c->host[1])) c->mss = std::max<std::uint32_t>(*mtu, 576) - kTcpIpHeader;
  const std::uint64_t id = c->id;
  conns_.emplace(id, std::move(c));
  send_syn(id, 0);
  return SocketId{id, 0};
}

void Transport::send_syn(std::uint64_t id, int attempt) {
  auto it = conns_.find(id);
  if (it == conns_.end()) return;
  Conn& c = *it->second;
  if (c.established[0] || c.dead[0]) return;
  const Time backoff = cfg_.rto_initial << std::min(attempt, 20);
  if (engine_.now() - c.connect_started >= cfg_.connect_timeout) {
    const bool reachable = c.host[1] != kNoHost && net_.reachable(c.host[0], c.host[1]);
    return fail(id, 0, reachable ? NetError::TimedOut : NetError::Unreachable);
  }
  Segment syn;
  syn.seq = c.isn[0];
  syn.syn = true;
  report(c, 0, syn, engine_.now());
  const Time next = std::min(engine_.now() + backoff, c.connect_started + cfg_.connect_timeout);
  c.syn_timer = engine_.at(next, [this, id, attempt] { send_syn(id, attempt + 1); });
  if (c.host[1] == kNoHost) return;  // nobody has that address: the SYN goes nowhere
  net_.transmit(c.host[0], c.host[1], kTcpIpHeader, [this, id] {
    auto it2 = conns_.find(id);
    if (it2 == conns_.end()) return;
    Conn& cc = *it2->second;
    if (!listening(cc.host[1], cc.port[1])) {
      // RST back to the client: connection refused.
      Segment rst;
      rst.seq = 0;
      PacketInfo info = packet_info(engine_.now(), false, cc.addr[1], cc.addr[0], cc.port[1], cc.port[0]);
      info.rst = info.has_ack = true;
      info.ack = cc.isn[0] + 1;
      if (observer_) observer_(info);
      net_.transmit(cc.host[1], cc.host[0], kTcpIpHeader, [this, id] { fail(id, 0, NetError::Refused); }, [] {});
      return;
    }
    // SYN-ACK, retransmitted until the client's ACK arrives.
    auto synack = [this, id](auto&& self) -> void {
      auto it3 = conns_.find(id);
      if (it3 == conns_.end()) return;
      Conn& k = *it3->second;
      if (k.established[1] || k.dead[1]) return;
      if (k.synack_attempts > cfg_.max_retransmissions) return;
      Segment sa;
      sa.seq = k.isn[1];
      sa.syn = true;
      k.rcv_next[1] = k.isn[0] + 1;
      report(k, 1, sa, engine_.now());
      engine_.cancel(k.synack_timer);
      k.synack_timer = engine_.after(cfg_.rto_initial << std::min(k.synack_attempts++, 20), [self] { self(self); });
      net_.transmit(k.host[1], k.host[0], kTcpIpHeader, [this, id] {
        auto it4 = conns_.find(id);
        if (it4 == conns_.end()) return;
        Conn& m = *it4->second;
        if (m.dead[0]) return;
        const bool first = !m.established[0];
        m.established[0] = true;
        m.rcv_next[0] = m.isn[1] + 1;
        engine_.cancel(m.syn_timer);
        // The handshake's third packet: the server accepts when it arrives.
        report_ack(m, 0, engine_.now());
        net_.transmit(m.host[0], m.host[1], kTcpIpHeader, [this, id] {
          auto it5 = conns_.find(id);
          if (it5 == conns_.end()) return;
          Conn& n = *it5->second;
          if (n.established[1] || n.dead[1]) return;
          engine_.cancel(n.synack_timer);
          auto acc = listeners_.find({n.host[1], n.port[1]});
          if (acc == listeners_.end()) return fail(id, 0, NetError::Reset);
          n.established[1] = true;
          n.handler[1] = acc->second(SocketId{id, 1});
          if (!n.handler[1]) return fail(id, 0, NetError::Reset);
          n.handler[1]->on_open(SocketId{id, 1});
          if (conns_.count(id) && !n.unsent[1].empty()) send(SocketId{id, 1}, std::exchange(n.unsent[1], {}));
        }, [] {});
        if (!first) return;
        if (m.handler[0]) m.handler[0]->on_open(SocketId{id, 0});
        if (!conns_.count(id)) return;
        if (!m.unsent[0].empty()) send(SocketId{id, 0}, std::exchange(m.unsent[0], {}));
        if (m.close_pending[0]) close(SocketId{id, 0});
      }, [] {});
    };
    synack(synack);
  }, [] {});
}

void Transport::send(SocketId s, std::string_view bytes) {
  auto it = conns_.find(s.conn);
  if (it == conns_.end() || bytes.empty()) return;
  Conn& c = *it->second;
  if (c.dead[s.side] || c.fin_sent[s.side]) return;
  if (!c.established[s.side]) {
    c.unsent[s.side].append(bytes);
    return;
  }
  for (std::size_t off = 0; off < bytes.size(); off += c.mss) {
    auto seg = std::make_shared<Segment>();
    seg->payload.assign(bytes.substr(off, c.mss));
    seg->seq = c.snd_next[s.side];
    c.snd_next[s.side] += static_cast<std::uint32_t>(seg->payload.size());
    seg->first_sent = engine_.now();
    send_segment(c, s.side, std::move(seg));
  }
}

void Transport::close(SocketId s) {
  auto it = conns_.find(s.conn);
  if (it == conns_.end()) return;
  Conn& c = *it->second;
  c.handler[s.side] = nullptr;
  if (c.fin_sent[s.side] || c.dead[s.side]) return;
  if (!c.established[s.side]) {
    if (s.side == 0 && c.unsent[0].empty()) {  // nothing to say yet: abandon the attempt
      c.dead[0] = true;
      engine_.cancel(c.syn_timer);
      conns_.erase(it);
      return;
    }
    c.close_pending[s.side] = true;
    return;
  }
  auto fin = std::make_shared<Segment>();
  fin->fin = true;
  fin->seq = c.snd_next[s.side]++;
  fin->first_sent = engine_.now();
  c.fin_sent[s.side] = true;
  send_segment(c, s.side, std::move(fin));
}

void Transport::send_segment(Conn& c, int side, std::shared_ptr<Segment> seg) {
  report(c, side, *seg, engine_.now());
  const std::uint64_t id = c.id;
  const auto size = static_cast<std::uint32_t>(kTcpIpHeader + seg->payload.size());
  net_.transmit(c.host[side], c.host[1 - side], size,
                [this, id, side, seg] { on_segment_arrival(id, 1 - side, seg); },
                [this, id, side, seg] {
                  // Lost: the sender notices when its retransmission timer expires.
                  auto it = conns_.find(id);
                  if (it == conns_.end()) return;
                  if (++seg->attempts > cfg_.max_retransmissions) return fail(id, side, NetError::TimedOut);
                  Time rto = 0;
                  for (int i = 0; i < seg->attempts; ++i) rto += cfg_.rto_initial << (i < 20 ? i : 20);
                  const Time when = std::max(engine_.now(), seg->first_sent + rto);
                  engine_.at(when, [this, id, side, seg] {
                    auto it2 = conns_.find(id);
                    if (it2 != conns_.end()) send_segment(*it2->second, side, seg);
                  });
                });
}

void Transport::on_segment_arrival(std::uint64_t id, int to_side, std::shared_ptr<Segment> seg) {
  auto it = conns_.find(id);
  if (it == conns_.end()) return;
  Conn& c = *it->second;
  bool in_order = false;
  if (seg->seq == c.rcv_next[to_side]) {
    in_order = true;
    c.out_of_order[to_side].emplace(seg->seq, seg);
    deliver_in_order(c, to_side);
  } else if (seg->seq > c.rcv_next[to_side] && seg->seq - c.rcv_next[to_side] < (1u << 30)) {
    c.out_of_order[to_side].emplace(seg->seq, seg);
  }
  if (!conns_.count(id)) return;
  // A reply sent while handling the data already carried the acknowledgement; a pure ACK
  // now would be a duplicate. Out-of-order or repeated segments do get a (real) dup ACK.
  if (!in_order || c.acked[to_side] != c.rcv_next[to_side]) report_ack(c, to_side, engine_.now());
}

void Transport::deliver_in_order(Conn& c, int side) {
  const std::uint64_t id = c.id;
  auto& ooo = c.out_of_order[side];
  while (!ooo.empty() && ooo.begin()->first == c.rcv_next[side]) {
    std::shared_ptr<Segment> seg = ooo.begin()->second;
    ooo.erase(ooo.begin());
    if (seg->fin) {
      c.rcv_next[side] += 1;
      c.fin_rcvd[side] = true;
      if (StreamHandler* h = c.handler[side]) h->on_peer_closed(SocketId{id, static_cast<std::uint8_t>(side)});
      maybe_finish(id);
      return;
    }
    c.rcv_next[side] += static_cast<std::uint32_t>(seg->payload.size());
    if (StreamHandler* h = c.handler[side]) h->on_data(SocketId{id, static_cast<std::uint8_t>(side)}, seg->payload);
    if (!conns_.count(id)) return;  // the handler's reaction ended the connection
  }
}

void Transport::maybe_finish(std::uint64_t id) {
  engine_.after(0, [this, id] {
    auto it = conns_.find(id);
    if (it == conns_.end()) return;
    Conn& c = *it->second;
    const bool side_done[2] = {c.dead[0] || (c.fin_sent[0] && c.fin_rcvd[1]),
                               c.dead[1] || (c.fin_sent[1] && c.fin_rcvd[0])};
    if (side_done[0] && side_done[1]) conns_.erase(it);
  });
}

void Transport::fail(std::uint64_t id, int side, NetError err) {
  auto it = conns_.find(id);
  if (it == conns_.end()) return;
  Conn& c = *it->second;
  StreamHandler* h[2] = {c.handler[0], c.handler[1]};
  const bool was_open[2] = {!c.dead[0], !c.dead[1]};
  c.handler[0] = c.handler[1] = nullptr;
  c.dead[0] = c.dead[1] = true;
  engine_.cancel(c.syn_timer);
  engine_.cancel(c.synack_timer);
  conns_.erase(it);
  if (h[side] && was_open[side]) h[side]->on_error(SocketId{id, static_cast<std::uint8_t>(side)}, err);
  if (h[1 - side] && was_open[1 - side])
    h[1 - side]->on_error(SocketId{id, static_cast<std::uint8_t>(1 - side)}, NetError::Reset);
}

void Transport::crash_host(HostId host) {
  std::vector<std::pair<std::uint64_t, int>> victims;
  for (auto& [id, c] : conns_) {
    for (int side = 0; side < 2; ++side)
      if (c->host[side] == host) victims.emplace_back(id, side);
  }
  std::sort(victims.begin(), victims.end());  // deterministic order
  for (auto [id, side] : victims) {
    auto it = conns_.find(id);
    if (it == conns_.end()) continue;
    StreamHandler* own = it->second->dead[side] ? nullptr : it->second->handler[side];
    it->second->handler[side] = nullptr;  // the crashed host's agents are gone
    fail(id, 1 - side, NetError::Reset);
    // The crashed end hears of it last, with its host already down, only so that a
    // self-owned client session can drop its timers; it must not act on it. Without
    // this, an SMTP client's timeout fired minutes later, after the restart, and its
    // caller went on to the next MX: a second delivery of an already requeued message.
    if (own) own->on_error(SocketId{id, static_cast<std::uint8_t>(side)}, NetError::Reset);
  }
  for (auto it = udp_.begin(); it != udp_.end();) it = it->first.first == host ? udp_.erase(it) : std::next(it);
}

void Transport::report(Conn& c, int side, const Segment& seg, Time when) {
  if (!observer_) return;
  PacketInfo info = packet_info(when, false, c.addr[side], c.addr[1 - side], c.port[side], c.port[1 - side]);
  info.seq = seg.seq;
  info.syn = seg.syn;
  info.fin = seg.fin;
  info.has_ack = !(seg.syn && side == 0);
  info.ack = info.has_ack ? c.rcv_next[side] : 0;
  if (info.has_ack) c.acked[side] = info.ack;
  info.payload = seg.payload;
  observer_(info);
}

void Transport::report_ack(Conn& c, int side, Time when) {
  if (!observer_) return;
  PacketInfo info = packet_info(when, false, c.addr[side], c.addr[1 - side], c.port[side], c.port[1 - side]);
  info.seq = c.snd_next[side];
  info.has_ack = true;
  info.ack = c.rcv_next[side];
  c.acked[side] = info.ack;
  observer_(info);
}

void Transport::bind_udp(HostId host, std::uint16_t port, DatagramHandler handler) {
  udp_[{host, port}] = std::move(handler);
}
void Transport::unbind_udp(HostId host, std::uint16_t port) { udp_.erase({host, port}); }

void Transport::send_datagram(HostId from, std::uint16_t from_port, std::uint32_t to_addr, std::uint16_t to_port,
                              std::string bytes) {
  const std::uint32_t from_addr = net_.host(from).address;
  if (observer_) {
    PacketInfo info = packet_info(engine_.now(), true, from_addr, to_addr, from_port, to_port);
    info.payload = bytes;
    observer_(info);
  }
  const auto to = net_.host_by_address(to_addr);
  if (!to) return;
  const auto size = static_cast<std::uint32_t>(kUdpIpHeader + bytes.size());
  auto payload = std::make_shared<std::string>(std::move(bytes));
  net_.transmit(from, *to, size, [this, to = *to, to_port, from_addr, from_port, payload] {
    auto it = udp_.find({to, to_port});
    if (it != udp_.end()) it->second(from_addr, from_port, *payload);
  }, [] {});
}

}  // namespace mailsim::sim
