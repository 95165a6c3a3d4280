#include "visualize/trace_reader.hpp"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <vector>

#include "visualize/json_reader.hpp"
#include "visualize/trace.hpp"

namespace mailsim::viz {

namespace {

using nlohmann::json;
using jsonread::Problem;
using jsonread::Source;
using jsonread::TextPos;

[[noreturn]] void fail_at(const std::string& name, TextPos pos, const std::string& pointer, const std::string& what) {
  throw TraceError(name + ":" + std::to_string(pos.line) + ":" + std::to_string(pos.col) + ": " +
                   (pointer.empty() ? "/" : pointer) + ": " + what);
}
[[noreturn]] void fail_at(const std::string& name, const Problem& p) { fail_at(name, p.pos, p.pointer, p.what); }

// A content event's text is the message as sent: it may be longer than other strings.
bool event_text_in_document(const std::vector<std::string>& path) {
  return path.size() == 3 && path[0] == "events" && path[2] == "text";
}
bool event_text_in_line(const std::vector<std::string>& path) { return path.size() == 1 && path[0] == "text"; }

std::string size_words(std::uint64_t n) {
  return n % (1u << 20) == 0 ? std::to_string(n >> 20) + " MiB" : std::to_string(n) + " octets";
}

jsonread::Limits json_limits(const TraceLimits& l) { return {l.max_depth, l.max_string}; }

// Where each record of a JSON Lines trace began: the place of a problem found after
// parsing is looked up again in that record alone.
struct RecordStart {
  std::uint64_t offset = 0;
  TextPos pos;
};

struct Reading {
  json doc;
  bool lines = false;              // JSON Lines, else one document
  RecordStart header;              // the document, or the header line
  std::vector<RecordStart> events;  // JSON Lines: where event N began
  std::optional<RecordStart> summary;
};

// The rest of a JSON Lines trace after its header: events, then at most one summary line.
void read_lines(Source& src, const std::string& name, const TraceLimits& limits, Reading& r) {
  json& events = r.doc["events"] = json::array();
  while (true) {
    src.skip_ws();
    if (src.at_end()) return;
    const RecordStart start{src.offset(), src.pos()};
    const std::string pointer = "/events/" + std::to_string(events.size());
    if (r.summary) fail_at(name, start.pos, pointer, "nothing may follow the summary line");
    jsonread::ReadResult rec = jsonread::read_value(src, json_limits(limits), pointer, event_text_in_line);
    if (rec.problem) {
      // A problem inside {"summary": …} belongs to /summary, not to an event.
      if (rec.first_key == "summary" && rec.problem->pointer.rfind(pointer + "/summary", 0) == 0)
        rec.problem->pointer.erase(0, pointer.size());
      fail_at(name, *rec.problem);
    }
    if (rec.first_key == "summary") {
      if (rec.value.size() != 1) fail_at(name, start.pos, "/summary", "the summary line holds \"summary\" alone");
      r.doc["summary"] = std::move(rec.value["summary"]);
      r.summary = start;
    } else {
      events.push_back(std::move(rec.value));
      r.events.push_back(start);
    }
    if (!src.rest_of_line_blank()) fail_at(name, src.pos(), "", "JSON Lines: one record per line, nothing after it");
  }
}

Reading read_forms(Source& src, const std::string& name, const TraceLimits& limits) {
  Reading r;
  src.skip_ws();
  if (src.at_end()) fail_at(name, src.pos(), "", "empty file: not a mailsim trace");
  r.header = {src.offset(), src.pos()};
  jsonread::ReadResult first = jsonread::read_value(src, json_limits(limits), "", event_text_in_document);
  if (first.problem) fail_at(name, *first.problem);
  r.doc = std::move(first.value);
  const bool rest_of_line_blank = src.rest_of_line_blank();
  const TextPos after = src.pos();
  src.skip_ws();
  if (src.at_end()) return r;
  // More records after a header without events: JSON Lines.
  if (!r.doc.is_object() || r.doc.contains("events")) fail_at(name, src.pos(), "", "more text after the end of the trace");
  if (!rest_of_line_blank) fail_at(name, after, "", "JSON Lines: one record per line, nothing after it");
  r.lines = true;
  read_lines(src, name, limits, r);
  return r;
}

// The line and column of `pointer` (into the document form), found by reading the text again.
TextPos place_of(std::istream& in, const Reading& r, const std::string& pointer) {
  Source src(in);
  RecordStart at = r.header;
  std::string inner = pointer;
  if (r.lines) {
    const std::string events = "/events/";
    if (pointer.rfind(events, 0) == 0) {
      const std::size_t end = pointer.find('/', events.size());
      const std::string index = pointer.substr(events.size(), end - events.size());
      const std::size_t n = index.find_first_not_of("0123456789") == std::string::npos && !index.empty() &&
                                    index.size() < 19
                                ? std::stoull(index)
                                : r.events.size();
      if (n < r.events.size()) {
        at = r.events[n];
        inner = end == std::string::npos ? "" : pointer.substr(end);
      }
    } else if (pointer.rfind("/summary", 0) == 0 && r.summary) {
      at = *r.summary;  // the line is {"summary": …}: the pointer reads the same in it
    }
  }
  src.seek(at.offset, at.pos);
  return jsonread::locate(src, inner);
}

}  // namespace

nlohmann::json read_trace(std::istream& in, const std::string& name, const TraceLimits& limits) {
  Reading r;
  {
    Source src(in, limits.max_file);
    try {
      r = read_forms(src, name, limits);
    } catch (const TraceError&) {
      if (!src.over_limit()) throw;
    }
    if (src.over_limit())
      throw TraceError(name + ": more than the " + size_words(limits.max_file) + " a trace may have");
  }
  try {
    validate(r.doc);
  } catch (const TraceError& e) {
    if (!e.placed()) throw;
    fail_at(name, place_of(in, r, e.pointer()), e.pointer(), e.problem());
  }
  return std::move(r.doc);
}

nlohmann::json load_trace(const std::filesystem::path& path, const TraceLimits& limits) {
  const std::string name = path.string();
  // Looked at before opening: opening a FIFO would wait for a writer for ever.
  struct stat st {};
  if (::stat(name.c_str(), &st) != 0) throw TraceError(name + ": cannot open: " + std::strerror(errno));
  if (S_ISDIR(st.st_mode)) throw TraceError(name + ": a directory, not a trace file");
  if (!S_ISREG(st.st_mode)) throw TraceError(name + ": not a regular file (a device, FIFO or socket is no trace)");
  if (static_cast<std::uint64_t>(st.st_size) > limits.max_file)
    throw TraceError(name + ": " + std::to_string(st.st_size) + " octets, more than the " + size_words(limits.max_file) +
                     " a trace may have");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw TraceError(name + ": cannot open: " + std::strerror(errno));
  return read_trace(in, name, limits);
}

nlohmann::json load_trace(const std::filesystem::path& path) { return load_trace(path, TraceLimits{}); }

}  // namespace mailsim::viz
