// The worksheet: the quiz's questions on paper (visualize/quiz.hpp). Each question shows the
// lines just before the one to predict, with who sent them, then asks; the answer key, on a
// page of its own, gives each answer and why, from the same facts the viewer checks against.
#include <sstream>

#include "visualize/catalogue.hpp"
#include "visualize/escape.hpp"
#include "visualize/i18n.hpp"
#include "visualize/paper.hpp"
#include "visualize/quiz.hpp"
#include "visualize/tell.hpp"

namespace mailsim::viz {

namespace {

constexpr std::size_t kContext = 5;  // lines shown before each question

// The lines before question q's line, on the same connection when it has one (the
// conversation the student continues), else the lines just before it.
std::vector<std::size_t> context(const Model& m, const Question& q) {
  std::vector<std::size_t> out;
  const std::int64_t conn = m.events[q.event].conn;
  for (std::size_t i = q.event; i-- > 0 && out.size() < kContext;)
    if (conn < 0 || m.events[i].conn == conn || q.ask == Ask::Step || q.ask == Ask::Mx) out.push_back(i);
  return {out.rbegin(), out.rend()};
}

// What the student writes or ticks, in words.
std::vector<std::string> blanks(const Question& q, Lang L) {
  std::vector<std::string> out;
  if (q.ask == Ask::Reply) {
    out.push_back(std::string(phrase(L, "paper.code_blank")));
    for (const char* c : {"success", "transient", "permanent"}) out.push_back("☐ " + std::string(phrase(L, std::string("quiz.class.") + c)));
    return out;
  }
  for (const std::string& c : q.choices) out.push_back("☐ " + (q.ask == Ask::Step ? c + " " + step_name(std::stoi(c), L) : c));
  return out;
}

}  // namespace

std::string render_worksheet(const Model& m, const Options& opt, bool md, bool sheet, bool key) {
  const Lang L = opt.lang;
  const std::vector<Question> qs = make_quiz(m, opt.quiz);
  const std::string name = (*m.trace)["scenario"]["name"].get<std::string>() + (opt.message ? " · " + *opt.message : "");
  const std::string sheet_title = say(L, "paper.sheet_title", {{"name", name}});
  const std::string key_title = say(L, "paper.key_title", {{"name", name}});
  std::ostringstream out;
  if (!md)
    out << paper_head(sheet ? sheet_title : key_title, L,
                      ".q { break-inside: avoid; margin: 0 0 6mm; } .ctx td { font-size: 9.5pt; } .blanks span { display: inline-block; "
                      "margin: 1mm 6mm 1mm 0; font-size: 11pt; } .line { border-bottom: 0.3mm solid #90a4ae; height: 8mm; }\n");
  if (sheet) {
    if (md) out << "# " << md_text(sheet_title) << "\n\n" << md_text(say(L, "paper.sheet_intro")) << "\n\n";
    else out << "<section class=\"page\">\n<h1>" << xml_escape(sheet_title) << "</h1>\n<p>" << xml_escape(say(L, "paper.sheet_intro"))
             << "</p>\n<p>" << xml_escape(say(L, "paper.student")) << "</p>\n";
    for (std::size_t n = 0; n < qs.size(); ++n) {
      const Question& q = qs[n];
      const std::string head = say(L, "paper.question", {{"n", std::to_string(n + 1)}});
      if (md) {
        out << "## " << md_text(head) << "\n\n";
        for (std::size_t i : context(m, q))
          out << "- " << format_time(m.events[i].time_us) << " " << md_text(who(m.events[i])) << ": "
              << (m.events[i].kind == "line" ? md_code(event_text(m, m.events[i], L)) : md_text(event_text(m, m.events[i], L))) << "\n";
        out << "\n**" << md_text(quiz_prompt(m, q, L)) << "**\n\n";
        for (const std::string& b : blanks(q, L)) out << md_text(b) << "  \n";
        out << "\n";
      } else {
        out << "<div class=\"q\" data-ask=\"" << ask_name(q.ask) << "\">\n<h3>" << xml_escape(head) << "</h3>\n<table class=\"ctx\">\n";
        for (std::size_t i : context(m, q))
          out << "<tr><td>" << format_time(m.events[i].time_us) << "</td><td>" << xml_escape(who(m.events[i])) << "</td><td><code>"
              << xml_escape(event_text(m, m.events[i], L)) << "</code></td></tr>\n";
        out << "</table>\n<p><strong>" << xml_escape(quiz_prompt(m, q, L)) << "</strong></p>\n<p class=\"blanks\">";
        for (const std::string& b : blanks(q, L)) out << "<span>" << xml_escape(b) << "</span>";
        out << "</p>\n</div>\n";
      }
    }
    if (!md) out << "</section>\n";
  }
  if (key) {
    if (md) out << (sheet ? "\n---\n\n" : "") << "# " << md_text(key_title) << "\n\n";
    else out << "<section class=\"page answer-key\">\n<h1>" << xml_escape(key_title) << "</h1>\n<ol>\n";
    for (std::size_t n = 0; n < qs.size(); ++n) {
      const Question& q = qs[n];
      const Ev& e = m.events[q.event];
      const std::string line = say(L, "paper.key_line", {{"seq", std::to_string(e.seq)}, {"answer", quiz_answer(m, q, L)}});
      if (md) out << n + 1 << ". **" << md_text(line) << "** " << md_text(quiz_why(m, q, L)) << "\n";
      else out << "<li><strong>" << xml_escape(line) << "</strong> " << xml_escape(quiz_why(m, q, L)) << "</li>\n";
    }
    if (!md) out << "</ol>\n</section>\n";
  }
  if (!md) out << "</body>\n</html>\n";
  return out.str();
}

}  // namespace mailsim::viz
