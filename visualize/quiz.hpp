#pragma once
// Exercises: the lesson pauses before a line and the student predicts it. Four kinds of
// question, each answered from what the trace states (never from prose):
//   command — the next client command (its verb, as the explanation table classifies it);
//   reply   — the server's reply code and whether it is success, transient or permanent
//             (the event's code and its alert);
//   step    — which of the six steps the line belongs to (the event's step);
//   mx      — which server the MX lookup makes the MTA try first (the mx_answer fact).
// The viewer's quiz mode and the printable worksheet ask the same questions.
#include <cstddef>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "visualize/model.hpp"
#include "visualize/visualize.hpp"  // QuizError

namespace mailsim::viz {

enum class Ask { Command, Reply, Step, Mx };

struct Question {
  Ask ask = Ask::Step;
  std::size_t event = 0;             // the line the student predicts; the lesson pauses before it
  std::vector<std::string> choices;  // command verbs, server names, or "1".."6"
  std::string answer;                // verb, host, step number or reply code
  std::string answer_class;          // reply: "success", "transient" or "permanent"
  std::string domain;                // mx: the domain looked up
};

// The questions of a teacher's file {"questions": [{"ask": "command" | "reply" | "step" | "mx",
// "seq": N} | {"ask": …, "step": S} | {"ask": …}]}, in the file's order; without a file, one
// question per step that has a line to ask about. Throws QuizError.
std::vector<Question> make_quiz(const Model&, const std::optional<nlohmann::json>& spec);

// For the viewer: [{ask, event, seq, step, choices, answer, class, domain, prompt: {en, es},
// why: {en, es}}…].
nlohmann::json quiz_json(const Model&, const std::vector<Question>&);

// The question and the explanation of its answer, in words.
std::string quiz_prompt(const Model&, const Question&, Lang);
std::string quiz_answer(const Model&, const Question&, Lang);
std::string quiz_why(const Model&, const Question&, Lang);

const char* ask_name(Ask);

}  // namespace mailsim::viz
