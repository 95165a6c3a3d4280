// The trace's JSON strings must read back as the bytes that went in, whatever surrounds the
// octets that need escaping (the scan for plain text works eight octets at a time).
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <string>

#include "agents/trace/json_writer.hpp"

using mailsim::trace::append_json_string;

namespace {
std::string escaped(std::string_view s) {
  std::string out;
  append_json_string(out, s);
  return out;
}
}  // namespace

TEST_CASE("JSON strings read back exactly, with an octet to escape at every offset") {
  const std::string specials[] = {"\"", "\\", "\n", "\r", "\t", "\x01", "\x1f", "\x7f", "\xC3\xA9", "\xE2\x82\xAC",
                                  "\xF0\x9F\x93\xA7"};
  const std::string plain = "MAIL FROM:<alice@d01.example> SIZE=2048 BODY=8BITMIME";
  for (const std::string& special : specials) {
    for (std::size_t at = 0; at <= plain.size(); ++at) {
      std::string s = plain;
      s.insert(at, special);
      const std::string text = escaped(s);
      INFO("special " << nlohmann::json(special).dump() << " at " << at);
      CHECK(nlohmann::json::parse(text).get<std::string>() == s);
      CHECK(text == nlohmann::json(s).dump());  // the same bytes as nlohmann::json writes
    }
  }
}

TEST_CASE("JSON strings: plain runs of every length, and invalid UTF-8 made U+FFFD") {
  for (std::size_t n = 0; n < 40; ++n) {
    const std::string s(n, 'a');
    CHECK(escaped(s) == "\"" + s + "\"");
  }
  CHECK(escaped("0123456789abcdef\x80") == "\"0123456789abcdef\xEF\xBF\xBD\"");
  CHECK(escaped("01234567\xC3") == "\"01234567\xEF\xBF\xBD\"");
  CHECK(escaped("\xED\xA0\x80xy") == "\"\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBDxy\"");  // a surrogate
  CHECK(escaped(std::string("ab\0cd", 5)) == "\"ab\\u0000cd\"");
}
