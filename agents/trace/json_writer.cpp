#include "agents/trace/json_writer.hpp"

#include <bit>
#include <cmath>
#include <cstring>
#include <cstdio>
#include <cstdlib>

namespace mailsim::trace {

namespace {
// Length of the valid UTF-8 sequence starting at s[i], or 0 when it is invalid.
std::size_t utf8_length(std::string_view s, std::size_t i) {
  const auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char c = b(i);
  std::size_t n = 0;
  unsigned min = 0;
  unsigned cp = 0;
  if (c >= 0xC2 && c <= 0xDF) { n = 2; cp = c & 0x1F; min = 0x80; }
  else if (c >= 0xE0 && c <= 0xEF) { n = 3; cp = c & 0x0F; min = 0x800; }
  else if (c >= 0xF0 && c <= 0xF4) { n = 4; cp = c & 0x07; min = 0x10000; }
  else return 0;
  if (i + n > s.size()) return 0;
  for (std::size_t k = 1; k < n; ++k) {
    if ((b(i + k) & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (b(i + k) & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return n;
}
// Octets that JSON text cannot hold as they are: controls, '"', '\\', and every octet of a
// multi-octet UTF-8 sequence (checked apart).
constexpr std::uint64_t kOnes = 0x0101010101010101ULL;
constexpr std::uint64_t kHighs = 0x8080808080808080ULL;
constexpr std::uint64_t zero_octets(std::uint64_t v) { return (v - kOnes) & ~v & kHighs; }

// The end of the run of plain printable ASCII that starts at `i`, found eight octets at a time
// (SWAR): the lowest flagged octet of each word is exact, which is all the scan needs.
std::size_t plain_ascii_run(std::string_view s, std::size_t i) {
  while (i + 8 <= s.size()) {
    std::uint64_t w;
    std::memcpy(&w, s.data() + i, 8);
    const std::uint64_t special = ((w - kOnes * 0x20) & ~w & kHighs) | (w & kHighs) |
                                  zero_octets(w ^ (kOnes * '"')) | zero_octets(w ^ (kOnes * '\\'));
    if (special != 0) {
      // Big-endian: the octet-by-octet scan of the caller finds it.
      if constexpr (std::endian::native != std::endian::little) return i;
      return i + static_cast<std::size_t>(std::countr_zero(special)) / 8;
    }
    i += 8;
  }
  return i;
}
}  // namespace

void append_json_string(std::string& out, std::string_view s) {
  out += '"';
  std::size_t i = 0;
  while (i < s.size()) {
    // Most of a trace is printable ASCII: find the end of such a run eight octets at a time
    // and copy it at once.
    std::size_t plain = plain_ascii_run(s, i);
    while (plain < s.size()) {
      const unsigned char c = static_cast<unsigned char>(s[plain]);
      if (c < 0x20 || c >= 0x80 || c == '"' || c == '\\') break;
      ++plain;
    }
    if (plain > i) {
      out.append(s.data() + i, plain - i);
      i = plain;
      if (i == s.size()) break;
    }
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\b': out += "\\b"; break;
        case '\f': out += "\\f"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        default:
          if (c < 0x20) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\u%04x", c);
            out += buf;
          } else {
            out += static_cast<char>(c);
          }
      }
      ++i;
      continue;
    }
    const std::size_t n = utf8_length(s, i);
    if (n == 0) {
      out += "\xEF\xBF\xBD";  // U+FFFD REPLACEMENT CHARACTER
      ++i;
    } else {
      out.append(s.substr(i, n));
      i += n;
    }
  }
  out += '"';
}

void JsonWriter::separate() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (first_.empty()) return;
  if (first_.back())
    first_.back() = false;
  else
    out_ += ',';
}

void JsonWriter::begin_object() {
  separate();
  out_ += '{';
  first_.push_back(true);
}
void JsonWriter::end_object() {
  out_ += '}';
  first_.pop_back();
}
void JsonWriter::begin_array() {
  separate();
  out_ += '[';
  first_.push_back(true);
}
void JsonWriter::end_array() {
  out_ += ']';
  first_.pop_back();
}
void JsonWriter::key(Name k) {
  separate();
  out_ += '"';
  out_.append(k.text);
  out_.append("\":", 2);
  after_key_ = true;
}
void JsonWriter::value(std::string_view s) {
  separate();
  append_json_string(out_, s);
}
void JsonWriter::value(std::int64_t n) {
  separate();
  out_ += std::to_string(n);
}
void JsonWriter::value(std::uint64_t n) {
  separate();
  out_ += std::to_string(n);
}
void JsonWriter::value(bool b) {
  separate();
  out_ += b ? "true" : "false";
}
void JsonWriter::value(double d) {
  separate();
  if (!std::isfinite(d)) {
    out_ += "null";
    return;
  }
  char buf[32];
  // Shortest text that reads back to the same double (as nlohmann::json writes numbers).
  for (int precision = 1; precision <= 17; ++precision) {
    std::snprintf(buf, sizeof buf, "%.*g", precision, d);
    if (std::strtod(buf, nullptr) == d) break;
  }
  std::string text = buf;
  if (text.find_first_of(".eEn") == std::string::npos) text += ".0";
  out_ += text;
}
void JsonWriter::null() {
  separate();
  out_ += "null";
}
void JsonWriter::raw(std::string_view json) {
  separate();
  out_.append(json);
}

}  // namespace mailsim::trace
