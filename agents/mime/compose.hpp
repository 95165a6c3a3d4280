#pragma once
// Builds RFC 5322 / MIME messages (CRLF line endings) from a Draft.
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mailsim::mime {

struct Attachment {
  std::string filename;      // UTF-8; may be empty
  std::string content_type;  // empty = guess from the extension; may carry parameters
  std::string data;          // raw bytes, any type
};

struct Draft {
  std::string from, from_name;      // from is required; from_name is UTF-8
  std::vector<std::string> to, cc;  // addresses as written in the field
  std::string subject;              // UTF-8
  std::string date;                 // RFC 5322 date text; empty = no Date (an MSA adds one)
  std::string message_id;           // without <>; empty = no Message-ID (an MSA adds one)
  std::string body;                 // UTF-8 text, \n or \r\n line ends
  std::vector<Attachment> attachments;
  std::vector<std::pair<std::string, std::string>> extra_headers;  // e.g. {"Reply-To", "..."}
};

// The full message. Header order: Date, From, To, Cc, Subject, Message-ID, MIME-Version,
// Content-Type, Content-Transfer-Encoding, then extra_headers. The text is normalised to CRLF
// and always ends with a line break. Throws std::invalid_argument for an empty From, CR/LF/NUL
// in an address, date, id or extra header, an invalid or reserved extra header name (MIME-Version,
// Content-*, or one of the fields above), or an attachment content type that is not type/subtype.
std::string compose(const Draft& draft);

// MIME type for a file name by its extension (case-insensitive); application/octet-stream
// when unknown.
std::string guess_content_type(std::string_view filename);

// Helpers also used by the DSN composer.
// "Name" <addr>, or =?utf-8?B?...?= <addr> for a non-ASCII name, or addr alone.
std::string mailbox(std::string_view display_name, std::string_view address);
// A text/plain entity: its Content-Type and Content-Transfer-Encoding fields, a blank line and
// the encoded text (7bit for short-lined ASCII, else UTF-8 quoted-printable).
std::string text_entity(std::string_view utf8_text);
// A boundary derived from `seed` that occurs in none of `parts`.
std::string make_boundary(std::string_view seed, const std::vector<std::string>& parts);
// Joins entities (each: header fields, blank line, body) into a multipart body with preamble.
std::string multipart_body(std::string_view boundary, const std::vector<std::string>& parts);

}  // namespace mailsim::mime
