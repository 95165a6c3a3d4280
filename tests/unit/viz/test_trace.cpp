// Reading traces: validation against docs/trace-format.md, the model the renderers use
// (lifelines, messages of session lines, steps) and --message filtering.
#include <catch2/catch.hpp>

#include "helpers.hpp"
#include "visualize/model.hpp"
#include "visualize/trace.hpp"

using namespace mailsim::viz;
using nlohmann::json;

namespace {

std::string error_of(const json& t) {
  try {
    validate(t);
  } catch (const TraceError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("the fixtures, written by the binary, are valid traces", "[trace]") {
  for (const char* name : {"six-steps", "failures", "xss"}) {
    INFO(name);
    REQUIRE_NOTHROW(vizt::trace(name));
  }
}

namespace {
// Index of the first event matching `pred`.
template <class P>
std::size_t find_event(const json& t, P pred) {
  for (std::size_t i = 0; i < t["events"].size(); ++i)
    if (pred(t["events"][i])) return i;
  FAIL("no such event");
  return 0;
}
}  // namespace

TEST_CASE("validation names what is wrong and where", "[trace]") {
  const json good = vizt::trace("six-steps");
  const std::size_t line = find_event(good, [](const json& e) { return e["kind"] == "line"; });
  const std::size_t content = find_event(good, [](const json& e) { return e["kind"] == "content"; });
  const std::size_t fact = find_event(good, [](const json& e) { return e.value("fact", "") == "delivered"; });
  const std::string L = "/events/" + std::to_string(line), C = "/events/" + std::to_string(content),
                    F = "/events/" + std::to_string(fact);
  auto broken = [&](auto edit) {
    json t = good;
    edit(t);
    return error_of(t);
  };
  CHECK(broken([&](json& t) { t["events"][line]["step"] = 7; }) == L + "/step: expected integer 1-6 or null");
  CHECK(broken([&](json& t) { t["events"][line]["step"] = nullptr; }) == L + "/step: a line belongs to a step");
  CHECK(broken([](json& t) { t["format"] = "other"; }) == "/format: expected \"mailsim-trace\"");
  CHECK(broken([](json& t) { t["format_version"] = 1; }).rfind("/format_version: expected 2", 0) == 0);
  CHECK(broken([&](json& t) { t["events"][line].erase("line"); }) == L + ": missing key \"line\"");
  CHECK(broken([&](json& t) { t["events"][line]["actor"]["host"] = "nowhere"; }) ==
        L + "/actor/host: unknown host \"nowhere\"");
  CHECK(broken([&](json& t) { t["events"][line]["kind"] = "note"; }) ==
        L + "/kind: \"note\" is not one of line, content, fact");
  CHECK(broken([&](json& t) { t["events"][line]["seq"] = 999; }).rfind(L + "/seq: expected", 0) == 0);
  CHECK(broken([&](json& t) { t["events"][line]["text"] = "x"; }) == L + "/text: only content events carry text");
  CHECK(broken([&](json& t) { t["events"][content].erase("text"); }) == C + ": missing key \"text\"");
  CHECK(broken([&](json& t) { t["events"][line]["alert"] = "maybe"; }).rfind(L + "/alert:", 0) == 0);
  CHECK(broken([&](json& t) { t["events"][line]["direction"] = "up"; }).rfind(L + "/direction:", 0) == 0);
  CHECK(broken([&](json& t) { t["events"][line]["peer"] = nullptr; }) == L + "/peer: expected object");
  CHECK(broken([&](json& t) { t["events"][fact]["data"]["rcpt"] = 5; }) == F + "/data/rcpt: expected a string");
  CHECK(broken([&](json& t) { t["events"][fact]["fact"] = "teleported"; }) == F + "/fact: unknown fact \"teleported\"");
  CHECK(broken([&](json& t) { t["events"][fact]["step"] = 3; }) ==
        F + "/step: does not follow the step rule for \"delivered\"");
  CHECK(broken([](json& t) { t["topology"]["hosts"][0]["role"] = "phone"; }).rfind("/topology/hosts/0/role:", 0) == 0);
  CHECK(broken([](json& t) { t["topology"]["links"][0]["a"] = "x"; }) == "/topology/links/0/a: unknown host \"x\"");
  CHECK(broken([](json& t) { t["messages"][0].erase("subject"); }) == "/messages/0: missing key \"subject\"");
  CHECK(error_of(json::array()) == "/: expected a JSON object (a mailsim trace)");
}

TEST_CASE("load_trace reports unreadable files and bad JSON as TraceError", "[trace]") {
  CHECK_THROWS_AS(load_trace("/nonexistent/t.json"), TraceError);
  const auto bad = vizt::temp_dir() / "bad.json";
  vizt::write(bad, "{\"format\": ");
  CHECK_THROWS_WITH(load_trace(bad), Catch::Contains("not valid JSON"));
}

TEST_CASE("lifelines appear in order of first appearance, faults get none", "[model]") {
  const json t = vizt::trace("six-steps");
  const Model m = build_model(t);
  std::vector<std::string> labels;
  for (const auto& p : m.participants) labels.push_back(p.label());
  CHECK(labels == std::vector<std::string>{"MUA@pc-alice", "MSA@mail.example.org", "MTA@mail.example.org",
                                           "DNS@ns.example.net", "MTA@mail.example.com", "MDA@mail.example.com",
                                           "POP3@mail.example.com", "MUA@pc-bob"});
  const json f = vizt::trace("failures");
  const Model mf = build_model(f);
  int faults = 0;
  for (std::size_t i = 0; i < mf.events.size(); ++i)
    if (mf.events[i].is_fault()) {
      ++faults;
      CHECK(mf.from[i] == -1);
    }
  CHECK(faults == 2);
}

TEST_CASE("every line of a POP3 session belongs to the message its RETR carried", "[model]") {
  const json t = vizt::trace("six-steps");
  const Model m = build_model(t);
  int pop3 = 0;
  for (std::size_t i = 0; i < m.events.size(); ++i)
    if (m.events[i].protocol == "POP3") {
      ++pop3;
      INFO(m.events[i].line);
      CHECK(m.msgs[i] == std::vector<std::string>{"m1"});
    }
  CHECK(pop3 > 5);
}

TEST_CASE("six-steps is told in five beats: steps 1, 2, 3 with 4, 5 and 6", "[model]") {
  const json t = vizt::trace("six-steps");
  const Model m = build_model(t);
  std::vector<int> steps;
  for (const auto& b : m.beats) steps.push_back(b.step);
  CHECK(steps == std::vector<int>{1, 2, 3, 5, 6});
  for (const auto& b : m.beats) CHECK(b.msgs == std::vector<std::string>{"m1"});
  // A whole MTA-to-MTA session is one beat: every line of it has step 3, the receiving
  // server's decisions are step 4 inside it.
  const Beat& relay = m.beats[2];
  bool accept = false;
  for (std::size_t i : relay.events) {
    const Ev& e = m.events[i];
    if (!e.is_fact()) CHECK(e.step == 3);
    accept |= e.step == 4;
  }
  CHECK(accept);
  // Every event belongs to exactly one beat.
  for (std::size_t i = 0; i < m.events.size(); ++i) CHECK(m.beat_of[i] >= 0);
  CHECK(m.domain_of("mail.example.org") == "example.org");
  CHECK(m.domain_of("router-org") == "router-org");
}

TEST_CASE("a retry is a new beat; polls that find nothing fold; faults have no step", "[model]") {
  const json t = vizt::trace("failures");
  const Model m = build_model(t);
  int relay_m2 = 0, folded = 0;
  for (const auto& b : m.beats) {
    if (b.kind == BeatKind::Relay && b.msgs == std::vector<std::string>{"m2"}) ++relay_m2;
    if (b.kind == BeatKind::PollEmpty) folded = std::max(folded, b.folded);
    if (b.kind == BeatKind::Fault) CHECK(b.step == 0);
  }
  CHECK(relay_m2 == 2);  // the greylisted attempt and the retry
  CHECK(folded > 3);
  // The DSN is a message of its own.
  const MessageInfo* dsn = m.message("m1.bounce");
  REQUIRE(dsn);
  CHECK(dsn->kind == "bounce");
  CHECK(dsn->of == "m1");
  CHECK(dsn->to == std::vector<std::string>{"alice@example.org"});
}

TEST_CASE("--message keeps one message, its session lines and faults in flight", "[filter]") {
  const json t = vizt::trace("failures");
  const json f = filter_message(t, "m2");
  CHECK(f["restricted_to"] == "m2");
  REQUIRE(f["messages"].size() == 1);
  bool fault = false;
  for (const auto& e : f["events"]) {
    CHECK((e["msg"] == "m2" || e["msg"].is_null()));
    fault = fault || (e["kind"] == "fact" && e["step"].is_null());
  }
  CHECK(fault);
  // A DSN is a message too: its creation and its delivery and retrieval.
  const json d = filter_message(t, "m1.bounce");
  bool created = false, retrieved = false;
  for (const auto& e : d["events"]) {
    created |= e.value("fact", "") == "bounce_created";
    retrieved |= e.value("fact", "") == "retrieved";
  }
  CHECK(created);
  CHECK(retrieved);
  CHECK_THROWS_WITH(filter_message(t, "m9"), Catch::Contains("m9") && Catch::Contains("m1, m2"));
  // A trace of thousands of messages names the first twenty, not a page of ids.
  json many = t;
  for (int i = 3; i <= 40; ++i) {
    json m = many["messages"][0];
    m["id"] = "x" + std::to_string(i);
    many["messages"].push_back(m);
  }
  CHECK_THROWS_WITH(filter_message(many, "m99"),
                    Catch::Contains("m1, m2, x3") && Catch::Contains("x20 … ") && Catch::Contains(" in all") &&
                        !Catch::Contains("x21"));
}
