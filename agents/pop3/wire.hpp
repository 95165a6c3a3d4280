#pragma once
// What the POP3 cores hand to the agent wrapper, plus the small text rules both sides share
// (limits, line-ending canonicalisation, byte-stuffing). Nothing here does I/O.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/text.hpp"

namespace mailsim::pop3 {

// One unit of output, in order. Bytes to send = text + "\r\n" for Line; text as-is for Content.
struct Output {
  enum class Kind { Line, Content } kind;
  std::string text;
  bool operator==(const Output&) const = default;
};

// RFC 1939 / RFC 2449 limits.
inline constexpr std::size_t kMaxCommandOctets = 255;     // including CRLF (RFC 2449)
inline constexpr std::size_t kMaxReplyFirstLine = 512;    // including CRLF (RFC 2449)
inline constexpr std::size_t kMaxArgumentChars = 40;      // RFC 1939 section 3
inline constexpr std::size_t kMaxUidChars = 70;           // RFC 1939 section 7, UIDL

// The bytes an output sequence stands for; used by wrappers and tests.
std::string to_bytes(const std::vector<Output>& outputs);

// Normalises line endings to CRLF (bare LF counts as a line end, as the size rule requires)
// and makes a non-empty text end with CRLF. Lone CRs inside a line are left alone.
using text::canonical_crlf;
using text::is_canonical_crlf;

// Doubles the leading "." of every line of a CRLF text (RFC 1939 section 3).
std::string byte_stuff(std::string_view crlf_text);

// ASCII case-insensitive equality, for keywords.
using text::iequals;

// A decimal number made only of digits, without sign or overflow; nullopt otherwise.
using text::parse_number;

}  // namespace mailsim::pop3
