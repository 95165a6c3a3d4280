#pragma once
// Shared by the viz unit tests: fixture paths, file reading, optional external tools.
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <unistd.h>
#include <string>

#include <nlohmann/json.hpp>

#include "visualize/visualize.hpp"

namespace vizt {

inline std::filesystem::path fixture(const std::string& name) {
  return std::filesystem::path(MAILSIM_SOURCE_DIR) / "tests" / "fixtures" / "viz" / name;
}

inline nlohmann::json trace(const std::string& name) { return mailsim::viz::load_trace(fixture(name + ".trace.json")); }

inline std::string read(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

inline void write(const std::filesystem::path& p, const std::string& text) {
  std::ofstream out(p, std::ios::binary);
  out << text;
}

inline std::filesystem::path temp_dir() {
  auto d = std::filesystem::temp_directory_path() / ("mailsim-viz-test-" + std::to_string(::getpid()));
  std::filesystem::create_directories(d);
  return d;
}

inline bool have(const char* tool) { return std::filesystem::exists(tool); }

inline std::size_t count(const std::string& hay, const std::string& needle) {
  std::size_t n = 0;
  for (auto p = hay.find(needle); p != std::string::npos; p = hay.find(needle, p + 1)) ++n;
  return n;
}

}  // namespace vizt
