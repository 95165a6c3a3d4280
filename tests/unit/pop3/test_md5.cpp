#include <catch2/catch.hpp>

#include <string>

#include "agents/pop3/md5.hpp"
#include "agents/pop3/wire.hpp"

using namespace mailsim::pop3;

TEST_CASE("MD5 matches the RFC 1321 test suite", "[md5]") {
  CHECK(md5_hex("") == "d41d8cd98f00b204e9800998ecf8427e");
  CHECK(md5_hex("a") == "0cc175b9c0f1b6a831c399e269772661");
  CHECK(md5_hex("abc") == "900150983cd24fb0d6963f7d28e17f72");
  CHECK(md5_hex("message digest") == "f96b697d7cb7938d525a2f31aaf161d0");
  CHECK(md5_hex("abcdefghijklmnopqrstuvwxyz") == "c3fcd3d76192e4007dfb496cca67e13b");
  CHECK(md5_hex("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789") ==
        "d174ab98d277d9f5a5611c2c9f419d9f");
  CHECK(md5_hex("12345678901234567890123456789012345678901234567890123456789012345678901234567890") ==
        "57edf4a22be3c955ac49da2e2107b67a");
}

TEST_CASE("MD5 padding boundaries and incremental updates agree with one-shot hashing", "[md5]") {
  // 55, 56, 63, 64 and 65 bytes straddle the padding rule (length must fit after 0x80).
  CHECK(md5_hex(std::string(55, 'a')) == "ef1772b6dff9a122358552954ad0df65");
  CHECK(md5_hex(std::string(56, 'a')) == "3b0c8ac703f828b04c6c197006d17218");
  CHECK(md5_hex(std::string(64, 'a')) == "014842d480b571495a4a0363793f7367");
  std::string text;
  for (int i = 0; i < 300; ++i) text += static_cast<char>('A' + i % 53);
  const std::string whole = md5_hex(text);
  for (std::size_t cut = 0; cut <= text.size(); cut += 7) {
    Md5 h;
    h.update(std::string_view(text).substr(0, cut));
    h.update(std::string_view(text).substr(cut));
    REQUIRE(to_hex(h.finish()) == whole);
  }
  Md5 bytewise;
  for (char c : text) bytewise.update(std::string_view(&c, 1));
  CHECK(to_hex(bytewise.finish()) == whole);
}

TEST_CASE("APOP digest of the RFC 1939 example", "[md5][apop]") {
  CHECK(md5_hex("<1896.697170952@dbc.mtview.ca.us>tanstaaf") == "c4c9334bac560ecc979e58001b3e22fb");
}

TEST_CASE("wire helpers: CRLF canonicalisation, stuffing, numbers, keywords", "[wire]") {
  CHECK(canonical_crlf("a\nb\r\nc") == "a\r\nb\r\nc\r\n");
  CHECK(canonical_crlf("a\r\n") == "a\r\n");
  CHECK(canonical_crlf("") == "");
  CHECK(canonical_crlf("\n\n") == "\r\n\r\n");
  CHECK(byte_stuff(".a\r\nb.\r\n.\r\n..\r\n") == "..a\r\nb.\r\n..\r\n...\r\n");
  CHECK(parse_number("42") == 42u);
  CHECK_FALSE(parse_number("").has_value());
  CHECK_FALSE(parse_number("-1").has_value());
  CHECK_FALSE(parse_number("+1").has_value());
  CHECK_FALSE(parse_number("1x").has_value());
  CHECK_FALSE(parse_number("99999999999999999999999").has_value());
  CHECK(iequals("RetR", "RETR"));
  CHECK_FALSE(iequals("RETR", "RET"));
  CHECK(to_bytes({{Output::Kind::Line, "+OK"}, {Output::Kind::Content, "x\r\n"}, {Output::Kind::Line, "."}}) ==
        "+OK\r\nx\r\n.\r\n");
}
