// What a content event of the trace says about a message: its octets and lines, counted
// eight octets at a time, must agree with a plain count for every length and placement.
#include <catch2/catch.hpp>

#include <algorithm>
#include <string>

#include "agents/wire_trace.hpp"

using namespace mailsim::agents;

TEST_CASE("content_lines counts every LF, whatever the length and the octets around it") {
  std::string text;
  std::uint32_t x = 12345;
  for (int len = 0; len < 300; ++len) {
    x = x * 1103515245u + 12345u;
    const unsigned r = (x >> 16) & 0xFF;
    // LFs, CRs, octets one away from LF (0x09, 0x0B), high octets and plain text.
    text += r < 40 ? '\n' : r < 60 ? '\r' : r < 70 ? '\x0B' : r < 80 ? '\x09' : r < 100 ? '\x8A' : char('a' + r % 26);
    CHECK(content_lines(text) == std::count(text.begin(), text.end(), '\n'));
  }
  CHECK(content_lines(std::string(64, '\n')) == 64);
  CHECK(content_lines(std::string(1000, '\n')) == 1000);  // past the 31-word batches of the count
  CHECK(content_lines("") == 0);
}

TEST_CASE("a content event's line describes it in numbers") {
  CHECK(describe_content(2277, 39) == "[message content: 2277 octets, 39 lines]");
}
