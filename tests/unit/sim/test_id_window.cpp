#include <catch2/catch.hpp>

#include <memory>
#include <stdexcept>
#include <vector>

#include "sim/id_window.hpp"

using mailsim::sim::IdWindow;

TEST_CASE("IdWindow finds by id, forgets, and slides past the oldest ended ids", "[sim][id_window]") {
  IdWindow<int> w;
  REQUIRE(w.next_id() == 1);
  for (int i = 1; i <= 5; ++i) {
    REQUIRE(w.add(std::make_unique<int>(i * 10)) == i * 10);
    REQUIRE(w.next_id() == static_cast<std::uint64_t>(i) + 1);
  }
  REQUIRE(*w.find(3) == 30);
  REQUIRE(w.find(0) == nullptr);  // below the window: the unsigned index wraps and misses
  REQUIRE(w.find(6) == nullptr);
  REQUIRE_THROWS_AS(w.at(6), std::out_of_range);

  w.erase(3);  // a hole in the middle stays a hole
  REQUIRE(w.find(3) == nullptr);
  REQUIRE(w.at(4) == 40);
  w.erase(1);
  w.erase(2);  // the front ends: the window slides past 1, 2 and the hole at 3
  REQUIRE(w.find(1) == nullptr);
  REQUIRE(*w.find(4) == 40);
  w.erase(99);  // unknown ids are ignored
  w.erase(2);

  std::vector<std::uint64_t> ids;
  w.for_each([&](std::uint64_t id, const int& v) {
    REQUIRE(v == static_cast<int>(id) * 10);
    ids.push_back(id);
  });
  REQUIRE(ids == std::vector<std::uint64_t>{4, 5});

  w.erase(4);
  w.erase(5);  // empty: ids go on counting from where they were
  REQUIRE(w.next_id() == 6);
  w.add(std::make_unique<int>(60));
  REQUIRE(*w.find(6) == 60);
  REQUIRE(w.find(5) == nullptr);
}
