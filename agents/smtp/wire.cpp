#include "agents/smtp/wire.hpp"


namespace mailsim::smtp {

std::string to_bytes(const std::vector<Output>& outputs) { return text::output_bytes(outputs); }

std::string dot_stuff(std::string_view crlf_text) { return text::stuff_leading_dots(crlf_text); }

}  // namespace mailsim::smtp
