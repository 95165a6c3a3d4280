#include "agents/smtp/reply.hpp"

#include <algorithm>
#include <charconv>

#include "agents/smtp/wire.hpp"

namespace mailsim::smtp {

std::string_view ReplyText::operator[](std::size_t i) const {
  std::size_t at = 0;
  for (; i > 0; --i) at = data_.find('\n', at) + 1;
  return std::string_view(data_).substr(at, data_.find('\n', at) - at);
}

void ReplyText::push_back(std::string_view line) {
  const std::size_t at = data_.size();
  data_.append(line);
  if (line.find('\n') != std::string_view::npos)
    std::replace(data_.begin() + static_cast<std::ptrdiff_t>(at), data_.end(), '\n', '?');
  data_ += '\n';
  ++count_;
}

Reply Reply::make(int code, std::string enhanced, std::string text) {
  return Reply{code, std::move(enhanced), ReplyText(std::move(text))};
}

std::string Reply::summary() const {
  std::string s = std::to_string(code);
  if (!enhanced.empty()) s.append(" ").append(enhanced);
  if (!text.empty() && !text.front().empty()) s.append(" ").append(text.front());
  return s;
}

namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// 1 to 3 digits starting at pos; returns the position after them, or npos.
std::size_t skip_number(std::string_view s, std::size_t pos) {
  std::size_t n = 0;
  while (pos + n < s.size() && is_digit(s[pos + n]) && n < 4) ++n;
  return n >= 1 && n <= 3 ? pos + n : std::string_view::npos;
}

std::string printable(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u >= 0x7f) c = '?';
  }
  return out;
}

// Length of a leading enhanced code (without the following space), or 0.
std::size_t enhanced_prefix(std::string_view text, char class_digit) {
  const std::size_t sp = text.find(' ');
  const std::string_view word = text.substr(0, sp);
  return is_enhanced_code(word, class_digit) ? word.size() : 0;
}

}  // namespace

bool is_enhanced_code(std::string_view code, char class_digit) {
  if (code.size() < 5 || code[0] != class_digit || code[1] != '.') return false;
  std::size_t pos = skip_number(code, 2);
  if (pos == std::string_view::npos || pos >= code.size() || code[pos] != '.') return false;
  pos = skip_number(code, pos + 1);
  return pos == code.size();
}


namespace {
// True when every octet is printable ASCII: one pass without branches, which the compiler
// can do many octets at a time; most reply text needs no '?'.
bool all_printable(std::string_view text) {
  unsigned bad = 0;
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    bad |= static_cast<unsigned>(u < 0x20) | static_cast<unsigned>(u >= 0x7f);
  }
  return bad == 0;
}
}  // namespace

std::string format_reply_line(const Reply& reply, std::string_view text, bool last, bool with_enhanced) {
  char code[12];
  const std::string_view code_text(code, static_cast<std::size_t>(std::to_chars(code, code + sizeof code, reply.code).ptr - code));
  const bool add_enhanced = with_enhanced && is_enhanced_code(reply.enhanced, code[0]);
  // Built in place, one allocation a line (replies are a good share of all protocol lines).
  std::string line;
  line.reserve(std::min(code_text.size() + 2 + reply.enhanced.size() + text.size(), kMaxReplyLine - 2));
  line.append(code_text).push_back(last ? ' ' : '-');
  if (add_enhanced) {
    line += reply.enhanced;
    if (!text.empty()) line += ' ';
  }
  const std::size_t text_at = line.size();
  line += text;
  if (!all_printable(text)) {
    for (std::size_t k = text_at; k < line.size(); ++k) {  // as printable()
      const auto u = static_cast<unsigned char>(line[k]);
      if (u < 0x20 || u >= 0x7f) line[k] = '?';
    }
  }
  if (line.size() > kMaxReplyLine - 2) line.resize(kMaxReplyLine - 2);
  return line;
}

std::vector<std::string> format_reply(const Reply& reply, bool with_enhanced) {
  std::vector<std::string> out;
  out.reserve(std::max<std::size_t>(reply.text.size(), 1));
  for_each_reply_line(reply, with_enhanced, [&](std::string line) { out.push_back(std::move(line)); });
  return out;
}

std::optional<Reply> ReplyParser::fail(std::string why) {
  if (error_.empty()) error_ = std::move(why);
  partial_ = Reply{};
  reader_ = LineReader(kMaxReplyText);  // nothing after a broken reply will be read
  return std::nullopt;
}

std::size_t ReplyParser::buffered() const {
  std::size_t n = reader_.buffered();
  return n + partial_.text.octets();
}

std::optional<Reply> ReplyParser::next() {
  while (error_.empty()) {
    std::optional<LineView> line = reader_.next();
    if (!line) return std::nullopt;
    if (keep_) lines_.push_back(line->owned());
    const std::string_view text = line->text;
    if (line->overlong) return fail("reply line too long");
    const bool digits = text.size() >= 3 && text[0] >= '2' && text[0] <= '5' &&
                        is_digit(text[1]) && is_digit(text[2]);
    if (!digits || (text.size() > 3 && text[3] != ' ' && text[3] != '-'))
      return fail("malformed reply line: " + printable(text.substr(0, 40)));
    const int code = (text[0] - '0') * 100 + (text[1] - '0') * 10 + (text[2] - '0');
    if (!partial_.text.empty() && code != partial_.code)
      return fail("reply code changed inside a multi-line reply");
    if (partial_.text.size() >= kMaxReplyLines)
      return fail("multi-line reply too long");
    partial_.code = code;
    std::string_view body = text.size() > 4 ? text.substr(4) : std::string_view{};
    // The enhanced code is repeated on every line (RFC 2034); keep it once, strip it everywhere.
    if (const std::size_t n = enhanced_prefix(body, text[0])) {
      if (partial_.text.empty()) partial_.enhanced = std::string(body.substr(0, n));
      body.remove_prefix(n < body.size() ? n + 1 : n);
    }
    partial_.text.emplace_back(body);
    if (text.size() <= 3 || text[3] == ' ') {
      Reply done = std::move(partial_);
      partial_ = Reply{};
      return done;
    }
  }
  return std::nullopt;
}

}  // namespace mailsim::smtp
