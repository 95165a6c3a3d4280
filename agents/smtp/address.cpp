#include "agents/smtp/address.hpp"

#include "agents/smtp/wire.hpp"

namespace mailsim::smtp {

std::string Path::str() const {
  if (domain.empty()) return local;
  return local + "@" + domain;
}

namespace {

bool is_alnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}
bool is_8bit(char c) { return static_cast<unsigned char>(c) >= 0x80; }

// RFC 5322 atext.
bool is_atext(char c, bool utf8) {
  static constexpr std::string_view specials = "!#$%&'*+-/=?^_`{|}~";
  return is_alnum(c) || specials.find(c) != std::string_view::npos || (utf8 && is_8bit(c));
}

bool valid_dot_string(std::string_view s, bool utf8) {
  bool atom_start = true;
  for (char c : s) {
    if (c == '.') {
      if (atom_start) return false;  // leading or doubled dot
      atom_start = true;
    } else if (is_atext(c, utf8)) {
      atom_start = false;
    } else {
      return false;
    }
  }
  return !atom_start;  // no trailing dot
}

bool valid_quoted_string(std::string_view s, bool utf8) {
  if (s.size() < 2 || s.front() != '"' || s.back() != '"') return false;
  for (std::size_t i = 1; i + 1 < s.size(); ++i) {
    char c = s[i];
    if (c == '"') return false;
    if (c == '\\') {  // quoted-pair: the escaped character may not be the closing quote
      if (i + 2 >= s.size()) return false;
      c = s[++i];
    }
    if (!((c >= 0x20 && c <= 0x7e) || (utf8 && is_8bit(c)))) return false;
  }
  return true;
}

bool valid_label(std::string_view label, bool utf8) {
  if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') return false;
  for (char c : label)
    if (!is_alnum(c) && c != '-' && !(utf8 && is_8bit(c))) return false;
  return true;
}

bool valid_domain(std::string_view d, bool utf8) {
  if (d.size() >= 2 && d.front() == '[' && d.back() == ']') {  // address literal
    for (char c : d.substr(1, d.size() - 2))
      if (c < 0x21 || c > 0x7e || c == '[' || c == ']' || c == '\\') return false;
    return d.size() > 2;
  }
  std::size_t pos = 0;
  while (true) {
    const std::size_t dot = d.find('.', pos);
    if (!valid_label(d.substr(pos, dot == std::string_view::npos ? dot : dot - pos), utf8))
      return false;
    if (dot == std::string_view::npos) return true;
    pos = dot + 1;
  }
}

// Index of the '>' closing the path, skipping quoted strings; npos when missing.
std::size_t closing_bracket(std::string_view text) {
  bool quoted = false;
  for (std::size_t i = 1; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted && c == '\\') ++i;
    else if (c == '"') quoted = !quoted;
    else if (c == '>' && !quoted) return i;
  }
  return std::string_view::npos;
}

// Index of the '@' separating local part and domain (the last one outside quotes).
std::size_t separator_at(std::string_view mailbox) {
  bool quoted = false;
  std::size_t at = std::string_view::npos;
  for (std::size_t i = 0; i < mailbox.size(); ++i) {
    const char c = mailbox[i];
    if (quoted && c == '\\') ++i;
    else if (c == '"') quoted = !quoted;
    else if (c == '@' && !quoted) at = i;
  }
  return at;
}

}  // namespace

PathParse parse_path(std::string_view text, PathRules rules) {
  PathParse out;
  const std::size_t close = text.empty() || text[0] != '<' ? std::string_view::npos
                                                            : closing_bracket(text);
  if (close == std::string_view::npos) {
    out.error = PathError::Syntax;
    return out;
  }
  out.rest = text.substr(close + 1);
  const bool path_too_long = close + 1 > kMaxPath;  // reported after the more precise limits
  std::string_view inner = text.substr(1, close - 1);
  if (inner.empty()) {
    if (!rules.allow_null) out.error = PathError::Syntax;
    return out;
  }
  if (inner.front() == '@') {  // obsolete source route: drop up to the colon
    const std::size_t colon = inner.find(':');
    inner.remove_prefix(colon == std::string_view::npos ? inner.size() : colon + 1);
  }
  const std::size_t at = separator_at(inner);
  if (at == std::string_view::npos) {
    if (rules.allow_postmaster && iequals(inner, "postmaster")) out.path.local = "postmaster";
    else out.error = path_too_long ? PathError::PathTooLong : PathError::Syntax;
    return out;
  }
  const std::string_view local = inner.substr(0, at), domain = inner.substr(at + 1);
  if (local.size() > kMaxLocalPart) out.error = PathError::LocalTooLong;
  else if (domain.size() > kMaxDomain) out.error = PathError::DomainTooLong;
  else if (path_too_long) out.error = PathError::PathTooLong;
  else if (local.empty() || domain.empty()) out.error = PathError::Syntax;
  else if (!(valid_dot_string(local, rules.allow_utf8) || valid_quoted_string(local, rules.allow_utf8)))
    out.error = PathError::Syntax;
  else if (!valid_domain(domain, rules.allow_utf8)) out.error = PathError::Syntax;
  if (out.error == PathError::None) out.path = Path{std::string(local), std::string(domain)};
  return out;
}

std::optional<Parameters> parse_parameters(std::string_view text) {
  Parameters out;
  std::size_t pos = 0;
  while (pos < text.size()) {
    if (text[pos] == ' ') {
      ++pos;
      continue;
    }
    const std::size_t end = std::min(text.find(' ', pos), text.size());
    const std::string_view item = text.substr(pos, end - pos);
    pos = end;
    const std::size_t eq = item.find('=');
    const std::string_view key = item.substr(0, eq);
    if (key.empty() || !is_alnum(key[0])) return std::nullopt;
    for (char c : key)
      if (!is_alnum(c) && c != '-') return std::nullopt;
    std::string value;
    if (eq != std::string_view::npos) {
      value = std::string(item.substr(eq + 1));
      if (value.empty()) return std::nullopt;
      for (char c : value)  // esmtp-value: %d33-60 / %d62-126
        if (c < 33 || c > 126 || c == '=') return std::nullopt;
    }
    std::string upper_key = to_upper(key);
    for (const auto& [k, v] : out)
      if (k == upper_key) return std::nullopt;
    out.emplace_back(std::move(upper_key), std::move(value));
  }
  return out;
}

}  // namespace mailsim::smtp
