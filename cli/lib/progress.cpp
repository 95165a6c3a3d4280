#include "cli/lib/progress.hpp"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <iostream>

#include "cli/lib/world.hpp"

namespace mailsim::app {

namespace {
constexpr std::chrono::milliseconds kEvery{500};

std::string clock_text(double s) {
  const auto t = static_cast<long long>(std::llround(std::max(0.0, s)));
  char buf[32];
  if (t >= 3600)
    std::snprintf(buf, sizeof buf, "%lld:%02lld:%02lld", t / 3600, t / 60 % 60, t % 60);
  else
    std::snprintf(buf, sizeof buf, "%lld:%02lld", t / 60, t % 60);
  return buf;
}
}  // namespace

Progress::Progress(World& world, bool enabled) : world_(world), start_(Clock::now()), last_(start_) {
  if (!enabled) return;
  // MAILSIM_PROGRESS_AFTER=SECONDS: show it sooner (tests) or later than the default 2 s.
  if (const char* after = std::getenv("MAILSIM_PROGRESS_AFTER")) {
    char* end = nullptr;
    const double s = std::strtod(after, &end);
    if (end != after && s >= 0 && s < 1e6)
      quiet_start_ = std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(s));
  }
  const Scenario& s = world.scenario();
  planned_ = s.messages.size();
  if (s.traffic) planned_ = s.traffic->max_messages ? planned_ + s.traffic->max_messages : 0;
  world.engine().set_progress([this] { tick(); });
}

Progress::~Progress() {
  world_.engine().set_progress(nullptr);
  if (shown_) std::cerr << "\r\033[K" << std::flush;
}

std::string Progress::line(double sim_s, double until_s, std::uint64_t submitted, std::uint64_t settled,
                           std::uint64_t planned, double events_per_s, double eta_s) {
  char buf[256];
  std::string msgs = std::to_string(submitted) + (planned ? " of " + std::to_string(planned) : "") +
                     " messages submitted, " + std::to_string(settled) + " settled";
  std::snprintf(buf, sizeof buf, "mailsim: simulated %s of %s · %s · %.2g M events/s · ETA %s",
                clock_text(sim_s).c_str(), clock_text(until_s).c_str(), msgs.c_str(), events_per_s / 1e6,
                eta_s < 0 ? "?" : clock_text(eta_s).c_str());
  return buf;
}

void Progress::tick() {
  const auto now = Clock::now();
  if (now - start_ < quiet_start_ || (shown_ && now - last_ < kEvery)) return;
  last_ = now;
  const double wall = std::chrono::duration<double>(now - start_).count();
  const double sim_s = static_cast<double>(world_.engine().now()) / 1e6;
  const double until_s = static_cast<double>(world_.scenario().until) / 1e6;
  const auto t = world_.ledger().totals();
  // Arrivals spread over the run: the share composed so far says how far along it is;
  // without a known total, simulated time against `until` does.
  double done = 0;
  if (planned_) done = static_cast<double>(t.submitted) / static_cast<double>(planned_);
  else if (until_s > 0) done = sim_s / until_s;
  const double eta = done > 0.001 ? wall * (1 - done) / done : -1;
  const double rate = static_cast<double>(world_.engine().events_run()) / wall;
  std::cerr << "\r\033[K" << line(sim_s, until_s, t.submitted, t.delivered + t.bounced + t.rejected, planned_, rate, eta)
            << std::flush;
  shown_ = true;
}

}  // namespace mailsim::app
