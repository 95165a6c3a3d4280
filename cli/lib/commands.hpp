#pragma once
// The subcommands behind the CLI, kept apart from CLI11 (which only cli/main.cpp includes).
#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace mailsim::app {

inline constexpr int kExitOk = 0;
inline constexpr int kExitInternal = 1;
inline constexpr int kExitInvalidInput = 2;

struct RunArgs {
  std::string file;
  std::optional<std::uint64_t> seed;
  std::string trace_out, summary_out, export_dir, pcap_out;
  std::string narrate;  // "", "en" or "es"
  bool pause = false;
  bool quiet = false;
  bool no_content = false;
  // Called with the trace document after the run (narration); forces tracing on.
  std::function<void(const nlohmann::json&)> on_trace;
};

int run_command(const RunArgs& args);
int validate_command(const std::string& file);

}  // namespace mailsim::app
