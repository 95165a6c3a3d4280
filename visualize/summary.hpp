#pragma once
// The run's summary for people (`mailsim run` prints it): what became of each message and
// each DSN, and the totals, in the chosen language.
#include <cstdint>
#include <ostream>
#include <string>

#include <nlohmann/json.hpp>

#include "visualize/visualize.hpp"

namespace mailsim::viz {

struct RunInfo {
  std::string version, scenario;
  std::uint64_t seed = 0, events = 0;
  std::int64_t end_us = 0;
};

// `summary` is the object `--summary` writes (docs/trace-format.md).
void print_summary(const RunInfo& run, const nlohmann::json& summary, Lang lang, std::ostream& out);
std::string totals_line(const nlohmann::json& summary, Lang lang);

// Text for a terminal or a text file: text::terminal_safe (sim/terminal_text.hpp), the one rule.
std::string terminal_safe(const std::string& text);

}  // namespace mailsim::viz
