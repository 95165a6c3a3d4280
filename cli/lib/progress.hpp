#pragma once
// Progress of a long run on stderr, for a person at a terminal: simulated time against
// `until`, messages submitted and settled, events per second and an estimate of the time
// left. Nothing for the first two seconds, nothing when stderr is not a terminal (or with
// -q): logs and pipes get no carriage returns.
#include <chrono>
#include <cstdint>
#include <string>

namespace mailsim::app {

class World;

class Progress {
 public:
  Progress(World& world, bool enabled);
  ~Progress();  // clears the line it wrote
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  // The line for a state of the run (exposed for tests).
  static std::string line(double sim_s, double until_s, std::uint64_t submitted, std::uint64_t settled,
                          std::uint64_t planned, double events_per_s, double eta_s);

 private:
  using Clock = std::chrono::steady_clock;
  void tick();

  World& world_;
  Clock::time_point start_, last_;
  Clock::duration quiet_start_ = std::chrono::seconds(2);
  std::uint64_t planned_ = 0;  // messages the run will compose, when known (else 0)
  bool shown_ = false;
};

}  // namespace mailsim::app
