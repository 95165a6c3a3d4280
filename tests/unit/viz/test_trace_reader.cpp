// Reading trace files as untrusted input: both forms (document, JSON Lines), every problem
// as FILE:LINE:COL: /pointer: why, the limits (depth, string length, file size and kind),
// repeated keys, and message ids that must exist.
#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <sstream>

#include "helpers.hpp"
#include "visualize/trace.hpp"
#include "visualize/trace_reader.hpp"

using namespace mailsim::viz;
using nlohmann::json;

namespace {

json six_steps() { return json::parse(vizt::read(vizt::fixture("six-steps.trace.json"))); }

// The JSON Lines form, as `run --trace-format jsonl` writes it.
std::string to_lines(const json& doc) {
  json header = doc;
  header.erase("events");
  header.erase("summary");
  std::string out = header.dump() + "\n";
  for (const json& e : doc["events"]) out += e.dump() + "\n";
  return out + json{{"summary", doc["summary"]}}.dump() + "\n";
}

std::string error_of(const std::string& text, const TraceLimits& limits = {}) {
  std::istringstream in(text);
  try {
    read_trace(in, "t", limits);
  } catch (const TraceError& e) {
    return e.what();
  }
  return "";
}

// "L:C" of the first occurrence of `needle` on or after line `line` (1-based; ASCII text).
std::string place(const std::string& text, const std::string& needle, int line = 1) {
  std::size_t start = 0;
  for (int l = 1; l < line; ++l) start = text.find('\n', start) + 1;
  const std::size_t at = text.find(needle, start);
  REQUIRE(at != std::string::npos);
  const std::size_t bol = text.rfind('\n', at) == std::string::npos ? 0 : text.rfind('\n', at) + 1;
  const auto l = std::count(text.begin(), text.begin() + static_cast<long>(at), '\n') + 1;
  return std::to_string(l) + ":" + std::to_string(at - bol + 1);
}

}  // namespace

TEST_CASE("both forms of a trace read to the same document", "[reader]") {
  const json doc = six_steps();
  std::istringstream lines(to_lines(doc)), whole(doc.dump(2));
  CHECK(read_trace(lines, "t.jsonl") == doc);
  CHECK(read_trace(whole, "t.json") == doc);
  // The file the writer makes: the document form with one event per line.
  CHECK(load_trace(vizt::fixture("six-steps.trace.json")) == doc);
}

TEST_CASE("a problem names the line and column where it is, in either form", "[reader]") {
  json doc = six_steps();
  doc["events"][3]["actor"]["host"] = "nowhere";
  const std::string lines = to_lines(doc);  // event 3 is on line 5
  CHECK(error_of(lines) == "t:" + place(lines, "\"nowhere\"", 5) + ": /events/3/actor/host: unknown host \"nowhere\"");
  const std::string pretty = doc.dump(2);
  CHECK(error_of(pretty) == "t:" + place(pretty, "\"nowhere\"") + ": /events/3/actor/host: unknown host \"nowhere\"");
  // A missing key points at the object that lacks it.
  json no_line = six_steps();
  no_line["events"][2].erase("line");
  const std::string l2 = to_lines(no_line);
  CHECK(error_of(l2) == "t:4:1: /events/2: missing key \"line\"");
  // The summary line of JSON Lines keeps the pointers of the document form.
  json sum = six_steps();
  sum["summary"] = json::array();
  const std::string l3 = to_lines(sum);
  const auto last_line = std::count(l3.begin(), l3.end(), '\n');
  CHECK(error_of(l3) == "t:" + std::to_string(last_line) + ":12: /summary: expected object");
}

TEST_CASE("syntax errors say where, counted over the whole file", "[reader]") {
  const std::string text = "{\n  \"format\": \"mailsim-trace\",\n  \"events\": [1, 2,]\n}\n";
  CHECK(error_of(text).rfind("t:3:19: /events: not valid JSON: syntax error", 0) == 0);
  CHECK(error_of("{\"format\": ").rfind("t:1:12: /: not valid JSON:", 0) == 0);
  CHECK(error_of("").rfind("t:1:1: /: empty file", 0) == 0);
  CHECK(error_of("[] {}").rfind("t:1:4: /: more text after the end of the trace", 0) == 0);
  // Columns count characters, as editors do: "é" is one.
  CHECK(error_of("{\"é\": x}").rfind("t:1:7: /: not valid JSON:", 0) == 0);
  // In JSON Lines: the line of the record, the pointer of the event.
  const json doc = six_steps();
  std::string lines = to_lines(doc);
  const std::size_t line3 = lines.find('\n', lines.find('\n') + 1) + 1;
  lines.insert(line3 + 1, "\"seq\": oops, ");
  CHECK(error_of(lines).rfind("t:3:9: /events/1: not valid JSON:", 0) == 0);
}

TEST_CASE("JSON Lines: one record per line, the summary last", "[reader]") {
  const json doc = six_steps();
  const std::string lines = to_lines(doc);
  const std::size_t second = lines.find('\n') + 1;
  std::string joined = lines;
  joined[second - 1] = ' ';  // the header and event 0 on one line
  CHECK(error_of(joined).rfind("t:1:", 0) == 0);
  CHECK(error_of(joined).find("one record per line") != std::string::npos);
  const auto n = std::count(lines.begin(), lines.end(), '\n');
  CHECK(error_of(lines + doc["events"][0].dump() + "\n") ==
        "t:" + std::to_string(n + 1) + ":1: /events/" + std::to_string(doc["events"].size()) +
            ": nothing may follow the summary line");
  // Blank lines between records are allowed; a JSON Lines trace may also lack its summary
  // (a run that was stopped), as the document form may.
  std::string blank = lines;
  blank.insert(second, "\n\n");
  CHECK(error_of(blank).empty());
  CHECK(error_of(lines.substr(0, lines.rfind("{\"summary\""))).empty());
}

TEST_CASE("limits: depth, string length, repeated keys", "[reader]") {
  json doc = six_steps();
  std::string deep = "0";
  for (int i = 0; i < 64; ++i) deep = "[" + deep + "]";
  doc["summary"]["x"] = json::parse(deep);  // 66 levels with the root and summary: too deep
  std::string text = doc.dump();
  std::string e = error_of(text);
  CHECK(e.find("/summary/x/0/0/0") != std::string::npos);
  CHECK(e.find("nested deeper than 64 levels") != std::string::npos);
  // A hostile nesting is refused before anything walks it.
  CHECK(error_of(std::string(300000, '[')).find("nested deeper than 64 levels") != std::string::npos);

  TraceLimits small;
  small.max_string = 1000;
  json long_subject = six_steps();
  long_subject["messages"][0]["subject"] = std::string(1001, 'x');
  const std::string ls = long_subject.dump();
  CHECK(error_of(ls, small) == "t:" + place(ls, "\"xxx") + ": /messages/0/subject: a string longer than 1000 octets");
  // …but a content event's text is the message as sent, which attachments make long.
  json long_text = six_steps();
  for (json& ev : long_text["events"])
    if (ev["kind"] == "content") ev["text"] = ev["text"].get<std::string>() + std::string(2000, 'y');
  CHECK(error_of(long_text.dump(), small).empty());
  CHECK(error_of(to_lines(long_text), small).empty());

  // Pointers escape "~" and "/" in keys (RFC 6901).
  CHECK(error_of("{\"a/b~\": 1, \"a/b~\": 2}") == "t:1:13: /a~1b~0: duplicate key \"a/b~\" (a key may appear once in an object)");
  const std::string dup = "{\"format\": \"mailsim-trace\", \"seed\": 1, \"seed\": 2}";
  CHECK(error_of(dup) == "t:1:40: /seed: duplicate key \"seed\" (a key may appear once in an object)");
  std::string lines = to_lines(six_steps());
  const std::size_t ev0 = lines.find('\n') + 2;  // inside event 0's line, after its "{"
  lines.insert(ev0, "\"seq\": 0, ");
  // Keys are written in sorted order: the original "seq" comes later on the line.
  CHECK(error_of(lines).rfind("t:" + place(lines, "\"seq\":0", 2) + ": /events/0/seq: duplicate key", 0) == 0);
}

TEST_CASE("files: regular only, and not too large", "[reader]") {
  const auto dir = vizt::temp_dir();
  CHECK_THROWS_WITH(load_trace(dir), Catch::Contains("a directory"));
  CHECK_THROWS_WITH(load_trace("/dev/zero"), Catch::Contains("not a regular file"));
  const auto fifo = dir / "fifo";
  std::filesystem::remove(fifo);
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  CHECK_THROWS_WITH(load_trace(fifo), Catch::Contains("not a regular file"));  // and no wait for a writer
  CHECK_THROWS_WITH(load_trace(dir / "missing.json"), Catch::Contains("cannot open"));
  const auto big = dir / "big.json";
  vizt::write(big, std::string(2000, ' ') + "{}");
  TraceLimits small;
  small.max_file = 1000;
  CHECK_THROWS_WITH(load_trace(big, small), Catch::Contains("2002 octets, more than the 1000 octets"));
  // A stream longer than its limit (a file that grows while it is read) is cut off.
  std::istringstream in(std::string(2000, ' ') + "{}");
  CHECK_THROWS_WITH(read_trace(in, "t", small), Catch::Contains("more than the 1000 octets"));
}

TEST_CASE("every message an event names must exist, or be brought into being", "[reader]") {
  // Generated traffic (t1 …) is not listed: its composed fact brings it into being.
  json doc = six_steps();
  doc["messages"] = json::array();
  CHECK(error_of(doc.dump()).empty());
  doc["events"][5]["msg"] = "m7";
  const std::string text = to_lines(doc);
  CHECK(error_of(text) == "t:" + place(text, "\"m7\"", 7) +
                              ": /events/5/msg: unknown message \"m7\" (not in messages, and no fact brings it into being)");
  // A host label of the wrong type is the trace's fault, named, not an internal error.
  json label = six_steps();
  label["topology"]["hosts"][0]["label"] = 5;
  CHECK(error_of(label.dump()).find("/topology/hosts/0/label: expected string") != std::string::npos);
}
