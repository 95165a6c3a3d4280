// Scenario loader: any text must give a scenario or a ScenarioError (exit 2), never a crash,
// a hang or another exception. Files are not read (LoadOptions::read_files = false).
#include <cstdint>
#include <string>

#include "cli/lib/scenario.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  mailsim::app::LoadOptions options;
  options.read_files = false;
  try {
    mailsim::app::parse_scenario(std::string(reinterpret_cast<const char*>(data), size), "fuzz.json", options);
  } catch (const mailsim::app::ScenarioError&) {
  }
  return 0;
}
