#pragma once
// Untrusted JSON read from a stream, one value at a time, with limits checked while parsing
// (nesting depth, string length, repeated keys) and with the place of every problem: a line
// and column for people (1-based; a column counts UTF-8 code points, as editors do) and an
// RFC 6901 pointer. Built on nlohmann's SAX parser, which keeps no recursion of its own.
#include <cstdint>
#include <istream>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace mailsim::viz::jsonread {

struct TextPos {
  std::uint32_t line = 1, col = 1;
};

// A buffered reader that knows the line and column of every byte, and where the JSON token
// being read began (so a value's problem points at its first character).
class Source {
 public:
  // Reads at most `max_bytes` of `in`; over_limit() tells whether there was more.
  explicit Source(std::istream& in, std::uint64_t max_bytes = UINT64_MAX) : in_(in), max_(max_bytes) {}
  // Continue from byte `offset` of the stream, which is at `pos`.
  void seek(std::uint64_t offset, TextPos pos);
  bool at_end() { return i_ >= len_ && !fill(); }
  char peek() { return at_end() ? '\0' : buf_[i_]; }
  void advance();
  void skip_ws();
  // Skips blanks up to the end of the line; false if something else comes first.
  bool rest_of_line_blank();
  TextPos pos() const { return pos_; }            // of the next byte
  TextPos last_pos() const { return last_; }      // of the byte read last
  TextPos token_start() const { return token_; }  // of the last value token begun (string, bracket, number, literal)
  TextPos any_token_start() const { return any_token_; }  // also counting , : ] } and stray characters
  std::uint64_t offset() const { return offset_; }
  bool failed() const { return in_.bad(); }
  bool over_limit() const { return over_; }

 private:
  bool fill();
  std::istream& in_;
  std::vector<char> buf_ = std::vector<char>(1 << 16);
  std::size_t len_ = 0, i_ = 0;
  std::uint64_t offset_ = 0, max_;
  bool over_ = false;
  TextPos pos_, last_, token_, any_token_;
  bool in_string_ = false, escaped_ = false, in_literal_ = false;
};

struct Limits {
  std::size_t max_depth = 64;
  std::size_t max_string = std::size_t{1} << 20;  // octets of a key or a string value
};

struct Problem {
  std::string pointer;  // RFC 6901, "" for the whole document
  std::string what;
  TextPos pos;
};

// Where a string may be longer than Limits::max_string: called with the pointer tokens of
// the string value (keys and array indexes, unescaped).
using LongStringAllowed = bool (*)(const std::vector<std::string>& path);

// Parses the next JSON value from `src` (leading blanks skipped; nothing after it is read).
// `base` is prepended to the pointers of problems. Returns the value, or the first problem.
struct ReadResult {
  nlohmann::json value;
  std::optional<Problem> problem;
  std::string first_key;  // the first key of a top-level object, in the text's order
};
ReadResult read_value(Source& src, const Limits& limits, const std::string& base = "",
                      LongStringAllowed long_ok = nullptr);

// Where the value at `pointer` (relative to the value that starts at `src`) begins; when it
// is not in the text (a missing key), where its nearest enclosing value begins.
TextPos locate(Source& src, const std::string& pointer);

// RFC 6901: "a/b~c" -> "a~1b~0c".
std::string escape_token(const std::string& token);

// A small JSON file named on the command line (visualize --quiz, --packets): it must be a
// regular file (opening a FIFO would wait for ever) of at most `max_bytes`, and is read with
// `limits`. Throws std::runtime_error "NAME:LINE:COL: /pointer: what" or "NAME: why".
nlohmann::json load_file(const std::string& name, std::uint64_t max_bytes, const Limits& limits = {});

}  // namespace mailsim::viz::jsonread
