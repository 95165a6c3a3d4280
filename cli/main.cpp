// mailsim's command line. CLI11 is slow to compile, so this is the only file including it.
#include <CLI/CLI.hpp>

#include <iostream>

#include "cli/lib/commands.hpp"
#include "sim/version.hpp"

int main(int argc, char** argv) {
  using namespace mailsim::app;
  CLI::App app{"mailsim: a discrete-event simulator of e-mail delivery, with real SMTP and POP3 text"};
  app.set_version_flag("--version", std::string("mailsim ") + mailsim::kVersion);
  app.require_subcommand(1);

  RunArgs run;
  auto* run_cmd = app.add_subcommand("run", "Run a scenario and print what happened to each message");
  run_cmd->add_option("FILE", run.file, "Scenario file (JSON)")->required();
  run_cmd->add_option("--seed", run.seed, "Root random seed (overrides the scenario's)");
  run_cmd->add_option("--trace", run.trace_out, "Write the JSON trace to this file");
  run_cmd->add_option("--summary", run.summary_out, "Write the summary as JSON to this file");
  run_cmd->add_option("--export", run.export_dir, "Write mailboxes and MUA copies as Maildir folders here");
  run_cmd->add_option("--pcap", run.pcap_out, "Write the simulated traffic as a pcap capture (Wireshark)");
  run_cmd->add_flag("--no-content", run.no_content, "Leave message bodies out of the trace");
  run_cmd->add_flag("-q,--quiet", run.quiet, "Do not print the summary");

  std::string validate_file;
  auto* validate_cmd = app.add_subcommand("validate", "Check a scenario file and report the first problem");
  validate_cmd->add_option("FILE", validate_file, "Scenario file (JSON)")->required();

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << "mailsim: " << e.what() << "\nRun 'mailsim --help' for usage.\n";
    return kExitInvalidInput;
  }
  try {
    if (*run_cmd) return run_command(run);
    if (*validate_cmd) return validate_command(validate_file);
  } catch (const std::exception& e) {
    std::cerr << "mailsim: internal error: " << e.what() << "\n";
    return kExitInternal;
  }
  return kExitInternal;
}
