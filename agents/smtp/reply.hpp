#pragma once
// SMTP replies (RFC 5321 section 4.2, enhanced codes RFC 2034/3463): the value type both
// cores share, the server's rendering into wire lines, and the client's bounded parser.
#include <algorithm>
#include <cstddef>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sim/line_reader.hpp"

namespace mailsim::smtp {

// A reply's text lines, without code and enhanced code, kept in one string where each line
// ends in LF: a reply costs one allocation at most (none when short), where a vector of
// strings cost one for the vector and one per long line, on both sides of every command.
// A line never holds LF: one given with an LF gets '?' there, as the wire would show it.
class ReplyText {
 public:
  ReplyText() = default;
  ReplyText(std::initializer_list<std::string_view> lines) {
    for (std::string_view l : lines) push_back(l);
  }
  explicit ReplyText(std::string line) : data_(std::move(line)), count_(1) {
    if (data_.find('\n') != std::string::npos) std::replace(data_.begin(), data_.end(), '\n', '?');
    data_ += '\n';
  }

  bool empty() const { return count_ == 0; }
  std::size_t size() const { return count_; }  // lines
  std::string_view operator[](std::size_t i) const;  // walks the lines before it
  std::string_view front() const { return (*this)[0]; }
  void push_back(std::string_view line);
  void emplace_back(std::string_view line) { push_back(line); }
  std::size_t octets() const { return data_.size() - count_; }  // the lines without their ends
  bool operator==(const ReplyText&) const = default;

  class const_iterator {  // the lines in order, as string views
   public:
    using value_type = std::string_view;
    using difference_type = std::ptrdiff_t;
    const_iterator() = default;
    const_iterator(std::string_view rest) : rest_(rest) {}
    std::string_view operator*() const { return rest_.substr(0, rest_.find('\n')); }
    const_iterator& operator++() {
      rest_.remove_prefix(rest_.find('\n') + 1);
      return *this;
    }
    const_iterator operator++(int) {
      const_iterator was = *this;
      ++*this;
      return was;
    }
    bool operator==(const const_iterator& o) const { return rest_.size() == o.rest_.size(); }

   private:
    std::string_view rest_;
  };
  const_iterator begin() const { return const_iterator(data_); }
  const_iterator end() const { return const_iterator(std::string_view(data_).substr(data_.size())); }

 private:
  std::string data_;
  std::size_t count_ = 0;
};

struct Reply {
  int code = 0;
  std::string enhanced;  // "2.1.0", or empty
  ReplyText text;

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
// One line of it: `text` is a line of the reply's text, `last` says it is the final one.
std::string format_reply_line(const Reply& reply, std::string_view text, bool last, bool with_enhanced);
// The same lines one at a time, in order, to emit(std::string), for a caller that keeps them
// elsewhere (a reply without text is one line).
template <class Emit>
void for_each_reply_line(const Reply& reply, bool with_enhanced, Emit&& emit) {
  if (reply.text.empty()) return emit(format_reply_line(reply, {}, true, with_enhanced));
  std::size_t left = reply.text.size();
  for (const std::string_view text : reply.text) emit(format_reply_line(reply, text, --left == 0, with_enhanced));
}

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
