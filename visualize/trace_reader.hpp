#pragma once
// Reading a trace file as untrusted input (traces are passed around between classes).
// Both forms of docs/trace-format.md: one JSON document, or JSON Lines (`run --trace-format
// jsonl`: the header, one event per line, then {"summary": …}), read as a stream. Every
// problem is "FILE:LINE:COL: /json/pointer: why", the pointer always into the document form
// (an event of a JSON Lines trace is /events/N), and it is a TraceError (exit 2), never a crash.
#include <cstdint>
#include <filesystem>
#include <istream>
#include <string>

#include <nlohmann/json.hpp>

#include "visualize/visualize.hpp"

namespace mailsim::viz {

struct TraceLimits {
  std::uint64_t max_file = std::uint64_t{1} << 30;  // octets of the file; only regular files are read
  std::size_t max_depth = 64;                       // nesting of arrays and objects
  // Octets of any key or string, except a content event's `text` (a message as sent, which
  // an attachment can make longer; max_file still bounds it).
  std::size_t max_string = std::size_t{1} << 20;
};

// The trace read from `in`, as one document, validated (validate() in trace.hpp), and the
// message ids and hosts that events name checked to exist. `name` begins every error. `in`
// must be seekable: the line and column of a problem found after parsing come from a
// second look at the text.
nlohmann::json read_trace(std::istream& in, const std::string& name, const TraceLimits& = {});

// The same from a file, which must be a regular file (not a directory, FIFO or device) of
// at most limits.max_file octets.
nlohmann::json load_trace(const std::filesystem::path&, const TraceLimits&);

}  // namespace mailsim::viz
