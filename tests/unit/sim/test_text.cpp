#include <catch2/catch.hpp>

#include <string>

#include "sim/text.hpp"

using mailsim::text::iequals;

namespace {
bool reference(std::string_view a, std::string_view b) {  // ASCII letters only fold
  const auto up = [](char c) { return c >= 'a' && c <= 'z' ? static_cast<char>(c - 32) : c; };
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (up(a[i]) != up(b[i])) return false;
  return true;
}
}  // namespace

TEST_CASE("iequals folds A-Z and a-z only, at every position of a word or its tail", "[text]") {
  // Every pair of octets at offsets inside the first word, the second word and the tail: the
  // word-at-a-time compare must agree with the octet-by-octet rule everywhere.
  for (const std::size_t size : {1u, 7u, 8u, 9u, 16u, 19u}) {
    for (std::size_t at = 0; at < size; at += (size > 9 ? 5 : 1)) {
      std::string a(size, 'm'), b(size, 'M');
      for (int x = 0; x < 256; ++x)
        for (int y = 0; y < 256; ++y) {
          a[at] = static_cast<char>(x);
          b[at] = static_cast<char>(y);
          if (iequals(a, b) != reference(a, b)) FAIL("size " << size << " at " << at << ": " << x << " vs " << y);
        }
    }
  }
  CHECK(iequals("MAIL FROM:<Alice@Example.ORG>", "mail from:<alice@example.org>"));
  CHECK_FALSE(iequals("mail from:<alice@example.org>", "mail from:<alice@example.orh>"));
  CHECK_FALSE(iequals("[", "{"));  // '[' + 0x20 is '{': not letters, not equal
  CHECK_FALSE(iequals("@@@@@@@@", "````````"));
  CHECK_FALSE(iequals("ab", "abc"));
  CHECK(iequals("", ""));
}

TEST_CASE("stuff_if_canonical is stuff_leading_dots on canonical text and nothing otherwise", "[text]") {
  using namespace mailsim::text;
  const char* pieces[] = {"a", ".", "..", "\r\n", "\n", "\r", "x.y", " ."};
  std::uint32_t seed = 5;
  const auto rnd = [&](std::uint32_t n) {
    seed = seed * 1664525u + 1013904223u;
    return (seed >> 8) % n;
  };
  int canonical = 0;
  for (int round = 0; round < 20000; ++round) {
    std::string text;
    for (int i = 0, n = static_cast<int>(rnd(10)); i < n; ++i) text += pieces[rnd(8)];
    const std::optional<std::string> got = stuff_if_canonical(text);
    if (is_canonical_crlf(text)) {
      ++canonical;
      REQUIRE(got);
      REQUIRE(*got == stuff_leading_dots(text));
    } else {
      REQUIRE_FALSE(got);
    }
  }
  CHECK(canonical > 1000);
  CHECK(*stuff_if_canonical(".a\r\n.\r\n") == "..a\r\n..\r\n");
  CHECK(*stuff_if_canonical("") == "");
}
