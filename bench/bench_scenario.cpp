// The mail flow of docs/performance.md, end to end through `mailsim run`: 50 domains with
// one server each, 1000 users, Poisson arrivals at 1000 messages/s in all, each to a random
// user of another domain, PCs 1 ms from their server, servers 20 ms apart, POP3 polls every
// 10 s. Scenario written by `mailsim generate` (the same code), then run in either network
// model, with the trace off or streaming to a JSON Lines file. Reported: messages per second
// of wall time (items_per_second) and the run's events.
//
//   build/bench/mailsim_bench --benchmark_filter=MailFlow
#include <benchmark/benchmark.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>

#include <nlohmann/json.hpp>

#include "cli/lib/commands.hpp"

namespace {

namespace fs = std::filesystem;
using mailsim::app::GenerateArgs;

std::string flow_scenario(std::uint64_t messages, const char* model) {
  const fs::path file = fs::temp_directory_path() / ("mailsim-bench-flow-" + std::to_string(messages) + "-" + model + ".json");
  if (fs::exists(file)) return file.string();
  GenerateArgs g;
  g.domains = 50;
  g.users = 1000;
  g.rate = "1000/s";
  g.per = "total";
  g.messages = messages;
  g.until = "10d";
  g.user_latency = "1ms";
  g.server_latency = "20ms";
  g.poll = "10s";
  g.same_domain = 0;
  std::string error;
  const auto text = mailsim::app::generate_scenario(g, error);
  if (!text) throw std::runtime_error("generate: " + error);
  auto doc = nlohmann::json::parse(*text);
  doc["network"] = {{"model", model}};
  std::ofstream(file) << doc.dump();
  return file.string();
}

// args: messages, model (0 packets, 1 lines), trace (0 off, 1 JSON Lines to a file)
void BM_MailFlow(benchmark::State& state) {
  const auto messages = static_cast<std::uint64_t>(state.range(0));
  const char* model = state.range(1) ? "lines" : "packets";
  mailsim::app::RunArgs args;
  args.file = flow_scenario(messages, model);
  args.quiet = true;
  const fs::path trace = fs::temp_directory_path() / "mailsim-bench-flow-trace.jsonl";
  if (state.range(2)) args.trace_out = trace.string();
  for (auto _ : state) {
    if (mailsim::app::run_command(args) != 0) state.SkipWithError("the run failed");
  }
  if (state.range(2)) {
    state.counters["trace_MB"] = static_cast<double>(fs::file_size(trace)) / 1e6;
    fs::remove(trace);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * messages));
  state.SetLabel(std::string(model) + (state.range(2) ? ", trace jsonl" : ", trace off"));
}
BENCHMARK(BM_MailFlow)
    ->ArgNames({"messages", "lines", "trace"})
    ->Args({10'000, 0, 0})->Args({10'000, 0, 1})->Args({10'000, 1, 0})->Args({10'000, 1, 1})
    ->Args({100'000, 0, 0})->Args({100'000, 0, 1})->Args({100'000, 1, 0})->Args({100'000, 1, 1})
    ->Args({1'000'000, 1, 0})
    ->Unit(benchmark::kSecond)->Iterations(1);

}  // namespace
