#pragma once
// Problems found in a scenario, collected so that one run reports all of them:
// "FILE:LINE:COL: /json/pointer: what is wrong; expected …; did you mean "…"?".
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <string_view>
#include <vector>

#include "cli/lib/json_text.hpp"

namespace mailsim::app {

struct Diagnostic {
  enum class Severity { Error, Warning };
  Severity severity = Severity::Error;
  std::string pointer;     // RFC 6901 JSON pointer ("" is the whole document)
  std::string what;        // what is wrong
  std::string expected;    // what would be right, or ""
  std::string suggestion;  // a close valid name or key, or ""
  bool at_key = false;     // point at the member's key (unknown or repeated key), not its value
  std::optional<TextPos> pos;
};

class Diagnostics {
 public:
  void error(std::string pointer, std::string what, std::string expected = {}, std::string suggestion = {});
  void warning(std::string pointer, std::string what, std::string expected = {}, std::string suggestion = {});
  void key_error(std::string pointer, std::string what, std::string expected = {}, std::string suggestion = {});
  void add(Diagnostic d);
  // Whether an error was already reported at `pointer` or inside it (so a later check does
  // not repeat it in other words).
  bool has_error_at(const std::string& pointer) const;
  bool has_error_exactly_at(const std::string& pointer) const;
  std::size_t error_count() const;
  std::size_t warning_count() const { return items_.size() - error_count(); }
  std::vector<Diagnostic>& items() { return items_; }
  const std::vector<Diagnostic>& items() const { return items_; }

 private:
  // Indexes, so that a hostile file with a million errors costs n log n, not n².
  std::set<std::tuple<Diagnostic::Severity, std::string, std::string>> seen_;
  std::set<std::string> error_pointers_;
  std::size_t errors_ = 0;
  std::vector<Diagnostic> items_;
};

// "FILE:LINE:COL: /ptr: what; expected …; did you mean "…"?" (warnings say "warning:" first).
std::string format_diagnostic(const Diagnostic& d, const std::string& file);

// The candidate closest to `word` if it is close enough to be a typo (edit distance with
// transpositions, ignoring case), else nullopt.
std::optional<std::string> did_you_mean(std::string_view word, const std::vector<std::string>& candidates);

// "\"abc\"" for a short text, with control characters and long tails made visible.
std::string quote_text(std::string_view text, std::size_t max = 60);

}  // namespace mailsim::app
