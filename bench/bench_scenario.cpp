// Whole-simulation throughput on the generated load scenario (scenarios/load.json):
// messages per second of wall time, with the trace off as a large run would have it.
#include <benchmark/benchmark.h>

#include "cli/lib/world.hpp"

static void BM_LoadScenario(benchmark::State& state) {
  const auto scenario = mailsim::app::load_scenario(MAILSIM_SOURCE_DIR "/scenarios/load.json");
  std::size_t messages = scenario.messages.size();
  for (auto _ : state) {
    mailsim::app::World world(scenario, mailsim::app::RunOptions{false, false, std::nullopt});
    world.run();
    benchmark::DoNotOptimize(world.ledger().totals().delivered);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * messages));
}
BENCHMARK(BM_LoadScenario)->Unit(benchmark::kMillisecond)->Iterations(3);
