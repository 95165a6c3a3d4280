#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "sim/string_index.hpp"

using mailsim::sim::StringIndex;

TEST_CASE("StringIndex maps each key to the index it was added with, across growth", "[sim][string_index]") {
  std::vector<std::string> keys;
  StringIndex index;
  const auto key_of = [&](std::uint32_t i) -> std::string_view { return keys[i]; };
  REQUIRE_FALSE(index.find("t1", key_of));  // empty: no slots at all
  for (int i = 0; i < 5000; ++i) {  // grows from 64 slots many times over
    keys.push_back("t" + std::to_string(i));
    index.add(keys.back(), static_cast<std::uint32_t>(i), key_of);
  }
  REQUIRE(index.size() == 5000);
  for (std::uint32_t i = 0; i < keys.size(); ++i) REQUIRE(index.find(keys[i], key_of) == i);
  REQUIRE_FALSE(index.find("t5000", key_of));
  REQUIRE_FALSE(index.find("", key_of));
  REQUIRE_FALSE(index.find("T1", key_of));  // case matters: ids are compared as they are
}

TEST_CASE("StringIndex compares keys, not only hashes", "[sim][string_index]") {
  // Keys that share a prefix or differ only in their last octet, empty and long keys, and
  // keys with NUL octets inside: every one found as itself and nothing else.
  std::vector<std::string> keys = {"", "a", "ab", "abc", std::string("a\0b", 3), std::string(300, 'x'),
                                   std::string(300, 'x') + "y", "m1", "m1.bounce", "m1.bounce2"};
  StringIndex index;
  const auto key_of = [&](std::uint32_t i) -> std::string_view { return keys[i]; };
  for (std::uint32_t i = 0; i < keys.size(); ++i) index.add(keys[i], i, key_of);
  for (std::uint32_t i = 0; i < keys.size(); ++i) REQUIRE(index.find(keys[i], key_of) == i);
  REQUIRE_FALSE(index.find(std::string("a\0c", 3), key_of));
  REQUIRE_FALSE(index.find(std::string(301, 'x'), key_of));
}
