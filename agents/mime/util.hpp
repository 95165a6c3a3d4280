#pragma once
// Small text helpers shared by the mime sources (not part of the public API).
#include <cstdint>
#include <string>
#include <string_view>

#include "sim/text.hpp"

namespace mailsim::mime::detail {

inline bool is_wsp(char c) { return c == ' ' || c == '\t'; }
inline char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

// ASCII case rules are the project's one set (sim/text.hpp).
using text::iequals;
using text::to_lower;
// Strips spaces, tabs, CR and LF from both ends.
std::string_view trim(std::string_view s);
bool is_ascii_printable(std::string_view s);  // 0x20..0x7E and tab only

// Largest prefix length <= max_bytes that does not cut a UTF-8 character in two (falls back to
// max_bytes for input that is not UTF-8).
std::size_t utf8_prefix(std::string_view s, std::size_t max_bytes);

// Converts text in `charset` to UTF-8. Knows ISO-8859-1 and Windows-1252; UTF-8, US-ASCII and
// unknown charsets pass through unchanged (we cannot do better without a conversion table).
std::string to_utf8(std::string_view bytes, std::string_view charset);

// Every line break (CRLF, lone LF, lone CR) becomes CRLF.
std::string normalize_crlf(std::string_view s);

std::uint64_t fnv1a64(std::string_view s, std::uint64_t seed = 1469598103934665603ULL);
std::string hex64(std::uint64_t v);

}  // namespace mailsim::mime::detail
