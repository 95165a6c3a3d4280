#include "agents/mime/headers.hpp"

#include <stdexcept>

#include "agents/mime/encoding.hpp"

namespace mailsim::mime {
namespace {

// Printable ASCII without whitespace and without characters that have meaning in the
// Received grammar; anything else becomes '?'. Capped, as a HELO argument can be long.
std::string token(std::string_view s, std::string_view fallback, std::string_view extra_bad = "()[];\\") {
  if (s.empty()) return std::string(fallback);
  std::string out;
  for (unsigned char c : s.substr(0, 255)) {
    const bool ok = c > 32 && c < 127 && extra_bad.find(static_cast<char>(c)) == std::string_view::npos;
    out += ok ? static_cast<char>(c) : '?';
  }
  return out;
}

}  // namespace

std::string prepend_header(std::string_view message, std::string_view name, std::string_view value) {
  if (!valid_field_name(name)) throw std::invalid_argument("mime::prepend_header: invalid field name");
  return fold_field(name, value) + std::string(message);
}

std::string received_header(const ReceivedInfo& in) {
  // The HELO may be an address literal such as "[192.0.2.1]", so brackets stay there.
  std::string v = "from " + token(in.helo, "unknown", "();\\");
  v += " (" + token(in.client_host, "unknown");
  if (!in.client_ip.empty()) {
    const std::string ip = token(in.client_ip, "");
    const bool v6 = ip.find(':') != std::string::npos && !ip.starts_with("IPv6:");
    v += std::string(" [") + (v6 ? "IPv6:" : "") + ip + "]";
  }
  v += ") by " + token(in.by_host, "localhost");
  v += " with " + token(in.protocol, "ESMTP");
  if (!in.id.empty()) v += " id " + token(in.id, "");
  if (!in.for_rcpt.empty()) {
    std::string_view r = in.for_rcpt;
    if (r.size() >= 2 && r.front() == '<' && r.back() == '>') r = r.substr(1, r.size() - 2);
    v += " for <" + token(r, "", "<>();\\") + ">";
  }
  if (!in.date.empty()) {
    std::string date;
    for (char c : in.date) date += (c == '\r' || c == '\n') ? ' ' : c;
    v += "; " + date;
  }
  return v;
}

}  // namespace mailsim::mime
