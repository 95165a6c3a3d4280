#include <catch2/catch.hpp>

#include "cli/lib/scenario.hpp"

using namespace mailsim;
using nlohmann::json;

TEST_CASE("durations accept seconds and unit suffixes", "[scenario]") {
  REQUIRE(app::parse_duration(json(1.5)) == 1'500'000);
  REQUIRE(app::parse_duration(json("250ms")) == 250'000);
  REQUIRE(app::parse_duration(json("2 h")) == 2 * sim::kHour);
  REQUIRE(app::parse_duration(json("5d")) == 5 * sim::kDay);
  REQUIRE(app::parse_duration(json("30")) == 30 * sim::kSecond);
  REQUIRE_FALSE(app::parse_duration(json("fast")));
  REQUIRE_FALSE(app::parse_duration(json("3 parsecs")));
  REQUIRE_FALSE(app::parse_duration(json(-1)));
  REQUIRE_FALSE(app::parse_duration(json("1e400s")));
}

TEST_CASE("bandwidths accept bits per second and suffixes", "[scenario]") {
  REQUIRE(app::parse_bandwidth(json("100Mbps")) == 100'000'000u);
  REQUIRE(app::parse_bandwidth(json("64kbps")) == 64'000u);
  REQUIRE(app::parse_bandwidth(json(1e6)) == 1'000'000u);
  REQUIRE_FALSE(app::parse_bandwidth(json("0Mbps")));
  REQUIRE_FALSE(app::parse_bandwidth(json("10MB/s")));
}

namespace {
std::string error_of(const std::string& text) {
  try {
    app::parse_scenario(text, "x.json");
  } catch (const app::ScenarioError& e) {
    return e.what();
  }
  return "";
}
const char* kBase = R"({"name": "t", "hosts": [{"name": "a", "address": "10.0.0.1"}, {"name": "b", "address": "10.0.0.2"}],
  "links": [{"a": "a", "b": "b", "latency": "2ms"}]})";
}  // namespace

TEST_CASE("scenario errors name the file, the JSON pointer and the problem", "[scenario]") {
  REQUIRE(error_of(kBase).empty());
  REQUIRE(error_of("{\n \"name\": \"t\",\n  oops }").rfind("x.json:3:3: not valid JSON", 0) == 0);
  auto j = json::parse(kBase);
  j["links"][0]["latncy"] = "1ms";
  REQUIRE(error_of(j.dump()).rfind("x.json: /links/0/latncy: unknown key", 0) == 0);
  j = json::parse(kBase);
  j["links"][0]["b"] = "c";
  REQUIRE(error_of(j.dump()) == "x.json: /links/0/b: host 'c' is not declared in /hosts");
  j = json::parse(kBase);
  j["hosts"][1]["address"] = "10.0.0.1";
  REQUIRE(error_of(j.dump()) == "x.json: /hosts/1/address: address 10.0.0.1 is used twice");
  j = json::parse(kBase);
  j["links"][0]["loss"] = 2;
  REQUIRE(error_of(j.dump()) == "x.json: /links/0/loss: must be between 0 and 1");
  j = json::parse(kBase);
  j["faults"] = json::array({{{"at", "1s"}, {"action", "link-down"}, {"link", {"a", "c"}}}});
  REQUIRE(error_of(j.dump()) == "x.json: /faults/0/link/1: host 'c' is not declared in /hosts");
}
