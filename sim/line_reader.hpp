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

// A line kept beyond the reader's next call (live mode keeps what a real peer sent).
struct Line {
  std::string text;        // without the line ending
  bool overlong = false;   // text holds only the first `limit` bytes
  bool bare_lf = false;    // ended by LF without CR
};

// A line as the reader returns it: a view into the reader's buffer, valid until the next
// call to the reader (next, feed, or assigning it). Copy it with owned() to keep it.
struct LineView {
  std::string_view text;
  bool overlong = false;
  bool bare_lf = false;
  Line owned() const { return Line{std::string(text), overlong, bare_lf}; }
};

class LineReader {
 public:
  explicit LineReader(std::size_t limit) : limit_(limit) {}
  void set_limit(std::size_t limit) { limit_ = limit; }
  std::size_t limit() const { return limit_; }

  // Appends bytes; call next() until it returns nullopt.
  void feed(std::string_view bytes) {
    release();
    pending_.append(bytes);
  }
  std::optional<LineView> next();
  // For a message's text, where most lines need only copying: the longest run of whole lines
  // at the start of what is buffered that each end in CRLF, fit the bound and do not start
  // with `special` (SMTP's '.', which needs un-stuffing or ends the text), line ends included,
  // as one view (valid as next()'s lines are); empty when the next line is not such a line,
  // which next() then returns as usual.
  std::string_view plain_run(char special);
  // Bytes buffered but not yet returned as a line (bounded by the limit).
  std::size_t buffered() const { return pending_.size() - pos_ + (partial_returned_ ? 0 : partial_.size()); }

 private:
  void release();  // forgets the bytes of the line last returned
  std::size_t limit_;
  std::string pending_;  // fed bytes; those before pos_ are read
  std::size_t pos_ = 0;
  std::string partial_;  // a line begun in an earlier feed (at most limit + 1 bytes)
  bool partial_returned_ = false;  // partial_ holds the line last returned
  bool discarding_ = false;
};

}  // namespace mailsim
