#pragma once
// Classroom views of a mailsim trace (docs/trace-format.md): a self-contained HTML viewer and
// static exports (SVG sequence diagram, Mermaid, Graphviz topology, swaks-style transcript).
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>

#include <nlohmann/json.hpp>

namespace mailsim::viz {

// Handout: one page per beat of the story (network, lines, meanings). Worksheet: the quiz's
// questions on paper, then the answer key on a page of its own; Answers: the key alone. The
// *Md formats are the same in Markdown.
enum class Format { Html, Svg, Mermaid, Dot, Text, Handout, HandoutMd, Worksheet, WorksheetMd, Answers, AnswersMd };
enum class Lang { En, Es };

struct Options {
  Format format = Format::Html;
  std::optional<std::string> message;  // restrict to one scenario message id
  Lang lang = Lang::En;
  std::optional<nlohmann::json> quiz;  // a teacher's questions (visualize/quiz.hpp); else one per step
  std::optional<nlohmann::json> packets;  // run --trace-packets: the viewer's lower-layer view
};

// A trace that does not follow docs/trace-format.md. A problem at one place of the trace
// document carries its JSON pointer, and what() is "/events/12/step: expected integer 1-6";
// errors of load_trace() also name the file, line and column ("t.json:14:23: /events/12/step: …").
class TraceError : public std::runtime_error {
 public:
  explicit TraceError(const std::string& what) : std::runtime_error(what) {}
  TraceError(const std::string& pointer, const std::string& problem)
      : std::runtime_error((pointer.empty() ? "/" : pointer) + ": " + problem), pointer_(pointer), problem_(problem),
        placed_(true) {}
  bool placed() const { return placed_; }
  const std::string& pointer() const { return pointer_; }  // RFC 6901; "" is the whole trace
  const std::string& problem() const { return problem_; }

 private:
  std::string pointer_, problem_;
  bool placed_ = false;
};

// A teacher's quiz file (Options::quiz) that cannot be used: what() names the place and the
// reason, e.g. "questions[1].seq: event #12 is not a client command ("ask": "command" needs one)".
class QuizError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A packets file (Options::packets, from run --trace-packets) that does not follow its format:
// what() names the place, e.g. "packets[3].len: expected a number".
class PacketsError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Reads and validates a trace file, in either form (JSON document or JSON Lines), as
// untrusted input: see trace_reader.hpp for the limits. Throws TraceError, whose what()
// starts with the file name.
nlohmann::json load_trace(const std::filesystem::path&);

// Validates `trace` and renders it. Throws TraceError for an invalid trace or an unknown
// Options::message.
std::string render(const nlohmann::json& trace, const Options&);

// Parsing helpers for the CLI: nullopt for an unknown name.
// html, svg, mermaid, dot, text, handout, handout-md, worksheet, worksheet-md, answers, answers-md
std::optional<Format> parse_format(std::string_view name);
std::optional<Lang> parse_lang(std::string_view name);      // en, es

}  // namespace mailsim::viz
