// A transcript in the style of a swaks log: " -> " client lines, "<-  " server replies,
// "<** " failed replies, " ~> "/"<~  " message content, "=== " facts, "*** " faults. Every
// line names its actor; control characters are shown escaped (it is read on terminals).
#include <set>
#include <sstream>

#include "visualize/catalogue.hpp"
#include "visualize/i18n.hpp"
#include "visualize/render.hpp"
#include "visualize/summary.hpp"
#include "visualize/tell.hpp"

namespace mailsim::viz {

namespace {

std::string stamp(std::int64_t t) {
  std::string s = format_time(t);
  return s.size() < 16 ? std::string(16 - s.size(), ' ') + s : s;
}

void content_lines(std::ostringstream& out, const Ev& e, const char* prefix) {
  std::string t = e.text ? *e.text : std::string();
  std::size_t pos = 0;
  const std::string pad(16, ' ');
  while (pos <= t.size()) {
    std::size_t end = t.find("\r\n", pos);
    if (end == std::string::npos) end = t.size();
    out << pad << ' ' << prefix << terminal_safe(t.substr(pos, end - pos)) << '\n';
    pos = end + 2;
  }
}

}  // namespace

std::string render_text(const Model& m, const Options& opt) {
  const Lang L = opt.lang;
  std::ostringstream out;
  const auto& trace = *m.trace;
  out << "=== mailsim " << trace.value("mailsim_version", std::string()) << " · "
      << trace["scenario"]["name"].get<std::string>() << " · seed " << trace.value("seed", 0) << " · "
      << m.events.size() << pick(L, " events", " eventos");
  if (opt.message) out << pick(L, " · message ", " · mensaje ") << *opt.message;
  out << '\n';
  std::set<std::int64_t> seen_conn;
  for (std::size_t i = 0; i < m.events.size(); ++i) {
    const Ev& e = m.events[i];
    const Beat& b = m.beats[m.beat_of[i]];
    if (b.first() == i) out << "\n=== " << beat_title(m, b, L) << (b.msgs.empty() ? "" : " · " + list_words(b.msgs, L)) << '\n';
    if (e.conn >= 0 && !e.is_fact() && seen_conn.insert(e.conn).second) {
      // The first line of a session: name both ends, client first.
      const Party& client = e.request() ? e.actor : e.peer;
      const Party& server = e.request() ? e.peer : e.actor;
      out << stamp(e.time_us) << " === " << pick(L, "Connection ", "Conexión ") << e.conn << ": " << client.label()
          << " -> " << server.label() << " (" << e.protocol << ")\n";
    }
    const std::string said = terminal_safe(event_text(m, e, L));
    if (e.is_fault()) {
      out << stamp(e.time_us) << " *** " << said;
    } else if (e.is_fact()) {
      out << stamp(e.time_us) << " === " << e.actor.label() << ": " << said;
    } else if (e.kind == "content") {
      out << stamp(e.time_us) << (e.request() ? "  ~> " : " <~  ") << e.actor.label() << ": " << said << '\n';
      content_lines(out, e, e.request() ? " ~> " : "<~  ");
      continue;
    } else {
      const char* arrow = e.request() ? "  -> " : e.alert.empty() ? " <-  " : " <** ";
      out << stamp(e.time_us) << arrow << e.actor.label() << ": " << said;
    }
    if (!e.alert.empty()) out << "   [" << phrase(L, e.alert == "permanent" ? "word.fails_permanent" : "word.fails_transient") << ']';
    out << '\n';
  }
  return out.str();
}

}  // namespace mailsim::viz
