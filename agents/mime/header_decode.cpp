// RFC 2047 encoded-word decoding (declared in message.hpp).
#include <algorithm>
#include <optional>

#include "agents/mime/message.hpp"
#include "agents/mime/util.hpp"
#include "sim/base64.hpp"

namespace mailsim::mime {
namespace {

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

std::optional<std::string> decode_q(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '_') {
      out += ' ';
    } else if (c == '=') {
      if (i + 2 >= text.size()) return std::nullopt;
      const int hi = hex_digit(text[i + 1]), lo = hex_digit(text[i + 2]);
      if (hi < 0 || lo < 0) return std::nullopt;
      out += static_cast<char>(hi * 16 + lo);
      i += 2;
    } else {
      out += c;
    }
  }
  return out;
}

// Cached forward searches: positions only move forward, so a whole scan stays linear even when
// the value holds many "=?" that never close.
struct Finder {
  std::string_view s;
  std::string_view needle;
  std::size_t cached = 0;
  bool valid = false;
  std::size_t from(std::size_t pos) {
    if (!valid || (cached != std::string_view::npos && cached < pos)) {
      cached = s.find(needle, pos);
      valid = true;
    }
    return cached;
  }
};

}  // namespace

std::string decode_header_value(std::string_view s) {
  std::string out, pending, pending_charset, ws;
  bool have_pending = false;
  auto flush = [&] {
    if (have_pending) out += detail::to_utf8(pending, pending_charset);
    pending.clear();
    have_pending = false;
  };
  Finder question{s, "?"}, close{s, "?="}, space{s, " "}, tab{s, "\t"};
  std::size_t i = 0;
  while (i < s.size()) {
    if (s[i] == '=' && i + 1 < s.size() && s[i + 1] == '?') {
      // =?charset?X?text?= with no whitespace inside.
      const std::size_t q1 = question.from(i + 2);
      if (q1 != std::string_view::npos && q1 > i + 2 && q1 + 2 < s.size() && s[q1 + 2] == '?') {
        const std::size_t t = q1 + 3;
        const std::size_t end = close.from(t);
        const std::size_t blank = std::min(space.from(i), tab.from(i));
        if (end != std::string_view::npos && blank > end) {
          std::string charset = detail::to_lower(s.substr(i + 2, q1 - i - 2));
          if (auto star = charset.find('*'); star != std::string::npos) charset.resize(star);  // RFC 2231 §5
          const char enc = detail::lower(s[q1 + 1]);
          const std::string_view text = s.substr(t, end - t);
          std::optional<std::string> bytes;
          if (enc == 'b') bytes = base64_decode(text);
          if (enc == 'q') bytes = decode_q(text);
          if (bytes) {
            // Adjacent words in one charset are joined before conversion: senders do split
            // multi-byte characters across words.
            if (have_pending && pending_charset != charset) flush();
            pending_charset = charset;
            pending += *bytes;
            have_pending = true;
            ws.clear();  // whitespace between encoded-words is not displayed (RFC 2047 §6.2)
            i = end + 2;
            continue;
          }
        }
      }
    }
    if ((detail::is_wsp(s[i]) || s[i] == '\r' || s[i] == '\n') && have_pending) {
      ws += s[i++];
      continue;
    }
    flush();
    out += ws;
    ws.clear();
    out += s[i++];
  }
  flush();
  out += ws;
  return out;
}

}  // namespace mailsim::mime
