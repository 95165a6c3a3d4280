#pragma once
// Writes a trace as it happens, in one of two forms (docs/trace-format.md):
//  - json: one JSON document, {header…, "events": [ one event per line ], "summary": {…}}
//  - jsonl: JSON Lines, the header object, then one event per line, then {"summary": {…}}
// Memory stays constant whatever the length of the run: nothing is kept after writing.
#include <cstdint>
#include <optional>
#include <ostream>
#include <functional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "agents/trace/trace.hpp"

namespace mailsim::trace {

enum class TraceFormat { Json, JsonLines };
std::optional<TraceFormat> parse_trace_format(std::string_view name);  // "json", "jsonl"

class TraceWriter : public TraceSink {
 public:
  // The header keys are written in the order given. Throws std::runtime_error on I/O errors.
  TraceWriter(std::ostream& out, TraceFormat format, const nlohmann::ordered_json& header);
  ~TraceWriter() override;
  TraceWriter(const TraceWriter&) = delete;
  TraceWriter& operator=(const TraceWriter&) = delete;

  void write(const TraceEvent& e, std::uint64_t seq) override;
  // Ends the trace with the run's summary. Throws std::runtime_error on I/O errors.
  void finish(const nlohmann::json& summary);
  // The same, with the summary's JSON text produced piece by piece (Ledger::write_summary).
  using SummaryText = std::function<void(const std::function<void(std::string_view)>&)>;
  void finish(const SummaryText& summary);

 private:
  void flush_buffer();
  std::ostream& out_;
  TraceFormat format_;
  std::string buffer_;
  bool first_event_ = true;
  bool finished_ = false;
  bool failed_ = false;
};

// JSON text for trace headers and summaries: never fails on invalid UTF-8 from real clients.
std::string dump_json(const nlohmann::ordered_json& j);
std::string dump_json(const nlohmann::json& j);

}  // namespace mailsim::trace
