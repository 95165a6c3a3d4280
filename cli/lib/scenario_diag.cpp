#include "cli/lib/scenario_diag.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>

#include "sim/text.hpp"

namespace mailsim::app {

void Diagnostics::add(Diagnostic d) {
  if (!seen_.emplace(d.severity, d.pointer, d.what).second) return;
  if (d.severity == Diagnostic::Severity::Error) {
    ++errors_;
    error_pointers_.insert(d.pointer);
  }
  items_.push_back(std::move(d));
}

void Diagnostics::error(std::string pointer, std::string what, std::string expected, std::string suggestion) {
  add(Diagnostic{Diagnostic::Severity::Error, std::move(pointer), std::move(what), std::move(expected),
                 std::move(suggestion), false, std::nullopt});
}

void Diagnostics::key_error(std::string pointer, std::string what, std::string expected, std::string suggestion) {
  add(Diagnostic{Diagnostic::Severity::Error, std::move(pointer), std::move(what), std::move(expected),
                 std::move(suggestion), true, std::nullopt});
}

void Diagnostics::warning(std::string pointer, std::string what, std::string expected, std::string suggestion) {
  add(Diagnostic{Diagnostic::Severity::Warning, std::move(pointer), std::move(what), std::move(expected),
                 std::move(suggestion), false, std::nullopt});
}

bool Diagnostics::has_error_at(const std::string& pointer) const {
  if (error_pointers_.count(pointer)) return true;
  const std::string inside = pointer + "/";
  const auto it = error_pointers_.lower_bound(inside);
  return it != error_pointers_.end() && it->compare(0, inside.size(), inside) == 0;
}

bool Diagnostics::has_error_exactly_at(const std::string& pointer) const { return error_pointers_.count(pointer) > 0; }

std::size_t Diagnostics::error_count() const { return errors_; }

std::string format_diagnostic(const Diagnostic& d, const std::string& file) {
  std::string out = file;
  if (d.pos) out += ":" + std::to_string(d.pos->line) + ":" + std::to_string(d.pos->col);
  out += ": ";
  if (d.severity == Diagnostic::Severity::Warning) out += "warning: ";
  out += (d.pointer.empty() ? "/" : d.pointer) + ": " + d.what;
  if (!d.expected.empty()) out += "; expected " + d.expected;
  if (!d.suggestion.empty()) out += "; did you mean \"" + d.suggestion + "\"?";
  return out;
}

namespace {
std::string lower(std::string_view s) { return text::to_lower(s); }

// Optimal string alignment distance: insertions, deletions, substitutions, and swaps of two
// neighbours ("latnecy" is one step from "latency").
std::size_t edit_distance(const std::string& a, const std::string& b) {
  const std::size_t n = a.size(), m = b.size();
  std::vector<std::vector<std::size_t>> d(n + 1, std::vector<std::size_t>(m + 1));
  for (std::size_t i = 0; i <= n; ++i) d[i][0] = i;
  for (std::size_t j = 0; j <= m; ++j) d[0][j] = j;
  for (std::size_t i = 1; i <= n; ++i)
    for (std::size_t j = 1; j <= m; ++j) {
      const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
    }
  return d[n][m];
}
}  // namespace

std::optional<std::string> did_you_mean(std::string_view word, const std::vector<std::string>& candidates) {
  if (word.empty() || word.size() > 256) return std::nullopt;
  const std::string w = lower(word);
  std::optional<std::string> best;
  std::size_t best_d = 0;
  std::size_t budget = 0;
  for (const auto& c : candidates) {
    if (c.size() > 256 || c == word) continue;
    const std::string lc = lower(c);
    const std::size_t limit = std::max<std::size_t>(1, std::min<std::size_t>(3, std::max(w.size(), lc.size()) / 3));
    const std::size_t dist = lc == w ? 0 : edit_distance(w, lc);
    if (dist > limit) continue;
    if (!best || dist < best_d) {
      best = c;
      best_d = dist;
    }
    if (++budget > 100000) break;  // a huge scenario: stop looking
  }
  return best;
}

std::string quote_text(std::string_view text, std::size_t max) {
  std::string out = "\"";
  std::size_t shown = 0;
  for (unsigned char c : text) {
    if (shown >= max) {
      out += "…";
      break;
    }
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20 || c == 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      out += buf;
    } else {
      out += static_cast<char>(c);
    }
    if ((c & 0xC0) != 0x80) ++shown;
  }
  return out + "\"";
}

}  // namespace mailsim::app
