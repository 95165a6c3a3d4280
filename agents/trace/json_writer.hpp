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
  // Appends to `out`. While the writer lives, `out` may hold unwritten room at its end; the
  // destructor cuts it to what was written.
  explicit JsonWriter(std::string& out) : out_(out), len_(out.size()) {}
  ~JsonWriter() { out_.resize(len_); }
  JsonWriter(const JsonWriter&) = delete;
  JsonWriter& operator=(const JsonWriter&) = delete;

  void begin_object() { open('{'); }
  void end_object() { close('}'); }
  void begin_array() { open('['); }
  void end_array() { close(']'); }
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
  // Bytes are written through a pointer into room made at the end of out_: std::string's
  // per-call cost, not the copying, was most of what writing a trace cost.
  char* room(std::size_t n) {
    if (out_.size() - len_ < n) grow(n);
    return out_.data() + len_;
  }
  void grow(std::size_t n);
  void put(char c) {
    *room(1) = c;
    ++len_;
  }
  void put(std::string_view s);
  void put_string(std::string_view s);  // a JSON string literal, quotes included
  void separate();
  void open(char c);
  void close(char c);

  std::string& out_;
  std::size_t len_;  // bytes of out_ written
  // Per open container, one bit: an element was written (a comma goes before the next).
  std::uint64_t nonempty_ = 0;
  int depth_ = 0;
  bool after_key_ = false;
};

// Appends `s` as a JSON string literal (with quotes) to out.
void append_json_string(std::string& out, std::string_view s);

}  // namespace mailsim::trace
