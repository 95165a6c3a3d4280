#pragma once
// Generated mail traffic (a scenario's `traffic` section): Poisson arrivals per user, per
// domain or per flow, with an optional daily profile, and for each arrival a message drawn
// from the flow's recipient, size and attachment distributions. Deterministic: each source
// draws from its own stream derived from the root seed. Lazy: each source keeps exactly one
// arrival event pending, so a day of traffic never sits in memory; the sender's MUA composes
// the message when it arrives and states it with the same `composed` fact as a listed one.
#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "agents/mua.hpp"
#include "agents/traffic_config.hpp"
#include "sim/rng.hpp"

namespace mailsim::agents {

// Recipient draws for one flow: uniform or Zipf over the users in declaration order (the
// first is the most popular), excluding the sender, within or outside the sender's domain.
// Every draw is O(log users), without rejection loops.
class RecipientSampler {
 public:
  RecipientSampler(const TrafficConfig& config, RecipientChoice choice, double exponent);
  std::size_t anyone_but(std::size_t sender, sim::Rng& rng) const;
  std::size_t same_domain(std::size_t sender, sim::Rng& rng) const;   // falls back to other domains
  std::size_t other_domain(std::size_t sender, sim::Rng& rng) const;  // falls back to the same domain

 private:
  // Index in [0, cum.size()-1) by weight, skipping the entry `skip` (or none).
  static std::size_t draw(const std::vector<double>& cum, std::optional<std::size_t> skip, sim::Rng& rng);
  const TrafficConfig& config_;
  std::vector<double> cum_;                        // over all users
  std::vector<std::vector<std::size_t>> members_;  // per domain: user indices
  std::vector<std::vector<double>> domain_cum_;    // per domain: over its members
  std::vector<std::size_t> position_;              // user -> position within its domain
  std::vector<double> domain_mass_cum_;            // over domains
};

class TrafficGenerator {
 public:
  // `compose` hands a message to the sender's MUA (user index, message), now.
  using Compose = std::function<void(std::size_t sender, PlannedMessage message)>;
  TrafficGenerator(sim::Engine& engine, std::int64_t start_epoch, TrafficConfig config, Compose compose);
  // Schedules the first arrival of every source.
  void start();
  std::uint64_t generated() const { return generated_; }

  // The next arrival after `from` (µs) for `rate` per second shaped by `profile`, given an
  // Exp(1) draw: exact inversion of the piecewise-constant intensity. kForever when none
  // comes before `stop`.
  static double next_arrival(double from_us, double exp1, double rate_per_second,
                             const std::optional<std::array<double, 24>>& profile, std::int64_t day_offset_s,
                             sim::Time stop);

 private:
  struct Source {
    std::size_t flow = 0;
    std::size_t first = 0, count = 0;  // its senders: flows[flow].senders[first, first + count)
    sim::Rng rng;
    double next_us = 0;
  };
  void schedule(std::size_t source);
  void arrive(std::size_t source);
  PlannedMessage make_message(Source& s, std::size_t sender);

  sim::Engine& engine_;
  std::int64_t start_epoch_;
  TrafficConfig config_;
  Compose compose_;
  std::vector<RecipientSampler> samplers_;  // one per flow
  std::vector<Source> sources_;
  std::vector<std::vector<std::size_t>> group_senders_;  // per flow, senders ordered by group
  std::uint64_t generated_ = 0;
};

}  // namespace mailsim::agents
