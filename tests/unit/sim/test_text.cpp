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
