#include "agents/trace/json_writer.hpp"

#include <array>
#include <bit>
#include <charconv>
#include <cmath>
#include <cstring>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>

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

// The octets of a word (eight at a time, SWAR) that cannot stay as they are: the lowest
// flagged one is exact, which is all the scan needs.
constexpr std::uint64_t special_octets(std::uint64_t w) {
  return ((w - kOnes * 0x20) & ~w & kHighs) | (w & kHighs) | zero_octets(w ^ (kOnes * '"')) |
         zero_octets(w ^ (kOnes * '\\'));
}

// Octets a JSON string holds as they are: printable ASCII but the quote and the backslash.
constexpr std::array<bool, 256> kPlainOctet = [] {
  std::array<bool, 256> t{};
  for (int c = 0x20; c < 0x80; ++c) t[static_cast<std::size_t>(c)] = c != '"' && c != '\\';
  return t;
}();

// The end of the run of plain printable ASCII that starts at `i`.
std::size_t plain_ascii_run(std::string_view s, std::size_t i) {
  // Big-endian: the octet-by-octet scan of the caller does the work.
  if constexpr (std::endian::native != std::endian::little) return i;
  while (i + 8 <= s.size()) {
    std::uint64_t w;
    std::memcpy(&w, s.data() + i, 8);
    if (const std::uint64_t special = special_octets(w); special != 0)
      return i + static_cast<std::size_t>(std::countr_zero(special)) / 8;
    i += 8;
  }
  if (i < s.size() && s.size() >= 8) {
    // The last 1 to 7 octets: read as the word that ends the text, its octets before `i`
    // (plain, so no borrow starts there) shifted out.
    std::uint64_t w;
    std::memcpy(&w, s.data() + s.size() - 8, 8);
    const std::uint64_t special = special_octets(w) >> (8 * (8 - (s.size() - i)));
    return special != 0 ? i + static_cast<std::size_t>(std::countr_zero(special)) / 8 : s.size();
  }
  return i;  // shorter than a word: the caller's octet loop
}
}  // namespace

void append_json_string(std::string& out, std::string_view s) {
  JsonWriter(out).value(s);
}

void JsonWriter::grow(std::size_t n) {
  // Room for this write and the next few hundred octets: resizing zero-fills what it adds.
  out_.resize(len_ + n + 512);
}

void JsonWriter::put(std::string_view s) {
  if (s.empty()) return;
  std::memcpy(room(s.size()), s.data(), s.size());
  len_ += s.size();
}

void JsonWriter::put_string(std::string_view s) {
  // Written through a pointer with room checked per piece (a plain run, an escape, a UTF-8
  // sequence), not per call into put(): message text escapes a CRLF every line or so.
  char* p = room(s.size() + 2 + 16);
  char* end = out_.data() + out_.size();
  const auto ensure = [&](std::size_t n) {
    if (static_cast<std::size_t>(end - p) >= n) return;
    len_ = static_cast<std::size_t>(p - out_.data());
    p = room(n);
    end = out_.data() + out_.size();
  };
  const auto copy = [&](const char* from, std::size_t n) {
    ensure(n);
    std::memcpy(p, from, n);
    p += n;
  };
  *p++ = '"';
  std::size_t i = 0;
  while (i < s.size()) {
    // Most of a trace is printable ASCII: find the end of such a run eight octets at a time
    // and copy it at once.
    std::size_t plain = plain_ascii_run(s, i);
    while (plain < s.size() && kPlainOctet[static_cast<unsigned char>(s[plain])]) ++plain;
    if (plain > i) {
      copy(s.data() + i, plain - i);
      i = plain;
      if (i == s.size()) break;
    }
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      char two = 0;
      switch (c) {
        case '"': two = '"'; break;
        case '\\': two = '\\'; break;
        case '\b': two = 'b'; break;
        case '\f': two = 'f'; break;
        case '\n': two = 'n'; break;
        case '\r': two = 'r'; break;
        case '\t': two = 't'; break;
        default: break;
      }
      ensure(6);
      if (two != 0) {
        p[0] = '\\';
        p[1] = two;
        p += 2;
      } else {  // the other controls (printable ASCII never gets here)
        static constexpr char kHex[] = "0123456789abcdef";
        const char u[6] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 0xF]};
        std::memcpy(p, u, 6);
        p += 6;
      }
      ++i;
      continue;
    }
    const std::size_t n = utf8_length(s, i);
    if (n == 0) {
      copy("\xEF\xBF\xBD", 3);  // U+FFFD REPLACEMENT CHARACTER
      ++i;
    } else {
      copy(s.data() + i, n);
      i += n;
    }
  }
  ensure(1);
  *p++ = '"';
  len_ = static_cast<std::size_t>(p - out_.data());
}

void JsonWriter::separate() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (depth_ == 0) return;
  const std::uint64_t bit = std::uint64_t{1} << (depth_ - 1);
  if (nonempty_ & bit)
    put(',');
  else
    nonempty_ |= bit;
}

void JsonWriter::open(char c) {
  separate();
  put(c);
  // Containers nest as the program's facts do, a handful deep.
  if (depth_ == 64) throw std::length_error("JsonWriter: containers nested more than 64 deep");
  nonempty_ &= ~(std::uint64_t{1} << depth_);
  ++depth_;
}

void JsonWriter::close(char c) {
  put(c);
  --depth_;
}

void JsonWriter::key(Name k) {
  separate();
  char* p = room(k.text.size() + 3);
  p[0] = '"';
  std::memcpy(p + 1, k.text.data(), k.text.size());
  p[k.text.size() + 1] = '"';
  p[k.text.size() + 2] = ':';
  len_ += k.text.size() + 3;
  after_key_ = true;
}
void JsonWriter::value(std::string_view s) {
  separate();
  put_string(s);
}
void JsonWriter::value(std::int64_t n) {
  separate();
  char* p = room(24);
  len_ += static_cast<std::size_t>(std::to_chars(p, p + 24, n).ptr - p);
}
void JsonWriter::value(std::uint64_t n) {
  separate();
  char* p = room(24);
  len_ += static_cast<std::size_t>(std::to_chars(p, p + 24, n).ptr - p);
}
void JsonWriter::value(bool b) {
  separate();
  put(b ? "true" : "false");
}
void JsonWriter::value(double d) {
  separate();
  if (!std::isfinite(d)) {
    put("null");
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
  put(text);
}
void JsonWriter::null() {
  separate();
  put("null");
}
void JsonWriter::raw(std::string_view json) {
  separate();
  put(json);
}

}  // namespace mailsim::trace
