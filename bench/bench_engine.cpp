// Engine throughput: the hot path every simulated packet and timer goes through.
#include <benchmark/benchmark.h>

#include "sim/engine.hpp"

using namespace mailsim::sim;

// N events scheduled at random times, then run: heap push + pop + dispatch per event.
static void BM_ScheduleAndRun(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  for (auto _ : state) {
    Engine e(1);
    Rng r(1, "bench");
    std::uint64_t sum = 0;
    for (std::size_t i = 0; i < n; ++i) e.at(static_cast<Time>(r.below(1'000'000)), [&sum] { ++sum; });
    e.run();
    benchmark::DoNotOptimize(sum);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * n));
}
BENCHMARK(BM_ScheduleAndRun)->Arg(1'000)->Arg(1'000'000);

// Timers that are mostly cancelled before they fire, as protocol timeouts are.
static void BM_CancelHeavy(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  for (auto _ : state) {
    Engine e(1);
    for (std::size_t i = 0; i < n; ++i) {
      TimerId t = e.after(static_cast<Time>(i + 1000), [] {});
      e.after(static_cast<Time>(i), [&e, t] { e.cancel(t); });
    }
    e.run();
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * n));
}
BENCHMARK(BM_CancelHeavy)->Arg(100'000);
