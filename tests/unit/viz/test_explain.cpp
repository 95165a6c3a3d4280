// The meaning table behind the viewer's arrow details.
#include <catch2/catch.hpp>

#include <algorithm>

#include "helpers.hpp"
#include "visualize/explain.hpp"

using namespace mailsim::viz;

namespace {

std::vector<std::string> keys_of(const Model& m, const std::string& line, int nth = 0) {
  const auto keys = explain_keys(m);
  for (std::size_t i = 0; i < m.events.size(); ++i)
    if (m.events[i].line == line && nth-- == 0) return keys[i];
  FAIL("no event with line " << line);
  return {};
}

bool has(const std::vector<std::string>& v, const std::string& k) { return std::find(v.begin(), v.end(), k) != v.end(); }

}  // namespace

TEST_CASE("every entry is explained in both languages with its RFC", "[explain]") {
  for (const auto& [key, x] : explanations()) {
    INFO(key);
    CHECK(std::string(x.en).size() > 3);
    CHECK(std::string(x.es).size() > 3);
    CHECK(std::string(x.rfc).size() >= 1);
    CHECK(std::string(x.en) != x.es);
  }
}

TEST_CASE("every event of the fixtures gets at least one known key", "[explain]") {
  for (const char* name : {"six-steps", "failures", "xss"}) {
    const auto t = vizt::trace(name);
    const Model m = build_model(t);
    const auto keys = explain_keys(m);
    for (std::size_t i = 0; i < keys.size(); ++i) {
      INFO(name << " event " << i << ": " << m.events[i].line);
      REQUIRE(!keys[i].empty());
      for (const auto& k : keys[i]) CHECK(explanations().count(k) == 1);
    }
  }
}

TEST_CASE("SMTP lines are explained by code, command and context", "[explain]") {
  const auto t = vizt::trace("six-steps");
  const Model m = build_model(t);
  CHECK(keys_of(m, "354 End data with <CR><LF>.<CR><LF>") == std::vector<std::string>{"smtp.reply.354"});
  CHECK(std::string(explanations().at("smtp.reply.354").en).find("only a dot") != std::string::npos);
  CHECK(keys_of(m, "EHLO pc-alice") == std::vector<std::string>{"smtp.cmd.EHLO"});
  CHECK(has(keys_of(m, "250-PIPELINING"), "smtp.ext.PIPELINING"));
  CHECK(has(keys_of(m, "250-PIPELINING"), "smtp.ctx.multiline"));
  CHECK(keys_of(m, "250 2.0.0 Ok: queued as 1Q1") ==
        std::vector<std::string>{"smtp.ctx.data_end", "smtp.reply.250", "esc.0.0"});
  CHECK(keys_of(m, ".") == std::vector<std::string>{"smtp.data.end"});
  CHECK(keys_of(m, "QUERY MX example.com") == std::vector<std::string>{"dns.query.MX"});
  CHECK(keys_of(m, "ANSWER example.com MX 10 mail.example.com") == std::vector<std::string>{"dns.answer.MX"});
}

TEST_CASE("failures and POP3 replies are explained", "[explain]") {
  const auto t = vizt::trace("failures");
  const Model m = build_model(t);
  const auto k550 = keys_of(m, "550 5.1.1 <nobody@example.com>: Recipient address rejected: User unknown in local recipient table");
  CHECK(k550 == std::vector<std::string>{"smtp.reply.550", "esc.1.1"});
  const auto k451 = keys_of(m, "451 4.7.1 <bob@example.com>: Recipient address rejected: Greylisted, please try again later");
  CHECK(k451 == std::vector<std::string>{"smtp.reply.451", "esc.7.1"});
  CHECK(keys_of(m, "+OK 663 octets") == std::vector<std::string>{"pop3.ok.RETR", "pop3.ok"});
  // Facts are explained by their kind; faults as faults.
  const auto keys = explain_keys(m);
  bool fault = false, greylist = false;
  for (std::size_t i = 0; i < m.events.size(); ++i) {
    if (m.events[i].is_fault()) fault = keys[i] == std::vector<std::string>{"fault"};
    if (m.events[i].fact == "recipient_checked") greylist |= keys[i] == std::vector<std::string>{"fact.recipient_checked"};
  }
  CHECK(fault);
  CHECK(greylist);
}

TEST_CASE("pipelined commands are matched with their replies in order", "[explain]") {
  const auto t = vizt::trace("six-steps");  // MAIL, RCPT, DATA sent together (PIPELINING)
  const Model m = build_model(t);
  CHECK(keys_of(m, "250 2.1.5 Ok") == std::vector<std::string>{"smtp.reply.250", "esc.1.5"});
  CHECK(keys_of(m, "354 End data with <CR><LF>.<CR><LF>") == std::vector<std::string>{"smtp.reply.354"});
  CHECK(keys_of(m, "250 2.0.0 Ok: queued as 1Q1") == std::vector<std::string>{"smtp.ctx.data_end", "smtp.reply.250", "esc.0.0"});
  CHECK(has(keys_of(m, "250-PIPELINING"), "smtp.ext.PIPELINING"));
}
