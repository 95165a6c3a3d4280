#pragma once
// JSON text written by people: a depth-limited parse that turns syntax errors into
// "LINE:COL: what; hint" for the common mistakes (trailing comma, missing comma, single
// quotes, comments), and a scanner that finds where a JSON pointer sits in the text.
// Positions are 1-based; a column counts characters (UTF-8 code points), as editors do.
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace mailsim::app {

struct TextPos {
  std::uint32_t line = 1, col = 1;
};

struct JsonSyntaxError {
  TextPos pos;
  std::string what;  // "not valid JSON: …" or "nested deeper than N levels"
  std::string hint;  // "remove the comma before ']' (JSON allows no trailing comma)", or ""
};

// Parses `text`, refusing nesting deeper than `max_depth` before anything else looks at it
// (so no recursive walk elsewhere can overflow the stack). Returns the document, or the error.
struct ParsedJson {
  nlohmann::json root;
  std::optional<JsonSyntaxError> error;
};
ParsedJson parse_json_text(std::string_view text, std::size_t max_depth);

// One pass over `text` (which must be valid JSON): where each pointer in `wanted` starts (the
// value's position, and for an object member also its key's), and every key that repeats
// one before it in the same object (nlohmann would silently keep the last).
struct JsonLocation {
  TextPos value;
  std::optional<TextPos> key;
};
struct JsonScan {
  std::map<std::string, JsonLocation> where;
  struct Duplicate {
    std::string pointer;
    TextPos key;  // the repeated occurrence
  };
  std::vector<Duplicate> duplicate_keys;
};
JsonScan scan_json(std::string_view text, const std::set<std::string>& wanted);

// RFC 6901: "a/b~c" -> "a~1b~0c".
std::string escape_pointer_token(std::string_view token);
// The position of byte `offset` in `text`.
TextPos position_of(std::string_view text, std::size_t offset);

}  // namespace mailsim::app
