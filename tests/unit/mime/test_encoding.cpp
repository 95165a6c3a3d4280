#include <catch2/catch.hpp>
#include <random>
#include <string>
#include <vector>

#include "agents/mime/encoding.hpp"

using namespace mailsim::mime;

namespace {
bool lines_within(const std::string& s, std::size_t limit) {
  std::size_t start = 0;
  while (start < s.size()) {
    const std::size_t end = s.find("\r\n", start);
    if (end == std::string::npos) return s.size() - start <= limit;
    if (end - start > limit) return false;
    start = end + 2;
  }
  return true;
}
}  // namespace

TEST_CASE("quoted-printable follows RFC 2045 rules", "[qp]") {
  CHECK(qp_encode("a=b") == "a=3Db");
  CHECK(qp_encode("tab\tend\t\nspace \r\n") == "tab\tend=09\r\nspace=20\r\n");
  CHECK(qp_encode("caf\xC3\xA9") == "caf=C3=A9");
  const std::string long_line(200, 'x');
  const std::string enc = qp_encode(long_line);
  CHECK(lines_within(enc, 76));
  CHECK(enc.find("=\r\n") != std::string::npos);
  CHECK(qp_decode(enc) == long_line);
}

TEST_CASE("quoted-printable decoding is tolerant", "[qp]") {
  CHECK(qp_decode("a=3Db=\r\nc\r\n") == "a=bc\r\n");
  CHECK(qp_decode("soft= \t\r\nnext") == "softnext");  // padding after the soft break
  CHECK(qp_decode("lf only\nline") == "lf only\r\nline");
  CHECK(qp_decode("bad=ZZ=4") == "bad=ZZ=4");  // malformed escapes stay literal
  CHECK(qp_decode("lower=c3=a9") == "lower\xC3\xA9");
  CHECK(qp_decode("trailing   \r\n") == "trailing\r\n");
  CHECK(qp_decode("=") == "");
}

TEST_CASE("quoted-printable round trips arbitrary bytes", "[qp]") {
  std::mt19937 rng(7);
  for (int round = 0; round < 200; ++round) {
    std::string s(rng() % 400, '\0');
    for (auto& c : s) c = static_cast<char>(rng() % 256);
    // Line breaks are canonicalised to CRLF, so compare with bare LF turned into CRLF.
    std::string canon;
    for (std::size_t i = 0; i < s.size(); ++i) {
      if (s[i] == '\n' && (i == 0 || s[i - 1] != '\r')) canon += '\r';
      canon += s[i];
    }
    const std::string enc = qp_encode(s);
    REQUIRE(lines_within(enc, 76));
    REQUIRE(qp_decode(enc) == canon);
  }
}

TEST_CASE("encoded-words are short and split on character boundaries", "[rfc2047]") {
  CHECK(encode_words("plain ascii") == "plain ascii");
  CHECK(encode_words("looks =?like?= a word") != "looks =?like?= a word");
  std::string s;
  for (int i = 0; i < 60; ++i) s += "\xE2\x82\xAC";  // 60 euro signs, 180 bytes
  const std::string enc = encode_words(s, 9);
  std::size_t words = 0, pos = 0;
  while ((pos = enc.find("=?utf-8?B?", pos)) != std::string::npos) {
    const std::size_t end = enc.find("?=", pos + 10);
    REQUIRE(end != std::string::npos);
    CHECK(end + 2 - pos <= 75);
    ++words;
    pos = end;
  }
  CHECK(words >= 4);
}

TEST_CASE("fold_field folds at whitespace and never exceeds 998", "[fold]") {
  std::string value;
  for (int i = 0; i < 30; ++i) value += "word" + std::to_string(i) + " ";
  const std::string f = fold_field("X-Long", value);
  CHECK(lines_within(f, 78));
  CHECK(f.find("\r\n ") != std::string::npos);
  CHECK(f.ends_with("\r\n"));

  const std::string huge = fold_field("X-Huge", std::string(3000, 'a'));
  CHECK(lines_within(huge, 998));

  // A value cannot smuggle in a second field.
  const std::string inj = fold_field("Subject", "hi\r\nBcc: victim@example.com");
  CHECK(inj.find("\r\nBcc:") == std::string::npos);
  CHECK(valid_field_name("X-Custom"));
  CHECK_FALSE(valid_field_name("Bad Name"));
  CHECK_FALSE(valid_field_name(""));
}

TEST_CASE("append_field writes what fold_field returns", "[fold]") {
  const std::string long_value(120, 'x');
  const std::vector<std::string> values{"", " ", "a", "a  \t", "Mon, 2 Dec 2026 07:44:49 +0000", "x\r\n y",
                                        "a\nb", long_value, "a " + long_value, std::string(74, 'y'),
                                        std::string(73, 'y') + " "};
  for (const auto& v : values) {
    std::string out = "prefix";
    mailsim::mime::append_field(out, "Subject", v);
    CHECK(out == "prefix" + mailsim::mime::fold_field("Subject", v));
  }
}
