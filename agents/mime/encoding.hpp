#pragma once
// Content and header encodings shared by the composer and the parser: quoted-printable
// (RFC 2045 §6.7), RFC 2047 encoded-words, header folding (RFC 5322 §2.2.3).
#include <string>
#include <string_view>

namespace mailsim::mime {

// Encodes text for Content-Transfer-Encoding: quoted-printable. "\r\n" and a lone "\n" are
// hard line breaks (written as CRLF); every other byte outside printable ASCII, "=", and
// whitespace before a line break are escaped. Output lines are at most 76 characters.
std::string qp_encode(std::string_view text);

// Tolerant inverse of qp_encode: hard line breaks become CRLF, soft breaks vanish, trailing
// whitespace on a line is dropped, and a malformed "=" escape is kept literally.
std::string qp_decode(std::string_view encoded);

// True when `text` can go into a header as it is: printable ASCII, space and tab only, no
// "=?" (which a reader would take for an encoded-word), no word too long to fold.
bool header_safe(std::string_view text);

// RFC 2047 "B" encoded-words (=?utf-8?B?...?=), each at most 75 characters, split on UTF-8
// character boundaries and separated by single spaces (foldable). Text that is already
// header_safe is returned unchanged. `first_column` is where the first word starts on its line
// (e.g. 9 after "Subject: "): the first word is shortened so that line stays within 78.
std::string encode_words(std::string_view utf8, std::size_t first_column = 0);

// Formats one header field "Name: value\r\n", folding at whitespace so that lines stay within
// 78 characters where possible and never exceed 998 (an unbreakable run longer than that is
// cut, the continuation starting with a space). CR and LF in the value become spaces.
std::string fold_field(std::string_view name, std::string_view value);
// The same appended to `out`: a field that needs no folding (nearly all) costs no string.
void append_field(std::string& out, std::string_view name, std::string_view value);

// True for an RFC 5322 field name: printable ASCII except ":" (1..200 characters).
bool valid_field_name(std::string_view name);

}  // namespace mailsim::mime
