// The trace vocabulary: every fact round-trips through JSON, the step and alert rules, the
// streaming writer's two forms, and the committed schema docs/trace.schema.json matches the
// vocabulary (MAILSIM_UPDATE_GOLDEN=1 rewrites it).
#include <catch2/catch.hpp>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "agents/trace/vocabulary.hpp"
#include "agents/trace/writer.hpp"

using namespace mailsim::trace;
using nlohmann::json;

namespace {
template <std::size_t I = 0>
void each_fact(auto&& f) {
  if constexpr (I < kFactCount) {
    f(Fact{std::in_place_index<I>});
    each_fact<I + 1>(f);
  }
}
TraceEvent fact_event(Fact f) {
  TraceEvent e;
  e.kind = Kind::Fact;
  e.time = 42;
  e.actor = Actor{Agent::MTA, "mail.example.org"};
  e.msg = "m1";
  e.fact = std::move(f);
  e.step = step_of(*e.fact);
  e.alert = alert_of(*e.fact);
  return e;
}
}  // namespace

TEST_CASE("every fact is written and read back unchanged", "[trace]") {
  std::size_t n = 0;
  each_fact([&](Fact f) {
    ++n;
    const std::string text = event_json_text(fact_event(f), 7);
    const json j = json::parse(text);
    INFO(text);
    CHECK(j["fact"] == fact_name(f));
    FactReadError err;
    const auto back = read_fact(j["fact"].get<std::string>(), j["data"], &err);
    REQUIRE(back.has_value());
    CHECK(event_json_text(fact_event(*back), 7) == text);
  });
  CHECK(n == all_fact_names().size());
}

TEST_CASE("reading a fact names the wrong field", "[trace]") {
  FactReadError err;
  CHECK_FALSE(read_fact("delivered", json{{"rcpt", 5}, {"record", 1}, {"octets", 2}}, &err));
  CHECK(err.field == "rcpt");
  CHECK_FALSE(read_fact("no_such_fact", json::object(), &err));
  CHECK_FALSE(read_fact("recipient_checked",
                        json{{"rcpt", "a@b"}, {"accepted", false}, {"verdict", "maybe"},
                             {"reply", {{"code", 550}, {"enhanced", ""}, {"text", ""}}}, {"submission", false}},
                        &err));
  CHECK(err.field == "verdict");
}

TEST_CASE("the step rule", "[trace]") {
  CHECK(step_of(Composed{}) == Step::Compose);
  RecipientChecked rc;
  rc.submission = true;
  CHECK(step_of(rc) == Step::Submit);
  rc.submission = false;
  CHECK(step_of(rc) == Step::Accept);
  CHECK(step_of(RelayAttempt{}) == Step::Relay);
  Deferred d;
  CHECK(step_of(d) == Step::Relay);
  d.local = true;
  CHECK(step_of(d) == Step::Deliver);
  CHECK(step_of(Delivered{}) == Step::Deliver);
  CHECK(step_of(PollEmpty{}) == Step::Retrieve);
  CHECK_FALSE(step_of(HostDown{}).has_value());
  CHECK_FALSE(step_of(LinkLoss{}).has_value());
}

TEST_CASE("the alert rule: 4xx-like facts are transient, 5xx-like permanent", "[trace]") {
  RecipientChecked rc;
  rc.reply.code = 451;
  CHECK(alert_of(rc) == Alert::Transient);
  rc.reply.code = 550;
  CHECK(alert_of(rc) == Alert::Permanent);
  rc.accepted = true;
  rc.reply.code = 250;
  CHECK(alert_of(rc) == Alert::None);
  CHECK(alert_of(Deferred{}) == Alert::Transient);
  CHECK(alert_of(Failed{}) == Alert::Permanent);
  CHECK(alert_of(HostUp{}) == Alert::None);
}

TEST_CASE("strings are escaped and invalid UTF-8 is replaced, never passed on", "[trace]") {
  Composed c;
  c.subject = std::string("a\"b\\c\n\x01 \xff end \xe2\x80\xa8");
  const json j = json::parse(event_json_text(fact_event(c), 0));
  CHECK(j["data"]["subject"] == "a\"b\\c\n\x01 \xef\xbf\xbd end \xe2\x80\xa8");
}

TEST_CASE("the writer streams both forms with the summary last", "[trace]") {
  nlohmann::ordered_json header;
  header["format"] = "mailsim-trace";
  header["format_version"] = kFormatVersion;
  for (auto format : {TraceFormat::Json, TraceFormat::JsonLines}) {
    std::ostringstream out;
    {
      TraceWriter w(out, format, header);
      Trace t;
      t.add_sink(&w);
      t.add_fact(5, Actor{Agent::MUA, "pc"}, "m1", Composed{});
      t.add_fact(9, Actor{Agent::NET, "network"}, "", HostDown{"mail"});
      w.finish(json{{"end_us", 9}});
    }
    const std::string s = out.str();
    if (format == TraceFormat::Json) {
      const json doc = json::parse(s);
      REQUIRE(doc["events"].size() == 2);
      CHECK(doc["events"][1]["seq"] == 1);
      CHECK(doc["events"][1]["step"].is_null());
      CHECK(doc["events"][1]["alert"] == "transient");
      CHECK(doc["summary"]["end_us"] == 9);
    } else {
      std::istringstream in(s);
      std::string line;
      std::vector<json> lines;
      while (std::getline(in, line)) lines.push_back(json::parse(line));
      REQUIRE(lines.size() == 4);
      CHECK(lines[0]["format_version"] == kFormatVersion);
      CHECK(lines[1]["fact"] == "composed");
      CHECK(lines[3]["summary"]["end_us"] == 9);
    }
  }
}

TEST_CASE("facts reach observers even when nothing records lines", "[trace]") {
  Trace t;
  int seen = 0;
  t.observe_facts([&](const TraceEvent& e) {
    ++seen;
    CHECK(e.step == Step::Deliver);
  });
  CHECK_FALSE(t.wants_lines());
  t.add_fact(1, Actor{Agent::MDA, "m"}, "m1", Delivered{});
  CHECK(seen == 1);
  CHECK(t.events_written() == 0);
}

TEST_CASE("docs/trace.schema.json is the vocabulary's schema", "[trace]") {
  const std::string path = std::string(MAILSIM_SOURCE_DIR) + "/docs/trace.schema.json";
  const std::string want = trace_schema().dump(2) + "\n";
  if (std::getenv("MAILSIM_UPDATE_GOLDEN")) std::ofstream(path, std::ios::binary) << want;
  std::ifstream in(path, std::ios::binary);
  std::ostringstream have;
  have << in.rdbuf();
  INFO("regenerate with MAILSIM_UPDATE_GOLDEN=1 build/tests/unit_trace");
  CHECK(have.str() == want);
}
