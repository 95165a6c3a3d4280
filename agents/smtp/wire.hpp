#pragma once
// What the SMTP cores hand to the agent wrapper, the RFC 5321 size limits, and the small
// text rules both sides share (line endings, dot-stuffing). Nothing here does I/O.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/text.hpp"

namespace mailsim::smtp {

// One unit of output, in order. Bytes to send = text + "\r\n" for Line; text as-is for Content.
struct Output {
  enum class Kind { Line, Content } kind;
  std::string text;
  int code = 0;  // the reply code on server reply lines; 0 on client output
  bool operator==(const Output&) const = default;
};

// RFC 5321 section 4.5.3.1. "Line" limits include the CRLF, as the RFC counts them.
inline constexpr std::size_t kMaxLocalPart = 64;
inline constexpr std::size_t kMaxDomain = 255;
inline constexpr std::size_t kMaxPath = 256;  // including the angle brackets
inline constexpr std::size_t kMaxCommandLine = 512;
inline constexpr std::size_t kMaxReplyLine = 512;
inline constexpr std::size_t kMaxTextLine = 1000;

// The bytes an output sequence stands for; used by wrappers and tests.
std::string to_bytes(const std::vector<Output>& outputs);

// Normalises line endings to CRLF (a bare LF ends a line) and makes a non-empty text end
// with CRLF, so that the "." terminator always starts a line of its own.
using text::canonical_crlf;
using text::is_canonical_crlf;

// Doubles the leading "." of every line of a CRLF text (RFC 5321 section 4.5.2).
std::string dot_stuff(std::string_view crlf_text);

// ASCII case-insensitive comparisons, for verbs, keywords and "FROM:".
using text::iequals;
using text::istarts_with;
using text::to_upper;

// A decimal number made only of digits, without sign or overflow; nullopt otherwise.
using text::parse_number;

}  // namespace mailsim::smtp
