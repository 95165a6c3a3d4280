#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "sim/line_reader.hpp"

using mailsim::Line;
using mailsim::LineReader;

namespace {
// Every line the reader returns for `chunks`, copied before the next call (a view is not kept).
std::vector<Line> read(LineReader& r, const std::vector<std::string>& chunks) {
  std::vector<Line> out;
  for (const std::string& c : chunks) {
    r.feed(c);
    while (auto l = r.next()) out.push_back(l->owned());
  }
  return out;
}
}  // namespace

TEST_CASE("lines whole in one feed, split across feeds, bare LF and empty", "[line_reader]") {
  LineReader r(10);
  const auto lines = read(r, {"HELO a\r\nMA", "IL FROM\r", "\nx\n\r\n"});
  REQUIRE(lines.size() == 4);
  CHECK(lines[0].text == "HELO a");
  CHECK(lines[1].text == "MAIL FROM");
  CHECK_FALSE(lines[1].bare_lf);
  CHECK(lines[2].text == "x");
  CHECK(lines[2].bare_lf);
  CHECK(lines[3].text.empty());
  CHECK(r.buffered() == 0);
}

TEST_CASE("overlong lines are cut at the limit, whole or split, and the rest is skipped", "[line_reader]") {
  LineReader whole(4);
  auto lines = read(whole, {"abcdefgh\r\nok\r\n"});
  REQUIRE(lines.size() == 2);
  CHECK(lines[0].text == "abcd");
  CHECK(lines[0].overlong);
  CHECK(lines[1].text == "ok");
  CHECK_FALSE(lines[1].overlong);

  LineReader split(4);
  lines = read(split, {"abc", "defgh", "ij\r\nok\r\n"});
  REQUIRE(lines.size() == 2);
  CHECK(lines[0].text == "abcd");
  CHECK(lines[0].overlong);
  CHECK(lines[1].text == "ok");

  // Exactly the limit plus its CR is not overlong.
  LineReader exact(4);
  lines = read(exact, {"abcd\r\n", "abcde\r\n"});
  REQUIRE(lines.size() == 2);
  CHECK_FALSE(lines[0].overlong);
  CHECK(lines[1].overlong);
  CHECK(lines[1].text == "abcd");
}

TEST_CASE("buffered() counts only bytes not yet returned", "[line_reader]") {
  LineReader r(100);
  r.feed("one\r\ntw");
  auto l = r.next();
  REQUIRE(l);
  CHECK(l->text == "one");
  CHECK_FALSE(r.next());
  CHECK(r.buffered() == 2);
  r.feed("o\r\n");
  l = r.next();
  REQUIRE(l);
  CHECK(l->text == "two");  // gathered across feeds
  CHECK(r.buffered() == 0);
  CHECK_FALSE(r.next());
}
