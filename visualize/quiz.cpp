#include "visualize/quiz.hpp"

#include <algorithm>
#include <functional>
#include <set>

#include "visualize/catalogue.hpp"
#include "visualize/explain.hpp"
#include "visualize/i18n.hpp"

namespace mailsim::viz {

namespace {

const std::vector<std::string> kSmtpCommands = {"EHLO", "AUTH", "MAIL", "RCPT", "DATA", "QUIT"};
const std::vector<std::string> kPop3Commands = {"USER", "PASS", "STAT", "LIST", "RETR", "DELE", "QUIT"};

// The verb the explanation table gave a client line ("smtp.cmd.RCPT" -> "RCPT"), or "".
std::string verb_of(const std::vector<std::string>& keys) {
  for (const std::string& k : keys)
    for (const char* prefix : {"smtp.cmd.", "pop3.cmd."})
      if (k.rfind(prefix, 0) == 0 && k != std::string(prefix) + "other") return k.substr(std::string(prefix).size());
  return {};
}

bool smtp(const Ev& e) { return e.protocol == "SMTP" || e.protocol == "ESMTP"; }

struct Asker {
  const Model& m;
  std::vector<std::vector<std::string>> keys = explain_keys(m);

  // Why an event cannot carry a question of this kind, or "" when it can.
  std::string unfit(Ask ask, std::size_t i) const {
    const Ev& e = m.events[i];
    switch (ask) {
      case Ask::Command:
        return e.kind == "line" && e.request() && !verb_of(keys[i]).empty() ? "" : "is not a client command";
      case Ask::Reply:
        return e.kind == "line" && e.response() && smtp(e) && e.code >= 200 ? "" : "is not a server's SMTP reply";
      case Ask::Step:
        return e.step >= 1 && e.step <= 6 ? "" : "belongs to no step";
      case Ask::Mx: {
        const auto* f = e.as<trace::MxAnswer>();
        return f && !f->exchangers.empty() ? "" : "is not an MX answer (mx_answer fact)";
      }
    }
    return "cannot be asked";
  }

  Question make(Ask ask, std::size_t i) const {
    const Ev& e = m.events[i];
    Question q;
    q.ask = ask;
    q.event = i;
    switch (ask) {
      case Ask::Command: {
        q.answer = verb_of(keys[i]);
        q.choices = e.protocol == "POP3" ? kPop3Commands : kSmtpCommands;
        if (std::find(q.choices.begin(), q.choices.end(), q.answer) == q.choices.end()) q.choices.push_back(q.answer);
        break;
      }
      case Ask::Reply:
        q.answer = std::to_string(e.code);
        q.answer_class = e.alert.empty() ? (e.code >= 400 ? (e.code >= 500 ? "permanent" : "transient") : "success") : e.alert;
        break;
      case Ask::Step:
        q.answer = std::to_string(e.step);
        for (int s = 1; s <= 6; ++s) q.choices.push_back(std::to_string(s));
        break;
      case Ask::Mx: {
        const auto& f = *e.as<trace::MxAnswer>();
        q.domain = f.domain;
        q.answer = f.exchangers.front().host;
        std::set<std::string> names;
        for (const auto& x : f.exchangers) names.insert(x.host);
        // A single exchanger makes no question: the other mail servers are the wrong choices.
        for (const Host& h : m.hosts)
          if (names.size() < 4 && (h.role == "mailserver" || h.role == "relay")) names.insert(h.name);
        q.choices.assign(names.begin(), names.end());
        // The lesson pauses before the lookup itself: the DNS lines just before the fact.
        while (q.event > 0 && m.events[q.event - 1].protocol == "DNS" && !m.events[q.event - 1].is_fact()) --q.event;
        break;
      }
    }
    return q;
  }

  // The first event that fits, among those of `step` (0: any), preferring `prefer`.
  std::optional<std::size_t> find(Ask ask, int step, const std::function<bool(std::size_t)>& prefer = nullptr) const {
    std::optional<std::size_t> any;
    for (std::size_t i = 0; i < m.events.size(); ++i) {
      if (step && m.events[i].step != step) continue;
      if (!unfit(ask, i).empty()) continue;
      if (!prefer || prefer(i)) return i;
      if (!any) any = i;
    }
    return any;
  }
};

std::optional<Ask> parse_ask(const std::string& s) {
  if (s == "command") return Ask::Command;
  if (s == "reply") return Ask::Reply;
  if (s == "step") return Ask::Step;
  if (s == "mx") return Ask::Mx;
  return std::nullopt;
}

std::vector<Question> default_quiz(const Asker& a) {
  std::vector<Question> out;
  auto add = [&](Ask ask, std::optional<std::size_t> i) {
    if (!i || *i == 0) return false;
    out.push_back(a.make(ask, *i));
    return true;
  };
  const Model& m = a.m;
  auto verb_is = [&](std::vector<std::string> verbs) {  // owned: the predicate outlives the call
    return [&a, verbs = std::move(verbs)](std::size_t i) {
      const std::string v = verb_of(a.keys[i]);
      return std::find(verbs.begin(), verbs.end(), v) != verbs.end();
    };
  };
  for (int s = 1; s <= 6; ++s) {
    bool done = false;
    if (s == 2) done = add(Ask::Command, a.find(Ask::Command, 2, verb_is({"RCPT", "MAIL", "DATA"})));
    if (s == 3) done = add(Ask::Mx, a.find(Ask::Mx, 0)) || add(Ask::Command, a.find(Ask::Command, 3, verb_is({"MAIL"})));
    if (s == 4) {
      // A failure if the story has one (greylisting's 451), else the reply that accepts the mail.
      auto fails = [&](std::size_t i) { return !m.events[i].alert.empty(); };
      auto ends_data = [&](std::size_t i) {
        return std::find(a.keys[i].begin(), a.keys[i].end(), "smtp.ctx.data_end") != a.keys[i].end();
      };
      auto first = [&](int step, const std::function<bool(std::size_t)>& want) {
        const auto i = a.find(Ask::Reply, step, want);
        return i && want(*i) ? i : std::nullopt;
      };
      done = add(Ask::Reply, first(4, fails)) || add(Ask::Reply, first(3, fails)) || add(Ask::Reply, first(4, ends_data)) ||
             add(Ask::Reply, first(3, ends_data)) || add(Ask::Reply, a.find(Ask::Reply, 4));
    }
    if (s == 6) done = add(Ask::Command, a.find(Ask::Command, 6, verb_is({"RETR", "DELE"})));
    // "Which step?" before a line that opens a part of the story, never before the first line
    // (nothing would be paused before it).
    if (!done)
      add(Ask::Step, a.find(Ask::Step, s, [&](std::size_t i) { return i > 0 && m.beat_of[i] != m.beat_of[i - 1]; }));
  }
  std::stable_sort(out.begin(), out.end(), [](const Question& x, const Question& y) { return x.event < y.event; });
  return out;
}

}  // namespace

const char* ask_name(Ask a) {
  switch (a) {
    case Ask::Command: return "command";
    case Ask::Reply: return "reply";
    case Ask::Step: return "step";
    case Ask::Mx: return "mx";
  }
  return "step";
}

std::vector<Question> make_quiz(const Model& m, const std::optional<nlohmann::json>& spec) {
  const Asker a{m};
  if (!spec) return default_quiz(a);
  const nlohmann::json& j = *spec;
  if (!j.is_object() || !j.contains("questions") || !j["questions"].is_array())
    throw QuizError("expected an object with an array \"questions\"");
  if (j["questions"].empty()) throw QuizError("questions: expected at least one question");
  std::vector<Question> out;
  std::set<std::size_t> used;
  for (std::size_t k = 0; k < j["questions"].size(); ++k) {
    const nlohmann::json& q = j["questions"][k];
    const std::string at = "questions[" + std::to_string(k) + "]";
    if (!q.is_object()) throw QuizError(at + ": expected an object");
    for (const auto& [key, v] : q.items())
      if (key != "ask" && key != "seq" && key != "step") throw QuizError(at + "." + key + ": unknown field (ask, seq, step)");
    if (!q.contains("ask") || !q["ask"].is_string() || !parse_ask(q["ask"].get<std::string>()))
      throw QuizError(at + ".ask: expected \"command\", \"reply\", \"step\" or \"mx\"");
    const Ask ask = *parse_ask(q["ask"].get<std::string>());
    std::optional<std::size_t> i;
    if (q.contains("seq")) {
      if (!q["seq"].is_number_integer()) throw QuizError(at + ".seq: expected the number of an event (#N in the viewer)");
      const auto seq = q["seq"].get<std::int64_t>();
      for (std::size_t e = 0; e < m.events.size(); ++e)
        if (m.events[e].seq == seq) i = e;
      if (!i) throw QuizError(at + ".seq: there is no event #" + std::to_string(seq) + " in this trace");
      if (const std::string why = a.unfit(ask, *i); !why.empty())
        throw QuizError(at + ".seq: event #" + std::to_string(seq) + " " + why + " (\"ask\": \"" + ask_name(ask) + "\" needs one)");
    } else {
      int step = 0;
      if (q.contains("step")) {
        if (!q["step"].is_number_integer() || q["step"].get<int>() < 1 || q["step"].get<int>() > 6)
          throw QuizError(at + ".step: expected a step from 1 to 6");
        step = q["step"].get<int>();
      }
      i = a.find(ask, step, [&](std::size_t e) { return !used.count(e); });
      if (!i || used.count(*i))
        throw QuizError(at + ": no line of this trace" + (step ? " in step " + std::to_string(step) : std::string()) +
                        " fits \"ask\": \"" + ask_name(ask) + "\"");
    }
    used.insert(*i);
    out.push_back(a.make(ask, *i));
  }
  return out;
}

std::string quiz_prompt(const Model& m, const Question& q, Lang L) {
  const Ev& e = m.events[q.event];
  switch (q.ask) {
    case Ask::Command: return say(L, "quiz.ask.command", {{"client", e.actor.label()}, {"server", e.peer.label()}});
    case Ask::Reply: return say(L, "quiz.ask.reply", {{"server", e.actor.label()}});
    case Ask::Step: return say(L, "quiz.ask.step", {});
    case Ask::Mx: return say(L, "quiz.ask.mx", {{"domain", q.domain}, {"mta", e.actor.label()}});
  }
  return {};
}

std::string quiz_answer(const Model&, const Question& q, Lang L) {
  switch (q.ask) {
    case Ask::Reply: return q.answer + " · " + std::string(phrase(L, "quiz.class." + q.answer_class));
    case Ask::Step: return q.answer + " · " + step_name(std::stoi(q.answer), L);
    default: return q.answer;
  }
}

std::string quiz_why(const Model& m, const Question& q, Lang L) {
  if (q.ask == Ask::Mx) return say(L, "quiz.why.mx", {{"domain", q.domain}, {"host", q.answer}});
  if (q.ask == Ask::Step) return say(L, "quiz.why.step", {{"step", q.answer}, {"name", step_name(std::stoi(q.answer), L)}});
  // Commands and replies: what the line means, from the explanation table.
  const auto keys = explain_keys(m);
  for (const std::string& k : keys[q.event]) {
    const auto it = explanations().find(k);
    if (it != explanations().end())
      return std::string(L == Lang::Es ? it->second.es : it->second.en) + " (" + it->second.rfc + ")";
  }
  return {};
}

nlohmann::json quiz_json(const Model& m, const std::vector<Question>& qs) {
  nlohmann::json out = nlohmann::json::array();
  for (const Question& q : qs) {
    const Ev& e = m.events[q.event];
    out.push_back({{"ask", ask_name(q.ask)}, {"event", q.event}, {"seq", e.seq}, {"step", e.step},
                   {"choices", q.choices}, {"answer", q.answer}, {"class", q.answer_class}, {"domain", q.domain},
                   {"prompt", {{"en", quiz_prompt(m, q, Lang::En)}, {"es", quiz_prompt(m, q, Lang::Es)}}},
                   {"said", {{"en", quiz_answer(m, q, Lang::En)}, {"es", quiz_answer(m, q, Lang::Es)}}},
                   {"why", {{"en", quiz_why(m, q, Lang::En)}, {"es", quiz_why(m, q, Lang::Es)}}}});
  }
  return out;
}

}  // namespace mailsim::viz
