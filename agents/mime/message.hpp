#pragma once
// Tolerant, bounded parser for received RFC 5322 / MIME messages. Input is untrusted: no
// function here throws or recurses without bound, whatever the bytes.
#include <cstddef>
#include <optional>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

namespace mailsim::mime {

// Bounds that keep a hostile message from costing unbounded time, memory or stack.
inline constexpr std::size_t kMaxDepth = 32;           // multipart nesting; deeper stays opaque
inline constexpr std::size_t kMaxParts = 1000;         // parts in one message; more are dropped
inline constexpr std::size_t kMaxHeaders = 1000;       // fields per header block; more are dropped
inline constexpr std::size_t kMaxHeaderValue = 65536;  // unfolded value bytes; longer is cut
inline constexpr std::size_t kMaxParams = 64;          // Content-Type/Disposition parameters

struct Header {
  std::string name, value;  // value unfolded and trimmed, raw (still encoded)
};

struct Part {
  std::vector<Header> headers;
  std::string content_type;       // lower-case type/subtype; text/plain when absent or invalid
  std::string charset;            // lower-case; us-ascii by default for text/*, else empty
  std::string filename;           // UTF-8 (RFC 2231 / 2047 decoded), from Content-Disposition or name=
  std::string disposition;        // lower-case "attachment", "inline" or empty
  std::string transfer_encoding;  // lower-case; 7bit when absent
  std::string body;               // decoded bytes of a leaf; empty for a multipart with children
  std::vector<Part> children;     // multipart/* only; message/* parts stay leaves (parse body again)
  std::optional<std::string> header(std::string_view name) const;
};

struct Message {
  std::vector<Header> headers;  // same as root.headers
  Part root;
  std::optional<std::string> header(std::string_view name) const;  // first, case-insensitive
  std::vector<std::string> all(std::string_view name) const;
};

Message parse(std::string_view raw);
// Only the top-level header fields (`headers`; `root` stays empty): for a reader that needs a
// field or two, without decoding the body. With `only`, just the fields of those names (in
// their order, each value as parse() gives it), without copying the others.
Message parse_headers(std::string_view raw, std::initializer_list<std::string_view> only = {});

// RFC 2047 encoded-words (B and Q) decoded to UTF-8; whitespace between adjacent encoded-words
// is dropped; a malformed word is kept as it is. ISO-8859-1 and Windows-1252 are converted.
std::string decode_header_value(std::string_view value);

// Leaf parts with a filename or Content-Disposition: attachment, in document order.
std::vector<const Part*> attachments(const Message& message);

// The first text/plain leaf that is not an attachment, decoded to UTF-8; empty if none.
std::string text_body(const Message& message);

// Where the header fields end: the offset just past the last field's line break, i.e. of the
// blank separator line (or of the first line that is not a field). message.size() when the
// whole message is header fields.
std::size_t header_block_end(std::string_view message);
// The same, adding the name of every field of the section to `names` (views into `message`).
std::size_t header_block_end(std::string_view message, std::vector<std::string_view>& names);

// A Message-ID (or any msg-id) without its angle brackets and surrounding spaces.
std::string strip_angle_brackets(std::string_view value);

}  // namespace mailsim::mime
