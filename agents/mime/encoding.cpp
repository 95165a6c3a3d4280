#include "agents/mime/encoding.hpp"

#include <algorithm>
#include <vector>

#include "agents/mime/util.hpp"
#include "sim/base64.hpp"

namespace mailsim::mime {
namespace {

constexpr std::size_t kQpLine = 76;        // RFC 2045 §6.7 rule 5, including the soft-break "="
constexpr std::size_t kSoftLine = 78;      // RFC 5322 §2.1.1 "SHOULD"
constexpr std::size_t kHardLine = 998;     // RFC 5322 §2.1.1 "MUST"
constexpr std::size_t kMaxSafeWord = 900;  // longer unbroken runs cannot be folded safely

void qp_escape(unsigned char c, std::string& out) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  out += '=';
  out += kHex[c >> 4];
  out += kHex[c & 15];
}

void qp_encode_line(std::string_view line, std::string& out) {
  std::size_t col = 0;
  std::string tok;
  for (std::size_t k = 0; k < line.size(); ++k) {
    const auto c = static_cast<unsigned char>(line[k]);
    const bool last = k + 1 == line.size();
    tok.clear();
    if (c == ' ' || c == '\t') {
      // Whitespace at the end of a line may be stripped in transit, so it is escaped there.
      if (last)
        qp_escape(c, tok);
      else
        tok += static_cast<char>(c);
    } else if (c >= 33 && c <= 126 && c != '=') {
      tok += static_cast<char>(c);
    } else {
      qp_escape(c, tok);
    }
    // A non-final token must leave room for the soft-break "=".
    if (col + tok.size() > (last ? kQpLine : kQpLine - 1)) {
      out += "=\r\n";
      col = 0;
    }
    out += tok;
    col += tok.size();
  }
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

std::string fold_unbreakable(const std::string& line, std::size_t name_size);
}  // namespace

std::string qp_encode(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 4);
  std::size_t i = 0;
  while (i < text.size()) {
    const std::size_t nl = text.find('\n', i);
    const std::size_t end = nl == std::string_view::npos ? text.size() : nl;
    std::size_t content_end = end;
    if (nl != std::string_view::npos && end > i && text[end - 1] == '\r') --content_end;
    qp_encode_line(text.substr(i, content_end - i), out);
    if (nl == std::string_view::npos) break;
    out += "\r\n";
    i = nl + 1;
  }
  return out;
}

std::string qp_decode(std::string_view in) {
  std::string out;
  out.reserve(in.size());
  std::size_t i = 0;
  while (i < in.size()) {
    const std::size_t nl = in.find('\n', i);
    const bool has_break = nl != std::string_view::npos;
    std::string_view line = in.substr(i, (has_break ? nl : in.size()) - i);
    i = has_break ? nl + 1 : in.size();
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    while (!line.empty() && detail::is_wsp(line.back())) line.remove_suffix(1);  // transport padding
    bool soft = false;
    if (!line.empty() && line.back() == '=') {
      soft = true;
      line.remove_suffix(1);
    }
    for (std::size_t k = 0; k < line.size(); ++k) {
      if (line[k] == '=' && k + 2 < line.size()) {
        const int hi = hex_value(line[k + 1]);
        const int lo = hex_value(line[k + 2]);
        if (hi >= 0 && lo >= 0) {
          out += static_cast<char>(hi * 16 + lo);
          k += 2;
          continue;
        }
      }
      out += line[k];
    }
    if (has_break && !soft) out += "\r\n";
  }
  return out;
}

bool header_safe(std::string_view text) {
  if (!detail::is_ascii_printable(text) || text.find("=?") != std::string_view::npos) return false;
  std::size_t run = 0;
  for (char c : text) {
    run = detail::is_wsp(c) ? 0 : run + 1;
    if (run > kMaxSafeWord) return false;
  }
  return true;
}

std::string encode_words(std::string_view utf8, std::size_t first_column) {
  if (header_safe(utf8)) return std::string(utf8);
  // "=?utf-8?B?" + base64 + "?=": 12 characters of frame, base64 in groups of 4 per 3 bytes.
  constexpr std::size_t kFrame = 12, kMaxWord = 75;
  std::size_t budget = kMaxWord;
  if (first_column + kMaxWord > kSoftLine && kSoftLine > first_column + kFrame + 8)
    budget = kSoftLine - first_column;
  std::string out;
  std::size_t pos = 0;
  while (pos < utf8.size()) {
    const std::size_t max_bytes = (budget - kFrame) / 4 * 3;
    const std::size_t take = detail::utf8_prefix(utf8.substr(pos), max_bytes);
    if (!out.empty()) out += ' ';
    out += "=?utf-8?B?";
    out += base64_encode(utf8.substr(pos, take));
    out += "?=";
    pos += take;
    budget = kMaxWord;
  }
  return out;
}

bool valid_field_name(std::string_view name) {
  if (name.empty() || name.size() > 200) return false;
  for (unsigned char c : name)
    if (c < 33 || c > 126 || c == ':') return false;
  return true;
}

void append_field(std::string& out, std::string_view name, std::string_view value) {
  const bool breaks = std::any_of(value.begin(), value.end(), [](char c) { return c == '\r' || c == '\n'; });
  std::string_view v = value;
  while (!v.empty() && detail::is_wsp(v.back())) v.remove_suffix(1);
  const std::size_t size = v.empty() ? name.size() + 1 : name.size() + 2 + v.size();
  if (breaks || size > kSoftLine) {  // as fold_field: unfold, neutralise, fold
    out += fold_field(name, value);
    return;
  }
  out.append(name);  // as fold_field's first case: trailing whitespace gone, one line
  if (v.empty()) out += ':';
  else out.append(": ").append(v);
  out += "\r\n";
}

std::string fold_field(std::string_view name, std::string_view value) {
  // Unfold anything pre-folded and neutralise bare CR/LF: a value can never start a new field.
  std::string line;
  line.reserve(name.size() + 2 + value.size() + 2);
  line.append(name).append(": ");
  const bool breaks = std::any_of(value.begin(), value.end(), [](char c) { return c == '\r' || c == '\n'; });
  if (!breaks) line.append(value);
  for (std::size_t i = 0; breaks && i < value.size(); ++i) {
    const char c = value[i];
    if (c == '\r' || c == '\n') {
      std::size_t j = i;
      while (j < value.size() && (value[j] == '\r' || value[j] == '\n')) ++j;
      const bool folded = j < value.size() && detail::is_wsp(value[j]);
      if (!folded) line += ' ';
      i = j - 1;
    } else {
      line += c;
    }
  }
  while (line.size() > name.size() + 1 && detail::is_wsp(line.back())) line.pop_back();
  if (line.size() <= kSoftLine) {  // fits on one line: nothing to fold
    line += "\r\n";
    return line;
  }

  // Pieces start at each whitespace run that follows a non-whitespace character; folding
  // inserts CRLF before a piece, so continuation lines begin with whitespace. Each output
  // line is a run of whole pieces of `line`, so it is copied once, straight from there.
  std::string out;
  out.reserve(line.size() + line.size() / 16 + 2);
  const std::size_t first_gap = name.size() + 2;
  std::size_t cur = 0;  // the output line being filled is line[cur, piece)
  for (std::size_t piece = 0; piece < line.size();) {
    std::size_t end = std::max(piece + 1, first_gap);
    while (end < line.size() && !(detail::is_wsp(line[end]) && !detail::is_wsp(line[end - 1]))) ++end;
    if (piece > cur && end - cur > kSoftLine) {
      out.append(line, cur, piece - cur).append("\r\n");
      cur = piece;
    }
    if (end - cur > kHardLine) return fold_unbreakable(line, name.size());  // a word over 998
    piece = end;
  }
  out.append(line, cur, std::string::npos).append("\r\n");
  return out;
}

namespace {
// fold_field's last resort: a run without whitespace too long for a line is cut (at a UTF-8
// character boundary) and goes on after a space.
std::string fold_unbreakable(const std::string& line, std::size_t name_size) {
  std::vector<std::size_t> starts{0};
  for (std::size_t i = name_size + 2; i < line.size(); ++i)
    if (detail::is_wsp(line[i]) && !detail::is_wsp(line[i - 1])) starts.push_back(i);
  starts.push_back(line.size());

  std::string out, cur;
  auto flush = [&] {
    out += cur;
    out += "\r\n";
    cur.clear();
  };
  for (std::size_t k = 0; k + 1 < starts.size(); ++k) {
    const std::string_view piece = std::string_view(line).substr(starts[k], starts[k + 1] - starts[k]);
    if (!cur.empty() && cur.size() + piece.size() > kSoftLine) flush();
    cur += piece;
    while (cur.size() > kHardLine) {  // last resort for an unbreakable run
      const std::size_t cut = detail::utf8_prefix(cur, kHardLine);
      out += cur.substr(0, cut);
      out += "\r\n";
      cur[cut - 1] = ' ';  // the space that starts the continuation line
      cur.erase(0, cut - 1);
    }
  }
  flush();
  return out;
}
}  // namespace

}  // namespace mailsim::mime
