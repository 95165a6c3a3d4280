// The network drawing: for every scenario in scenarios/, every fixture trace and a few hundred
// random networks, no two host boxes overlap and no link passes behind a box.
#include <catch2/catch.hpp>

#include <chrono>
#include <random>

#include "helpers.hpp"
#include "visualize/layout.hpp"
#include "visualize/model.hpp"
#include "visualize/topology.hpp"

using namespace mailsim::viz;
using nlohmann::json;

namespace {

// The part of a trace the layout reads, made from a scenario file.
json trace_of_scenario(const json& s) {
  json t;
  t["topology"]["hosts"] = json::array();
  for (const json& h : s["hosts"]) {
    json host = {{"name", h["name"]}, {"address", h["address"]}, {"role", h["role"]}, {"services", json::array()},
                 {"label", h.value("label", "")}};
    if (h.contains("pos")) host["pos"] = h["pos"];
    t["topology"]["hosts"].push_back(host);
  }
  t["topology"]["links"] = json::array();
  for (const json& l : s["links"]) t["topology"]["links"].push_back({{"a", l["a"]}, {"b", l["b"]}});
  t["users"] = json::array();
  for (const json& u : s.value("users", json::array()))
    t["users"].push_back({{"address", u["address"]}, {"host", u["host"]}, {"server", u["server"]}});
  t["messages"] = json::array();
  for (const json& m : s.value("messages", json::array()))
    t["messages"].push_back({{"id", m["id"]}, {"from", m["from"]}, {"to", m["to"]}});
  t["events"] = json::array();
  return t;
}

struct Drawn {
  json trace;
  Model model;
  NetworkLayout layout;
  explicit Drawn(json t) : trace(std::move(t)), model(build_model(trace)), layout(layout_network(model, build_network(model))) {}
  Point at(const std::string& host) const {
    for (std::size_t i = 0; i < model.hosts.size(); ++i)
      if (model.hosts[i].name == host) return layout.hosts[i];
    FAIL("no host " << host);
    return {};
  }
};

std::string joined(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += "\n  " + x;
  return s;
}

json random_network(std::mt19937& rng, int n, double extra_links, double hint_share) {
  static const char* roles[] = {"pc", "mailserver", "router", "dns", "relay"};
  json t;
  t["topology"]["hosts"] = json::array();
  t["topology"]["links"] = json::array();
  std::uniform_int_distribution<int> role(0, 4);
  std::uniform_real_distribution<double> unit(0, 1);
  for (int i = 0; i < n; ++i) {
    json h = {{"name", "h" + std::to_string(i)}, {"address", "10.0.0." + std::to_string(i)}, {"role", roles[role(rng)]},
              {"services", json::array()}, {"label", ""}};
    if (unit(rng) < hint_share)
      h["pos"] = {std::floor(unit(rng) * 6 * 2) / 2, std::floor(unit(rng) * 5)};
    t["topology"]["hosts"].push_back(h);
  }
  for (int i = 1; i < n; ++i)  // a random tree, sometimes left in pieces
    if (unit(rng) > 0.05) t["topology"]["links"].push_back({{"a", "h" + std::to_string(std::uniform_int_distribution<int>(0, i - 1)(rng))},
                                                            {"b", "h" + std::to_string(i)}});
  const int extra = static_cast<int>(extra_links * n);
  for (int k = 0; k < extra; ++k) {
    std::uniform_int_distribution<int> any(0, n - 1);
    t["topology"]["links"].push_back({{"a", "h" + std::to_string(any(rng))}, {"b", "h" + std::to_string(any(rng))}});
  }
  t["users"] = json::array();
  t["messages"] = json::array();
  t["events"] = json::array();
  return t;
}

}  // namespace

TEST_CASE("every scenario's and template's network is drawn without overlaps or links behind boxes", "[layout]") {
  const auto root = std::filesystem::path(MAILSIM_SOURCE_DIR) / "scenarios";
  int checked = 0;
  for (const auto& dir : {root, root / "templates"})
    for (const auto& entry : std::filesystem::directory_iterator(dir)) {
      if (entry.path().extension() != ".json" || entry.path().filename().string().ends_with(".schema.json")) continue;
      INFO(entry.path().string());
      const Drawn d(trace_of_scenario(json::parse(vizt::read(entry.path()))));
      const auto problems = layout_problems(d.model, d.layout);
      CHECK(problems.empty());
      if (!problems.empty()) WARN(joined(problems));
      for (const auto& l : d.layout.links) CHECK(l.size() >= 2);
      WARN(entry.path().filename().string() << ": " << d.layout.width << " x " << d.layout.height);
      ++checked;
    }
  CHECK(checked >= 18);
}

TEST_CASE("every fixture trace's network is drawn soundly too", "[layout]") {
  for (const char* name : {"six-steps", "failures", "xss"}) {
    INFO(name);
    const Drawn d(vizt::trace(name));
    CHECK(layout_problems(d.model, d.layout).empty());
  }
}

TEST_CASE("the usual lab: core at the bottom, sender's side left, recipient's right, PCs outside", "[layout]") {
  const Drawn d(trace_of_scenario(json::parse(vizt::read(std::filesystem::path(MAILSIM_SOURCE_DIR) / "scenarios" / "six-steps.json"))));
  const Point core = d.at("router-core"), org = d.at("router-org"), com = d.at("router-com"), dns = d.at("ns.example.net");
  const Point alice = d.at("pc-alice"), bob = d.at("pc-bob"), mail_org = d.at("mail.example.org"), mail_com = d.at("mail.example.com");
  CHECK(core.y > org.y);                       // the core below
  CHECK(org.y == com.y);
  CHECK(dns.y == org.y);
  CHECK(alice.y < org.y);                      // PCs and servers above their routers
  CHECK(alice.x < mail_org.x);                 // Alice's PC outside her server
  CHECK(mail_org.x < dns.x);
  CHECK(dns.x < mail_com.x);
  CHECK(mail_com.x < bob.x);                   // Bob's PC outside his server
  CHECK(org.x < core.x);
  CHECK(core.x < com.x);
  CHECK(std::fabs(core.x - dns.x) < 1);        // the DNS right above the core
  CHECK(d.layout.width <= 4 * kSlot);
  CHECK(d.layout.height <= 3 * kRowPitch);
}

TEST_CASE("pos hints place hosts on the teacher's grid", "[layout]") {
  json s = json::parse(vizt::read(std::filesystem::path(MAILSIM_SOURCE_DIR) / "scenarios" / "six-steps.json"));
  // A left-to-right chain: Alice's side, the core, Bob's side.
  const std::map<std::string, std::pair<double, double>> grid = {
      {"pc-alice", {0, 0}}, {"mail.example.org", {0, 2}}, {"router-org", {1, 1}}, {"router-core", {2, 1}},
      {"ns.example.net", {2, 2}}, {"router-com", {3, 1}}, {"mail.example.com", {4, 2}}, {"pc-bob", {4, 0}}};
  for (json& h : s["hosts"]) {
    const auto& g = grid.at(h["name"].get<std::string>());
    h["pos"] = {g.first, g.second};
  }
  const Drawn d(trace_of_scenario(s));
  CHECK(layout_problems(d.model, d.layout).empty());
  const Point origin = d.at("pc-alice");
  for (const auto& [name, g] : grid) {
    INFO(name);
    const Point p = d.at(name);
    CHECK(p.x - origin.x == Approx(g.first * kSlot));
    CHECK(p.y - origin.y == Approx(g.second * kRowPitch));
  }
}

TEST_CASE("hints that collide are pushed apart, not drawn on top of each other", "[layout]") {
  json s = json::parse(vizt::read(std::filesystem::path(MAILSIM_SOURCE_DIR) / "scenarios" / "backup-mx.json"));
  for (json& h : s["hosts"]) h["pos"] = {1, 1};  // everything in one cell
  const Drawn d(trace_of_scenario(s));
  CHECK(layout_problems(d.model, d.layout).empty());
  s["hosts"][0]["pos"] = {"x", 1};  // a malformed hint is ignored
  s["hosts"][1]["pos"] = {1e300, 1};
  const Drawn e(trace_of_scenario(s));
  CHECK(layout_problems(e.model, e.layout).empty());
}

TEST_CASE("random networks, meshes, pieces and hints: always sound", "[layout][property]") {
  std::mt19937 rng(20240601);
  for (int round = 0; round < 300; ++round) {
    const int n = 1 + round % 40;
    const double extra = (round % 5) * 0.3, hints = (round % 7 == 0) ? 0.5 : (round % 11 == 0 ? 1.0 : 0.0);
    const Drawn d(random_network(rng, n, extra, hints));
    INFO("round " << round << ", " << n << " hosts");
    const auto problems = layout_problems(d.model, d.layout);
    CHECK(problems.empty());
    if (!problems.empty()) WARN(d.trace["topology"].dump() << joined(problems));
  }
}

TEST_CASE("a thousand hosts in a chain, a star or in pieces lay out quickly", "[layout][big]") {
  for (const int shape : {0, 1, 2}) {  // a chain, a star, 5,000 hosts without links
    const bool star = shape == 1;
    json t;
    t["topology"]["hosts"] = json::array();
    t["topology"]["links"] = json::array();
    for (int i = 0; i < (shape == 2 ? 5000 : 1000); ++i) {
      t["topology"]["hosts"].push_back({{"name", "h" + std::to_string(i)}, {"address", "10.0.0.1"}, {"role", "router"},
                                        {"services", json::array()}, {"label", ""}});
      if (i > 0 && shape < 2) t["topology"]["links"].push_back({{"a", "h" + std::to_string(star ? 0 : i - 1)}, {"b", "h" + std::to_string(i)}});
    }
    t["users"] = t["messages"] = t["events"] = json::array();
    const auto t0 = std::chrono::steady_clock::now();
    const Drawn d(t);
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    CHECK(secs < 20);  // a bound against quadratic blow-ups, not a speed target
    CHECK(layout_problems(d.model, d.layout).empty());
  }
}

TEST_CASE("the layout in the view model", "[layout][html]") {
  const Drawn d(vizt::trace("six-steps"));
  const json j = layout_json(d.layout);
  CHECK(j["box"] == json({kBoxW, kBoxH}));
  CHECK(j["hosts"].size() == d.model.hosts.size());
  CHECK(j["links"].size() == d.trace["topology"]["links"].size());
  CHECK(j["size"][0].get<double>() > 0);
}

TEST_CASE("three domains: a direct link between two providers' routers is drawn straight across", "[layout]") {
  const Drawn d(trace_of_scenario(json::parse(vizt::read(std::filesystem::path(MAILSIM_SOURCE_DIR) / "scenarios" / "three-domains.json"))));
  CHECK(layout_problems(d.model, d.layout).empty());
  const auto& links = d.trace["topology"]["links"];
  for (std::size_t i = 0; i < links.size(); ++i) {
    if (links[i]["a"] != "router-org" || links[i]["b"] != "router-net") continue;
    const auto& p = d.layout.links[i];
    REQUIRE(p.size() == 2);
    CHECK(p[0].y == p[1].y);
    CHECK(p[1].x - p[0].x >= kSlot - kBoxW - 1e-6);  // across the gap between two neighbouring boxes
  }
  CHECK(d.at("router-org").x < d.at("router-net").x);
  CHECK(d.at("router-net").x < d.at("router-com").x);
  CHECK(d.at("router-core").y > d.at("router-org").y);
}

TEST_CASE("a network much wider than high is drawn two-sided around its core", "[layout]") {
  const Drawn d(trace_of_scenario(json::parse(vizt::read(std::filesystem::path(MAILSIM_SOURCE_DIR) / "tests" / "fixtures" / "viz" / "four-providers.scenario.json"))));
  CHECK(layout_problems(d.model, d.layout).empty());
  int above = 0, below = 0;
  const double core = d.at("router-core").y;
  for (const Point& p : d.layout.hosts) (p.y < core ? above : p.y > core ? below : above) += p.y != core;
  CHECK(above >= 4);
  CHECK(below >= 4);
  CHECK(d.layout.width < 2 * d.layout.height);
}

TEST_CASE("layout_problems finds overlapping boxes and links behind boxes", "[layout]") {
  Drawn d(vizt::trace("six-steps"));
  REQUIRE(layout_problems(d.model, d.layout).empty());
  NetworkLayout bad = d.layout;
  bad.hosts[1] = bad.hosts[0];  // two boxes on one place
  CHECK(!layout_problems(d.model, bad).empty());
  bad = d.layout;
  // A link straight through the middle of every row.
  for (auto& l : bad.links)
    if (l.size() >= 2) l = {l.front(), {bad.hosts[0].x, bad.hosts[0].y}, l.back()};
  bool behind = false;
  for (const auto& p : layout_problems(d.model, bad)) behind |= p.find("passes behind") != std::string::npos;
  CHECK(behind);
}

TEST_CASE("a trace's pos hint is checked like every other field", "[layout][trace]") {
  json t = vizt::trace("six-steps");
  t["topology"]["hosts"][0]["pos"] = {2, 0.5};
  CHECK_NOTHROW(render(t, Options{}));
  for (const json& bad : {json("1,2"), json({1}), json({1, "2"}), json({1e9, 0})}) {
    t["topology"]["hosts"][0]["pos"] = bad;
    try {
      render(t, Options{});
      FAIL("accepted pos " << bad.dump());
    } catch (const TraceError& e) {
      CHECK(std::string(e.what()).rfind("/topology/hosts/0/pos: expected [x, y]", 0) == 0);
    }
  }
}
