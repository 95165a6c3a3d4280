#include <catch2/catch.hpp>

#include <algorithm>
#include <functional>
#include <string>
#include <vector>

#include "sim/engine.hpp"

using namespace mailsim::sim;

TEST_CASE("engine runs events in time order", "[engine]") {
  Engine e;
  std::vector<int> order;
  e.at(30, [&] { order.push_back(3); });
  e.at(10, [&] { order.push_back(1); });
  e.at(20, [&] { order.push_back(2); });
  e.run();
  REQUIRE(order == std::vector<int>{1, 2, 3});
  REQUIRE(e.now() == 30);
}

TEST_CASE("engine breaks ties by insertion order", "[engine]") {
  Engine e;
  std::string s;
  for (char c : std::string("abcdefgh")) e.at(5, [&s, c] { s += c; });
  e.at(5, [&] { e.after(0, [&] { s += '!'; }); });  // scheduled later at the same time: runs last
  e.run();
  REQUIRE(s == "abcdefgh!");
}

TEST_CASE("cancelled timers never fire and cancel reports state", "[engine]") {
  Engine e;
  int fired = 0;
  TimerId a = e.at(10, [&] { fired += 1; });
  TimerId b = e.at(20, [&] { fired += 10; });
  REQUIRE(e.pending(a));
  REQUIRE(e.cancel(a));
  REQUIRE_FALSE(e.cancel(a));
  REQUIRE_FALSE(e.pending(a));
  e.run();
  REQUIRE(fired == 10);
  REQUIRE_FALSE(e.cancel(b));  // already fired
}

TEST_CASE("a reused slot does not resurrect a cancelled timer", "[engine]") {
  Engine e;
  int fired = 0;
  TimerId a = e.at(10, [&] { fired += 1; });
  e.cancel(a);
  TimerId b = e.at(10, [&] { fired += 100; });
  REQUIRE(b.slot == a.slot);
  REQUIRE_FALSE(e.cancel(a));
  e.run();
  REQUIRE(fired == 100);
}

TEST_CASE("run stops at the time limit and resumes", "[engine]") {
  Engine e;
  int fired = 0;
  e.at(100, [&] { ++fired; });
  e.run(50);
  REQUIRE(fired == 0);
  REQUIRE(e.now() == 50);
  e.run();
  REQUIRE(fired == 1);
}

TEST_CASE("background events alone do not keep a run going", "[engine]") {
  Engine e;
  int polls = 0;
  std::function<void()> poll = [&] {
    ++polls;
    e.after(10, poll, EventKind::Background);
  };
  e.after(10, poll, EventKind::Background);
  e.at(35, [] {});
  e.run();
  REQUIRE(polls == 3);  // at 10, 20, 30; the work event at 35 is the last
  bool unsettled = true;
  e.set_keep_alive([&] { return unsettled; });
  e.at(55, [&] { unsettled = false; });
  e.run();
  REQUIRE(polls == 5);  // 40, 50 ran while unsettled
}

TEST_CASE("scheduling in the past is refused", "[engine]") {
  Engine e;
  e.at(10, [] {});
  e.run();
  REQUIRE_THROWS(e.at(5, [] {}));
}

TEST_CASE("random streams are deterministic and independent", "[rng]") {
  Rng a(42, "loss"), b(42, "loss"), c(42, "arrivals"), d(43, "loss");
  const auto x = a.next();
  REQUIRE(x == b.next());
  REQUIRE(x != c.next());
  REQUIRE(x != d.next());
  Rng r(7, "u");
  for (int i = 0; i < 1000; ++i) {
    const double u = r.uniform01();
    REQUIRE(u >= 0.0);
    REQUIRE(u < 1.0);
    REQUIRE(r.below(7) < 7);
  }
}

TEST_CASE("cancelled timers do not pile up in the heap, and order survives compaction", "[engine]") {
  // As idle timeouts do: each event arms a long timer and cancels the previous one.
  Engine e;
  Rng rng(7, "compaction");
  std::vector<std::pair<Time, int>> expected;
  std::vector<std::pair<Time, int>> ran;
  for (int i = 0; i < 2000; ++i) {
    const Time t = static_cast<Time>(1 + rng.below(1'000'000));
    e.at(t, [&, t, i] { ran.emplace_back(t, i); });
    expected.emplace_back(t, i);
  }
  std::size_t most_keys = 0;
  TimerId idle;
  std::function<void(int)> tick = [&](int n) {
    e.cancel(idle);
    idle = e.after(300'000'000, [] { FAIL("a cancelled idle timer fired"); });
    most_keys = std::max(most_keys, e.queued_keys());
    if (n > 0) e.after(10, [&, n] { tick(n - 1); });
  };
  e.at(0, [&] { tick(100'000); });
  e.run(2'000'000);
  e.cancel(idle);
  e.run();
  std::stable_sort(expected.begin(), expected.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  REQUIRE(ran == expected);
  REQUIRE(most_keys < 2 * 2003 + 4096 + 1);  // not 100,000 dead keys
}
