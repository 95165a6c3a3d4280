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
  // A key written in the program's text: checked when compiled to need no escaping, so it
  // is copied as it is (two million keys in a trace of 2,000 messages).
  struct Name {
    template <std::size_t N>
    consteval Name(const char (&k)[N]) : text(k, N - 1) {  // NOLINT: implicit from a literal on purpose
      for (char c : text)
        if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x80 || c == '"' || c == '\\')
          throw "a JSON key written in the program must need no escaping";
    }
    std::string_view text;
  };
  // A key inside an object; the value follows with one of the value calls.
  void key(Name k);

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
  void field(Name k, const T& v) {
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
