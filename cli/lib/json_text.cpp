#include "cli/lib/json_text.hpp"

#include <cctype>

namespace mailsim::app {

using nlohmann::json;

namespace {

bool continuation_byte(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

// A read position that keeps line and column up to date, so positions cost nothing to
// record even on a minified file that is one long line.
struct Cursor {
  std::string_view text;
  std::size_t i = 0;
  TextPos pos;

  bool done() const { return i >= text.size(); }
  char peek() const { return done() ? '\0' : text[i]; }
  void step() {
    if (done()) return;
    const char c = text[i++];
    if (c == '\n') {
      ++pos.line;
      pos.col = 1;
    } else if (!continuation_byte(c)) {
      ++pos.col;
    }
  }
  void skip_ws() {
    while (!done() && (text[i] == ' ' || text[i] == '\t' || text[i] == '\n' || text[i] == '\r')) step();
  }
  // At an opening quote: steps past the string and returns its raw text (with quotes).
  std::string_view string_token() {
    const std::size_t start = i;
    step();
    while (!done() && text[i] != '"') {
      if (text[i] == '\\') step();
      step();
    }
    step();
    return text.substr(start, i - start);
  }
  void skip_scalar() {
    if (peek() == '"') {
      string_token();
      return;
    }
    while (!done() && text[i] != ',' && text[i] != ']' && text[i] != '}' && text[i] != ' ' && text[i] != '\n' &&
           text[i] != '\r' && text[i] != '\t')
      step();
  }
};

std::string decode_key(std::string_view token) {
  if (token.find('\\') == std::string_view::npos) return std::string(token.substr(1, token.size() - 2));
  try {
    return json::parse(token).get<std::string>();
  } catch (const json::exception&) {
    return std::string(token);
  }
}

// Where nesting first passes max_depth, looking only at brackets outside strings, so it
// works on any text, valid or not.
std::optional<std::size_t> too_deep(std::string_view text, std::size_t max_depth) {
  std::size_t depth = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') ++i;
      else if (c == '"') in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > max_depth) return i;
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return std::nullopt;
}

std::size_t previous_non_space(std::string_view text, std::size_t i) {
  while (i > 0) {
    --i;
    const char c = text[i];
    if (c != ' ' && c != '\t' && c != '\n' && c != '\r') return i;
  }
  return std::string_view::npos;
}

// The usual slips of people writing JSON by hand, recognised at the place the parser stopped.
std::string hint_for(std::string_view text, std::size_t at, TextPos& pos) {
  if (text.empty() || text.find_first_not_of(" \t\r\n") == std::string_view::npos) return "the file is empty";
  if (at >= text.size()) return "the text ends early: a closing '}' or ']' or '\"' is missing";
  // The parser stops at the end of the token it could not use: step back to its start.
  if (text[at] == '"') {
    const std::size_t open = text.rfind('"', at == 0 ? 0 : at - 1);
    if (open != std::string_view::npos && open < at && text.substr(open, at - open).find('\n') == std::string_view::npos)
      at = open;
  } else {
    while (at > 0 && (std::isalnum(static_cast<unsigned char>(text[at - 1])) || text[at - 1] == '.' || text[at - 1] == '-' ||
                      text[at - 1] == '+') &&
           std::isalnum(static_cast<unsigned char>(text[at])))
      --at;
  }
  const char c = text[at];
  const std::size_t prev_i = previous_non_space(text, at);
  const char prev = prev_i == std::string_view::npos ? '\0' : text[prev_i];
  if (c == '\'') return "JSON strings and keys use double quotes (\"…\"), not single quotes";
  if (c == '/' && at + 1 < text.size() && (text[at + 1] == '/' || text[at + 1] == '*'))
    return "JSON has no comments; write a note in a \"$comment\" key instead";
  if ((c == ']' || c == '}') && prev == ',') {
    pos = position_of(text, prev_i);
    return std::string("remove this comma: JSON allows no comma before '") + c + "'";
  }
  const bool value_end = prev == '"' || prev == '}' || prev == ']' || std::isdigit(static_cast<unsigned char>(prev)) ||
                         prev == 'e' || prev == 'l';
  const bool value_start = c == '"' || c == '{' || c == '[' || std::isdigit(static_cast<unsigned char>(c)) || c == '-' ||
                           c == 't' || c == 'f' || c == 'n';
  if (value_end && value_start) {
    pos = position_of(text, at);
    return "a comma is missing before this (between two values, or two \"key\": value pairs)";
  }
  if (std::isalpha(static_cast<unsigned char>(c)) && (prev == '{' || prev == ','))
    return "keys are written in double quotes: \"key\": value";
  if (std::isalpha(static_cast<unsigned char>(c)) && prev == ':')
    return "text values are written in double quotes: \"key\": \"text\"";
  if (c == '\t' || static_cast<unsigned char>(c) < 0x20) return "a control character (e.g. a tab or a line break) must be escaped inside a string (\\t, \\n)";
  return "";
}

}  // namespace

std::string escape_pointer_token(std::string_view token) {
  std::string out;
  out.reserve(token.size());
  for (char c : token) {
    if (c == '~') out += "~0";
    else if (c == '/') out += "~1";
    else out += c;
  }
  return out;
}

TextPos position_of(std::string_view text, std::size_t offset) {
  Cursor c{text, 0, {}};
  while (c.i < offset && !c.done()) c.step();
  return c.pos;
}

ParsedJson parse_json_text(std::string_view text, std::size_t max_depth) {
  ParsedJson out;
  if (const auto deep = too_deep(text, max_depth)) {
    out.error = JsonSyntaxError{position_of(text, *deep), "nested deeper than " + std::to_string(max_depth) + " levels",
                                "no scenario or trace needs this depth; the file is damaged or hostile"};
    return out;
  }
  try {
    out.root = json::parse(text.begin(), text.end());
  } catch (const json::parse_error& e) {
    // e.byte counts from 1 and points just past the character that stopped the parser.
    const std::size_t at = e.byte == 0 ? 0 : e.byte - 1;
    JsonSyntaxError err;
    err.pos = position_of(text, at);
    const std::string what = e.what();
    const auto p = what.find("syntax error");
    err.what = "not valid JSON: " + (p == std::string::npos ? what : what.substr(p));
    err.hint = hint_for(text, at, err.pos);
    out.error = err;
  }
  return out;
}

JsonScan scan_json(std::string_view text, const std::set<std::string>& wanted) {
  struct Frame {
    bool object;
    std::string pointer;
    std::size_t index = 0;
    std::string key;
    TextPos key_pos;
    std::set<std::string> keys;
  };
  JsonScan out;
  std::vector<Frame> stack;
  Cursor c{text, 0, {}};
  auto read_key = [&](Frame& f) {
    c.skip_ws();
    f.key_pos = c.pos;
    f.key = decode_key(c.string_token());
    if (!f.keys.insert(f.key).second)
      out.duplicate_keys.push_back({f.pointer + "/" + escape_pointer_token(f.key), f.key_pos});
    c.skip_ws();
    c.step();  // ':'
  };
  while (true) {
    // At a value.
    c.skip_ws();
    if (c.done()) break;
    std::string ptr;
    std::optional<TextPos> key_pos;
    if (!stack.empty()) {
      Frame& f = stack.back();
      ptr = f.pointer + "/" + (f.object ? escape_pointer_token(f.key) : std::to_string(f.index));
      if (f.object) key_pos = f.key_pos;
    }
    if (wanted.count(ptr) && !out.where.count(ptr)) out.where[ptr] = JsonLocation{c.pos, key_pos};
    const char open = c.peek();
    bool closed_now = false;
    if (open == '{' || open == '[') {
      c.step();
      stack.push_back(Frame{open == '{', ptr, 0, {}, {}, {}});
      c.skip_ws();
      if (c.peek() == (open == '{' ? '}' : ']')) {
        c.step();
        stack.pop_back();
        closed_now = true;
      } else {
        if (open == '{') read_key(stack.back());
        continue;
      }
    }
    if (!closed_now) c.skip_scalar();
    // After a value: a comma (next member) or closing brackets.
    bool next_value = false;
    while (!stack.empty()) {
      c.skip_ws();
      const char ch = c.peek();
      c.step();
      if (ch == ',') {
        Frame& f = stack.back();
        if (f.object) read_key(f);
        else ++f.index;
        next_value = true;
        break;
      }
      if (ch == '\0') break;
      stack.pop_back();  // '}' or ']'
    }
    if (!next_value) break;
  }
  return out;
}

}  // namespace mailsim::app
