#include "visualize/narrate.hpp"

#include <string>

#include "visualize/i18n.hpp"
#include "visualize/model.hpp"
#include "visualize/story.hpp"
#include "visualize/trace.hpp"

namespace mailsim::viz {
namespace {

void print_event(const Ev& e, Lang L, std::ostream& out) {
  out << "    " << format_time(e.time_us) << "  " << e.actor.label();
  if (e.kind == "note")
    out << pick(L, " (note): ", " (nota): ");
  else if (e.kind == "fault")
    out << pick(L, " (fault): ", " (fallo): ");
  else
    out << " -> " << e.peer.label() << ": ";
  out << e.line;
  if (e.alert == "transient") out << pick(L, "   [!] transient failure", "   [!] fallo transitorio");
  if (e.alert == "permanent") out << pick(L, "   [!] permanent failure", "   [!] fallo permanente");
  out << '\n';
}

void print_summary(const nlohmann::json& trace, Lang L, std::ostream& out) {
  const auto it = trace.find("summary");
  if (it == trace.end() || !it->is_object() || !it->contains("totals")) return;
  const auto& t = (*it)["totals"];
  auto n = [&](const char* k) { return std::to_string(t.value(k, 0)); };
  if (L == Lang::Es)
    out << "Resumen: enviados " << n("submitted") << ", entregados " << n("delivered") << ", rebotados "
        << n("bounced") << ", en cola " << n("queued") << ", rechazados " << n("rejected") << ", recuperados "
        << n("retrieved") << ".\n";
  else
    out << "Summary: submitted " << n("submitted") << ", delivered " << n("delivered") << ", bounced "
        << n("bounced") << ", queued " << n("queued") << ", rejected " << n("rejected") << ", retrieved "
        << n("retrieved") << ".\n";
}

}  // namespace

int narrate(const nlohmann::json& trace, Lang L, std::ostream& out, std::istream* pause_in) {
  validate(trace);
  const Model m = build_model(trace);
  const auto& sc = trace["scenario"];
  out << "mailsim — " << sc["name"].get<std::string>() << " (seed " << trace.value("seed", 0) << ")\n";
  if (sc.contains("description") && sc["description"].is_object()) {
    const auto& d = sc["description"];
    const char* key = L == Lang::Es && d.contains("es") ? "es" : "en";
    if (d.contains(key) && d[key].is_string()) out << d[key].get<std::string>() << '\n';
  }
  for (std::size_t k = 0; k < m.segments.size(); ++k) {
    const Segment& s = m.segments[k];
    if (k > 0 && pause_in) {
      out << pick(L, "-- press Enter for the next step --", "-- pulse Intro para el paso siguiente --") << std::flush;
      std::string ignored;
      if (!std::getline(*pause_in, ignored)) pause_in = nullptr;  // end of input: stop pausing
    }
    const Ev& first = m.events[s.first];
    out << '\n' << step_word(L) << ' ' << s.step << " · " << step_name(s.step, L);
    if (!s.msg.empty()) out << " · " << s.msg;
    out << " · " << format_time(first.time_us) << '\n';
    out << "  " << segment_sentence(m, s, L) << '\n';
    for (std::size_t i = s.first; i <= s.last; ++i) print_event(m.events[i], L, out);
  }
  out << '\n';
  print_summary(trace, L, out);
  out.flush();
  return 0;
}

}  // namespace mailsim::viz
