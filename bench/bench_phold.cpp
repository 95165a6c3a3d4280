// PHOLD (Fujimoto's synthetic benchmark for event engines): kLps logical processes, one
// event each at the start; every event picks a random LP and schedules one new event for
// it after an exponential delay. The same model runs on mailsim's Engine and on a bare
// std::priority_queue loop with the same random numbers, in the same process, so the
// ratio of the two rates is the engine's own overhead (slot table, cancellable timers,
// type-erased actions). Target: engine >= 0.9 x bare.
#include <benchmark/benchmark.h>

#include <time.h>

#include <cstdint>
#include <queue>
#include <vector>

#include "sim/engine.hpp"

using namespace mailsim::sim;

namespace {

constexpr std::uint32_t kLps = 1000;
constexpr double kMeanDelayUs = 1000.0;

// What an LP does with an event: a little state, then the next event's target and delay.
struct Model {
  Rng rng{42, "phold"};
  std::vector<std::uint64_t> handled = std::vector<std::uint64_t>(kLps, 0);
  std::uint32_t next_lp() { return static_cast<std::uint32_t>(rng.below(kLps)); }
  Time delay() { return 1 + static_cast<Time>(rng.exponential(kMeanDelayUs)); }
};

struct EngineRun {
  Engine engine{1};
  Model model;
  std::uint64_t left = 0;
  void handle(std::uint32_t lp) {
    ++model.handled[lp];
    if (left == 0) return;
    --left;
    const std::uint32_t to = model.next_lp();
    engine.after(model.delay(), [this, to] { handle(to); });
  }
};

std::uint64_t run_engine(std::uint64_t events) {
  EngineRun r;
  r.left = events;
  for (std::uint32_t lp = 0; lp < kLps; ++lp) {
    const Time d = r.model.delay();
    r.engine.at(d, [&r, lp] { r.handle(lp); });
  }
  r.engine.run();
  return r.engine.events_run();
}

struct BareEvent {
  Time time;
  std::uint64_t seq;
  std::uint32_t lp;
  bool operator>(const BareEvent& o) const { return time != o.time ? time > o.time : seq > o.seq; }
};

std::uint64_t run_bare(std::uint64_t events) {
  Model model;
  std::priority_queue<BareEvent, std::vector<BareEvent>, std::greater<>> queue;
  std::uint64_t seq = 0, run = 0, left = events;
  for (std::uint32_t lp = 0; lp < kLps; ++lp) queue.push({model.delay(), ++seq, lp});
  while (!queue.empty()) {
    const BareEvent e = queue.top();
    queue.pop();
    ++run;
    ++model.handled[e.lp];
    if (left == 0) continue;
    --left;
    queue.push({e.time + model.delay(), ++seq, model.next_lp()});
  }
  return run;
}

constexpr std::uint64_t kEvents = 2'000'000;

void BM_PholdEngine(benchmark::State& state) {
  std::uint64_t n = 0;
  for (auto _ : state) n += run_engine(kEvents);
  state.SetItemsProcessed(static_cast<std::int64_t>(n));
}
BENCHMARK(BM_PholdEngine)->Unit(benchmark::kMillisecond);

void BM_PholdBare(benchmark::State& state) {
  std::uint64_t n = 0;
  for (auto _ : state) n += run_bare(kEvents);
  state.SetItemsProcessed(static_cast<std::int64_t>(n));
}
BENCHMARK(BM_PholdBare)->Unit(benchmark::kMillisecond);

double thread_cpu_seconds() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) * 1e-9;
}

// Both, alternately in each iteration, timed in this thread's CPU time, so that the ratio
// compares like with like on a shared machine; `ratio` is engine rate / bare rate.
void BM_PholdRatio(benchmark::State& state) {
  double engine_s = 0, bare_s = 0;
  std::uint64_t engine_n = 0, bare_n = 0;
  for (auto _ : state) {
    const double t0 = thread_cpu_seconds();
    bare_n += run_bare(kEvents);
    const double t1 = thread_cpu_seconds();
    engine_n += run_engine(kEvents);
    const double t2 = thread_cpu_seconds();
    bare_s += t1 - t0;
    engine_s += t2 - t1;
  }
  state.counters["engine_ev_per_s"] = static_cast<double>(engine_n) / engine_s;
  state.counters["bare_ev_per_s"] = static_cast<double>(bare_n) / bare_s;
  state.counters["ratio"] = (static_cast<double>(engine_n) / engine_s) / (static_cast<double>(bare_n) / bare_s);
}
BENCHMARK(BM_PholdRatio)->Unit(benchmark::kMillisecond)->Iterations(10);

}  // namespace
