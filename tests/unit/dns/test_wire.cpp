#include <catch2/catch.hpp>

#include <random>
#include <stdexcept>
#include <string>

#include "agents/dns/message.hpp"

using namespace mailsim::dns;

namespace {

std::string bytes(std::initializer_list<int> b) {
  std::string s;
  for (int v : b) s += static_cast<char>(v);
  return s;
}

Message mx_query() {
  Message q;
  q.id = 0x1234;
  q.recursion_desired = true;
  q.questions.push_back({"example.com", Type::MX});
  return q;
}

Message mx_response() {
  Message r = mx_query();
  r.response = true;
  r.authoritative = true;
  r.answers.push_back({"example.com", Type::MX, 3600, 10, "mail.example.com"});
  r.answers.push_back({"example.com", Type::MX, 3600, 20, "backup.example.com"});
  r.additional.push_back({"mail.example.com", Type::A, 3600, 0, "", 0xC0000219});
  return r;
}

// A real-shaped response to "example.com MX" (id 0x1234), written out byte by byte.
const std::string kMxResponse = bytes({
    0x12, 0x34,              // id
    0x85, 0x80,              // QR, opcode 0, AA, RD, RA, rcode 0
    0x00, 0x01, 0x00, 0x02,  // 1 question, 2 answers
    0x00, 0x00, 0x00, 0x01,  // 0 authority, 1 additional
    // offset 12, question: example.com MX IN
    7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 3, 'c', 'o', 'm', 0, 0x00, 0x0f, 0x00, 0x01,
    // offset 29, answer 1: name = pointer to 12, MX IN, TTL 3600, RDLENGTH 9
    0xc0, 0x0c, 0x00, 0x0f, 0x00, 0x01, 0x00, 0x00, 0x0e, 0x10, 0x00, 0x09,
    // offset 41: preference 10, exchange "mail" + pointer to 12 ("mail" label sits at 43)
    0x00, 0x0a, 4, 'm', 'a', 'i', 'l', 0xc0, 0x0c,
    // offset 50, answer 2: pointer to 12, MX IN, TTL 3600, RDLENGTH 11, pref 20, backup.<12>
    0xc0, 0x0c, 0x00, 0x0f, 0x00, 0x01, 0x00, 0x00, 0x0e, 0x10, 0x00, 0x0b,
    0x00, 0x14, 6, 'b', 'a', 'c', 'k', 'u', 'p', 0xc0, 0x0c,
    // offset 73, additional: pointer to 43 (itself ending in a pointer), A IN, 192.0.2.25
    0xc0, 0x2b, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x0e, 0x10, 0x00, 0x04, 192, 0, 2, 25,
});

}  // namespace

TEST_CASE("query round-trips through the wire format", "[dns][wire]") {
  const Message q = mx_query();
  const std::string wire = encode(q);
  REQUIRE(wire.size() == 12 + 13 + 4);
  auto back = decode(wire);
  REQUIRE(back);
  REQUIRE(*back == q);
}

TEST_CASE("MX and A responses round-trip, with compression", "[dns][wire]") {
  const Message r = mx_response();
  const std::string wire = encode(r);
  auto back = decode(wire);
  REQUIRE(back);
  REQUIRE(*back == r);
  // Compression makes our encoding exactly as small as the hand-written one.
  REQUIRE(wire.size() == kMxResponse.size());

  Message a = mx_query();
  a.questions[0].type = Type::A;
  a.response = true;
  a.answers.push_back({"mail.example.com", Type::A, 60, 0, "", *parse_ipv4("192.0.2.25")});
  auto back_a = decode(encode(a));
  REQUIRE(back_a);
  REQUIRE(*back_a == a);
}

TEST_CASE("other record types round-trip", "[dns][wire]") {
  Message r = mx_query();
  r.response = true;
  r.answers.push_back({"example.com", Type::TXT, 1, 0, "v=spf1 mx -all" + std::string(300, 'x')});
  r.answers.push_back({"www.example.com", Type::CNAME, 1, 0, "example.com"});
  r.answers.push_back({"example.com", Type::NS, 1, 0, "ns.example.com"});
  r.answers.push_back({"example.com", Type::AAAA, 1, 0, "", 0, std::string(15, '\0') + "\x01"});
  r.authority.push_back({"example.com", Type::SOA, 1, 0, "", 0,
                         soa_rdata("ns.example.com", "hostmaster.example.com", 7, 300)});
  r.additional.push_back({"", static_cast<Type>(41), 0, 0, "", 0, ""});  // EDNS OPT at the root
  auto back = decode(encode(r));
  REQUIRE(back);
  REQUIRE(*back == r);
}

TEST_CASE("hand-written MX response with compression pointers decodes", "[dns][wire]") {
  auto m = decode(kMxResponse);
  REQUIRE(m);
  REQUIRE(m->id == 0x1234);
  REQUIRE(m->response);
  REQUIRE(m->authoritative);
  REQUIRE(m->recursion_desired);
  REQUIRE(m->rcode == Rcode::NoError);
  REQUIRE(m->questions == std::vector<Question>{{"example.com", Type::MX}});
  REQUIRE(m->answers.size() == 2);
  REQUIRE(m->answers[0].name == "example.com");
  REQUIRE(m->answers[0].ttl == 3600);
  REQUIRE(m->answers[0].preference == 10);
  REQUIRE(m->answers[0].target == "mail.example.com");
  REQUIRE(m->answers[1].preference == 20);
  REQUIRE(m->answers[1].target == "backup.example.com");
  REQUIRE(m->additional.size() == 1);
  REQUIRE(m->additional[0].name == "mail.example.com");
  REQUIRE(format_ipv4(m->additional[0].address) == "192.0.2.25");
  REQUIRE(*m == mx_response());
}

TEST_CASE("compression loops and forward pointers are rejected", "[dns][wire]") {
  const std::string header = bytes({0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0});
  // Name at 12 points to itself.
  REQUIRE_FALSE(decode(header + bytes({0xc0, 0x0c, 0, 1, 0, 1})));
  // "a" then a pointer back to the "a": a -> a -> a ... forever without the rule.
  REQUIRE_FALSE(decode(header + bytes({1, 'a', 0xc0, 0x0c, 0, 1, 0, 1})));
  // Forward pointer to a well-formed name further on.
  REQUIRE_FALSE(decode(header + bytes({0xc0, 0x12, 0, 1, 0, 1, 1, 'a', 0})));
  // Pointer cut in half at the end of the message.
  REQUIRE_FALSE(decode(header + bytes({0xc0})));
}

TEST_CASE("label and name length limits", "[dns][wire]") {
  const std::string header = bytes({0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0});
  const std::string tail = bytes({0, 0, 1, 0, 1});  // root, type A, class IN
  std::string l63 = std::string(1, '\x3f') + std::string(63, 'a');
  REQUIRE(decode(header + l63 + tail));
  // 64 has the 0x40 bit set: an obsolete label type, never a length.
  REQUIRE_FALSE(decode(header + std::string(1, '\x40') + std::string(64, 'a') + tail));
  // 3 x 63 + 61 = 4 labels, 255 octets on the wire with the root: the maximum.
  std::string l61 = std::string(1, '\x3d') + std::string(61, 'b');
  REQUIRE(decode(header + l63 + l63 + l63 + l61 + tail));
  std::string l62 = std::string(1, '\x3e') + std::string(62, 'b');
  REQUIRE_FALSE(decode(header + l63 + l63 + l63 + l62 + tail));
  // A dot inside a label cannot be written as text, so it is refused.
  REQUIRE_FALSE(decode(header + bytes({3, 'a', '.', 'b', 0, 0, 1, 0, 1})));

  Message q;
  q.questions.push_back({std::string(64, 'a') + ".com", Type::A});
  REQUIRE_THROWS_AS(encode(q), std::invalid_argument);
  q.questions[0].name = "a..com";
  REQUIRE_THROWS_AS(encode(q), std::invalid_argument);
  q.questions[0].name = std::string(63, 'a') + "." + std::string(63, 'a') + "." +
                        std::string(63, 'a') + "." + std::string(62, 'a');
  REQUIRE_THROWS_AS(encode(q), std::invalid_argument);
  q.questions[0].name = "example.com.";  // a trailing dot is accepted and dropped
  REQUIRE(decode(encode(q))->questions[0].name == "example.com");
}

TEST_CASE("every truncation of a valid message is rejected", "[dns][wire]") {
  for (const std::string& wire : {kMxResponse, encode(mx_query())}) {
    for (std::size_t n = 0; n < wire.size(); ++n) REQUIRE_FALSE(decode(wire.substr(0, n)));
    REQUIRE_FALSE(decode(wire + "x"));  // trailing garbage too
  }
  // RDLENGTH larger than what is left.
  std::string bad = kMxResponse;
  bad[bad.size() - 5] = 5;
  REQUIRE_FALSE(decode(bad));
}

TEST_CASE("random and mutated bytes never crash decode", "[dns][wire][fuzz]") {
  std::mt19937 rng(20240601);
  std::uniform_int_distribution<int> byte(0, 255);
  int decoded = 0;
  for (int i = 0; i < 10000; ++i) {
    std::string wire;
    if (i % 2 == 0) {  // pure noise, with a plausible header now and then
      wire.resize(rng() % 300);
      for (char& c : wire) c = static_cast<char>(byte(rng));
      if (wire.size() >= 12 && i % 4 == 0) wire[4] = wire[6] = wire[8] = wire[10] = 0;
    } else {  // a valid message with a few bytes changed
      wire = kMxResponse;
      for (int k = 1 + static_cast<int>(rng() % 4); k > 0; --k)
        wire[rng() % wire.size()] = static_cast<char>(byte(rng));
    }
    if (auto m = decode(wire)) {
      ++decoded;
      // Whatever decode accepts must be encodable and come back identical.
      auto again = decode(encode(*m));
      REQUIRE(again);
      REQUIRE(*again == *m);
      (void)describe(*m);
    }
  }
  INFO("decoded " << decoded << " of 10000");
  REQUIRE(decoded > 0);
}

TEST_CASE("IPv4 text", "[dns]") {
  REQUIRE(format_ipv4(0xC0000219) == "192.0.2.25");
  REQUIRE(format_ipv4(0) == "0.0.0.0");
  REQUIRE(parse_ipv4("192.0.2.25") == 0xC0000219u);
  REQUIRE(parse_ipv4("255.255.255.255") == 0xFFFFFFFFu);
  for (const char* bad : {"", "1.2.3", "1.2.3.4.", "1.2.3.256", "01.2.3.4", "1..2.3", " 1.2.3.4",
                          "1.2.3.4 ", "1.2.3.-4", "1.2.3.1000", "a.b.c.d"})
    REQUIRE_FALSE(parse_ipv4(bad));
}
