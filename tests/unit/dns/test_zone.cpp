#include <catch2/catch.hpp>

#include <string>

#include "agents/dns/message.hpp"
#include "agents/dns/zone.hpp"

using namespace mailsim::dns;

namespace {

Message query(const std::string& name, Type type, std::uint16_t id = 7) {
  Message q;
  q.id = id;
  q.recursion_desired = true;
  q.questions.push_back({name, type});
  return q;
}

Record a(const std::string& name, const char* ip) { return {name, Type::A, 300, 0, "", *parse_ipv4(ip)}; }
Record mx(const std::string& name, std::uint16_t pref, const std::string& host) {
  return {name, Type::MX, 300, pref, host};
}

Zone internet() {
  Zone z;
  z.add(mx("example.com", 20, "backup.example.com"));
  z.add(mx("example.com", 10, "mail.example.com"));
  z.add(mx("example.com", 10, "mail.example.com"));  // duplicate: ignored
  z.add(a("mail.example.com", "192.0.2.25"));
  z.add(a("backup.example.com", "192.0.2.26"));
  z.add(a("mail.example.org", "198.51.100.25"));
  z.add(mx("example.org", 5, "mail.example.org"));
  z.add({"www.example.org", Type::CNAME, 300, 0, "mail.example.org"});
  z.add({"example.org", Type::SOA, 300, 0, "", 0, soa_rdata("ns.example.org", "hostmaster.example.org", 1, 60)});
  return z;
}

}  // namespace

TEST_CASE("zone answers MX sorted by preference with glue", "[dns][zone]") {
  const Zone z = internet();
  REQUIRE(z.size() == 8);
  const Message r = z.answer(query("example.com", Type::MX, 99));
  REQUIRE(r.id == 99);
  REQUIRE(r.response);
  REQUIRE(r.authoritative);
  REQUIRE(r.recursion_desired);
  REQUIRE(r.rcode == Rcode::NoError);
  REQUIRE(r.questions == query("example.com", Type::MX).questions);
  REQUIRE(r.answers.size() == 2);
  REQUIRE(r.answers[0].preference == 10);
  REQUIRE(r.answers[0].target == "mail.example.com");
  REQUIRE(r.answers[1].preference == 20);
  REQUIRE(r.additional.size() == 2);
  REQUIRE(r.additional[0].name == "mail.example.com");
  REQUIRE(format_ipv4(r.additional[0].address) == "192.0.2.25");
  REQUIRE(r.additional[1].name == "backup.example.com");
  REQUIRE(describe(r) ==
          "ANSWER example.com MX 10 mail.example.com, example.com MX 20 backup.example.com");
  // And it survives the wire.
  REQUIRE(*decode(encode(r)) == r);
}

TEST_CASE("NXDOMAIN versus NODATA", "[dns][zone]") {
  const Zone z = internet();
  const Message nx = z.answer(query("example.net", Type::MX));
  REQUIRE(nx.rcode == Rcode::NxDomain);
  REQUIRE(nx.authoritative);
  REQUIRE(nx.answers.empty());
  REQUIRE(describe(nx) == "NXDOMAIN example.net MX");

  const Message nodata = z.answer(query("example.com", Type::A));
  REQUIRE(nodata.rcode == Rcode::NoError);
  REQUIRE(nodata.answers.empty());
  REQUIRE(describe(nodata) == "NODATA example.com A");

  // "com" exists as the parent of example.com: an empty non-terminal, so NODATA.
  REQUIRE(z.answer(query("com", Type::MX)).rcode == Rcode::NoError);
  REQUIRE(z.answer(query("nope.example.com", Type::A)).rcode == Rcode::NxDomain);

  // Negative answers inside a zone with a SOA carry it in the authority section.
  const Message org = z.answer(query("nope.example.org", Type::A));
  REQUIRE(org.rcode == Rcode::NxDomain);
  REQUIRE(org.authority.size() == 1);
  REQUIRE(org.authority[0].type == Type::SOA);
  REQUIRE(*decode(encode(org)) == org);

  // RFC 2308: it may be cached for the lesser of the SOA's TTL (300) and MINIMUM (60);
  // a negative answer without a SOA may not be cached at all.
  REQUIRE(negative_ttl(org) == std::optional<std::uint32_t>(60));
  REQUIRE(negative_ttl(*decode(encode(org))) == std::optional<std::uint32_t>(60));
  Message short_lived = org;
  short_lived.authority[0].ttl = 20;
  REQUIRE(negative_ttl(short_lived) == std::optional<std::uint32_t>(20));
  REQUIRE_FALSE(negative_ttl(z.answer(query("nope.example.com", Type::A))));
}

TEST_CASE("zone names are case-insensitive", "[dns][zone]") {
  Zone z = internet();
  z.add(a("Shop.Example.COM.", "192.0.2.80"));
  const Message r = z.answer(query("EXAMPLE.com", Type::MX));
  REQUIRE(r.answers.size() == 2);
  REQUIRE(r.questions[0].name == "EXAMPLE.com");  // the question is echoed as asked
  const Message s = z.answer(query("shop.example.com.", Type::A));
  REQUIRE(s.answers.size() == 1);
  REQUIRE(describe(s) == "ANSWER Shop.Example.COM A 192.0.2.80");
}

TEST_CASE("CNAMEs are followed and malformed queries get FORMERR", "[dns][zone]") {
  Zone z = internet();
  const Message r = z.answer(query("www.example.org", Type::A));
  REQUIRE(r.answers.size() == 2);
  REQUIRE(describe(r) == "ANSWER www.example.org CNAME mail.example.org, mail.example.org A 198.51.100.25");
  z.add({"loop1.test", Type::CNAME, 1, 0, "loop2.test"});
  z.add({"loop2.test", Type::CNAME, 1, 0, "loop1.test"});
  REQUIRE(z.answer(query("loop1.test", Type::A)).answers.size() == 8);  // bounded chain

  Message none;
  none.id = 3;
  const Message fe = z.answer(none);
  REQUIRE(fe.rcode == Rcode::FormErr);
  REQUIRE(describe(fe) == "FORMERR");
}

TEST_CASE("describe renders one line per message", "[dns][describe]") {
  REQUIRE(describe(query("example.com", Type::MX)) == "QUERY MX example.com");
  REQUIRE(describe(query("mail.example.com", Type::A)) == "QUERY A mail.example.com");

  Message r = query("mail.example.com", Type::A);
  r.response = true;
  r.answers.push_back(a("mail.example.com", "192.0.2.25"));
  REQUIRE(describe(r) == "ANSWER mail.example.com A 192.0.2.25");

  Message one = query("example.com", Type::MX);
  one.response = true;
  one.answers.push_back(mx("example.com", 10, "mail.example.com"));
  REQUIRE(describe(one) == "ANSWER example.com MX 10 mail.example.com");

  Message fail = query("example.com", Type::MX);
  fail.response = true;
  fail.rcode = Rcode::ServFail;
  REQUIRE(describe(fail) == "SERVFAIL example.com MX");
  fail.rcode = Rcode::Refused;
  REQUIRE(describe(fail) == "REFUSED example.com MX");
  fail.rcode = static_cast<Rcode>(9);
  REQUIRE(describe(fail) == "RCODE9 example.com MX");

  // Odd bytes from the wire stay printable ASCII, so the JSON trace stays valid.
  Message odd = query(std::string("a\xff\n") + "b.test", static_cast<Type>(99));
  REQUIRE(describe(odd) == "QUERY TYPE99 a\\255\\010b.test");
  Message txt = query("example.com", Type::TXT);
  txt.response = true;
  txt.answers.push_back({"example.com", Type::TXT, 1, 0, "v=spf1 \"mx\""});
  txt.answers.push_back({"example.com", Type::AAAA, 1, 0, "", 0,
                         std::string("\x20\x01\x0d\xb8", 4) + std::string(11, '\0') + "\x01"});
  REQUIRE(describe(txt) ==
          "ANSWER example.com TXT \"v=spf1 \\034mx\\034\", example.com AAAA 2001:db8::1");
}

TEST_CASE("PTR records answer reverse lookups; a missing one is NXDOMAIN", "[dns][zone][ptr]") {
  const std::uint32_t mail = *parse_ipv4("198.51.100.25");
  CHECK(reverse_name(mail) == "25.100.51.198.in-addr.arpa");
  Zone z;
  z.add({reverse_name(mail), Type::PTR, 3600, 0, "mail.example.org"});
  const Message named = z.answer(query("25.100.51.198.in-addr.arpa", Type::PTR));
  REQUIRE(named.answers.size() == 1);
  CHECK(named.answers[0].type == Type::PTR);
  CHECK(named.answers[0].target == "mail.example.org");
  CHECK(describe(named) == "ANSWER 25.100.51.198.in-addr.arpa PTR mail.example.org");
  // Through the wire and back, as the resolver reads it.
  const auto decoded = decode(encode(named));
  REQUIRE(decoded);
  CHECK(*decoded == named);
  const Message none = z.answer(query("10.100.51.198.in-addr.arpa", Type::PTR));
  CHECK(none.rcode == Rcode::NxDomain);
  CHECK(describe(query("10.100.51.198.in-addr.arpa", Type::PTR)) == "QUERY PTR 10.100.51.198.in-addr.arpa");
}
