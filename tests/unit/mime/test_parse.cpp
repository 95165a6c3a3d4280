#include <catch2/catch.hpp>
#include <random>
#include <string>

#include "agents/mime/compose.hpp"
#include "agents/mime/message.hpp"
#include "sim/text.hpp"
#include "helpers.hpp"

using namespace mailsim::mime;

TEST_CASE("header fields are unfolded, case-insensitive and kept in order", "[parse]") {
  const Message m = parse(
      "Received: from a\r\n by b; date1\r\nreceived: from c by d; date2\r\n"
      "Subject:   folded\r\n\tsubject  \r\nX-Empty:\r\n\r\nbody\r\n");
  REQUIRE(m.headers.size() == 4);
  CHECK(m.all("RECEIVED") == std::vector<std::string>{"from a by b; date1", "from c by d; date2"});
  CHECK(m.header("subject") == "folded\tsubject");
  CHECK(m.header("x-empty") == "");
  CHECK_FALSE(m.header("To"));
  CHECK(m.root.content_type == "text/plain");  // RFC 2045 default
  CHECK(m.root.charset == "us-ascii");
  CHECK(m.root.transfer_encoding == "7bit");
  CHECK(m.root.body == "body\r\n");
}

TEST_CASE("parse_headers reads the same fields as parse, and nothing else", "[parse]") {
  const std::string raw =
      "From sender@x Thu Nov 26 10:00:00 2026\nSubject:   folded\r\n\tsubject\r\nMessage-ID: <a@b>\r\n"
      "Content-Type: multipart/mixed; boundary=x\r\n\r\n--x\r\nSubject: inner\r\n\r\nbody\r\n--x--\r\n";
  const Message full = parse(raw);
  const Message fields = parse_headers(raw);
  REQUIRE(fields.headers.size() == full.headers.size());
  for (std::size_t i = 0; i < full.headers.size(); ++i) {
    CHECK(fields.headers[i].name == full.headers[i].name);
    CHECK(fields.headers[i].value == full.headers[i].value);
  }
  CHECK(fields.header("subject") == "folded\tsubject");
  CHECK(fields.root.children.empty());
  CHECK(fields.root.body.empty());
}

TEST_CASE("bare LF messages and odd field syntax are accepted", "[parse]") {
  const Message m = parse("From sender@x Thu Nov 26 10:00:00 2026\nSubject : old style\nTo: a@b\n\nline\n");
  CHECK(m.header("Subject") == "old style");
  CHECK(m.header("To") == "a@b");
  CHECK(m.root.body == "line\n");
}

TEST_CASE("RFC 2047 decoding: B, Q, adjacency, charsets, malformed words", "[parse][rfc2047]") {
  CHECK(decode_header_value("=?utf-8?B?Q2Fmw6k=?=") == "Caf\xC3\xA9");
  CHECK(decode_header_value("=?UTF-8?Q?Caf=C3=A9_au_lait?=") == "Caf\xC3\xA9 au lait");
  CHECK(decode_header_value("=?iso-8859-1?q?caf=E9?= ok") == "caf\xC3\xA9 ok");
  CHECK(decode_header_value("=?windows-1252?Q?=80?=") == "\xE2\x82\xAC");
  CHECK(decode_header_value("=?utf-8?q?a?= \r\n =?utf-8?q?b?=") == "ab");  // whitespace between words dropped
  CHECK(decode_header_value("x =?utf-8?q?a?= y") == "x a y");              // but kept next to text
  // A multi-byte character split across two words is rejoined.
  CHECK(decode_header_value("=?utf-8?B?4g==?= =?utf-8?B?gqw=?=") == "\xE2\x82\xAC");
  CHECK(decode_header_value("=?utf-8*en?Q?hi?=") == "hi");
  CHECK(decode_header_value("=?utf-8?B?!!!?=") == "=?utf-8?B?!!!?=");
  CHECK(decode_header_value("=?utf-8?X?abc?=") == "=?utf-8?X?abc?=");
  CHECK(decode_header_value("=?utf-8?Q?unterminated") == "=?utf-8?Q?unterminated");
  CHECK(decode_header_value("=?utf-8?Q?has space?=") == "=?utf-8?Q?has space?=");
  CHECK(decode_header_value("plain text") == "plain text");
  CHECK(decode_header_value("") == "");
  // Many openers that never close must stay linear (this would take minutes if quadratic).
  std::string many;
  for (int i = 0; i < 200000; ++i) many += "=?a";
  CHECK(decode_header_value(many) == many);
}

TEST_CASE("MIME parameters: quoting, comments, RFC 2231 continuations", "[parse]") {
  const Message m = parse(
      "Content-Type: multipart/mixed; boundary=\"b;1\" (comment)\r\n\r\n"
      "--b;1\r\nContent-Type: Application/PDF; NAME=\"q\\\"uote.pdf\"\r\n\r\nx\r\n"
      "--b;1\r\nContent-Type: text/plain\r\nContent-Disposition: attachment;\r\n"
      " filename*0*=iso-8859-1''caf%E9; filename*1=\" menu.txt\"\r\n\r\ny\r\n"
      "--b;1\r\nContent-Disposition: INLINE; filename=\"=?utf-8?B?w6k=?=.txt\"\r\n\r\nz\r\n"
      "--b;1--\r\nepilogue\r\n");
  REQUIRE(m.root.children.size() == 3);
  CHECK(m.root.children[0].content_type == "application/pdf");
  CHECK(m.root.children[0].filename == "q\"uote.pdf");
  CHECK(m.root.children[1].filename == "caf\xC3\xA9 menu.txt");
  CHECK(m.root.children[1].disposition == "attachment");
  CHECK(m.root.children[2].disposition == "inline");
  CHECK(m.root.children[2].filename == "\xC3\xA9.txt");
  CHECK(m.root.children[2].body == "z");
  CHECK(attachments(m).size() == 3);
}

TEST_CASE("nested multipart, digest defaults and text_body selection", "[parse]") {
  const std::string raw =
      "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=outer\r\n\r\n"
      "preamble\r\n--outer\r\nContent-Type: multipart/alternative; boundary=inner\r\n\r\n"
      "--inner\r\nContent-Type: text/plain; charset=ISO-8859-1\r\n"
      "Content-Transfer-Encoding: quoted-printable\r\n\r\nGr=FC=DFe\r\n"
      "--inner\r\nContent-Type: text/html\r\n\r\n<p>hi</p>\r\n--inner--\r\n"
      "--outer\r\nContent-Type: multipart/digest; boundary=d\r\n\r\n--d\r\n\r\nSubject: "
      "inner\r\n\r\nx\r\n--d--\r\n"
      "--outer--\r\n";
  const Message m = parse(raw);
  REQUIRE(m.root.children.size() == 2);
  const Part& alt = m.root.children[0];
  CHECK(alt.content_type == "multipart/alternative");
  REQUIRE(alt.children.size() == 2);
  CHECK(alt.children[0].charset == "iso-8859-1");
  CHECK(alt.children[0].body ==
        "Gr\xFC\xDF"
        "e");
  CHECK(text_body(m) ==
        "Gr\xC3\xBC\xC3\x9F"
        "e");
  REQUIRE(m.root.children[1].children.size() == 1);
  CHECK(m.root.children[1].children[0].content_type == "message/rfc822");
  CHECK(parse(m.root.children[1].children[0].body).header("Subject") == "inner");
  CHECK(attachments(m).empty());
}

TEST_CASE("header_block_end finds the end of the header fields", "[parse]") {
  CHECK(header_block_end("A: 1\r\nB: 2\r\n\r\nbody") == 12);
  CHECK(header_block_end("A: 1\nB: 2\n\nbody") == 10);
  CHECK(header_block_end("A: 1\r\n") == 6);
  CHECK(header_block_end("\r\nbody") == 0);
  CHECK(header_block_end("A: 1\r\nnot a header\r\n\r\n") == 6);
  CHECK(header_block_end("") == 0);
}

TEST_CASE("parser survives random garbage", "[parse][robust]") {
  std::mt19937 rng(1234);
  for (int round = 0; round < 300; ++round) {
    std::string junk = mime_test::random_bytes(rng() % 5000, static_cast<unsigned>(rng()));
    std::shuffle(junk.begin(), junk.end(), rng);
    const Message m = parse(junk);
    (void)attachments(m);
    (void)text_body(m);
    (void)decode_header_value(junk);
  }
  SUCCEED("no crash");
}

TEST_CASE("parser survives mutated real messages", "[parse][robust]") {
  auto d = mime_test::basic_draft();
  d.subject = "\xC3\xA9t\xC3\xA9";
  d.body =
      "Gr\xC3\xBC\xC3\x9F"
      "e\n";
  d.attachments = {{"a.bin", "", mime_test::random_bytes(2000, 3)}, {"b.txt", "", "hello"}};
  const std::string good = compose(d);
  std::mt19937 rng(99);
  const char alphabet[] = "-=\r\n:;\"?*'%\\() \tB";
  for (int round = 0; round < 500; ++round) {
    std::string m = good;
    const int edits = 1 + static_cast<int>(rng() % 20);
    for (int e = 0; e < edits; ++e) {
      const std::size_t at = rng() % m.size();
      switch (rng() % 3) {
        case 0:
          m[at] = alphabet[rng() % (sizeof alphabet - 1)];
          break;
        case 1:
          m.erase(at, rng() % 50);
          break;
        default:
          m.insert(at, m.substr(rng() % m.size(), rng() % 200));
          break;
      }
      if (m.empty()) m = "x";
    }
    if (rng() % 4 == 0) m.resize(rng() % m.size());
    const Message p = parse(m);
    (void)attachments(p);
    (void)text_body(p);
  }
  SUCCEED("no crash");
}

TEST_CASE("10,000 nested multipart levels are bounded", "[parse][robust]") {
  std::string raw;
  for (int i = 0; i < 10000; ++i)
    raw += "Content-Type: multipart/mixed; boundary=\"b" + std::to_string(i) + "\"\r\n\r\n--b" +
           std::to_string(i) + "\r\n";
  raw += "Content-Type: text/plain\r\n\r\ndeep\r\n";
  const Message m = parse(raw);
  std::size_t depth = 0;
  const Part* p = &m.root;
  while (!p->children.empty()) {
    p = &p->children.front();
    ++depth;
  }
  CHECK(depth == kMaxDepth);
  CHECK(p->content_type == "multipart/mixed");  // kept opaque, raw body
  CHECK(p->body.size() > 0);
  CHECK(text_body(m).empty());
}

TEST_CASE("unterminated boundaries, missing boundaries and colon-less headers", "[parse][robust]") {
  // Unterminated: the last part runs to the end of the message.
  Message m = parse("Content-Type: multipart/mixed; boundary=x\r\n\r\n--x\r\n\r\nfirst\r\n--x\r\n\r\nsecond");
  REQUIRE(m.root.children.size() == 2);
  CHECK(m.root.children[0].body == "first");
  CHECK(m.root.children[1].body == "second");
  // No delimiter at all, or no boundary parameter: an opaque leaf.
  m = parse("Content-Type: multipart/mixed; boundary=x\r\n\r\nnothing here\r\n");
  CHECK(m.root.children.empty());
  CHECK(m.root.body == "nothing here\r\n");
  m = parse("Content-Type: multipart/mixed\r\n\r\n--x\r\n");
  CHECK(m.root.children.empty());
  // "--x" followed by other text is not a delimiter; an empty boundary is ignored.
  m = parse("Content-Type: multipart/mixed; boundary=x\r\n\r\n--x\r\n\r\n--xy\r\n--x--");
  REQUIRE(m.root.children.size() == 1);
  CHECK(m.root.children[0].body == "--xy");
  m = parse("Content-Type: multipart/mixed; boundary=\"\"\r\n\r\n--\r\n");
  CHECK(m.root.children.empty());
  // A line without a colon ends the header block; it is body text.
  m = parse("Subject: ok\r\nthis is no header\r\nTo: x\r\n\r\nrest");
  CHECK(m.headers.size() == 1);
  CHECK(m.root.body == "this is no header\r\nTo: x\r\n\r\nrest");
  m = parse("no colon at all");
  CHECK(m.headers.empty());
  CHECK(m.root.body == "no colon at all");
  // Continuation with nothing to continue, unterminated quote and comment.
  m = parse(
      " leading continuation\r\nContent-Type: text/plain; charset=\"utf-8\r\n"
      "Content-Disposition: attachment; filename=\"a.txt (x\r\n\r\nbody");
  CHECK(m.root.charset == "utf-8");
  CHECK(m.root.filename == "a.txt (x");
  // Bad base64 is decoded leniently, never thrown.
  m = parse("Content-Transfer-Encoding: base64\r\n\r\naGVs!bG8=garbage=");
  CHECK(m.root.body == "hello");
  m = parse("Content-Type: text\r\n\r\nx");
  CHECK(m.root.content_type == "text/plain");
  CHECK(parse("").headers.empty());
}

TEST_CASE("header and part limits hold", "[parse][robust]") {
  std::string raw;
  for (int i = 0; i < 5000; ++i) raw += "X-H" + std::to_string(i) + ": v\r\n folded\r\n";
  raw += "Subject: " + std::string(200000, 's') + "\r\n\r\nbody";
  Message m = parse(raw);
  CHECK(m.headers.size() == kMaxHeaders);
  CHECK(m.root.body == "body");

  raw = "Subject: " + std::string(200000, 's') + "\r\n\r\n";
  m = parse(raw);
  CHECK(m.header("Subject")->size() <= kMaxHeaderValue);

  raw = "Content-Type: multipart/mixed; boundary=p\r\n\r\n";
  for (int i = 0; i < 5000; ++i) raw += "--p\r\n\r\npart\r\n";
  raw += "--p--\r\n";
  m = parse(raw);
  CHECK(m.root.children.size() == kMaxParts - 1);  // the root counts too

  raw = "Content-Type: text/plain";
  for (int i = 0; i < 1000; ++i) raw += "; p" + std::to_string(i) + "=v";
  raw += "; name*99999999999999999999=x; name*0=a\r\n\r\n";
  m = parse(raw);
  CHECK(m.root.content_type == "text/plain");
}

TEST_CASE("parse_headers with `only` keeps exactly those fields, as the full parse gives them", "[parse][headers]") {
  // Folded values, repeated and case-varied names, lines that end the header section, and more
  // fields than kMaxHeaders (later ones are dropped, whether kept or not).
  const std::vector<std::string> lines = {"Subject: one\r\n", "subject:  two \r\n", " folded\r\n", "\tmore\r\n",
                                          "Message-ID: <a@b>\r\n", "X-Other: x\r\n", "Received: r\r\n",
                                          "MESSAGE-ID:<c@d>\r\n", "not a field\r\n", "\r\n", "Body\r\n"};
  std::mt19937 rng(21);
  for (int round = 0; round < 3000; ++round) {
    std::string raw;
    const bool many = round % 100 == 0;
    if (many) for (std::size_t i = 0; i < kMaxHeaders - 1; ++i) raw += "X-Filler: f\r\n";
    for (int i = 0, n = static_cast<int>(rng() % 12); i < n; ++i) raw += lines[rng() % lines.size()];
    const Message all = parse_headers(raw), some = parse_headers(raw, {"Message-ID", "Subject"});
    std::vector<Header> want;
    for (const Header& h : all.headers)
      if (mailsim::text::iequals(h.name, "Message-ID") || mailsim::text::iequals(h.name, "Subject")) want.push_back(h);
    REQUIRE(some.headers.size() == want.size());
    for (std::size_t i = 0; i < want.size(); ++i) {
      CHECK(some.headers[i].name == want[i].name);
      CHECK(some.headers[i].value == want[i].value);
    }
    CHECK(some.header("Subject") == all.header("Subject"));
  }
}
