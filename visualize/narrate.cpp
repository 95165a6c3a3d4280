#include "visualize/narrate.hpp"

#include <string>

#include "visualize/catalogue.hpp"
#include "visualize/i18n.hpp"
#include "visualize/model.hpp"
#include "visualize/summary.hpp"
#include "visualize/tell.hpp"
#include "visualize/trace.hpp"

namespace mailsim::viz {
namespace {

void print_line(const Model& m, const Ev& e, Lang L, std::ostream& out) {
  out << "    " << format_time(e.time_us) << "  " << e.actor.label() << " -> " << e.peer.label() << ": "
      << terminal_safe(event_text(m, e, L));
  // A line's alert says what the reply does to its command (a 554 to DATA after every RCPT
  // was refused), not to the message: the sentences above the lines tell what happens to it.
  if (e.alert == "transient") out << "   [!] " << phrase(L, "word.refused_transient");
  if (e.alert == "permanent") out << "   [!] " << phrase(L, "word.refused_permanent");
  out << '\n';
}

// One beat: its title, its opening, then its events in order: each fact as a sentence, each
// protocol line verbatim beneath. A folded poll shows its first check only.
void print_beat(const Model& m, const Beat& b, Lang L, std::ostream& out) {
  const Ev& first = m.events[b.first()];
  out << '\n' << beat_title(m, b, L);
  for (const auto& id : b.msgs) out << " · " << terminal_safe(id);
  out << " · " << people_time(first.time_us, L) << '\n';
  const std::string opening = beat_opening(m, b, L);
  if (!opening.empty()) out << "  " << terminal_safe(opening) << '\n';
  const bool folded = b.kind == BeatKind::PollEmpty || b.kind == BeatKind::PollFailed;
  const std::int64_t first_conn = first.conn;
  for (std::size_t i : b.events) {
    const Ev& e = m.events[i];
    if (folded && e.conn != first_conn) continue;
    if (e.is_fact()) {
      if (!folded) out << "  " << terminal_safe(tell_fact(m, e, L)) << '\n';
    } else {
      print_line(m, e, L, out);
    }
  }
  if (folded && b.folded > 1)
    out << "  " << fill(phrase(L, b.folded == 2 ? "word.folded_more.one" : "word.folded_more"), {{"n", std::to_string(b.folded - 1)}})
        << '\n';
}

}  // namespace

int narrate(const nlohmann::json& trace, Lang L, std::ostream& out, std::istream* pause_in) {
  validate(trace);
  const Model m = build_model(trace);
  const auto& sc = trace["scenario"];
  out << terminal_safe(fill(phrase(L, "word.narration_title"),
                            {{"name", sc["name"].get<std::string>()}, {"seed", std::to_string(trace.value("seed", 0))}}))
      << '\n';
  if (sc.contains("description") && sc["description"].is_object()) {
    const auto& d = sc["description"];
    const char* key = L == Lang::Es && d.contains("es") ? "es" : "en";
    if (d.contains(key) && d[key].is_string()) out << terminal_safe(d[key].get<std::string>()) << '\n';
  }
  for (std::size_t k = 0; k < m.beats.size(); ++k) {
    if (k > 0 && pause_in) {
      out << phrase(L, "word.press_enter") << std::flush;
      std::string ignored;
      if (!std::getline(*pause_in, ignored)) pause_in = nullptr;  // end of input: stop pausing
    }
    print_beat(m, m.beats[k], L, out);
  }
  out << '\n';
  if (trace.contains("summary") && trace["summary"].is_object() && trace["summary"].contains("totals"))
    out << totals_line(trace["summary"], L) << '\n';
  out.flush();
  return 0;
}

}  // namespace mailsim::viz
