#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "agents/ledger.hpp"

using namespace mailsim;
using namespace mailsim::agents;

namespace {

template <class F>
trace::TraceEvent fact(sim::Time t, const std::string& msg, F f) {
  trace::TraceEvent e;
  e.time = t;
  e.msg = msg;
  e.fact = trace::Fact(std::move(f));
  return e;
}

// A day of `n` generated messages: composed, submitted, delivered; bob polls, carol does not
// and fetches her mail only at the end (after her records have been spilled).
void feed(Ledger& ledger, int n) {
  ledger.add_poller("bob@b.example");
  for (int i = 0; i < n; ++i) {
    const std::string id = "t" + std::to_string(i);
    const std::string to = i % 2 ? "bob@b.example" : "carol@c.example";
    const sim::Time t = 1000 * i;
    ledger.observe(fact(t, id, trace::Composed{"alice@a.example", {to}, "Message " + id, 100, 0, id + "@a.example"}));
    ledger.observe(fact(t + 1, id, trace::SubmissionAccepted{"Q" + id, "alice@a.example", {to}, "alice"}));
    ledger.observe(fact(t + 2, id, trace::Delivered{to, i, 100}));
    if (i % 2) ledger.observe(fact(t + 3, id, trace::Retrieved{to, i, 100}));
  }
  for (int i = 0; i < n; i += 2)
    ledger.observe(fact(1000 * n + i, "t" + std::to_string(i), trace::Retrieved{"carol@c.example", i, 100}));
}

std::string summary(const Ledger& ledger) {
  std::string out;
  ledger.write_summary(5, [&](std::string_view s) { out += s; });
  return out;
}

}  // namespace

TEST_CASE("spilled records give the same summary, totals and late updates as records in memory", "[ledger]") {
  Ledger in_memory(1'000'000), spilling(0);
  feed(in_memory, 200);
  feed(spilling, 200);
  REQUIRE(summary(spilling) == summary(in_memory));
  REQUIRE(spilling.summary_json(5) == in_memory.summary_json(5));
  const Totals t = spilling.totals();
  CHECK(t.submitted == 200);
  CHECK(t.delivered == 200);
  CHECK(t.retrieved == 200);  // carol's late fetches reached records that were on disk
  REQUIRE(spilling.settled());
  REQUIRE(spilling.conservation_errors().empty());
  const auto m = spilling.find("t4");
  REQUIRE(m);
  CHECK(m->rcpts.at(0).retrieved_us == 1000 * 200 + 4);
  CHECK(spilling.contains("t199"));
  CHECK_FALSE(spilling.contains("t200"));
}

TEST_CASE("running totals match a recount after every kind of change", "[ledger]") {
  Ledger ledger(0);
  ledger.add_poller("bob@b.example");
  ledger.observe(fact(0, "m1", trace::Composed{"a@a.example", {"bob@b.example", "x@b.example"}, "s", 1, 0, "m1@a"}));
  CHECK(ledger.totals().submitted == 0);  // composed, not yet handed to the MSA
  ledger.observe(fact(0, "m1", trace::SubmissionAccepted{"Q1", "a@a.example", {"bob@b.example", "x@b.example"}, "a"}));
  CHECK(ledger.totals().submitted == 2);
  CHECK(ledger.totals().queued == 2);
  ledger.observe(fact(1, "m1", trace::Delivered{"BOB@b.example", 1, 1}));  // addresses compare without case
  ledger.observe(fact(2, "m1", trace::Delivered{"bob@b.example", 2, 1}));  // a second copy
  CHECK(ledger.totals().delivered == 1);
  CHECK(ledger.totals().duplicates == 1);
  CHECK_FALSE(ledger.settled());  // bob has not fetched it, x is still queued
  trace::Failed failed;
  failed.rcpt = "x@b.example";
  ledger.observe(fact(3, "m1", failed));
  ledger.observe(fact(4, "m1", trace::Retrieved{"bob@b.example", 1, 1}));
  const Totals t = ledger.totals();
  CHECK(t.submitted == 2);
  CHECK(t.delivered == 1);
  CHECK(t.bounced == 1);
  CHECK(t.queued == 0);
  CHECK(t.retrieved == 1);
  REQUIRE(ledger.settled());
}

TEST_CASE("a message is finished once every copy is fetched and kept", "[ledger]") {
  Ledger ledger;
  std::vector<std::string> finished;
  ledger.on_finished([&](const MessageRecord& m) { finished.push_back(m.message_id); });
  ledger.add_poller("bob@b.example");
  ledger.observe(fact(0, "m1", trace::Composed{"a@a.example", {"bob@b.example"}, "s", 1, 0, "m1@a"}));
  ledger.observe(fact(1, "m1", trace::Delivered{"bob@b.example", 1, 1}));
  ledger.observe(fact(2, "m1", trace::Retrieved{"bob@b.example", 1, 1}));
  CHECK(finished.empty());  // the POP3 server handed it out; the MUA has not kept it yet
  ledger.observe(fact(3, "m1", trace::LocalCopyKept{"bob@b.example", 1, 1, "s"}));
  REQUIRE(finished == std::vector<std::string>{"m1@a"});
}
