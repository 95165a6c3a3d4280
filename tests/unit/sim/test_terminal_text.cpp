// The one rule for text written to terminals and text files.
#include <catch2/catch.hpp>

#include "sim/terminal_text.hpp"

using mailsim::text::terminal_safe;

TEST_CASE("control characters are shown, never obeyed", "[text]") {
  CHECK(terminal_safe("Hi \x1b]0;owned\x07 there\r\n") == "Hi \\x1b]0;owned\\x07 there\\x0d\\x0a");
  CHECK(terminal_safe(std::string("a\0b", 3)) == "a\\x00b");
  CHECK(terminal_safe("\x7f") == "\\x7f");
}

TEST_CASE("8-bit controls, bidi overrides and broken UTF-8 are shown too", "[text]") {
  CHECK(terminal_safe("\xc2\x9b" "31m") == "\\u009b31m");             // U+009B, an 8-bit CSI
  CHECK(terminal_safe("evil\xe2\x80\xae" "cod.exe") == "evil\\u202ecod.exe");  // RIGHT-TO-LEFT OVERRIDE
  CHECK(terminal_safe("\xe2\x81\xa6x") == "\\u2066x");                // LEFT-TO-RIGHT ISOLATE
  CHECK(terminal_safe("\x9b" "2J") == "\\x9b2J");                     // a lone 8-bit CSI byte
  CHECK(terminal_safe("\xc0\x9b") == "\\xc0\\x9b");                   // overlong
  CHECK(terminal_safe("\xed\xa0\x80") == "\\xed\\xa0\\x80");          // a surrogate
  CHECK(terminal_safe("\xe2\x82") == "\\xe2\\x82");                   // cut short
}

TEST_CASE("printable UTF-8 passes unchanged", "[text]") {
  const std::string s = "Überweisung · «sí» — 日本語 😀";
  CHECK(terminal_safe(s) == s);
}

TEST_CASE("a message of several lines keeps its line breaks", "[text]") {
  CHECK(mailsim::text::terminal_safe_lines("a\x1b\nb\r\n") == "a\\x1b\nb\\x0d\n");
}
