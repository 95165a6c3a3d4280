// The HTML viewer: one offline file, trace embedded safely, scripts allowed by hash only,
// every interface string in both languages, and a 50,000-event trace still renders.
#include <catch2/catch.hpp>

#include <chrono>
#include <regex>
#include <set>

#include "helpers.hpp"
#include "visualize/assets.hpp"
#include "visualize/escape.hpp"
#include "visualize/i18n.hpp"

using namespace mailsim::viz;
using nlohmann::json;

namespace {

std::string html(const char* name, Lang lang = Lang::En) { return render(vizt::trace(name), Options{Format::Html, {}, lang, {}, {}}); }

std::string between(const std::string& s, const std::string& a, const std::string& b) {
  const auto p = s.find(a);
  REQUIRE(p != std::string::npos);
  const auto q = s.find(b, p + a.size());
  REQUIRE(q != std::string::npos);
  return s.substr(p + a.size(), q - p - a.size());
}

}  // namespace

TEST_CASE("a <script> subject stays text: nothing in the trace can close or open a script", "[security]") {
  const std::string page = html("xss");
  CHECK(vizt::count(page, "<script") == 2);  // our JSON block and our script, nothing else
  CHECK(vizt::count(page, "</script") == 2);
  CHECK(page.find("alert(1)</script>") == std::string::npos);
  CHECK(page.find("<img") == std::string::npos);
  CHECK(page.find("\xE2\x80\xA8") == std::string::npos);  // U+2028 escaped
  CHECK(page.find("\xE2\x80\xA9") == std::string::npos);
  CHECK(page.find("<title>xss</title>") != std::string::npos);
  // The embedded JSON still parses back to exactly the trace.
  const json data = json::parse(between(page, "<script type=\"application/json\" id=\"mailsim-data\">", "</script>"));
  CHECK(data["trace"] == vizt::trace("xss"));
  CHECK(data["trace"]["messages"][0]["subject"].get<std::string>().rfind("<script>alert(1)</script>", 0) == 0);
}

TEST_CASE("json_for_script escapes the characters that matter inside a script element", "[security]") {
  const json j = {{"s", "</script><!-- \xE2\x80\xA8 & >"}};
  const std::string s = json_for_script(j);
  CHECK(s == R"({"s":"\u003c/script\u003e\u003c!-- \u2028 \u0026 \u003e"})");
  CHECK(json::parse(s) == j);
}

TEST_CASE("the viewer's scripts never build HTML from strings", "[security]") {
  const std::string js(assets::viewer_script());
  for (const char* banned : {"innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function",
                             "fetch(", "XMLHttpRequest", "import(", "WebSocket", "setAttribute('on", "src="})
    CHECK(js.find(banned) == std::string::npos);
}

TEST_CASE("the page is one offline file whose only script is allowed by its hash", "[html]") {
  const std::string page = html("six-steps");
  CHECK(page.rfind("<!DOCTYPE html>", 0) == 0);
  for (const char* net : {"https://", "<link", "<iframe", "<img", "@import"}) CHECK(page.find(net) == std::string::npos);
  CHECK(!std::regex_search(page, std::regex(R"(url\((?!#))")));  // only in-document references such as url(#arrow1)
  // The one http:// is the SVG namespace, an identifier and never fetched.
  CHECK(vizt::count(page, "http://") == vizt::count(page, "http://www.w3.org/2000/svg"));
  const std::string script = between(page, "<script>", "</script>");
  CHECK(script == assets::viewer_script());
  CHECK(page.find(xml_escape("default-src 'none'; script-src 'sha256-" + std::string(assets::viewer_script_sha256()) +
                             "'")) != std::string::npos);
  CHECK(html("six-steps", Lang::Es).find("<html lang=\"es\">") != std::string::npos);
}

TEST_CASE("the CSP hash computed at build time is the SHA-256 of the script", "[html]") {
  // An independent SHA-256 (Python's hashlib) over the exact bytes embedded in the page.
  if (!vizt::have("/usr/bin/python3")) return;
  const auto dir = vizt::temp_dir();
  vizt::write(dir / "viewer.js", std::string(assets::viewer_script()));
  const std::string cmd = "/usr/bin/python3 -c \"import base64,hashlib,sys; "
                          "print(base64.b64encode(hashlib.sha256(open(sys.argv[1],'rb').read()).digest()).decode())\" " +
                          (dir / "viewer.js").string() + " > " + (dir / "hash.txt").string();
  REQUIRE(std::system(cmd.c_str()) == 0);
  std::string want = vizt::read(dir / "hash.txt");
  while (!want.empty() && (want.back() == '\n' || want.back() == '\r')) want.pop_back();
  CHECK(want.size() == 44);
  CHECK(std::string(assets::viewer_script_sha256()) == want);
}

TEST_CASE("every interface string exists in English and Spanish", "[i18n]") {
  const json& ui = ui_strings();
  std::set<std::string> en, es;
  for (auto it = ui["en"].begin(); it != ui["en"].end(); ++it) en.insert(it.key());
  for (auto it = ui["es"].begin(); it != ui["es"].end(); ++it) es.insert(it.key());
  CHECK(en == es);
  // Keys used by the page and the scripts.
  std::string used = std::string(assets::page_html()) + std::string(assets::viewer_script());
  std::set<std::string> keys;
  const std::regex uses(R"re((?:data-i18n(?:-title|-placeholder)?="|\bT\(')([a-z][a-z0-9_]*))re");
  for (auto it = std::sregex_iterator(used.begin(), used.end(), uses); it != std::sregex_iterator(); ++it) keys.insert((*it)[1]);
  CHECK(keys.size() > 40);
  for (const auto& k : keys) {
    INFO(k);
    if (k.back() == '_')  // a prefix completed at run time, e.g. T('alert_' + e.alert)
      CHECK(en.lower_bound(k) != en.end());
    else
      CHECK(en.count(k) == 1);
  }
  for (int s = 1; s <= 6; ++s) CHECK(step_name(s, Lang::En) != step_name(s, Lang::Es));
}

TEST_CASE("the viewer script is valid JavaScript (node --check)", "[html]") {
  if (!vizt::have("/usr/bin/node")) return;
  const auto file = vizt::temp_dir() / "viewer.js";
  vizt::write(file, std::string(assets::viewer_script()));
  CHECK(std::system(("/usr/bin/node --check " + file.string()).c_str()) == 0);
}

TEST_CASE("a 50,000-event trace renders to one page", "[html][big]") {
  // Copies of the six-steps conversation, 0.5 s apart, interleaved and renumbered.
  const json base = vizt::trace("six-steps");
  json big = base;
  big["events"] = json::array();
  big["messages"] = json::array();
  std::vector<std::pair<std::int64_t, json>> evs;
  const std::size_t per = base["events"].size();
  for (std::size_t k = 0; evs.size() < 50000; ++k) {
    json m = base["messages"][0];
    m["id"] = "m" + std::to_string(k + 1);
    big["messages"].push_back(m);
    for (const json& e0 : base["events"]) {
      json e = e0;
      e["time_us"] = e0["time_us"].get<std::int64_t>() + static_cast<std::int64_t>(k) * 500000;
      if (e["msg"].is_string()) e["msg"] = m["id"];
      if (e["conn"].is_number()) e["conn"] = e0["conn"].get<int>() + static_cast<int>(k) * 10;
      evs.emplace_back(e["time_us"].get<std::int64_t>(), std::move(e));
    }
    (void)per;
  }
  std::stable_sort(evs.begin(), evs.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  for (std::size_t i = 0; i < 50000; ++i) {
    evs[i].second["seq"] = i;
    big["events"].push_back(std::move(evs[i].second));
  }
  const auto t0 = std::chrono::steady_clock::now();
  const std::string page = render(big, Options{});
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  WARN("50,000-event page: " << page.size() / 1000 << " kB in " << secs << " s");
  CHECK(page.size() > 10'000'000);
  CHECK(vizt::count(page, "<script") == 2);
}

TEST_CASE("--message embeds only that message and says so", "[html][filter]") {
  const std::string page = render(vizt::trace("failures"), Options{Format::Html, std::string("m2"), Lang::Es, {}, {}});
  const json data = json::parse(between(page, "<script type=\"application/json\" id=\"mailsim-data\">", "</script>"));
  CHECK(data["view"]["restricted"] == "m2");
  CHECK(data["view"]["lang"] == "es");
  for (const auto& e : data["trace"]["events"]) CHECK((e["msg"] == "m2" || e["msg"].is_null()));
  CHECK(page.find("<title>failures · m2</title>") != std::string::npos);
}
