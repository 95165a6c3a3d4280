#include "cli/lib/commands.hpp"

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <optional>
#include <iostream>
#include <sstream>

#include "agents/trace/writer.hpp"
#include "cli/lib/live.hpp"
#include "cli/lib/packet_log.hpp"
#include "cli/lib/progress.hpp"
#include "cli/lib/world.hpp"
#include "sim/pcap.hpp"
#include "sim/terminal_text.hpp"

namespace mailsim::app {

namespace {
void write_json(const std::string& path, const nlohmann::json& j) {
  std::ofstream out(path, std::ios::binary);
  if (!out) throw std::runtime_error("cannot write " + path);
  // Real clients (live mode) may send any octets: never fail on invalid UTF-8.
  out << j.dump(1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
  if (!out) throw std::runtime_error("error while writing " + path);
}

// The trace outputs of one run: a file written as the run goes, and/or a copy in memory
// for narration. Both are sinks of the world's trace, so the run itself is unchanged.
class TraceOutputs {
 public:
  TraceOutputs(World& world, const std::string& file, trace::TraceFormat format, bool in_memory) : world_(world) {
    if (!file.empty()) {
      file_.open(file, std::ios::binary);
      if (!file_) throw std::runtime_error("cannot write " + file);
      to_file_ = std::make_unique<trace::TraceWriter>(file_, format, world.trace_header());
      world.trace().add_sink(to_file_.get());
    }
    if (in_memory) {
      to_memory_ = std::make_unique<trace::TraceWriter>(memory_, trace::TraceFormat::Json, world.trace_header());
      world.trace().add_sink(to_memory_.get());
    }
  }
  // Ends both with the summary; returns the in-memory document (null when not kept).
  nlohmann::json finish() {
    // Streamed from the ledger: the summary of a long run is never a tree in memory here.
    const trace::TraceWriter::SummaryText summary = [this](const std::function<void(std::string_view)>& out) {
      world_.ledger().write_summary(world_.engine().now(), out);
    };
    if (to_file_) to_file_->finish(summary);
    if (!to_memory_) return nullptr;
    to_memory_->finish(summary);
    return nlohmann::json::parse(memory_.str());
  }

 private:
  World& world_;
  std::ofstream file_;
  std::ostringstream memory_;
  std::unique_ptr<trace::TraceWriter> to_file_, to_memory_;
};

std::optional<trace::TraceFormat> choose_format(const std::string& name, const std::string& file) {
  if (!name.empty()) return trace::parse_trace_format(name);
  const std::string ext = std::filesystem::path(file).extension().string();
  return ext == ".jsonl" ? trace::TraceFormat::JsonLines : trace::TraceFormat::Json;
}

RunReport report_of(World& world) {
  return RunReport{world.scenario().name, world.seed(), world.engine().events_run(), world.engine().now(),
                   world.summary_json()};
}

// Loads a scenario, or prints every reason it is invalid (the caller then exits with 2).
// Each line starts with FILE:LINE:COL, as compilers write, so editors can jump to it.
std::optional<Scenario> load_or_report(const std::string& file, const LoadOptions& options, bool show_warnings) {
  try {
    Scenario s = load_scenario(file, options);
    if (show_warnings)
      for (const auto& w : s.warnings) std::cerr << text::terminal_safe_lines(w) << "\n";
    return s;
  } catch (const ScenarioError& e) {
    std::cerr << text::terminal_safe_lines(e.what()) << "\nmailsim: invalid scenario\n";
    return std::nullopt;
  }
}
}  // namespace

int validate_command(const std::string& file, const LoadOptions& options) {
  const std::optional<Scenario> s = load_or_report(file, options, true);
  if (!s) return kExitInvalidInput;
  std::cout << text::terminal_safe(file) << ": valid scenario '" << text::terminal_safe(s->name) << "': " << s->hosts.size() << " hosts, " << s->links.size()
            << " links, " << s->servers.size() << " mail servers, " << s->users.size() << " users, "
            << s->messages.size() << " messages, " << s->faults.size() << " faults";
  if (!s->warnings.empty()) std::cout << "; " << s->warnings.size() << (s->warnings.size() == 1 ? " warning" : " warnings");
  std::cout << "\n";
  return kExitOk;
}

int run_command(const RunArgs& args) {
  const auto format = choose_format(args.trace_format, args.trace_out);
  if (!format) {
    std::cerr << "mailsim: --trace-format " << args.trace_format << ": expected json or jsonl\n";
    return kExitInvalidInput;
  }
  const std::optional<Scenario> loaded = load_or_report(args.file, args.load, false);
  if (!loaded) return kExitInvalidInput;
  const Scenario& scenario = *loaded;
  if (scenario.network_model == sim::NetworkModel::Lines && !(args.pcap_out.empty() && args.packets_out.empty())) {
    std::cerr << "mailsim: " << (args.pcap_out.empty() ? "--trace-packets" : "--pcap")
              << " needs packets, and this scenario uses the line network model (\"network\": {\"model\": \"lines\"}), "
                 "which has none: remove the option or set \"model\": \"packets\"\n";
    return kExitInvalidInput;
  }
  RunOptions opts;
  opts.seed = args.seed;
  opts.trace_content = !args.no_content;
  if (!(args.external_timeout >= 1 && args.external_timeout <= 3600)) {
    std::cerr << "mailsim: --external-timeout must be from 1 to 3600 seconds\n";
    return kExitInvalidInput;
  }
  const bool has_external =
      std::any_of(scenario.servers.begin(), scenario.servers.end(), [](const auto& s) { return s.external.has_value(); });
  if (has_external) {
    opts.external_timeout = static_cast<sim::Time>(args.external_timeout * 1e6);
    // Said up front: the run's SMTP client timeouts are not RFC 5321's 5 and 10 minutes.
    std::cerr << "mailsim: real SMTP servers (\"external\") get at most " << args.external_timeout
              << " s to answer at each step: the simulated SMTP client timeouts of this run (greeting, reply, end "
                 "of data) are "
              << args.external_timeout << " s (--external-timeout)\n";
  }
  World world(scenario, opts);
  TraceOutputs traces(world, args.trace_out, *format, static_cast<bool>(args.on_trace));
  std::unique_ptr<sim::PcapWriter> pcap;
  if (!args.pcap_out.empty()) pcap = std::make_unique<sim::PcapWriter>(args.pcap_out);
  std::unique_ptr<PacketLog> packets;
  if (!args.packets_out.empty()) packets = std::make_unique<PacketLog>(world.network());
  if (pcap || packets)
    world.transport().set_observer([&pcap, &packets](const sim::PacketInfo& p) {
      if (pcap) pcap->write(p);
      if (packets) packets->record(p);
    });
  if (world.externals().empty()) {
    Progress progress(world, !args.quiet && isatty(STDERR_FILENO));
    world.run();
  } else {  // some mail goes to real servers on loopback: real time while it does
    LiveBridge bridge(world);
    bridge.run(scenario.until, install_stop_signals());
  }
  const nlohmann::json document = traces.finish();
  if (args.on_trace) args.on_trace(document);
  if (!args.quiet && args.print_summary) args.print_summary(report_of(world));
  const auto errors = world.ledger().conservation_errors();
  for (const auto& e : errors) std::cerr << "mailsim: internal error: conservation violated: " << e << "\n";
  if (!args.summary_out.empty()) write_json(args.summary_out, world.summary_json());
  if (packets) write_json(args.packets_out, packets->document(scenario.name, world.seed()));
  if (!args.export_dir.empty()) world.export_maildirs(args.export_dir);
  return errors.empty() ? kExitOk : kExitInternal;
}

int serve_command(const ServeArgs& args) {
  if (!is_loopback_address(args.bind)) {
    std::cerr << "mailsim: --bind " << args.bind << ": live mode only listens on loopback (127.0.0.1 or ::1)\n";
    return kExitInvalidInput;
  }
  if (!(args.speed > 0 && args.speed <= 1e6)) {
    std::cerr << "mailsim: --speed must be greater than 0 and at most 1000000\n";
    return kExitInvalidInput;
  }
  if (args.base_port < 0 || args.base_port > 65535 || args.for_seconds < 0) {
    std::cerr << "mailsim: --base-port must be 0..65535 and --for not negative\n";
    return kExitInvalidInput;
  }
  const std::optional<Scenario> loaded = load_or_report(args.file, args.load, false);
  if (!loaded) return kExitInvalidInput;
  const Scenario& scenario = *loaded;
  if (args.base_port && live_port_for(args.base_port, scenario.servers.size(), 0) > 65535) {
    std::cerr << "mailsim: --base-port " << args.base_port << ": the ports of " << scenario.servers.size()
              << " servers would pass 65535\n";
    return kExitInvalidInput;
  }
  const auto format = choose_format(args.trace_format, args.trace_out);
  if (!format) {
    std::cerr << "mailsim: --trace-format " << args.trace_format << ": expected json or jsonl\n";
    return kExitInvalidInput;
  }
  RunOptions opts;
  opts.seed = args.seed;
  opts.simulate_clients = args.with_clients;
  opts.live_gateway = true;
  World world(scenario, opts);
  TraceOutputs traces(world, args.trace_out, *format, false);
  LiveBridge bridge(world);
  std::vector<LiveEndpoint> endpoints;
  try {
    endpoints = bridge.listen(args.bind, args.base_port);
  } catch (const std::runtime_error& e) {
    std::cerr << "mailsim: " << text::terminal_safe_lines(e.what()) << "\n";
    return kExitInvalidInput;
  }
  nlohmann::json ports = nlohmann::json::object();
  const std::string shown = args.bind.find(':') != std::string::npos ? "[" + args.bind + "]" : args.bind;
  std::cout << "mailsim serve: scenario '" << text::terminal_safe(scenario.name) << "' at " << args.speed
            << "x real time; real clients may connect to:\n";
  for (const auto& e : endpoints) {
    ports[e.server][e.service] = e.real_port;
    std::cout << "  " << text::terminal_safe(e.server) << " " << e.service << " (port " << e.sim_port << ")  ->  " << shown << ":"
              << e.real_port << "\n";
  }
  std::cout << "Stop with Ctrl-C (SIGINT) or SIGTERM." << std::endl;
  if (!args.ports_file.empty()) {  // written whole, then renamed: readers never see half a file
    const std::string tmp = args.ports_file + ".tmp";
    write_json(tmp, ports);
    std::filesystem::rename(tmp, args.ports_file);
  }
  bridge.serve(args.speed, args.for_seconds, install_stop_signals());
  bridge.close_all();
  traces.finish();
  if (!args.quiet && args.print_summary) args.print_summary(report_of(world));
  const auto errors = world.ledger().conservation_errors();
  for (const auto& e : errors) std::cerr << "mailsim: internal error: conservation violated: " << e << "\n";
  if (!args.summary_out.empty()) write_json(args.summary_out, world.summary_json());
  return errors.empty() ? kExitOk : kExitInternal;
}

}  // namespace mailsim::app
