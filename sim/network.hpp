#pragma once
// The simulated network: hosts with IPv4 addresses joined by links. Each link direction
// is a FIFO queue (store and forward): a packet waits until the direction is free, takes
// size*8/bandwidth to serialize, then `latency` to propagate. Forwarding is hop by hop,
// with next hops from Boost.Graph shortest paths (by latency) over the links and hosts
// that are up; the tables are rebuilt whenever a link or host changes state.
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "sim/engine.hpp"

namespace mailsim::sim {

using HostId = std::uint32_t;
using LinkId = std::uint32_t;
inline constexpr HostId kNoHost = UINT32_MAX;

struct HostSpec {
  std::string name;
  std::uint32_t address = 0;  // IPv4, host byte order
  std::string role;           // pc, mailserver, dns, router, relay
};

struct LinkSpec {
  HostId a = kNoHost, b = kNoHost;
  Time latency = kMillisecond;
  std::uint64_t bandwidth_bps = 100'000'000;
  double loss = 0.0;       // probability that a packet is dropped on this link
  std::uint32_t mtu = 1500;
};

// Serialization time of `bytes` at `bandwidth_bps`, rounded up to a whole microsecond.
Time serialization_time(std::uint64_t bytes, std::uint64_t bandwidth_bps);

// What a unit crossing the current path meets: total propagation delay, the slowest link
// (where serialization takes longest) and the smallest MTU.
struct PathInfo {
  Time latency = 0;
  std::uint64_t bottleneck_bps = UINT64_MAX;
  std::uint32_t mtu = UINT32_MAX;
};

struct Packet;  // defined by the transport; the network moves it without looking inside

class Network {
 public:
  explicit Network(Engine& engine);

  HostId add_host(HostSpec spec);
  LinkId add_link(LinkSpec spec);

  std::size_t host_count() const { return hosts_.size(); }
  std::size_t link_count() const { return links_.size(); }
  const HostSpec& host(HostId id) const { return hosts_[id].spec; }
  const LinkSpec& link(LinkId id) const { return links_[id].spec; }
  std::optional<HostId> find_host(std::string_view name) const;
  std::optional<HostId> host_by_address(std::uint32_t address) const;

  bool link_up(LinkId id) const { return links_[id].up; }
  bool host_up(HostId id) const { return hosts_[id].up; }
  void set_link_up(LinkId id, bool up);
  void set_host_up(HostId id, bool up);
  // Extra loss on a link, for loss bursts; the effective loss is max(spec.loss, extra).
  void set_extra_loss(LinkId id, double loss);

  // The current path from `from` to `to` (both up), or nullopt when there is none.
  std::optional<PathInfo> path(HostId from, HostId to);
  // Smallest MTU along the current path, or nullopt when `to` is unreachable.
  std::optional<std::uint32_t> path_mtu(HostId from, HostId to);
  bool reachable(HostId from, HostId to) { return path_mtu(from, to).has_value(); }

  // Moves `size` bytes from `from` to `to` hop by hop. Calls `arrived(time)` at the
  // destination, or `dropped()` when the packet is lost, meets a down link/host or has
  // no route. Exactly one of the two is called, from an engine event. With `lose`, the
  // packet is lost on its first link whatever that link's loss rate (fault injection).
  void transmit(HostId from, HostId to, std::uint32_t size, InlineAction arrived, InlineAction dropped,
                bool lose = false);

  std::uint64_t packets_dropped() const { return dropped_; }

 private:
  struct HostState {
    HostSpec spec;
    bool up = true;
    std::vector<LinkId> links;
  };
  struct LinkState {
    LinkSpec spec;
    bool up = true;
    double extra_loss = 0.0;
    Time busy_until[2] = {0, 0};  // per direction: 0 is a->b, 1 is b->a
  };
  // Packets on their way live in a slot table reused through a free list: a hop schedules
  // an event that captures only the slot number, so forwarding allocates nothing.
  struct InFlight {
    HostId at = kNoHost, to = kNoHost;
    std::uint32_t size = 0;
    bool lose = false;
    InlineAction arrived, dropped;
  };
  // next_hop_[dst][node] = link to take from node toward dst (or UINT32_MAX).
  const std::vector<LinkId>& next_hops_toward(HostId dst);
  void forward(std::uint32_t slot);
  void finish(std::uint32_t slot, bool arrived);
  void invalidate_routes() { next_hop_.clear(); }

  Engine& engine_;
  Rng loss_rng_;
  std::vector<HostState> hosts_;
  std::vector<LinkState> links_;
  std::unordered_map<std::string, HostId> by_name_;
  std::unordered_map<std::uint32_t, HostId> by_address_;
  std::unordered_map<HostId, std::vector<LinkId>> next_hop_;
  std::vector<InFlight> in_flight_;
  std::vector<std::uint32_t> free_in_flight_;
  std::uint64_t dropped_ = 0;
};

}  // namespace mailsim::sim
