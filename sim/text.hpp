#pragma once
// Small text rules that SMTP and POP3 share: line endings, leading-dot stuffing (RFC 5321
// section 4.5.2 and RFC 1939 section 3 are the same rule), ASCII case folding, numbers.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mailsim::text {

// Normalises line endings to CRLF (a bare LF ends a line) and makes a non-empty text end
// with CRLF, so that a "." terminator always starts a line of its own.
std::string canonical_crlf(std::string_view text);
// True when canonical_crlf would return the text unchanged (then no copy is needed).
bool is_canonical_crlf(std::string_view text);
// True when some octet is above 127 (8BITMIME's question), eight octets at a time.
bool has_8bit(std::string_view text);
// Doubles the leading "." of every line of a CRLF text.
std::string stuff_leading_dots(std::string_view crlf_text);
// stuff_leading_dots(text) when text is already canonical (is_canonical_crlf), found in the
// same pass; nothing when it is not, for the caller to canonicalise first.
std::optional<std::string> stuff_if_canonical(std::string_view text);
bool iequals(std::string_view a, std::string_view b);
bool istarts_with(std::string_view text, std::string_view prefix);
std::string to_upper(std::string_view text);
std::string to_lower(std::string_view text);
// A decimal number made only of digits, without sign or overflow; nullopt otherwise.
std::optional<std::uint64_t> parse_number(std::string_view text);

// The wire bytes of a protocol core's output records (SMTP and POP3 share the shape):
// a Line is its text plus CRLF, a Content block is sent as it is.
template <class Output>
std::string output_bytes(const std::vector<Output>& outputs) {
  std::size_t size = 0;
  for (const Output& o : outputs) size += o.text.size() + 2;
  std::string out;
  out.reserve(size);
  for (const Output& o : outputs) {
    out += o.text;
    if (o.kind == Output::Kind::Line) out += "\r\n";
  }
  return out;
}

}  // namespace mailsim::text
