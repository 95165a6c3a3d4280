#include "sim/text.hpp"

#include <charconv>
#include <cstdint>
#include <cstring>

namespace mailsim::text {

std::string canonical_crlf(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 32 + 2);
  std::size_t pos = 0;
  while (pos < text.size()) {
    const std::size_t lf = text.find('\n', pos);
    const bool last = lf == std::string_view::npos;
    std::size_t end = last ? text.size() : lf;
    if (end > pos && text[end - 1] == '\r') --end;
    out.append(text.substr(pos, end - pos));
    out += "\r\n";
    pos = last ? text.size() : lf + 1;
  }
  return out;
}

bool has_8bit(std::string_view text) {
  std::uint64_t any = 0;
  std::size_t i = 0;
  for (; i + 8 <= text.size(); i += 8) {
    std::uint64_t w;
    std::memcpy(&w, text.data() + i, 8);
    any |= w;
  }
  for (; i < text.size(); ++i) any |= static_cast<unsigned char>(text[i]);
  return (any & 0x8080808080808080ULL) != 0;
}

bool is_canonical_crlf(std::string_view text) {
  if (text.empty()) return true;
  if (text.back() != '\n') return false;
  for (std::size_t lf = text.find('\n'); lf != std::string_view::npos; lf = text.find('\n', lf + 1))
    if (lf == 0 || text[lf - 1] != '\r') return false;
  return true;
}

namespace {
// Dot-stuffing: copies whole runs between the lines that start with a dot (found with
// memchr-speed searches), not octet by octet: message bodies are the bulk of every run. With
// `only_canonical`, gives up (nothing) at the first LF without its CR, or no final LF.
std::optional<std::string> stuff(std::string_view text, bool only_canonical) {
  if (only_canonical && !text.empty() && text.back() != '\n') return std::nullopt;
  std::string out;
  out.reserve(text.size() + 16);
  std::size_t from = 0;
  if (!text.empty() && text[0] == '.') out += '.';
  for (std::size_t nl = text.find('\n'); nl != std::string_view::npos; nl = text.find('\n', nl + 1)) {
    if (only_canonical && (nl == 0 || text[nl - 1] != '\r')) return std::nullopt;
    if (nl + 1 < text.size() && text[nl + 1] == '.') {
      out.append(text.substr(from, nl + 1 - from));
      out += '.';
      from = nl + 1;
    }
  }
  out.append(text.substr(from));
  return out;
}
}  // namespace

std::string stuff_leading_dots(std::string_view crlf_text) { return *stuff(crlf_text, false); }

std::optional<std::string> stuff_if_canonical(std::string_view text) { return stuff(text, true); }

namespace {
char upper(char c) { return c >= 'a' && c <= 'z' ? static_cast<char>(c - 32) : c; }

// Eight octets with A-Z turned to a-z (other octets, 8-bit ones included, unchanged): bit 5
// is added where the low seven bits lie in 'A'..'Z' and the high bit is clear.
std::uint64_t lower8(std::uint64_t w) {
  constexpr std::uint64_t kOnes = 0x0101010101010101ULL, kHighs = kOnes * 0x80;
  const std::uint64_t low7 = w & ~kHighs;
  const std::uint64_t above_z = low7 + kOnes * (0x7f - 'Z');  // high bit: > 'Z'
  const std::uint64_t from_a = low7 + kOnes * (0x80 - 'A');   // high bit: >= 'A'
  const std::uint64_t upper = (from_a ^ above_z) & ~w & kHighs;
  return w | (upper >> 2);
}
}  // namespace

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  std::size_t i = 0;
  for (; i + 8 <= a.size(); i += 8) {  // protocol keywords, addresses and names: a word at a time
    std::uint64_t x, y;
    std::memcpy(&x, a.data() + i, 8);
    std::memcpy(&y, b.data() + i, 8);
    if (x != y && lower8(x) != lower8(y)) return false;
  }
  for (; i < a.size(); ++i)
    if (upper(a[i]) != upper(b[i])) return false;
  return true;
}

bool istarts_with(std::string_view text, std::string_view prefix) {
  return text.size() >= prefix.size() && iequals(text.substr(0, prefix.size()), prefix);
}

std::string to_upper(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = upper(c);
  return out;
}

std::string to_lower(std::string_view text) {
  std::string out(text);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

std::optional<std::uint64_t> parse_number(std::string_view text) {
  if (text.empty()) return std::nullopt;
  for (char c : text)
    if (c < '0' || c > '9') return std::nullopt;
  std::uint64_t v = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || p != text.data() + text.size()) return std::nullopt;
  return v;
}

}  // namespace mailsim::text
