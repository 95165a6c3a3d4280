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

std::string byte_stuff(std::string_view crlf_text) { return text::stuff_leading_dots(crlf_text); }

}  // namespace mailsim::pop3
