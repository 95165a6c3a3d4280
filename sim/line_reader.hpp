#pragma once
// Splits a byte stream into CRLF-terminated lines with a hard length bound, for the
// sans-I/O protocol cores. A line longer than the bound is reported once as overlong and
// its remaining bytes are discarded up to the next LF, so memory stays bounded whatever
// the peer sends. A bare LF also ends a line (lenient, as most servers are).
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace mailsim {

struct Line {
  std::string text;        // without the line ending
  bool overlong = false;   // text holds only the first `limit` bytes
  bool bare_lf = false;    // ended by LF without CR
};

class LineReader {
 public:
  explicit LineReader(std::size_t limit) : limit_(limit) {}
  void set_limit(std::size_t limit) { limit_ = limit; }
  std::size_t limit() const { return limit_; }

  // Appends bytes; call next() until it returns nullopt.
  void feed(std::string_view bytes) { pending_.append(bytes); }
  std::optional<Line> next();
  // Bytes buffered but not yet returned as a line (bounded by the limit).
  std::size_t buffered() const { return pending_.size() - pos_ + partial_.size(); }

 private:
  std::size_t limit_;
  std::string pending_;
  std::size_t pos_ = 0;
  std::string partial_;
  bool discarding_ = false;
};

}  // namespace mailsim
