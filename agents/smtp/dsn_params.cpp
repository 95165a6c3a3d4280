#include "agents/smtp/dsn_params.hpp"

#include <cctype>

namespace mailsim::smtp {
namespace {

bool iequal(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (std::toupper(static_cast<unsigned char>(a[i])) != std::toupper(static_cast<unsigned char>(b[i]))) return false;
  return true;
}

int hex_digit(char c) {  // xtext uses upper-case hex only (RFC 3461 section 4)
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::optional<DsnRet> parse_ret(std::string_view value) {
  if (iequal(value, "FULL")) return DsnRet::Full;
  if (iequal(value, "HDRS")) return DsnRet::Headers;
  return std::nullopt;
}

std::optional<DsnNotify> parse_notify(std::string_view value) {
  DsnNotify n;
  n.given = true;
  if (iequal(value, "NEVER")) {
    n.never = true;
    return n;
  }
  std::size_t pos = 0;
  while (pos <= value.size()) {
    const std::size_t comma = std::min(value.find(',', pos), value.size());
    const std::string_view item = value.substr(pos, comma - pos);
    bool* flag = iequal(item, "SUCCESS") ? &n.success : iequal(item, "FAILURE") ? &n.failure
                 : iequal(item, "DELAY")   ? &n.delay
                                           : nullptr;
    if (!flag || *flag) return std::nullopt;  // unknown, empty or repeated
    *flag = true;
    pos = comma + 1;
  }
  return n;
}

std::optional<std::string> xtext_decode(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (c == '+') {
      if (i + 2 >= text.size()) return std::nullopt;
      const int hi = hex_digit(text[i + 1]), lo = hex_digit(text[i + 2]);
      if (hi < 0 || lo < 0) return std::nullopt;
      out += static_cast<char>(hi * 16 + lo);
      i += 2;
    } else if (c < 33 || c > 126 || c == '=') {
      return std::nullopt;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

std::string xtext_encode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if (c < 33 || c > 126 || c == '+' || c == '=') {
      out += '+';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

std::optional<std::string> parse_orcpt(std::string_view value) {
  const std::size_t semi = value.find(';');
  if (semi == 0 || semi == std::string_view::npos || semi + 1 == value.size()) return std::nullopt;
  for (char c : value.substr(0, semi))
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-') return std::nullopt;
  const auto address = xtext_decode(value.substr(semi + 1));
  if (!address || address->size() > 500) return std::nullopt;
  for (unsigned char c : *address)
    if (c < 32 || c == 127) return std::nullopt;  // one line, no controls: it goes into a DSN field
  return std::string(value.substr(0, semi)) + ";" + *address;
}

std::optional<std::string> parse_envid(std::string_view value) {
  auto id = xtext_decode(value);
  if (!id || id->empty() || id->size() > 100) return std::nullopt;
  for (unsigned char c : *id)
    if (c < 32 || c > 126) return std::nullopt;
  return id;
}

std::string ret_param(DsnRet ret) {
  return ret == DsnRet::Full ? "RET=FULL" : ret == DsnRet::Headers ? "RET=HDRS" : "";
}

std::string notify_param(const DsnNotify& n) {
  if (!n.given) return "";
  if (n.never) return "NOTIFY=NEVER";
  std::string list;
  for (const auto& [on, word] : {std::pair{n.success, "SUCCESS"}, std::pair{n.failure, "FAILURE"}, std::pair{n.delay, "DELAY"}})
    if (on) list += (list.empty() ? "" : ",") + std::string(word);
  return "NOTIFY=" + list;
}

std::string orcpt_param(std::string_view orcpt) {
  const std::size_t semi = orcpt.find(';');
  if (orcpt.empty() || semi == std::string_view::npos) return "";
  return "ORCPT=" + std::string(orcpt.substr(0, semi)) + ";" + xtext_encode(orcpt.substr(semi + 1));
}

}  // namespace mailsim::smtp
