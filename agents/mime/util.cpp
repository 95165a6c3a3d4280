#include "agents/mime/util.hpp"

namespace mailsim::mime::detail {

std::string_view trim(std::string_view s) {
  auto junk = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!s.empty() && junk(s.front())) s.remove_prefix(1);
  while (!s.empty() && junk(s.back())) s.remove_suffix(1);
  return s;
}

bool is_ascii_printable(std::string_view s) {
  for (unsigned char c : s)
    if (!(c == '\t' || (c >= 0x20 && c <= 0x7E))) return false;
  return true;
}

std::size_t utf8_prefix(std::string_view s, std::size_t max_bytes) {
  if (max_bytes >= s.size()) return s.size();
  std::size_t n = max_bytes;
  // Back off over continuation bytes (10xxxxxx): the character starting before them would split.
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
  return n > 0 ? n : max_bytes;
}

namespace {
void append_utf8(std::string& out, unsigned cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// Windows-1252 0x80..0x9F (0 = undefined there: kept as the Latin-1 C1 control).
constexpr unsigned short kCp1252[32] = {0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
                                        0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0,      0x017D, 0,
                                        0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
                                        0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178};
}  // namespace

std::string to_utf8(std::string_view bytes, std::string_view charset) {
  const std::string cs = to_lower(trim(charset));
  const bool latin1 =
      cs == "iso-8859-1" || cs == "latin1" || cs == "latin-1" || cs == "iso_8859-1" || cs == "l1";
  const bool cp1252 = cs == "windows-1252" || cs == "cp1252";
  if (!latin1 && !cp1252) return std::string(bytes);
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    unsigned cp = c;
    if (cp1252 && c >= 0x80 && c < 0xA0 && kCp1252[c - 0x80]) cp = kCp1252[c - 0x80];
    append_utf8(out, cp);
  }
  return out;
}

std::string normalize_crlf(std::string_view s) {
  std::string out;
  out.reserve(s.size() + s.size() / 32);
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\r') {
      out += "\r\n";
      if (i + 1 < s.size() && s[i + 1] == '\n') ++i;
    } else if (s[i] == '\n') {
      out += "\r\n";
    } else {
      out += s[i];
    }
  }
  return out;
}

std::uint64_t fnv1a64(std::string_view s, std::uint64_t seed) {
  std::uint64_t h = seed;
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  return h;
}

std::string hex64(std::uint64_t v) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out(16, '0');
  for (int i = 15; i >= 0; --i, v >>= 4) out[static_cast<std::size_t>(i)] = kHex[v & 15];
  return out;
}

}  // namespace mailsim::mime::detail
