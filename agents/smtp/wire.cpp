#include "agents/smtp/wire.hpp"


namespace mailsim::smtp {

std::string to_bytes(const std::vector<Output>& outputs) {
  std::string out;
  for (const Output& o : outputs) {
    out += o.text;
    if (o.kind == Output::Kind::Line) out += "\r\n";
  }
  return out;
}

std::string dot_stuff(std::string_view crlf_text) { return text::stuff_leading_dots(crlf_text); }

}  // namespace mailsim::smtp
