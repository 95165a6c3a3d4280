// Static exports: swaks-style text, Mermaid (checked by our own grammar for the subset we
// emit), SVG (well-formed XML, xmllint when present), Graphviz (dot -Tsvg when present).
#include <catch2/catch.hpp>

#include <map>
#include <regex>
#include <set>

#include "helpers.hpp"
#include "visualize/escape.hpp"

using namespace mailsim::viz;

namespace {

std::string out(const char* name, Format f, Lang lang = Lang::En, std::optional<std::string> msg = std::nullopt) {
  return render(vizt::trace(name), Options{f, msg, lang, {}, {}});
}

// The Mermaid subset we emit: sequenceDiagram, title, participant X as label, rect rgb(...)/end,
// Note over X[,Y]: text, X->>Y / X-->>Y / X--xY: text. Text must not break the line grammar.
std::string mermaid_problem(const std::string& src) {
  std::istringstream in(src);
  std::string line;
  std::set<std::string> ids;
  int depth = 0, n = 0;
  const std::regex participant(R"(^    participant ([A-Za-z][A-Za-z0-9_]*) as (.+)$)");
  const std::regex rect(R"(^    rect rgb\(\d{1,3}, \d{1,3}, \d{1,3}\)$)");
  const std::regex note(R"(^    Note over ([A-Za-z][A-Za-z0-9_]*)(?:,([A-Za-z][A-Za-z0-9_]*))?: (.+)$)");
  const std::regex msg(R"(^    ([A-Za-z][A-Za-z0-9_]*)(->>|-->>|--x)([A-Za-z][A-Za-z0-9_]*): (.+)$)");
  const std::regex title(R"(^    title (.+)$)");
  auto text_ok = [](const std::string& t) {
    std::string rest = std::regex_replace(t, std::regex("#\\d+;|<br/>"), "");
    return rest.find_first_of(";#<>\r\n") == std::string::npos && rest.find("%%") == std::string::npos;
  };
  std::smatch m;
  while (std::getline(in, line)) {
    ++n;
    const std::string where = "line " + std::to_string(n) + ": " + line;
    if (n == 1) {
      if (line != "sequenceDiagram") return where;
    } else if (std::regex_match(line, m, participant)) {
      if (!ids.insert(m[1]).second || !text_ok(m[2])) return where;
    } else if (std::regex_match(line, m, title)) {
      if (!text_ok(m[1])) return where;
    } else if (std::regex_match(line, rect)) {
      ++depth;
    } else if (line == "    end") {
      if (--depth < 0) return where;
    } else if (std::regex_match(line, m, note)) {
      if (!ids.count(m[1]) || (m[2].matched && !ids.count(m[2])) || !text_ok(m[3])) return where;
    } else if (std::regex_match(line, m, msg)) {
      if (!ids.count(m[1]) || !ids.count(m[3]) || !text_ok(m[4])) return where;
    } else {
      return where;
    }
  }
  return depth == 0 ? "" : "unbalanced rect/end";
}

}  // namespace

TEST_CASE("text export reads like a swaks transcript", "[text]") {
  const std::string t = out("six-steps", Format::Text);
  // Every line names its actor (a QUIT after a DNS query is never anonymous).
  CHECK(t.find("  -> MUA@pc-alice: EHLO pc-alice\n") != std::string::npos);
  CHECK(t.find(" <-  MSA@mail.example.org: 220 mail.example.org ESMTP mailsim\n") != std::string::npos);
  CHECK(t.find("  -> MTA@mail.example.org: QUERY MX example.com\n") != std::string::npos);
  CHECK(t.find("  ~> MUA@pc-alice: [message content: 421 octets, 15 lines]\n") != std::string::npos);
  CHECK(t.find(" ~> Subject: Hello from Alice\n") != std::string::npos);
  CHECK(t.find(" <~  Return-Path: <alice@example.org>\n") != std::string::npos);
  CHECK(t.find("=== Connection 1: MUA@pc-alice -> MSA@mail.example.org (SMTP)") != std::string::npos);
  CHECK(t.find("=== Step 3 · Relay between MTAs, and acceptance (step 4) · m1") != std::string::npos);
  CHECK(t.find("=== MDA@mail.example.com: The mail delivery agent (MDA) on mail.example.com stores the message") !=
        std::string::npos);
  const std::string f = out("failures", Format::Text, Lang::Es);
  CHECK(f.find(" <** MTA@mail.example.com: 550 5.1.1 <nobody@example.com>") != std::string::npos);
  CHECK(f.find("[fallo permanente]") != std::string::npos);
  CHECK(f.find(" *** El enlace router-org – router-core se cae.") != std::string::npos);
  CHECK(f.find("=== Paso 1 · Redacción") != std::string::npos);
  CHECK(f.find("[contenido del mensaje: ") != std::string::npos);
  CHECK(f.find("message content") == std::string::npos);
}

TEST_CASE("--message restricts every export to one message", "[filter]") {
  const std::string t = out("failures", Format::Text, Lang::En, "m1");
  CHECK(t.find("nobody@example.com") != std::string::npos);
  CHECK(t.find("Greylisted") == std::string::npos);
  const std::string mm = out("failures", Format::Mermaid, Lang::En, "m2");
  CHECK(mm.find("nobody") == std::string::npos);
  CHECK_THROWS_AS(out("failures", Format::Svg, Lang::En, "nope"), TraceError);
}

TEST_CASE("mermaid export follows the grammar subset", "[mermaid]") {
  for (const char* name : {"six-steps", "failures", "xss"}) {
    for (Lang l : {Lang::En, Lang::Es}) {
      const std::string m = out(name, Format::Mermaid, l);
      INFO(name);
      CHECK(mermaid_problem(m) == "");
    }
  }
  const std::string m = out("six-steps", Format::Mermaid);
  CHECK(m.find("    participant P0 as MUA@pc-alice\n") != std::string::npos);
  CHECK(m.find("    P0->>P1: EHLO pc-alice\n") != std::string::npos);
  CHECK(m.find("    P1-->>P0: 354 End data with #60;CR#62;#60;LF#62;.#60;CR#62;#60;LF#62;\n") != std::string::npos);
  CHECK(out("failures", Format::Mermaid).find("--x") != std::string::npos);
  CHECK(mermaid_escape("a;b#c\nd%%") == "a#59;b#35;c<br/>d#37;#37;");
  CHECK(mermaid_problem("sequenceDiagram\n    participant A as x\n    A->>B: hi\n") != "");  // checker checks
  CHECK(mermaid_problem("sequenceDiagram\n    participant A as x\n    Note over A: a;b\n") != "");
}

TEST_CASE("svg export is well-formed and escapes trace text", "[svg]") {
  const auto dir = vizt::temp_dir();
  for (const char* name : {"six-steps", "failures", "xss"}) {
    const std::string svg = out(name, Format::Svg, Lang::Es);
    CHECK(svg.rfind("<?xml", 0) == 0);
    CHECK(vizt::count(svg, "<svg") == 1);
    CHECK(svg.find("<script") == std::string::npos);
    const auto file = dir / (std::string(name) + ".svg");
    vizt::write(file, svg);
    if (vizt::have("/usr/bin/xmllint")) {
      INFO(name);
      CHECK(std::system(("/usr/bin/xmllint --noout " + file.string()).c_str()) == 0);
    }
  }
  auto t = vizt::trace("xss");
  for (auto& e : t["events"])
    if (e["kind"] == "line") {
      e["line"] = "<script>alert(1)</script>";
      break;
    }
  const std::string x = render(t, Options{Format::Svg, {}, Lang::En, {}, {}});
  // On A4 the arrow between two neighbouring lifelines holds some 15 characters: the line is
  // cut there, escaped.
  CHECK(x.find("&lt;script&gt;alert") != std::string::npos);
  CHECK(x.find("<script") == std::string::npos);
  CHECK(xml_escape("a<b>&\"'\x01") == "a&lt;b&gt;&amp;&quot;&#39;\xEF\xBF\xBD");
}

TEST_CASE("dot export draws the topology by role and renders with Graphviz", "[dot]") {
  const std::string d = out("six-steps", Format::Dot);
  CHECK(d.rfind("graph G {", 0) == 0);
  CHECK(d.find("shape=box3d") != std::string::npos);     // mail servers
  CHECK(d.find("shape=cylinder") != std::string::npos);  // DNS
  CHECK(d.find("shape=octagon") != std::string::npos);   // routers
  CHECK(d.find("MSA · MTA · MDA/POP3") != std::string::npos);
  CHECK(d.find("penwidth=3") == std::string::npos);
  CHECK(out("six-steps", Format::Dot, Lang::En, "m1").find("penwidth=3") != std::string::npos);
  const std::string x = out("xss", Format::Dot);
  CHECK(x.find("\\\"><svg onload=alert(4)>") != std::string::npos);  // the quote is escaped
  if (vizt::have("/usr/bin/dot")) {
    const auto dir = vizt::temp_dir();
    for (const char* name : {"six-steps", "failures", "xss"}) {
      vizt::write(dir / "t.dot", out(name, Format::Dot));
      INFO(name);
      CHECK(std::system(("/usr/bin/dot -Tsvg " + (dir / "t.dot").string() + " -o " + (dir / "t.svg").string()).c_str()) == 0);
      if (vizt::have("/usr/bin/xmllint"))
        CHECK(std::system(("/usr/bin/xmllint --noout " + (dir / "t.svg").string()).c_str()) == 0);
    }
  }
}

TEST_CASE("format and language names parse", "[api]") {
  CHECK(parse_format("mermaid") == Format::Mermaid);
  CHECK(parse_format("png") == std::nullopt);
  CHECK(parse_lang("es") == Lang::Es);
  CHECK(parse_lang("fr") == std::nullopt);
}
