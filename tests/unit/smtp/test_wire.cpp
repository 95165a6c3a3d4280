// The shared text rules: reply rendering (the choke point's limits), line endings,
// dot-stuffing, path and parameter parsing.
#include <catch2/catch.hpp>

#include "smtp_test_helpers.hpp"

using namespace smtp_test;
using Lines = std::vector<std::string>;

TEST_CASE("format_reply renders multi-line replies with enhanced codes", "[wire][reply]") {
  const Reply r{250, "2.0.0", {"first", "second", "last"}};
  CHECK(format_reply(r, true) == Lines{"250-2.0.0 first", "250-2.0.0 second", "250 2.0.0 last"});
  CHECK(format_reply(r, false) == Lines{"250-first", "250-second", "250 last"});
  CHECK(format_reply(Reply{354, "", {}}, true) == Lines{"354 "});
  // An enhanced code of the wrong class or shape is left out rather than sent wrong.
  CHECK(format_reply(Reply::make(550, "2.1.0", "x"), true) == Lines{"550 x"});
  CHECK(format_reply(Reply::make(550, "5.1", "x"), true) == Lines{"550 x"});
}

TEST_CASE("format_reply bounds lines to 512 octets and neutralises CR, LF and NUL", "[wire][reply]") {
  const Lines long_line = format_reply(Reply::make(550, "5.1.1", std::string(2000, 'x')), true);
  REQUIRE(long_line.size() == 1);
  CHECK(long_line[0].size() == 510);
  using namespace std::string_literals;
  CHECK(format_reply(Reply::make(250, "2.1.5", "a\r\n250 injected\0\x80"s), true) ==
        Lines{"250 2.1.5 a??250 injected??"});
}

TEST_CASE("a reply's text lines: indexed, iterated, compared, never holding LF", "[wire][reply]") {
  ReplyText t{"mx.example.com", "", "SIZE 100"};
  REQUIRE(t.size() == 3);
  CHECK(t[0] == "mx.example.com");
  CHECK(t[1].empty());  // an empty line stays a line
  CHECK(t[2] == "SIZE 100");
  CHECK(t.front() == "mx.example.com");
  CHECK(t.octets() == 22);
  CHECK(std::vector<std::string_view>(t.begin(), t.end()) ==
        std::vector<std::string_view>{"mx.example.com", "", "SIZE 100"});
  t.push_back("a\nb");  // LF would split the line: it shows as '?', as on the wire
  CHECK(t.size() == 4);
  CHECK(t[3] == "a?b");
  CHECK(Reply::make(250, "", "x\ny").text == ReplyText{"x?y"});
  CHECK(ReplyText{}.empty());
  CHECK(ReplyText{}.begin() == ReplyText{}.end());
  CHECK(ReplyText{"a"} != ReplyText{"a", ""});
}

TEST_CASE("canonical_crlf and dot_stuff", "[wire]") {
  CHECK(canonical_crlf("a\nb\r\nc") == "a\r\nb\r\nc\r\n");
  CHECK(canonical_crlf("") == "");
  CHECK_FALSE(mailsim::text::has_8bit(""));
  CHECK_FALSE(mailsim::text::has_8bit("plain ASCII text, longer than eight octets\x7f"));
  CHECK(mailsim::text::has_8bit("caf\xC3\xA9"));                      // in the tail
  CHECK(mailsim::text::has_8bit("\x80" + std::string(20, 'a')));  // in the first word
  // is_canonical_crlf says exactly when canonical_crlf would change nothing.
  for (const char* t : {"", "a\r\n", "a\r\r\n\r\n", "\n", "a\nb\r\n", "a\r\nb", "a\r", "\r\n.\r\n"})
    CHECK(is_canonical_crlf(t) == (canonical_crlf(t) == t));
  CHECK(canonical_crlf("\n") == "\r\n");
  CHECK(dot_stuff(".a\r\nb.\r\n.\r\n..\r\n") == "..a\r\nb.\r\n..\r\n...\r\n");
  CHECK(to_bytes({Output{Output::Kind::Line, "DATA"}, Output{Output::Kind::Content, "x\r\n"},
                  Output{Output::Kind::Line, "."}}) == "DATA\r\nx\r\n.\r\n");
}

TEST_CASE("parse_path accepts RFC 5321 forms and rejects the rest", "[wire][path]") {
  const PathRules rcpt{.allow_postmaster = true};
  auto ok = [&](std::string_view text, std::string expected, PathRules rules = {}) {
    const PathParse p = parse_path(text, rules);
    INFO(text);
    CHECK(p.error == PathError::None);
    CHECK(p.path.str() == expected);
  };
  auto bad = [&](std::string_view text, PathError e = PathError::Syntax, PathRules rules = {}) {
    INFO(text);
    CHECK(parse_path(text, rules).error == e);
  };
  ok("<bob@example.com>", "bob@example.com");
  ok("<first.last+tag@sub.example.com>", "first.last+tag@sub.example.com");
  ok("<\"john doe\"@example.com>", "\"john doe\"@example.com");
  ok("<\"a>b\"@example.com>", "\"a>b\"@example.com");
  ok("<user@[192.0.2.1]>", "user@[192.0.2.1]");
  ok("<@relay.example:bob@example.com>", "bob@example.com");  // source route dropped
  ok("<POSTMASTER>", "postmaster", rcpt);
  ok("<>", "", PathRules{.allow_null = true});
  bad("<>");
  bad("bob@example.com");
  bad("<bob@example.com");
  bad("<bob>");
  bad("<.bob@example.com>");
  bad("<bob..x@example.com>");
  bad("<bob@-example.com>");
  bad("<bob@example..com>");
  bad("<bob smith@example.com>");
  bad("<j\xc3\xb6rg@example.com>");
  ok("<j\xc3\xb6rg@example.com>", "j\xc3\xb6rg@example.com", PathRules{.allow_utf8 = true});
  bad("<" + std::string(65, 'a') + "@example.com>", PathError::LocalTooLong);
  const PathParse with_params = parse_path("<a@b.c> SIZE=10", {});
  CHECK(with_params.rest == " SIZE=10");
}

TEST_CASE("parse_parameters", "[wire][params]") {
  const std::optional<Parameters> p = parse_parameters(" size=100  BODY=8BITMIME SMTPUTF8");
  REQUIRE(p);
  CHECK(*p == Parameters{{"SIZE", "100"}, {"BODY", "8BITMIME"}, {"SMTPUTF8", ""}});
  CHECK(parse_parameters("")->empty());
  CHECK_FALSE(parse_parameters(" SIZE="));
  CHECK_FALSE(parse_parameters(" SIZE=1 SIZE=2"));
  CHECK_FALSE(parse_parameters(" -X=1"));
  CHECK_FALSE(parse_parameters(" A=b=c"));
}
