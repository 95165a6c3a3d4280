#include "visualize/json_reader.hpp"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>
#include <stdexcept>

namespace mailsim::viz::jsonread {

using nlohmann::json;

// ---- Source ----

bool Source::fill() {
  if (!in_ || over_) return false;
  in_.read(buf_.data(), static_cast<std::streamsize>(buf_.size()));
  len_ = static_cast<std::size_t>(in_.gcount());
  i_ = 0;
  if (offset_ + len_ > max_) {  // a file that grew, or one whose size stat() does not tell
    len_ = static_cast<std::size_t>(max_ - offset_);
    over_ = true;
  }
  return len_ > 0;
}

void Source::seek(std::uint64_t offset, TextPos pos) {
  in_.clear();
  in_.seekg(static_cast<std::streamoff>(offset));
  len_ = i_ = 0;
  offset_ = offset;
  pos_ = last_ = token_ = any_token_ = pos;
  in_string_ = escaped_ = in_literal_ = false;
}

void Source::advance() {
  if (at_end()) return;
  const char c = buf_[i_++];
  ++offset_;
  last_ = pos_;
  // Token starts, as the lexer will see them: the quote of a string, a bracket, the first
  // character of a number or literal.
  if (in_string_) {
    if (escaped_) escaped_ = false;
    else if (c == '\\') escaped_ = true;
    else if (c == '"') in_string_ = false;
  } else if (c == '"' || c == '{' || c == '[') {
    token_ = any_token_ = pos_;
    in_string_ = c == '"';
    in_literal_ = false;
  } else if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-' || c == '+' ||
             c == '.') {
    if (!in_literal_) token_ = any_token_ = pos_;
    in_literal_ = true;
  } else {
    in_literal_ = false;
    if (c != ' ' && c != '\t' && c != '\n' && c != '\r') any_token_ = pos_;  // , : ] } or a stray character
  }
  if (c == '\n') {
    ++pos_.line;
    pos_.col = 1;
  } else if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) {  // not a UTF-8 continuation byte
    ++pos_.col;
  }
}

void Source::skip_ws() {
  for (char c = peek(); !at_end() && (c == ' ' || c == '\t' || c == '\n' || c == '\r'); c = peek()) advance();
}

bool Source::rest_of_line_blank() {
  for (char c = peek(); !at_end(); c = peek()) {
    if (c == '\n') {
      advance();
      return true;
    }
    if (c != ' ' && c != '\t' && c != '\r') return false;
    advance();
  }
  return true;
}

namespace {

// The input iterator nlohmann's parser reads through. Copies share the Source, so the
// parser consumes exactly the bytes of one value and the caller goes on from there.
struct SourceIter {
  using iterator_category = std::input_iterator_tag;
  using value_type = char;
  using difference_type = std::ptrdiff_t;
  using pointer = const char*;
  using reference = char;
  Source* src = nullptr;  // null: the end
  char operator*() const { return src->peek(); }
  SourceIter& operator++() {
    src->advance();
    return *this;
  }
  SourceIter operator++(int) {
    SourceIter old = *this;
    src->advance();
    return old;
  }
  bool done() const { return !src || src->at_end(); }
  bool operator==(const SourceIter& o) const { return done() == o.done(); }
};

// "[json.exception.parse_error.101] parse error at line 1, column 5: syntax error …" ->
// "syntax error …": the place is ours to say, counted over the whole file.
std::string plain_message(const std::string& what) {
  std::string s = what;
  if (const auto b = s.find("] "); s.rfind("[json.exception.", 0) == 0 && b != std::string::npos) s = s.substr(b + 2);
  if (s.rfind("parse error", 0) == 0)
    if (const auto c = s.find(": "); c != std::string::npos) s = s.substr(c + 2);
  if (s.size() > 200) {  // "last read:" can quote a whole long string
    std::size_t cut = 200;
    while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;
    s = s.substr(0, cut) + "…";
  }
  return "not valid JSON: " + s;
}

// Builds the value like nlohmann's DOM parser, refusing what the limits forbid as soon as
// it is read, and remembering where it is (for the pointer of a problem).
class Builder {
 public:
  Builder(Source& src, const Limits& limits, std::string base, LongStringAllowed long_ok)
      : src_(src), limits_(limits), base_(std::move(base)), long_ok_(long_ok) {}

  bool null() { return put(nullptr); }
  bool boolean(bool v) { return put(v); }
  bool number_integer(json::number_integer_t v) { return put(v); }
  bool number_unsigned(json::number_unsigned_t v) { return put(v); }
  bool number_float(json::number_float_t v, const std::string&) { return put(v); }
  bool binary(json::binary_t&) { return fail(pointer(stack_.size()), "binary values are not JSON", src_.token_start()); }
  bool string(std::string& v) {
    if (v.size() > limits_.max_string && !(long_ok_ && long_ok_(tokens(stack_.size()))))
      return fail(pointer(stack_.size()), "a string longer than " + size_words(limits_.max_string), src_.token_start());
    return put(std::move(v));
  }
  bool start_object(std::size_t) { return open(json::object()); }
  bool start_array(std::size_t) { return open(json::array()); }
  bool end_object() { return close(); }
  bool end_array() { return close(); }
  bool key(std::string& k) {
    const TextPos at = src_.token_start();
    const std::string where = pointer(stack_.size() - 1) + "/" + escape_token(k);
    if (k.size() > limits_.max_string) return fail(where, "a key longer than " + size_words(limits_.max_string), at);
    auto& obj = stack_.back()->get_ref<json::object_t&>();
    if (stack_.size() == 1 && obj.empty()) first_key_ = k;
    auto [it, fresh] = obj.emplace(k, nullptr);
    if (!fresh) return fail(where, "duplicate key \"" + k + "\" (a key may appear once in an object)", at);
    slot_ = &it->second;
    keys_.back() = it->first;
    return true;
  }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception& e) {
    // At the token the parser could not take, or at the end of a text that stops short. A
    // number too large for a double is found after the lexer read one character past it.
    const TextPos at = e.id == 406 ? src_.token_start() : src_.at_end() ? src_.pos() : src_.any_token_start();
    return fail(stack_.empty() ? base_ : pointer(stack_.size() - 1), plain_message(e.what()), at);
  }

  ReadResult take() { return {std::move(root_), std::move(problem_), std::move(first_key_)}; }
  bool failed() const { return problem_.has_value(); }

 private:
  static std::string size_words(std::size_t n) {
    return n % (1u << 20) == 0 ? std::to_string(n >> 20) + " MiB" : std::to_string(n) + " octets";
  }
  bool fail(std::string pointer, std::string what, TextPos pos) {
    if (!problem_) problem_ = Problem{std::move(pointer), std::move(what), pos};
    return false;
  }
  // The tokens of the first `levels` open containers' open child, and of the next value.
  std::vector<std::string> tokens(std::size_t levels) const {
    std::vector<std::string> out;
    for (std::size_t i = 0; i < levels; ++i) {
      const json& c = *stack_[i];
      const bool open_child = i + 1 < stack_.size();
      out.push_back(c.is_array() ? std::to_string(open_child ? c.size() - 1 : c.size()) : keys_[i]);
    }
    return out;
  }
  std::string pointer(std::size_t levels) const {
    std::string p = base_;
    for (const std::string& t : tokens(levels)) p += "/" + escape_token(t);
    return p;
  }
  json* place(json&& v) {
    if (stack_.empty()) {
      root_ = std::move(v);
      return &root_;
    }
    json& top = *stack_.back();
    if (top.is_array()) {
      auto& a = top.get_ref<json::array_t&>();
      a.push_back(std::move(v));
      return &a.back();
    }
    *slot_ = std::move(v);
    return slot_;
  }
  bool put(json&& v) {
    place(std::move(v));
    return true;
  }
  bool open(json&& container) {
    if (stack_.size() >= limits_.max_depth)
      return fail(pointer(stack_.size()), "nested deeper than " + std::to_string(limits_.max_depth) + " levels",
                  src_.token_start());
    stack_.push_back(place(std::move(container)));
    keys_.emplace_back();
    return true;
  }
  bool close() {
    stack_.pop_back();
    keys_.pop_back();
    return true;
  }

  Source& src_;
  const Limits& limits_;
  std::string base_;
  LongStringAllowed long_ok_;
  json root_;
  std::vector<json*> stack_;       // the open containers, outermost first
  std::vector<std::string> keys_;  // per open container: its current key (objects)
  json* slot_ = nullptr;           // the member the next value goes into
  std::optional<Problem> problem_;
  std::string first_key_;
};

// Follows the same events without building anything, and stops at the wanted value.
class Finder {
 public:
  Finder(Source& src, const std::string& target) : src_(src), target_(target) {}
  bool null() { return value(); }
  bool boolean(bool) { return value(); }
  bool number_integer(json::number_integer_t) { return value(); }
  bool number_unsigned(json::number_unsigned_t) { return value(); }
  bool number_float(json::number_float_t, const std::string&) { return value(); }
  bool binary(json::binary_t&) { return value(); }
  bool string(std::string&) { return value(); }
  bool start_object(std::size_t) { return open(false); }
  bool start_array(std::size_t) { return open(true); }
  bool end_object() { return close(); }
  bool end_array() { return close(); }
  bool key(std::string& k) {
    levels_.back().key = escape_token(k);
    return true;
  }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) { return false; }
  std::optional<TextPos> found() const { return found_; }

 private:
  struct Level {
    std::size_t path_size;  // path_ before this container's children
    bool array;
    std::size_t next = 0;
    std::string key;
  };
  // At the start of a value: is it the target, or on the way to it?
  bool starts_value() {
    std::string token;
    if (!levels_.empty()) {
      Level& l = levels_.back();
      token = l.array ? std::to_string(l.next++) : l.key;
      path_.resize(l.path_size);
      path_ += "/" + token;
    }
    if (path_ == target_) {
      found_ = src_.token_start();
      return false;  // stop: found
    }
    if (target_.size() > path_.size() && target_.compare(0, path_.size(), path_) == 0 && target_[path_.size()] == '/')
      found_ = src_.token_start();  // an enclosing value: the best so far
    return true;
  }
  bool value() { return starts_value(); }
  bool open(bool array) {
    if (!starts_value()) return false;
    levels_.push_back(Level{path_.size(), array, 0, {}});
    return true;
  }
  bool close() {
    levels_.pop_back();
    return true;
  }
  Source& src_;
  const std::string& target_;
  std::string path_;
  std::vector<Level> levels_;
  std::optional<TextPos> found_;
};

}  // namespace

std::string escape_token(const std::string& token) {
  if (token.find_first_of("~/") == std::string::npos) return token;
  std::string out;
  for (char c : token) {
    if (c == '~') out += "~0";
    else if (c == '/') out += "~1";
    else out += c;
  }
  return out;
}

ReadResult read_value(Source& src, const Limits& limits, const std::string& base, LongStringAllowed long_ok) {
  src.skip_ws();
  Builder b(src, limits, base, long_ok);
  const bool ok = json::sax_parse(SourceIter{&src}, SourceIter{}, &b, json::input_format_t::json, false);
  ReadResult r = b.take();
  if (!ok && !r.problem) r.problem = Problem{base, "not valid JSON", src.last_pos()};
  if (!r.problem && src.failed()) r.problem = Problem{base, "read error", src.pos()};
  return r;
}

TextPos locate(Source& src, const std::string& pointer) {
  src.skip_ws();
  const TextPos start = src.pos();
  Finder f(src, pointer);
  json::sax_parse(SourceIter{&src}, SourceIter{}, &f, json::input_format_t::json, false);
  return f.found().value_or(start);
}

nlohmann::json load_file(const std::string& name, std::uint64_t max_bytes, const Limits& limits) {
  struct stat st {};
  if (::stat(name.c_str(), &st) != 0) throw std::runtime_error(name + ": cannot open: " + std::strerror(errno));
  if (!S_ISREG(st.st_mode)) throw std::runtime_error(name + ": not a regular file");
  if (static_cast<std::uint64_t>(st.st_size) > max_bytes)
    throw std::runtime_error(name + ": " + std::to_string(st.st_size) + " octets, more than the " +
                             std::to_string(max_bytes) + " allowed");
  std::ifstream in(name, std::ios::binary);
  if (!in) throw std::runtime_error(name + ": cannot open: " + std::strerror(errno));
  Source src(in, max_bytes);
  ReadResult r = read_value(src, limits);
  auto at = [&](TextPos p) { return name + ":" + std::to_string(p.line) + ":" + std::to_string(p.col) + ": "; };
  if (r.problem)
    throw std::runtime_error(at(r.problem->pos) + (r.problem->pointer.empty() ? "" : r.problem->pointer + ": ") +
                             r.problem->what);
  src.skip_ws();
  if (!src.at_end()) throw std::runtime_error(at(src.pos()) + "more text after the JSON value");
  return std::move(r.value);
}

}  // namespace mailsim::viz::jsonread
