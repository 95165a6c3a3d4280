#pragma once
// A small streaming JSON text writer: objects and arrays written in the order the caller
// chooses (so the trace is byte-stable by construction), strings escaped as nlohmann::json
// does, invalid UTF-8 replaced by U+FFFD so that hostile input never makes the output
// invalid. Much faster than building a DOM per event, which matters for large traces.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace mailsim::trace {

class JsonWriter {
 public:
  explicit JsonWriter(std::string& out) : out_(out) {}

  void begin_object();
  void end_object();
  void begin_array();
  void end_array();
  // A key inside an object; the value follows with one of the value calls.
  void key(std::string_view k);

  void value(std::string_view s);
  void value(const char* s) { value(std::string_view(s)); }
  void value(const std::string& s) { value(std::string_view(s)); }
  void value(std::int64_t n);
  void value(std::uint64_t n);
  void value(int n) { value(static_cast<std::int64_t>(n)); }
  void value(unsigned n) { value(static_cast<std::uint64_t>(n)); }
  void value(bool b);
  void value(double d);
  void null();
  // Text that is already valid JSON (a pre-serialised sub-document).
  void raw(std::string_view json);

  template <class T>
  void field(std::string_view k, const T& v) {
    key(k);
    value(v);
  }

 private:
  void separate();
  std::string& out_;
  std::vector<bool> first_;  // per open container: no element written yet
  bool after_key_ = false;
};

// Appends `s` as a JSON string literal (with quotes) to out.
void append_json_string(std::string& out, std::string_view s);

}  // namespace mailsim::trace
