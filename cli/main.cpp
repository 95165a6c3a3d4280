// mailsim's command line. CLI11 is slow to compile, so this is the only file including it.
#include <CLI/CLI.hpp>

#include <cstdlib>
#include <fstream>
#include <iostream>

#include "sim/terminal_text.hpp"
#include "cli/lib/commands.hpp"
#include "sim/version.hpp"
#include "visualize/json_reader.hpp"
#if MAILSIM_MIMALLOC
#include <mimalloc.h>
#endif
#include "visualize/narrate.hpp"
#include "visualize/summary.hpp"
#include "visualize/visualize.hpp"

int main(int argc, char** argv) {
  using namespace mailsim::app;
  CLI::App app{"mailsim: a discrete-event simulator of e-mail delivery, with real SMTP and POP3 text"};
#if MAILSIM_MIMALLOC
  // The heap in 2 MiB pages (transparent huge pages, where the kernel offers them): a run
  // touches hundreds of MiB, and a fault per 4 KiB page was a fifth of its time on a virtual
  // machine (35,000 faults -> 300 for 10,000 messages). MIMALLOC_LARGE_OS_PAGES=0 turns it off.
  if (!std::getenv("MIMALLOC_LARGE_OS_PAGES")) mi_option_enable(mi_option_large_os_pages);
#endif
  std::string version = std::string("mailsim ") + mailsim::kVersion;
#if MAILSIM_MIMALLOC
  // Also a use of the library, so that no --as-needed link drops the allocator it replaces malloc with.
  const int mi = mi_version();
  version += " (allocator: mimalloc " + std::to_string(mi / 100) + "." + std::to_string(mi / 10 % 10) + "." +
             std::to_string(mi % 10) + ")";
#endif
  app.set_version_flag("--version", version);
  app.require_subcommand(1);

  RunArgs run;
  auto* run_cmd = app.add_subcommand("run", "Run a scenario and print what happened to each message");
  run_cmd->add_option("FILE", run.file, "Scenario file (JSON)")->required();
  run_cmd->add_option("--seed", run.seed, "Root random seed (overrides the scenario's)");
  run_cmd->add_option("--trace", run.trace_out, "Write the trace to this file as the run goes (docs/trace-format.md)");
  run_cmd->add_option("--trace-format", run.trace_format,
                      "json (one document) or jsonl (JSON Lines); default: jsonl for a .jsonl file, else json")
      ->check(CLI::IsMember({"json", "jsonl"}));
  std::string run_lang = "en";
  auto* run_lang_opt = run_cmd->add_option("--lang", run_lang, "Language of the summary and of --narrate: en (default) or es")
      ->check(CLI::IsMember({"en", "es"}));
  run_cmd->add_option("--summary", run.summary_out, "Write the summary as JSON to this file");
  run_cmd->add_option("--export", run.export_dir, "Write mailboxes and MUA copies as Maildir folders here");
  run_cmd->add_option("--pcap", run.pcap_out, "Write the simulated traffic as a pcap capture (Wireshark)");
  run_cmd->add_option("--trace-packets", run.packets_out,
                      "Write every TCP segment and UDP datagram (JSON) for the viewer's lower-layer view (visualize --packets)");
  run_cmd->add_flag("--no-content", run.no_content, "Leave message bodies out of the trace");
  run_cmd->add_option("--external-timeout", run.external_timeout,
                      "Seconds a real (\"external\") SMTP server may stay silent before the simulated client gives up "
                      "(default 30): the SMTP client timeouts of this run");
  run_cmd->add_flag("-q,--quiet", run.quiet, "Do not print the summary");

  auto* narrate_opt =
      run_cmd->add_option("--narrate", run.narrate, "Tell the story step by step: en or es (default: --lang)")->expected(0, 1);
  run_cmd->add_flag("--pause", run.pause, "With --narrate: wait for Enter between steps");

  ServeArgs serve;
  auto* serve_cmd = app.add_subcommand(
      "serve", "Live mode: real SMTP/POP3 clients on loopback talk to the scenario's simulated servers");
  serve_cmd->add_option("FILE", serve.file, "Scenario file (JSON)")->required();
  serve_cmd->add_option("--bind", serve.bind, "Loopback address to listen on (127.0.0.1 or ::1)");
  serve_cmd->add_option("--base-port", serve.base_port,
                        "Server k (scenario order, from 0) listens on N+100k+25 (smtp), +87 (submission), +10 "
                        "(pop3); 0 or absent: ports chosen by the OS");
  serve_cmd->add_option("--ports-file", serve.ports_file, "Write the port of each server's services here (JSON)");
  serve_cmd->add_option("--speed", serve.speed, "Simulated seconds per wall-clock second (default 1)");
  serve_cmd->add_option("--trace", serve.trace_out, "Write the trace to this file as the run goes");
  serve_cmd->add_option("--trace-format", serve.trace_format, "json or jsonl (default: by the file's extension)")
      ->check(CLI::IsMember({"json", "jsonl"}));
  std::string serve_lang = "en";
  serve_cmd->add_option("--lang", serve_lang, "Language of the summary: en (default) or es")
      ->check(CLI::IsMember({"en", "es"}));
  serve_cmd->add_option("--summary", serve.summary_out, "Write the summary as JSON to this file when stopped");
  serve_cmd->add_option("--seed", serve.seed, "Root random seed (overrides the scenario's)");
  serve_cmd->add_option("--for", serve.for_seconds, "Stop after this many wall-clock seconds");
  serve_cmd->add_flag("--with-clients", serve.with_clients, "Also run the scenario's own MUAs and messages");
  serve_cmd->add_flag("-q,--quiet", serve.quiet, "Do not print the summary when stopped");

  std::string validate_file;
  auto* validate_cmd = app.add_subcommand("validate", "Check a scenario file and report every problem");
  validate_cmd->add_option("FILE", validate_file, "Scenario file (JSON)")->required();

  // Files a scenario may attach: inside its folder and at most this large.
  std::string max_file_size;
  for (auto* cmd : {run_cmd, serve_cmd, validate_cmd})
    cmd->add_option("--max-file-size", max_file_size,
                    "Largest body_file or attachment a scenario may read, e.g. 25MB (default 25MiB)");

  NewArgs new_args;
  auto* new_cmd = app.add_subcommand("new", "Write a new scenario from a template (see --list)");
  new_cmd->add_option("TEMPLATE", new_args.template_name, "Template name, e.g. two-domains");
  new_cmd->add_option("FILE", new_args.file, "Scenario file to write");
  new_cmd->add_flag("--list", new_args.list, "List the templates with their descriptions");
  new_cmd->add_flag("--force", new_args.force, "Overwrite FILE if it exists");

  GenerateArgs gen;
  auto* gen_cmd = app.add_subcommand("generate", "Write a whole scenario (topology, users, traffic) from a few numbers");
  gen_cmd->add_option("FILE", gen.file, "Scenario file to write ('-' or absent: standard output)");
  gen_cmd->add_flag("--force", gen.force, "Overwrite FILE if it exists");
  gen_cmd->add_option("--name", gen.name, "Scenario name (default generated)");
  gen_cmd->add_option("--domains", gen.domains, "Mail domains, d01.example … (default 4)");
  gen_cmd->add_option("--servers-per-domain", gen.servers_per_domain, "Servers per domain: the first holds the mailboxes, the others are backup MX (default 1)");
  gen_cmd->add_option("--users", gen.users, "Users in all, spread over the domains (default 100)");
  gen_cmd->add_option("--rate", gen.rate, "Average mail rate, e.g. 1000/s, 12/h, or a number per second (default 1/s)");
  gen_cmd->add_option("--per", gen.per, "The rate is per user, per domain or in total (default total)")
      ->check(CLI::IsMember({"user", "domain", "total"}));
  gen_cmd->add_option("--messages", gen.messages, "Stop the traffic after this many messages (default: at --until)");
  gen_cmd->add_option("--until", gen.until, "The traffic stops at this simulated time (default 1h)");
  gen_cmd->add_option("--drain", gen.drain, "The run lasts this long after --until, for mail in flight (default 1h)");
  gen_cmd->add_option("--user-latency", gen.user_latency, "Latency of each domain's PCs to its server (default 1ms)");
  gen_cmd->add_option("--server-latency", gen.server_latency, "Latency between two servers, through the core router (default 20ms)");
  gen_cmd->add_option("--poll", gen.poll, "Every user polls POP3 this often, or off (default 10s)");
  gen_cmd->add_option("--seed", gen.seed, "Root random seed (default 1)");
  gen_cmd->add_option("--zipf", gen.zipf, "Zipf recipients with this exponent (default: uniform)");
  gen_cmd->add_option("--same-domain", gen.same_domain, "Share of recipients in the sender's domain, 0 to 1 (default: no preference)");
  gen_cmd->add_option("--unknown", gen.unknown, "Share of recipients with no mailbox, 0 to 1 (default 0)");
  gen_cmd->add_option("--unreachable", gen.unreachable, "Share of messages to an unreachable domain, 0 to 1 (default 0)");
  gen_cmd->add_option("--per-message", gen.per_message, "Weights of 1, 2, 3 … recipients, e.g. 8,1,1 (default: always one)")
      ->delimiter(',');
  gen_cmd->add_option("--size", gen.size, "Octets each user writes, e.g. 2000 or 20KB (default 2000)");
  gen_cmd->add_option("--sigma", gen.sigma, "With --size: lognormal sizes of that median and this sigma");
  gen_cmd->add_option("--network", gen.network, "Network model: packets (TCP segments, default) or lines (one unit per write, for large runs)")
      ->check(CLI::IsMember({"packets", "lines"}));

  std::string viz_trace, viz_out = "-", viz_format = "html", viz_lang = "en", viz_message, viz_quiz, viz_packets;
  auto* viz_cmd = app.add_subcommand("visualize", "Turn a trace into a lesson (HTML viewer) or a static picture");
  viz_cmd->add_option("TRACE", viz_trace, "Trace file written by run --trace")->required();
  viz_cmd->add_option("-o,--output", viz_out, "Output file ('-' for standard output)");
  viz_cmd->add_option("--format", viz_format,
                      "html, svg, mermaid, dot, text, handout, worksheet, answers (the last three also as -md: Markdown)")
      ->check(CLI::IsMember({"html", "svg", "mermaid", "dot", "text", "handout", "handout-md", "worksheet", "worksheet-md",
                             "answers", "answers-md"}));
  viz_cmd->add_option("--packets", viz_packets, "Packets written by run --trace-packets: the viewer's lower-layer view");
  viz_cmd->add_option("--quiz", viz_quiz, "Questions for the viewer's quiz and the worksheet (JSON; default: one per step)");
  viz_cmd->add_option("--lang", viz_lang, "Language of the lesson: en or es")->check(CLI::IsMember({"en", "es"}));
  viz_cmd->add_option("--message", viz_message, "Show only this message (its scenario id, e.g. m1)");

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << "mailsim: " << mailsim::text::terminal_safe_lines(e.what()) << "\nRun 'mailsim --help' for usage.\n";
    return kExitInvalidInput;
  }
  if (!max_file_size.empty()) {
    const auto size = parse_size(nlohmann::json(max_file_size));
    if (!size || *size == 0) {
      std::cerr << "mailsim: --max-file-size " << mailsim::text::terminal_safe(max_file_size) << ": expected a size such as 25MB or 1048576\n";
      return kExitInvalidInput;
    }
    run.load.max_attached_file = serve.load.max_attached_file = *size;
  }
  auto summary_printer = [](const std::string& lang) {
    return [L = *mailsim::viz::parse_lang(lang)](const RunReport& r) {
      mailsim::viz::print_summary(mailsim::viz::RunInfo{mailsim::kVersion, r.scenario, r.seed, r.events, r.end_us},
                                  r.summary, L, std::cout);
    };
  };
  try {
    if (*run_cmd) {
      if (narrate_opt->count() > 0 && run.narrate.empty()) run.narrate = run_lang;
      // The summary follows the narration's language unless --lang says otherwise.
      if (run_lang_opt->count() == 0 && mailsim::viz::parse_lang(run.narrate)) run_lang = run.narrate;
      run.print_summary = summary_printer(run_lang);
      if (!run.narrate.empty() && !mailsim::viz::parse_lang(run.narrate)) {
        std::cerr << "mailsim: --narrate: unknown language '" << mailsim::text::terminal_safe(run.narrate) << "' (en or es)\n";
        return kExitInvalidInput;
      }
      if (!run.narrate.empty()) {
        const auto lang = *mailsim::viz::parse_lang(run.narrate);
        run.on_trace = [lang, pause = run.pause](const nlohmann::json& trace) {
          mailsim::viz::narrate(trace, lang, std::cout, pause ? &std::cin : nullptr);
        };
      }
      return run_command(run);
    }
    if (*viz_cmd) {
      try {
        mailsim::viz::Options o;
        o.format = *mailsim::viz::parse_format(viz_format);
        o.lang = *mailsim::viz::parse_lang(viz_lang);
        if (!viz_message.empty()) o.message = viz_message;
        if (!viz_quiz.empty()) {
          try {
            o.quiz = mailsim::viz::jsonread::load_file(viz_quiz, std::uint64_t{4} << 20);
          } catch (const std::runtime_error& e) {
            std::cerr << "mailsim: quiz file " << mailsim::text::terminal_safe_lines(e.what()) << "\n";
            return kExitInvalidInput;
          }
        }
        if (!viz_packets.empty()) {
          try {
            o.packets = mailsim::viz::jsonread::load_file(viz_packets, std::uint64_t{256} << 20);
          } catch (const std::runtime_error& e) {
            std::cerr << "mailsim: packets file " << mailsim::text::terminal_safe_lines(e.what()) << "\n";
            return kExitInvalidInput;
          }
        }
        nlohmann::json trace;
        try {
          trace = mailsim::viz::load_trace(viz_trace);
        } catch (const mailsim::viz::TraceError& e) {  // names the file, line and column itself
          std::cerr << "mailsim: " << mailsim::text::terminal_safe_lines(e.what()) << "\n";
          return kExitInvalidInput;
        }
        const std::string out = mailsim::viz::render(trace, o);
        if (viz_out == "-") {
          std::cout << out;
        } else {
          std::ofstream f(viz_out, std::ios::binary);
          if (!f || !(f << out)) throw std::runtime_error("cannot write " + viz_out);
        }
        return kExitOk;
      } catch (const mailsim::viz::PacketsError& e) {
        std::cerr << "mailsim: " << mailsim::text::terminal_safe(viz_packets) << ": " << mailsim::text::terminal_safe_lines(e.what()) << "\n";
        return kExitInvalidInput;
      } catch (const mailsim::viz::QuizError& e) {
        std::cerr << "mailsim: " << mailsim::text::terminal_safe(viz_quiz) << ": " << mailsim::text::terminal_safe_lines(e.what()) << "\n";
        return kExitInvalidInput;
      } catch (const mailsim::viz::TraceError& e) {
        std::cerr << "mailsim: " << mailsim::text::terminal_safe(viz_trace) << ": " << mailsim::text::terminal_safe_lines(e.what()) << "\n";
        return kExitInvalidInput;
      } catch (const nlohmann::json::exception& e) {
        // A value of an unexpected type that the trace check let through: still the
        // trace's fault, never an internal error.
        std::cerr << "mailsim: " << mailsim::text::terminal_safe(viz_trace) << ": not a valid trace: " << mailsim::text::terminal_safe_lines(e.what()) << "\n";
        return kExitInvalidInput;
      }
    }
    if (*validate_cmd) {
      LoadOptions load;
      load.max_attached_file = run.load.max_attached_file;
      return validate_command(validate_file, load);
    }
    if (*new_cmd) return new_command(new_args);
    if (*gen_cmd) return generate_command(gen);
    if (*serve_cmd) {
      serve.print_summary = summary_printer(serve_lang);
      return serve_command(serve);
    }
  } catch (const std::exception& e) {
    std::cerr << "mailsim: internal error: " << mailsim::text::terminal_safe_lines(e.what()) << "\n";
    return kExitInternal;
  }
  return kExitInternal;
}
