#include "agents/trace/writer.hpp"

#include <stdexcept>

#include "agents/trace/vocabulary.hpp"

namespace mailsim::trace {

namespace {
constexpr std::size_t kFlushAt = 1 << 16;
}

std::optional<TraceFormat> parse_trace_format(std::string_view name) {
  if (name == "json") return TraceFormat::Json;
  if (name == "jsonl") return TraceFormat::JsonLines;
  return std::nullopt;
}

std::string dump_json(const nlohmann::ordered_json& j) {
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}
std::string dump_json(const nlohmann::json& j) {
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

TraceWriter::TraceWriter(std::ostream& out, TraceFormat format, const nlohmann::ordered_json& header)
    : out_(out), format_(format) {
  if (format_ == TraceFormat::JsonLines) {
    buffer_ = dump_json(header) + "\n";
  } else {
    // The header object without its closing brace, then the events array opens.
    std::string h = dump_json(header);
    h.pop_back();
    buffer_ = h + (header.empty() ? "" : ",") + "\n\"events\":[\n";
  }
  flush_buffer();
}

TraceWriter::~TraceWriter() = default;

void TraceWriter::write(const TraceEvent& e, std::uint64_t seq) {
  if (format_ == TraceFormat::Json && !first_event_) buffer_ += ",\n";
  first_event_ = false;
  {
    JsonWriter w(buffer_);  // gives buffer_ its written size when it goes
    write_event(w, e, seq);
  }
  if (format_ == TraceFormat::JsonLines) buffer_ += '\n';
  if (buffer_.size() >= kFlushAt) flush_buffer();
}

void TraceWriter::finish(const nlohmann::json& summary) {
  finish([&summary](const std::function<void(std::string_view)>& out) { out(dump_json(summary)); });
}

void TraceWriter::finish(const SummaryText& summary) {
  if (finished_) return;
  finished_ = true;
  buffer_ += format_ == TraceFormat::JsonLines ? "{\"summary\":" : (first_event_ ? "],\n\"summary\":" : "\n],\n\"summary\":");
  summary([this](std::string_view piece) {
    buffer_ += piece;
    if (buffer_.size() >= (1u << 16)) flush_buffer();
  });
  buffer_ += "}\n";
  flush_buffer();
  out_.flush();
  if (failed_ || !out_) throw std::runtime_error("error while writing the trace");
}

void TraceWriter::flush_buffer() {
  // Called from inside the simulation: an I/O error must not unwind through the agents.
  // It is remembered and reported by finish(), which the caller checks.
  if (!failed_) out_.write(buffer_.data(), static_cast<std::streamsize>(buffer_.size()));
  buffer_.clear();
  if (!out_) failed_ = true;
}

}  // namespace mailsim::trace
