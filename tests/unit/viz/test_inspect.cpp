// The message inspector's data comes from the C++ MIME parser: header fields decoded once,
// the Received chain oldest hop first, parts, attachments and decoded text.
#include <catch2/catch.hpp>

#include "helpers.hpp"
#include "visualize/escape.hpp"
#include "visualize/inspect.hpp"
#include "visualize/model.hpp"

using namespace mailsim::viz;
using nlohmann::json;

namespace {

// As a content event carries it: CRLF lines, dot-stuffed.
const std::string kWire =
    "Received: from mail.example.org (mail.example.org [198.51.100.25])\r\n"
    "\tby mail.example.com with ESMTP id 4AB12 for <bob@example.com>; Mon, 1 Dec 2025 09:00:05 +0000\r\n"
    "Received: from pc-alice (pc-alice [198.51.100.10]) by mail.example.org with ESMTPA id Q1; Mon, 1 Dec 2025 09:00:04 +0000\r\n"
    "From: =?utf-8?B?QWxpY2lhIE7DusOxZXo=?= <alice@example.org>\r\n"
    "To: bob@example.com\r\n"
    "Subject: =?utf-8?Q?Men=C3=BA_del_viernes?=\r\n"
    "MIME-Version: 1.0\r\n"
    "Content-Type: multipart/mixed; boundary=\"b1\"\r\n"
    "\r\n"
    "--b1\r\n"
    "Content-Type: text/plain; charset=utf-8\r\n"
    "Content-Transfer-Encoding: quoted-printable\r\n"
    "\r\n"
    "Hola Bob, el men=C3=BA:\r\n"
    "..a line that starts with a dot\r\n"
    "--b1\r\n"
    "Content-Type: application/pdf; name=\"menu.pdf\"\r\n"
    "Content-Disposition: attachment; filename=\"menu.pdf\"\r\n"
    "Content-Transfer-Encoding: base64\r\n"
    "\r\n"
    "JVBERi0xLjQK\r\n"
    "--b1--\r\n";

}  // namespace

TEST_CASE("a Received field splits into its clauses", "[inspect]") {
  const ReceivedHop r = parse_received(
      "from pc-alice (pc-alice [198.51.100.10]) by mail.example.org with ESMTPA id Q1 for <bob@example.com>; "
      "Mon, 1 Dec 2025 09:00:04 +0000");
  CHECK(r.from == "pc-alice (pc-alice [198.51.100.10])");
  CHECK(r.by == "mail.example.org");
  CHECK(r.with == "ESMTPA");
  CHECK(r.id == "Q1");
  CHECK(r.for_rcpt == "bob@example.com");
  CHECK(r.date == "Mon, 1 Dec 2025 09:00:04 +0000");
  const ReceivedHop bare = parse_received("by localhost");
  CHECK(bare.from.empty());
  CHECK(bare.by == "localhost");
  CHECK(bare.date.empty());
  const ReceivedHop odd = parse_received("from (((x by");  // unbalanced comment, keyword without value
  CHECK(odd.by.empty());
}

TEST_CASE("a copy of a message is read once into headers, hops, parts and attachments", "[inspect]") {
  const json m = inspect_message(kWire);
  CHECK(m["octets"] == kWire.size());
  REQUIRE(m["received"].size() == 2);
  CHECK(m["received"][0]["by"] == "mail.example.org");  // the oldest hop is the bottom field
  CHECK(m["received"][0]["with"] == "ESMTPA");
  CHECK(m["received"][1]["by"] == "mail.example.com");
  CHECK(m["received"][1]["for"] == "bob@example.com");
  CHECK(m["received"][1]["from"] == "mail.example.org (mail.example.org [198.51.100.25])");
  bool from = false, subject = false;
  for (const json& h : m["headers"]) {
    if (h[0] == "From") from = h[1] == "Alicia Núñez <alice@example.org>";
    if (h[0] == "Subject") subject = h[1] == "Menú del viernes";
  }
  CHECK(from);
  CHECK(subject);
  REQUIRE(m["parts"].size() == 3);
  CHECK(m["parts"][0]["type"] == "multipart/mixed");
  CHECK(m["parts"][0]["depth"] == 0);
  CHECK(!m["parts"][0].contains("octets"));
  CHECK(m["parts"][1]["depth"] == 1);
  CHECK(m["parts"][1]["encoding"] == "quoted-printable");
  CHECK(m["parts"][1]["text"] == "Hola Bob, el menú:\r\n.a line that starts with a dot");  // CRLF before "--b1" is the delimiter's
  CHECK(!m["parts"][2].contains("text"));
  REQUIRE(m["attachments"].size() == 1);
  CHECK(m["attachments"][0] == json({{"filename", "menu.pdf"}, {"type", "application/pdf"}, {"octets", 9}}));
  CHECK(!m.contains("return_path"));
}

TEST_CASE("every content event of a trace points at its copy, each distinct copy parsed once", "[inspect]") {
  const json trace = vizt::trace("six-steps");
  const Model model = build_model(trace);
  const json v = inspect_contents(model);
  std::size_t contents = 0;
  for (const auto& e : model.events) contents += e.kind == "content";
  REQUIRE(contents >= 2);
  CHECK(v["contents"].size() == contents);
  CHECK(v["mime"].size() <= contents);
  for (const json& c : v["contents"]) {
    const auto i = c[0].get<std::size_t>();
    CHECK(model.events[i].kind == "content");
    CHECK(c[1].get<std::size_t>() < v["mime"].size());
  }
  // The copy Bob retrieves went through both servers.
  const json& last = v["mime"][v["contents"].back()[1].get<std::size_t>()];
  CHECK(last["received"].size() >= 2);
}

TEST_CASE("hostile message text stays bounded and never throws", "[inspect][security]") {
  std::string deep = "Content-Type: multipart/mixed; boundary=x\r\n\r\n";
  for (int k = 0; k < 5000; ++k) deep += "--x\r\nContent-Type: text/plain\r\n\r\n\xff\xfe<script>\r\n";
  const json m = inspect_message(deep);
  CHECK(m["parts"].size() <= 200);
  CHECK_NOTHROW(json_for_script(m));  // invalid UTF-8 is replaced, never a throw
}
