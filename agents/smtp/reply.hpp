#pragma once
// SMTP replies (RFC 5321 section 4.2, enhanced codes RFC 2034/3463): the value type both
// cores share, the server's rendering into wire lines, and the client's bounded parser.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sim/line_reader.hpp"

namespace mailsim::smtp {

struct Reply {
  int code = 0;
  std::string enhanced;           // "2.1.0", or empty
  std::vector<std::string> text;  // one entry per line, without code and enhanced code

  static Reply make(int code, std::string enhanced, std::string text);
  bool positive() const { return code >= 200 && code < 300; }
  bool intermediate() const { return code >= 300 && code < 400; }
  bool transient() const { return code >= 400 && code < 500; }
  bool permanent() const { return code >= 500 && code < 600; }
  // "550 5.1.1 first text line", for logs, results and test messages.
  std::string summary() const;
  bool operator==(const Reply&) const = default;
};

// True when `code` looks like "class.subject.detail" (RFC 3463) with the given class digit.
bool is_enhanced_code(std::string_view code, char class_digit);

// Renders a reply as wire lines without CRLF: "250-..." then "250 ...". Each line is cut to
// fit 512 octets with its CRLF, and control or 8-bit bytes become '?', so text echoed from
// the peer can never break the framing. The enhanced code is added only when asked and valid.
std::vector<std::string> format_reply(const Reply& reply, bool with_enhanced);
// The same one line at a time, for a caller that keeps lines elsewhere: line i of
// reply_lines(reply) (a reply without text is one line).
std::size_t reply_lines(const Reply& reply);
std::string format_reply_line(const Reply& reply, std::size_t i, bool with_enhanced);

// Client side: turns the server's byte stream into replies. Bounded: a line longer than
// kMaxReplyText or a reply of more than kMaxReplyLines lines makes the stream malformed.
class ReplyParser {
 public:
  static constexpr std::size_t kMaxReplyText = 1000;  // 512 by the RFC; lenient but bounded
  static constexpr std::size_t kMaxReplyLines = 100;

  ReplyParser() : reader_(kMaxReplyText) {}
  void feed(std::string_view bytes) {
    if (error_.empty()) reader_.feed(bytes);
  }
  // The next complete reply; nullopt when more bytes are needed or the stream is malformed.
  std::optional<Reply> next();
  bool malformed() const { return !error_.empty(); }
  const std::string& error() const { return error_; }
  std::size_t buffered() const;
  // The reply lines read, as read, when asked to keep them (a real server, live mode).
  void keep_lines(bool keep) { keep_ = keep; }
  std::vector<Line> take_lines() { return std::exchange(lines_, {}); }

 private:
  std::optional<Reply> fail(std::string why);
  LineReader reader_;
  Reply partial_;  // lines of a multi-line reply seen so far
  std::string error_;
  bool keep_ = false;
  std::vector<Line> lines_;
};

}  // namespace mailsim::smtp
