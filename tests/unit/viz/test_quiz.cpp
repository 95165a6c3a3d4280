// The quiz (visualize/quiz.hpp): questions chosen per step or by a teacher's file, answers
// taken from what the trace states, and a teacher's file that cannot be used refused with
// its place.
#include <algorithm>

#include <catch2/catch.hpp>

#include "helpers.hpp"
#include "visualize/model.hpp"
#include "visualize/quiz.hpp"

using namespace mailsim::viz;
using nlohmann::json;

namespace {

std::string quiz_error(const Model& m, const json& spec) {
  try {
    make_quiz(m, spec);
  } catch (const QuizError& e) {
    return e.what();
  }
  return "(accepted)";
}

}  // namespace

TEST_CASE("one question per step, each answered from the trace", "[quiz]") {
  const json t = vizt::trace("six-steps");
  const Model m = build_model(t);
  const auto qs = make_quiz(m, std::nullopt);
  REQUIRE(qs.size() >= 4);
  std::size_t last = 0;
  for (const Question& q : qs) {
    const Ev& e = m.events[q.event];
    CHECK(q.event > 0);  // the lesson pauses before the line: never the first one
    CHECK(q.event >= last);
    last = q.event;
    switch (q.ask) {
      case Ask::Command:
        CHECK(e.request());
        CHECK(e.line.rfind(q.answer, 0) == 0);  // the verb starts the line as sent
        CHECK(std::find(q.choices.begin(), q.choices.end(), q.answer) != q.choices.end());
        break;
      case Ask::Reply:
        CHECK(e.response());
        CHECK(q.answer == std::to_string(e.code));
        CHECK(q.answer_class == (e.alert.empty() ? std::string("success") : e.alert));
        break;
      case Ask::Step:
        CHECK(q.answer == std::to_string(e.step));
        break;
      case Ask::Mx: {
        // Paused before the DNS lookup; the answer is the mx_answer fact's first exchanger.
        const mailsim::trace::MxAnswer* f = nullptr;
        for (std::size_t i = q.event; i < m.events.size() && !f; ++i) f = m.events[i].as<mailsim::trace::MxAnswer>();
        REQUIRE(f);
        CHECK(q.answer == f->exchangers.front().host);
        CHECK(q.domain == f->domain);
        CHECK(q.choices.size() >= 2);
        break;
      }
    }
  }
  const auto j = quiz_json(m, qs);
  REQUIRE(j.size() == qs.size());
  CHECK(!j[0]["prompt"]["en"].get<std::string>().empty());
  CHECK(!j[0]["prompt"]["es"].get<std::string>().empty());
}

TEST_CASE("a teacher's questions come in the file's order", "[quiz]") {
  const json t = vizt::trace("six-steps");
  const Model m = build_model(t);
  std::int64_t rcpt = -1;
  for (const Ev& e : m.events)
    if (e.kind == "line" && e.line.rfind("RCPT", 0) == 0 && rcpt < 0) rcpt = e.seq;
  REQUIRE(rcpt >= 0);
  const auto qs = make_quiz(m, json{{"questions", {{{"ask", "mx"}}, {{"ask", "command"}, {"seq", rcpt}}, {{"ask", "step"}, {"step", 5}}}}});
  REQUIRE(qs.size() == 3);
  CHECK(qs[0].ask == Ask::Mx);
  CHECK(qs[1].answer == "RCPT");
  CHECK(qs[2].answer == "5");
}

TEST_CASE("a teacher's file that cannot be used is refused with its place", "[quiz]") {
  const json t = vizt::trace("six-steps");
  const Model m = build_model(t);
  CHECK(quiz_error(m, json::array()) == "expected an object with an array \"questions\"");
  CHECK(quiz_error(m, json{{"questions", json::array()}}) == "questions: expected at least one question");
  CHECK(quiz_error(m, json{{"questions", {{{"ask", "guess"}}}}}).rfind("questions[0].ask: expected", 0) == 0);
  CHECK(quiz_error(m, json{{"questions", {{{"ask", "step"}, {"seq", 999999}}}}}) ==
        "questions[0].seq: there is no event #999999 in this trace");
  CHECK(quiz_error(m, json{{"questions", {{{"ask", "reply"}, {"seq", 0}}}}}).find("is not a server's SMTP reply") != std::string::npos);
  CHECK(quiz_error(m, json{{"questions", {{{"ask", "step"}, {"step", 0}}}}}) == "questions[0].step: expected a step from 1 to 6");
  CHECK(quiz_error(m, json{{"questions", {{{"ask", "step"}, {"seq", "3"}}}}}).rfind("questions[0].seq: expected", 0) == 0);
  CHECK(quiz_error(m, json{{"questions", {{{"ask", "step"}, {"when", 1}}}}}) == "questions[0].when: unknown field (ask, seq, step)");
}
