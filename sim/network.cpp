#include "sim/network.hpp"

#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/dijkstra_shortest_paths.hpp>
#include <memory>
#include <stdexcept>
#include <utility>

namespace mailsim::sim {

Time serialization_time(std::uint64_t bytes, std::uint64_t bandwidth_bps) {
  if (bandwidth_bps == 0) return 0;
  const unsigned __int128 bits_us = static_cast<unsigned __int128>(bytes) * 8u * 1'000'000u;
  return static_cast<Time>((bits_us + bandwidth_bps - 1) / bandwidth_bps);
}

Network::Network(Engine& engine) : engine_(engine), loss_rng_(engine.rng("network.loss")) {}

HostId Network::add_host(HostSpec spec) {
  if (by_name_.count(spec.name)) throw std::invalid_argument("duplicate host name " + spec.name);
  if (by_address_.count(spec.address)) throw std::invalid_argument("duplicate address for host " + spec.name);
  const HostId id = static_cast<HostId>(hosts_.size());
  by_name_.emplace(spec.name, id);
  by_address_.emplace(spec.address, id);
  hosts_.push_back(HostState{std::move(spec), true, {}});
  invalidate_routes();
  return id;
}

LinkId Network::add_link(LinkSpec spec) {
  if (spec.a >= hosts_.size() || spec.b >= hosts_.size() || spec.a == spec.b)
    throw std::invalid_argument("link between unknown or identical hosts");
  const LinkId id = static_cast<LinkId>(links_.size());
  hosts_[spec.a].links.push_back(id);
  hosts_[spec.b].links.push_back(id);
  links_.push_back(LinkState{spec, true, 0.0, {0, 0}});
  invalidate_routes();
  return id;
}

std::optional<HostId> Network::find_host(std::string_view name) const {
  auto it = by_name_.find(std::string(name));
  if (it == by_name_.end()) return std::nullopt;
  return it->second;
}

std::optional<HostId> Network::host_by_address(std::uint32_t address) const {
  auto it = by_address_.find(address);
  if (it == by_address_.end()) return std::nullopt;
  return it->second;
}

void Network::set_link_up(LinkId id, bool up) {
  if (links_[id].up == up) return;
  links_[id].up = up;
  invalidate_routes();
}

void Network::set_host_up(HostId id, bool up) {
  if (hosts_[id].up == up) return;
  hosts_[id].up = up;
  invalidate_routes();
}

void Network::set_extra_loss(LinkId id, double loss) { links_[id].extra_loss = loss; }

const std::vector<LinkId>& Network::next_hops_toward(HostId dst) {
  auto it = next_hop_.find(dst);
  if (it != next_hop_.end()) return it->second;

  // Shortest paths from dst over the live part of the graph; a node's predecessor edge
  // is then its next hop toward dst. Vertices and edges are added in id order, so ties
  // resolve the same way on every run.
  using Graph = boost::adjacency_list<boost::vecS, boost::vecS, boost::undirectedS, boost::no_property,
                                      boost::property<boost::edge_weight_t, Time, boost::property<boost::edge_index_t, LinkId>>>;
  Graph g(hosts_.size());
  for (LinkId l = 0; l < links_.size(); ++l) {
    const LinkState& s = links_[l];
    if (!s.up || !hosts_[s.spec.a].up || !hosts_[s.spec.b].up) continue;
    boost::add_edge(s.spec.a, s.spec.b, {s.spec.latency, l}, g);
  }
  std::vector<Graph::vertex_descriptor> pred(hosts_.size());
  std::vector<Time> dist(hosts_.size());
  boost::dijkstra_shortest_paths(g, dst,
                                 boost::predecessor_map(pred.data()).distance_map(dist.data()));
  std::vector<LinkId> hops(hosts_.size(), UINT32_MAX);
  auto index = boost::get(boost::edge_index, g);
  for (HostId v = 0; v < hosts_.size(); ++v) {
    if (v == dst || pred[v] == v) continue;
    // Among parallel edges, take the one whose latency explains the distance (lowest id).
    LinkId best = UINT32_MAX;
    for (auto [e, end] = boost::out_edges(v, g); e != end; ++e) {
      if (boost::target(*e, g) != pred[v]) continue;
      const LinkId l = index[*e];
      if (dist[pred[v]] + links_[l].spec.latency == dist[v] && l < best) best = l;
    }
    hops[v] = best;
  }
  return next_hop_.emplace(dst, std::move(hops)).first->second;
}

std::optional<PathInfo> Network::path(HostId from, HostId to) {
  if (!hosts_[from].up || !hosts_[to].up) return std::nullopt;
  PathInfo info;
  const std::vector<LinkId>& hops = next_hops_toward(to);
  HostId at = from;
  for (std::size_t guard = 0; at != to; ++guard) {
    if (guard > hosts_.size()) return std::nullopt;
    const LinkId l = hops[at];
    if (l == UINT32_MAX) return std::nullopt;
    const LinkSpec& spec = links_[l].spec;
    info.latency += spec.latency;
    info.bottleneck_bps = std::min(info.bottleneck_bps, spec.bandwidth_bps);
    info.mtu = std::min(info.mtu, spec.mtu);
    at = spec.a == at ? spec.b : spec.a;
  }
  return info;
}

std::optional<std::uint32_t> Network::path_mtu(HostId from, HostId to) {
  const auto p = path(from, to);
  if (!p) return std::nullopt;
  return p->mtu == UINT32_MAX ? 65535u : p->mtu;
}

void Network::transmit(HostId from, HostId to, std::uint32_t size, InlineAction arrived, InlineAction dropped,
                       bool lose) {
  std::uint32_t slot;
  if (!free_in_flight_.empty()) {
    slot = free_in_flight_.back();
    free_in_flight_.pop_back();
  } else {
    slot = static_cast<std::uint32_t>(in_flight_.size());
    in_flight_.emplace_back();
  }
  InFlight& p = in_flight_[slot];
  p.at = from;
  p.to = to;
  p.size = size;
  p.lose = lose;
  p.arrived = std::move(arrived);
  p.dropped = std::move(dropped);
  engine_.after(0, [this, slot] { forward(slot); });
}

// Frees the slot before calling back: the callback may transmit again (and reuse it).
void Network::finish(std::uint32_t slot, bool arrived) {
  InlineAction done = std::move(arrived ? in_flight_[slot].arrived : in_flight_[slot].dropped);
  in_flight_[slot].arrived = nullptr;
  in_flight_[slot].dropped = nullptr;
  free_in_flight_.push_back(slot);
  done();
}

void Network::forward(std::uint32_t slot) {
  InFlight& p = in_flight_[slot];
  if (!hosts_[p.at].up) {
    ++dropped_;
    return finish(slot, false);
  }
  if (p.at == p.to) return finish(slot, true);
  const LinkId l = next_hops_toward(p.to)[p.at];
  if (l == UINT32_MAX) {
    ++dropped_;
    return finish(slot, false);
  }
  LinkState& link = links_[l];
  const int dir = link.spec.a == p.at ? 0 : 1;
  const Time depart = std::max(engine_.now(), link.busy_until[dir]);
  const Time tx = serialization_time(p.size, link.spec.bandwidth_bps);
  link.busy_until[dir] = depart + tx;
  const double loss = std::max(link.spec.loss, link.extra_loss);
  const bool injected = std::exchange(p.lose, false);
  if (injected || (loss > 0 && loss_rng_.chance(loss))) {
    // Lost on the wire: it still used the link, and the sender learns only by timeout.
    ++dropped_;
    engine_.at(depart + tx + link.spec.latency, [this, slot] { finish(slot, false); });
    return;
  }
  p.at = dir == 0 ? link.spec.b : link.spec.a;
  engine_.at(depart + tx + link.spec.latency, [this, slot, l] {
    if (!links_[l].up) {  // the link went down while the packet was on it
      ++dropped_;
      return finish(slot, false);
    }
    forward(slot);
  });
}

}  // namespace mailsim::sim
