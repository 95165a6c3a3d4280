#include "agents/pop3/wire.hpp"

#include <charconv>

namespace mailsim::pop3 {

std::string to_bytes(const std::vector<Output>& outputs) {
  std::string out;
  for (const Output& o : outputs) {
    out += o.text;
    if (o.kind == Output::Kind::Line) out += "\r\n";
  }
  return out;
}

std::string canonical_crlf(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 32 + 2);
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t lf = text.find('\n', pos);
    const bool last = lf == std::string_view::npos;
    std::size_t end = last ? text.size() : lf;
    if (end > pos && text[end - 1] == '\r') --end;
    out.append(text.substr(pos, end - pos));
    out += "\r\n";
    pos = last ? text.size() : lf + 1;
  }
  return out;
}

std::string byte_stuff(std::string_view crlf_text) {
  std::string out;
  out.reserve(crlf_text.size() + 16);
  bool line_start = true;
  for (char c : crlf_text) {
    if (line_start && c == '.') out += '.';
    out += c;
    line_start = c == '\n';
  }
  return out;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'a' && x <= 'z') x = static_cast<char>(x - 32);
    if (y >= 'a' && y <= 'z') y = static_cast<char>(y - 32);
    if (x != y) return false;
  }
  return true;
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

}  // namespace mailsim::pop3
