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

namespace {
// The same lines read through plain_run() where it applies: a run is split back into its
// lines, each of which must be a whole CRLF line that fits and does not start with a dot.
std::size_t lines_in_runs = 0;
std::vector<Line> read_with_runs(LineReader& r, const std::vector<std::string>& chunks) {
  std::vector<Line> out;
  for (const std::string& c : chunks) {
    r.feed(c);
    for (;;) {
      const std::string_view run = r.plain_run('.');
      for (std::size_t at = 0; at < run.size();) {
        const std::size_t end = run.find("\r\n", at);
        REQUIRE(end != std::string_view::npos);
        const std::string_view text = run.substr(at, end - at);
        REQUIRE(text.size() <= r.limit());
        REQUIRE((text.empty() || text.front() != '.'));
        REQUIRE(text.find('\n') == std::string_view::npos);
        out.push_back(Line{std::string(text), false, false});
        ++lines_in_runs;
        at = end + 2;
      }
      auto l = r.next();
      if (!l) break;
      out.push_back(l->owned());
    }
  }
  return out;
}
}  // namespace

TEST_CASE("plain_run takes whole plain lines at once and leaves every other line to next()", "[line_reader]") {
  const std::vector<std::string> pieces = {"plain text", "", ".", "..stuffed", std::string(12, 'x'),
                                           std::string(13, 'y'), "a\rb", "\r"};
  std::uint32_t seed = 12345;
  const auto rnd = [&](std::uint32_t n) {
    seed = seed * 1664525u + 1013904223u;
    return (seed >> 8) % n;
  };
  for (int round = 0; round < 2000; ++round) {
    std::string stream;
    for (int i = 0, n = static_cast<int>(rnd(12)); i < n; ++i)
      stream += pieces[rnd(static_cast<std::uint32_t>(pieces.size()))] + (rnd(5) == 0 ? "\n" : "\r\n");
    std::vector<std::string> chunks;
    for (std::size_t at = 0; at < stream.size();) {
      const std::size_t n = 1 + rnd(20);
      chunks.push_back(stream.substr(at, n));
      at += n;
    }
    LineReader plain(12), with_runs(12);
    const std::vector<Line> want = read(plain, chunks), got = read_with_runs(with_runs, chunks);
    REQUIRE(got.size() == want.size());
    for (std::size_t i = 0; i < want.size(); ++i) {
      CHECK(got[i].text == want[i].text);
      CHECK(got[i].overlong == want[i].overlong);
      CHECK(got[i].bare_lf == want[i].bare_lf);
    }
    CHECK(with_runs.buffered() == plain.buffered());
  }
  CHECK(lines_in_runs > 1000);  // the runs were taken, not only next()'s lines
}
