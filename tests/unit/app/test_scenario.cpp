#include <catch2/catch.hpp>

#include "cli/lib/json_text.hpp"
#include "cli/lib/scenario.hpp"
#include "cli/lib/scenario_diag.hpp"

using namespace mailsim;
using nlohmann::json;

TEST_CASE("durations accept seconds and unit suffixes, nothing else", "[scenario]") {
  REQUIRE(app::parse_duration(json(1.5)) == 1'500'000);
  REQUIRE(app::parse_duration(json("250ms")) == 250'000);
  REQUIRE(app::parse_duration(json("2 h")) == 2 * sim::kHour);
  REQUIRE(app::parse_duration(json(" 5d ")) == 5 * sim::kDay);
  REQUIRE(app::parse_duration(json("30")) == 30 * sim::kSecond);
  REQUIRE(app::parse_duration(json("1.5min")) == 90 * sim::kSecond);
  REQUIRE_FALSE(app::parse_duration(json("fast")));
  REQUIRE_FALSE(app::parse_duration(json("3 parsecs")));
  REQUIRE_FALSE(app::parse_duration(json(-1)));
  REQUIRE_FALSE(app::parse_duration(json("1e400s")));
  REQUIRE_FALSE(app::parse_duration(json("1.2.3ms")));
  REQUIRE_FALSE(app::parse_duration(json("5 m s")));
  REQUIRE_FALSE(app::parse_duration(json(".5s")));
  REQUIRE_FALSE(app::parse_duration(json("40000d")));  // past 100 years
  REQUIRE(app::parse_duration(json("36500d")) == 36500 * sim::kDay);
}

TEST_CASE("bandwidths: bits per second, never below 1 (0 would mean unlimited)", "[scenario]") {
  REQUIRE(app::parse_bandwidth(json("100Mbps")) == 100'000'000u);
  REQUIRE(app::parse_bandwidth(json("64kbps")) == 64'000u);
  REQUIRE(app::parse_bandwidth(json(1e6)) == 1'000'000u);
  REQUIRE(app::parse_bandwidth(json("1bps")) == 1u);
  REQUIRE_FALSE(app::parse_bandwidth(json("0.5bps")));
  REQUIRE_FALSE(app::parse_bandwidth(json(0.5)));
  REQUIRE_FALSE(app::parse_bandwidth(json("0Mbps")));
  REQUIRE_FALSE(app::parse_bandwidth(json("10MB/s")));
}

TEST_CASE("sizes and RFC 3339 dates", "[scenario]") {
  REQUIRE(app::parse_size(json(4096)) == 4096u);
  REQUIRE(app::parse_size(json("10MB")) == 10'000'000u);
  REQUIRE(app::parse_size(json("1 MiB")) == 1'048'576u);
  REQUIRE_FALSE(app::parse_size(json(-5)));
  REQUIRE_FALSE(app::parse_size(json("lots")));
  REQUIRE(app::parse_rfc3339("2026-11-26T10:00:00Z") == 1795687200);
  REQUIRE(app::parse_rfc3339("2026-11-26T11:00:00+01:00") == 1795687200);
  REQUIRE(app::parse_rfc3339("1970-01-01T00:00:00.5z") == 0);
  REQUIRE(app::parse_rfc3339("2024-02-29T00:00:00Z") == 1709164800);
  REQUIRE_FALSE(app::parse_rfc3339("2026-02-29T00:00:00Z"));
  REQUIRE_FALSE(app::parse_rfc3339("this is not a date"));
  REQUIRE_FALSE(app::parse_rfc3339("2026-11-26"));
}

TEST_CASE("JSON text: positions are 1-based characters, hints for the usual slips", "[scenario][json]") {
  auto err = [](const char* text) {
    auto p = app::parse_json_text(text, 64);
    REQUIRE(p.error);
    return *p.error;
  };
  auto e = err("{\n  \"a\": [1, 2,],\n}");
  CHECK(e.pos.line == 2);
  CHECK(e.pos.col == 13);  // the comma, not the bracket after it
  CHECK(e.hint.find("remove this comma") != std::string::npos);
  CHECK(err("{\"a\": 1\n \"b\": 2}").hint.find("comma is missing") != std::string::npos);
  CHECK(err("{'a': 1}").hint.find("double quotes") != std::string::npos);
  CHECK(err("{\"a\": 1 // x\n}").hint.find("no comments") != std::string::npos);
  CHECK(err("").hint == "the file is empty");
  const std::string deep = std::string(100, '[') + std::string(100, ']');
  CHECK(err(deep.c_str()).what == "nested deeper than 64 levels");

  const std::string text = "{\"é\": {\"k\": [10, {\"x\": true}]},\n \"k\": 1, \"k\": 2}";
  const auto scan = app::scan_json(text, {"/é/k/1/x", "/é", ""});
  REQUIRE(scan.where.at("/é/k/1/x").value.line == 1);
  CHECK(scan.where.at("/é/k/1/x").value.col == 24);  // "é" counts as one column
  CHECK(scan.where.at("/é/k/1/x").key->col == 19);
  CHECK(scan.where.at("").value.col == 1);
  REQUIRE(scan.duplicate_keys.size() == 1);
  CHECK(scan.duplicate_keys[0].pointer == "/k");
  CHECK(scan.duplicate_keys[0].key.line == 2);
  CHECK(scan.duplicate_keys[0].key.col == 10);
  CHECK(app::escape_pointer_token("a/b~c") == "a~1b~0c");
}

TEST_CASE("did you mean: close names only", "[scenario]") {
  CHECK(app::did_you_mean("latnecy", {"a", "b", "latency", "loss"}) == "latency");
  CHECK(app::did_you_mean("mail.exampel.com", {"mail.example.com", "mail.example.org"}) == "mail.example.com");
  CHECK_FALSE(app::did_you_mean("zzz", {"latency", "loss"}));
  CHECK(app::quote_text("a\nb") == "\"a\\u000ab\"");
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
bool has(const std::string& all, const std::string& part) { return all.find(part) != std::string::npos; }
}  // namespace

TEST_CASE("scenario errors: FILE:LINE:COL: /pointer: what; expected …; did you mean", "[scenario]") {
  REQUIRE(error_of(kBase).empty());
  CHECK(error_of("{\n \"name\": \"t\",\n  oops }").rfind("x.json:3:3: not valid JSON", 0) == 0);
  auto j = json::parse(kBase);
  j["links"][0]["latncy"] = "1ms";
  const std::string text = j.dump();
  const std::string col = std::to_string(text.find("\"latncy\"") + 1);
  CHECK(has(error_of(text), "x.json:1:" + col + ": /links/0/latncy: unknown key \"latncy\"; expected one of: a, b, bandwidth, "
                                "latency, loss, mtu; did you mean \"latency\"?"));
  j = json::parse(kBase);
  j["links"][0]["b"] = "c";
  CHECK(has(error_of(j.dump()), "/links/0/b: host \"c\" is not declared in /hosts; expected the name of a host in /hosts"));
  j = json::parse(kBase);
  j["hosts"][1]["address"] = "10.0.0.1";
  CHECK(has(error_of(j.dump()), "/hosts/1/address: address 10.0.0.1 is already used by host \"a\""));
  j = json::parse(kBase);
  j["links"][0]["loss"] = 2;
  CHECK(has(error_of(j.dump()), "/links/0/loss: 2 is too large; expected a number from 0 to 1"));
  j = json::parse(kBase);
  j["faults"] = json::array({{{"at", "1s"}, {"action", "link-down"}, {"link", {"a", "c"}}}});
  CHECK(has(error_of(j.dump()), "/faults/0/link/1: host \"c\" is not declared in /hosts"));
}

TEST_CASE("every error at once, counted", "[scenario]") {
  auto j = json::parse(kBase);
  j["links"][0]["latency"] = "1.2.3ms";
  j["links"][0]["bandwidth"] = "0.5bps";
  j["hosts"][0]["role"] = "phone";
  j["until"] = "5 m s";
  j["seed"] = -3;
  try {
    app::parse_scenario(j.dump(1), "x.json");
    FAIL("accepted");
  } catch (const app::ScenarioError& e) {
    CHECK(e.error_count == 5);
    CHECK(has(e.what(), "x.json: 5 errors: not a valid scenario"));
  }
}

TEST_CASE("typed after loading: faults, DNS records, roles", "[scenario]") {
  auto j = json::parse(kBase);
  j["hosts"][0]["name"] = "core--x";
  j["hosts"][0]["role"] = "router";
  j["links"][0]["a"] = "core--x";
  j["faults"] = json::array({{{"at", "1s"}, {"action", "link-down"}, {"link", {"core--x", "b"}}, {"for", "2s"}},
                             {{"at", "1s"}, {"action", "host-down"}, {"host", "b"}}});
  const auto s = app::parse_scenario(j.dump(), "x.json");
  REQUIRE(s.hosts[0].role == app::HostRole::Router);
  REQUIRE(s.faults.size() == 3);
  REQUIRE(s.faults[0].action == app::FaultAction::LinkDown);
  REQUIRE(s.faults[0].link());
  CHECK(s.faults[0].link()->a == "core--x");
  CHECK(s.faults[0].link()->b == "b");
  CHECK(s.faults[1].action == app::FaultAction::LinkUp);
  CHECK(s.faults[1].at == 3 * sim::kSecond);
  REQUIRE(s.faults[2].host());
  CHECK(s.faults[2].host()->name == "b");
}

TEST_CASE("reserved names and files outside the folder are refused", "[scenario]") {
  auto j = json::parse(kBase);
  j["hosts"][0]["name"] = "live-gateway";
  CHECK(has(error_of(j.dump()), "/hosts/0/name: \"live-gateway\" is reserved"));
  app::LoadOptions no_files;
  no_files.read_files = false;
  const std::string with_file = R"({"name": "t", "hosts": [{"name": "a", "address": "10.0.0.1"}],
    "servers": [{"host": "a", "domains": "x.org"}],
    "users": [{"address": "u@x.org", "password": "p", "server": "a", "host": "a"}],
    "messages": [{"from": "u@x.org", "to": "u@x.org", "body_file": "../etc/passwd"}]})";
  try {
    app::parse_scenario(with_file, "/tmp/x.json", no_files);
    FAIL("accepted");
  } catch (const app::ScenarioError& e) {
    CHECK(has(e.what(), "/messages/0/body_file: file \"../etc/passwd\" is not read in this mode"));
  }
  try {
    app::parse_scenario(with_file, "/tmp/x.json");
    FAIL("accepted");
  } catch (const app::ScenarioError& e) {
    CHECK(has(e.what(), "/messages/0/body_file: \"../etc/passwd\" leaves the scenario's folder"));
  }
}

TEST_CASE("servers[].quota is the default of its users, start sets the epoch", "[scenario]") {
  const std::string text = R"({"name": "t", "start": "2027-01-01T00:00:00Z", "hosts": [{"name": "a", "address": "10.0.0.1"}],
    "servers": [{"host": "a", "domains": "x.org", "quota": "2KB"}],
    "users": [{"address": "u@x.org", "password": "p", "server": "a"}, {"address": "v@x.org", "password": "p", "server": "a", "quota": 0}]})";
  const auto s = app::parse_scenario(text, "x.json");
  CHECK(s.start_epoch == 1798761600);
  REQUIRE(s.servers[0].users.size() == 2);
  CHECK(s.servers[0].users[0].quota_octets == 2000);
  CHECK(s.servers[0].users[1].quota_octets == 0);
}
