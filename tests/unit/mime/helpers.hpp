#pragma once
// Shared helpers for the mime unit tests.
#include <random>
#include <string>

#include "agents/mime/compose.hpp"

namespace mime_test {

// Every line ends with CRLF (no bare CR or LF anywhere) and is at most `limit` characters.
inline bool crlf_lines_within(const std::string& s, std::size_t limit) {
  std::size_t start = 0;
  while (start < s.size()) {
    const std::size_t end = s.find("\r\n", start);
    if (end == std::string::npos) return false;
    const std::string_view line = std::string_view(s).substr(start, end - start);
    if (line.size() > limit || line.find_first_of("\r\n") != std::string_view::npos) return false;
    start = end + 2;
  }
  return true;
}

inline std::string random_bytes(std::size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::string s(n, '\0');
  for (std::size_t i = 0; i < n; ++i) s[i] = static_cast<char>(i < 256 ? i : rng() % 256);  // every value
  return s;
}

inline mailsim::mime::Draft basic_draft() {
  mailsim::mime::Draft d;
  d.from = "alice@example.org";
  d.from_name = "Alice Example";
  d.to = {"bob@example.com"};
  d.subject = "Hello";
  d.date = "Thu, 26 Nov 2026 10:00:00 +0000";
  d.message_id = "20261126100000.1@example.org";
  d.body = "Hi Bob,\nsee you.\n";
  return d;
}

}  // namespace mime_test
