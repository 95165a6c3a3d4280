#pragma once
// Base64 (RFC 4648), used by SMTP AUTH, MIME attachments and the trace.
#include <optional>
#include <string>
#include <string_view>

namespace mailsim {

std::string base64_encode(std::string_view bytes);
// Wraps the encoding in lines of `line_length` characters joined by CRLF (MIME bodies).
std::string base64_encode_lines(std::string_view bytes, std::size_t line_length = 76);
// Ignores CR, LF, space and tab; nullopt on any other character outside the alphabet or bad padding.
std::optional<std::string> base64_decode(std::string_view text);

}  // namespace mailsim
