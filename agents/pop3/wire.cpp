#include "agents/pop3/wire.hpp"

#include <charconv>

namespace mailsim::pop3 {

std::string to_bytes(const std::vector<Output>& outputs) { return text::output_bytes(outputs); }

std::string byte_stuff(std::string_view crlf_text) { return text::stuff_leading_dots(crlf_text); }

}  // namespace mailsim::pop3
