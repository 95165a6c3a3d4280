#pragma once
// The subcommands behind the CLI, kept apart from CLI11 (which only cli/main.cpp includes).
#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "cli/lib/scenario.hpp"

namespace mailsim::app {

inline constexpr int kExitOk = 0;
inline constexpr int kExitInternal = 1;
inline constexpr int kExitInvalidInput = 2;

// What the summary printer needs besides the ledger's summary.
struct RunReport {
  std::string scenario;
  std::uint64_t seed = 0;
  std::uint64_t events = 0;
  std::int64_t end_us = 0;
  nlohmann::json summary;
};

struct RunArgs {
  std::string file;
  std::optional<std::uint64_t> seed;
  std::string trace_out, summary_out, export_dir, pcap_out;
  std::string packets_out;  // --trace-packets: every packet, for the viewer's lower-layer view
  std::string trace_format;  // "json", "jsonl" or "" (by the file's extension: .jsonl, else json)
  std::string narrate;  // "", "en" or "es"
  bool pause = false;
  bool quiet = false;
  bool no_content = false;
  // With "external" servers: the real seconds a real server may stay silent at any step
  // (greeting, reply, after the data). See docs/live-mode.md.
  double external_timeout = 30;
  LoadOptions load;
  // Called with the whole trace document after the run (narration); keeps a copy in memory.
  std::function<void(const nlohmann::json&)> on_trace;
  // Prints the run's summary for people (the CLI wires in the catalogue of the chosen language).
  std::function<void(const RunReport&)> print_summary;
};

struct ServeArgs {
  std::string file;
  std::string bind = "127.0.0.1";
  int base_port = 0;  // 0: the OS chooses each port
  std::string ports_file;
  double speed = 1.0;
  std::string trace_out, summary_out;
  std::string trace_format;
  std::optional<std::uint64_t> seed;
  double for_seconds = 0;  // 0: until SIGINT/SIGTERM
  bool with_clients = false;  // also run the scenario's own MUAs and messages
  bool quiet = false;
  LoadOptions load;
  std::function<void(const RunReport&)> print_summary;
};

int run_command(const RunArgs& args);
// Live mode: real clients on loopback talk to the simulated servers (docs/live-mode.md).
int serve_command(const ServeArgs& args);
int validate_command(const std::string& file, const LoadOptions& options);

struct NewArgs {
  std::string template_name, file;
  bool list = false;
  bool force = false;
};
// `mailsim new TEMPLATE FILE`: a scenario to start from (built-in templates; --list).
int new_command(const NewArgs& args);

// `mailsim generate`: a whole scenario with a traffic section from a few numbers.
struct GenerateArgs {
  std::string file;  // "" or "-": standard output
  bool force = false;
  std::string name = "generated";
  std::size_t domains = 4, servers_per_domain = 1, users = 100;
  std::string rate = "1/s", per = "total";
  std::uint64_t messages = 0;  // 0: no limit but --until
  std::string until = "1h", drain = "1h";
  std::string user_latency = "1ms", server_latency = "20ms", poll = "10s";
  std::uint64_t seed = 1;
  double zipf = 0;          // 0: uniform recipients
  double same_domain = -1;  // < 0: no preference
  double unknown = 0, unreachable = 0;
  std::vector<double> per_message;  // weights of 1, 2, … recipients; empty: always one
  std::string size;         // "" : the default (2000 octets)
  std::string network = "packets";  // the network model: packets or lines
  double sigma = 0;
};
// The scenario text, or nullopt with `error` saying which flag is wrong.
std::optional<std::string> generate_scenario(const GenerateArgs& args, std::string& error);
int generate_command(const GenerateArgs& args);

}  // namespace mailsim::app
