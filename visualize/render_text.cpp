// A transcript in the style of a swaks log: " -> " client lines, "<-  " server replies,
// "<** " failed replies, " ~> "/"<~  " message content, "=== " notes, "*** " faults.
#include <set>
#include <sstream>

#include "visualize/i18n.hpp"
#include "visualize/render.hpp"
#include "visualize/story.hpp"

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
    out << pad << ' ' << prefix << t.substr(pos, end - pos) << '\n';
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
  std::size_t seg = 0;
  for (std::size_t i = 0; i < m.events.size(); ++i) {
    const Ev& e = m.events[i];
    if (seg < m.segments.size() && m.segments[seg].first == i) {
      const Segment& s = m.segments[seg++];
      out << "\n=== " << step_word(L) << ' ' << s.step << " · " << step_name(s.step, L)
          << (s.msg.empty() ? "" : " · " + s.msg) << '\n';
    }
    if (e.conn >= 0 && e.kind != "note" && e.kind != "fault" && seen_conn.insert(e.conn).second) {
      // The first line of a session: name both ends, client first.
      const Party& client = e.request() ? e.actor : e.peer;
      const Party& server = e.request() ? e.peer : e.actor;
      out << stamp(e.time_us) << " === " << pick(L, "Connection ", "Conexión ") << e.conn << ": " << client.label()
          << " -> " << server.label() << " (" << e.protocol << ")\n";
    }
    if (e.kind == "note") {
      out << stamp(e.time_us) << " === " << e.actor.label() << ": " << e.line;
    } else if (e.kind == "fault") {
      out << stamp(e.time_us) << " *** " << e.line;
    } else if (e.kind == "content") {
      out << stamp(e.time_us) << (e.request() ? "  ~> " : " <~  ") << e.line << '\n';
      content_lines(out, e, e.request() ? " ~> " : "<~  ");
      continue;
    } else if (e.request()) {
      out << stamp(e.time_us) << "  -> " << e.line;
    } else {
      out << stamp(e.time_us) << (e.alert.empty() ? " <-  " : " <** ") << e.line;
    }
    if (!e.alert.empty())
      out << "   [" << (e.alert == "permanent" ? pick(L, "permanent failure", "fallo permanente")
                                                : pick(L, "transient failure", "fallo transitorio")) << ']';
    out << '\n';
  }
  return out.str();
}

}  // namespace mailsim::viz
