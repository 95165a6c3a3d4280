#include "cli/lib/commands.hpp"

#include <fstream>
#include <iostream>

#include "cli/lib/world.hpp"
#include "sim/pcap.hpp"

namespace mailsim::app {

namespace {
void write_json(const std::string& path, const nlohmann::json& j) {
  std::ofstream out(path, std::ios::binary);
  if (!out) throw std::runtime_error("cannot write " + path);
  out << j.dump(1) << "\n";
  if (!out) throw std::runtime_error("error while writing " + path);
}
}  // namespace

int validate_command(const std::string& file) {
  try {
    const Scenario s = load_scenario(file);
    std::cout << file << ": valid scenario '" << s.name << "': " << s.hosts.size() << " hosts, " << s.links.size()
              << " links, " << s.servers.size() << " mail servers, " << s.users.size() << " users, "
              << s.messages.size() << " messages, " << s.faults.size() << " faults\n";
    return kExitOk;
  } catch (const ScenarioError& e) {
    std::cerr << "mailsim: " << e.what() << "\n";
    return kExitInvalidInput;
  }
}

int run_command(const RunArgs& args) {
  Scenario scenario;
  try {
    scenario = load_scenario(args.file);
  } catch (const ScenarioError& e) {
    std::cerr << "mailsim: " << e.what() << "\n";
    return kExitInvalidInput;
  }
  RunOptions opts;
  opts.seed = args.seed;
  opts.trace = !args.trace_out.empty() || static_cast<bool>(args.on_trace);
  opts.trace_content = !args.no_content;
  World world(scenario, opts);
  std::unique_ptr<sim::PcapWriter> pcap;
  if (!args.pcap_out.empty()) {
    pcap = std::make_unique<sim::PcapWriter>(args.pcap_out);
    world.transport().set_observer([&pcap](const sim::PacketInfo& p) { pcap->write(p); });
  }
  world.run();
  if (args.on_trace) args.on_trace(world.trace_json());
  if (!args.quiet) world.print_summary(std::cout);
  const auto errors = world.ledger().conservation_errors();
  for (const auto& e : errors) std::cerr << "mailsim: internal error: conservation violated: " << e << "\n";
  if (!args.trace_out.empty()) write_json(args.trace_out, world.trace_json());
  if (!args.summary_out.empty()) write_json(args.summary_out, world.summary_json());
  if (!args.export_dir.empty()) world.export_maildirs(args.export_dir);
  return errors.empty() ? kExitOk : kExitInternal;
}

}  // namespace mailsim::app
