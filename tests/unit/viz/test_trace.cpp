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

TEST_CASE("the hand-made fixtures are valid traces", "[trace]") {
  for (const char* name : {"six-steps", "six-steps.run", "failures", "xss"}) {
    INFO(name);
    REQUIRE_NOTHROW(vizt::trace(name));
  }
}

TEST_CASE("validation names what is wrong and where", "[trace]") {
  const json good = vizt::trace("six-steps");
  auto broken = [&](auto edit) {
    json t = good;
    edit(t);
    return error_of(t);
  };
  CHECK(broken([](json& t) { t["events"][12]["step"] = 7; }) == "events[12].step: expected integer 1-6");
  CHECK(broken([](json& t) { t["events"][12]["step"] = "3"; }) == "events[12].step: expected integer 1-6");
  CHECK(broken([](json& t) { t["format"] = "other"; }) == "format: expected \"mailsim-trace\"");
  CHECK(broken([](json& t) { t["format_version"] = 2; }).rfind("format_version: expected 1", 0) == 0);
  CHECK(broken([](json& t) { t["events"][3].erase("line"); }) == "events[3]: missing key \"line\"");
  CHECK(broken([](json& t) { t["events"][3]["actor"]["host"] = "nowhere"; }) ==
        "events[3].actor.host: unknown host \"nowhere\"");
  CHECK(broken([](json& t) { t["events"][3]["actor"]["host"] = "pc-alice--router-org"; }) ==
        "events[3].actor.host: unknown host \"pc-alice--router-org\"");  // "a--b" names a link in faults only
  CHECK(broken([](json& t) { t["events"][3]["kind"] = "packet"; }) ==
        "events[3].kind: \"packet\" is not one of line, content, note, fault");
  CHECK(broken([](json& t) { t["events"][3]["seq"] = 4; }).rfind("events[3].seq: expected 3", 0) == 0);
  CHECK(broken([](json& t) { t["events"][5]["time_us"] = 0; }).rfind("events[5].time_us: goes back in time", 0) == 0);
  CHECK(broken([](json& t) { t["events"][3]["text"] = "x"; }) == "events[3].text: only content events carry text");
  CHECK(broken([](json& t) { t["events"][17].erase("text"); }) == "events[17]: missing key \"text\"");
  CHECK(broken([](json& t) { t["events"][3]["alert"] = "maybe"; }).rfind("events[3].alert:", 0) == 0);
  CHECK(broken([](json& t) { t["events"][3]["direction"] = "up"; }).rfind("events[3].direction:", 0) == 0);
  CHECK(broken([](json& t) { t["events"][3]["peer"] = nullptr; }) == "events[3].peer: a line needs a peer");
  CHECK(broken([](json& t) { t["topology"]["hosts"][0]["role"] = "phone"; }).rfind("topology.hosts[0].role:", 0) == 0);
  CHECK(broken([](json& t) { t["topology"]["links"][0]["a"] = "x"; }) == "topology.links[0].a: unknown host \"x\"");
  CHECK(broken([](json& t) { t["messages"][0].erase("subject"); }) == "messages[0]: missing key \"subject\"");
  CHECK(error_of(json::array()) == "trace: expected a JSON object");
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
  for (std::size_t i = 0; i < mf.events.size(); ++i)
    if (mf.events[i].kind == "fault") CHECK(mf.from[i] == -1);
}

TEST_CASE("session lines without msg belong to the message of their connection", "[model]") {
  const json t = vizt::trace("six-steps");
  const Model m = build_model(t);
  REQUIRE(m.events[48].line == "USER bob");
  CHECK(m.events[48].msg.empty());
  CHECK(m.msgs[48] == std::vector<std::string>{"m1"});
}

TEST_CASE("a POP3 session with no msg belongs to the message its RETR carries (by Message-ID)", "[model]") {
  const json t = vizt::trace("six-steps.run");
  const Model m = build_model(t);
  for (std::size_t i = 0; i < m.events.size(); ++i)
    if (m.events[i].protocol == "POP3") {
      INFO(m.events[i].line);
      CHECK(m.msgs[i] == std::vector<std::string>{"m1"});
    }
}

TEST_CASE("six-steps is told in six steps, in order", "[model]") {
  const json t = vizt::trace("six-steps");
  const Model m = build_model(t);
  REQUIRE(m.segments.size() == 6);
  for (int k = 0; k < 6; ++k) {
    CHECK(m.segments[k].step == k + 1);
    CHECK(m.segments[k].msg == "m1");
  }
  CHECK(m.segments.front().first == 0);
  CHECK(m.segments.back().last == m.events.size() - 1);
  CHECK(m.domain_of("mail.example.org") == "example.org");
  CHECK(m.domain_of("router-org") == "router-org");
}

TEST_CASE("a real six-steps run is told in six steps despite overlapping sessions", "[model]") {
  const json t = vizt::trace("six-steps.run");
  const Model m = build_model(t);
  std::vector<int> steps;
  for (const auto& s : m.segments) steps.push_back(s.step);
  CHECK(steps == std::vector<int>{1, 2, 3, 4, 5, 6});
}

TEST_CASE("a retry after a pause starts a new step segment", "[model]") {
  const json t = vizt::trace("failures");
  const Model m = build_model(t);
  int relay_m2 = 0;
  for (const auto& s : m.segments)
    if ((s.step == 3 || s.step == 4) && s.msg == "m2") ++relay_m2;
  CHECK(relay_m2 == 4);  // DNS lookup, greylisted attempt, retry 1 (timed out), successful retry
}

TEST_CASE("--message keeps one message, its session lines and faults in flight", "[filter]") {
  const json t = vizt::trace("failures");
  const json f = filter_message(t, "m2");
  CHECK(f["restricted_to"] == "m2");
  REQUIRE(f["messages"].size() == 1);
  bool fault = false;
  for (const auto& e : f["events"]) {
    CHECK((e["msg"] == "m2" || e["msg"].is_null()));
    fault = fault || e["kind"] == "fault";
  }
  CHECK(fault);
  const json g = filter_message(vizt::trace("six-steps"), "m1");
  CHECK(g["events"].size() == vizt::trace("six-steps")["events"].size());  // USER/PASS/QUIT stay
  CHECK_THROWS_WITH(filter_message(t, "m9"), Catch::Contains("m9") && Catch::Contains("m1, m2"));
}
