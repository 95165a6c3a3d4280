// A Mermaid sequenceDiagram: one participant per lifeline, one message per protocol line,
// each step in a coloured rect block, notes for agent actions, spanning notes for faults.
#include <sstream>

#include "visualize/escape.hpp"
#include "visualize/i18n.hpp"
#include "visualize/render.hpp"

namespace mailsim::viz {

namespace {

// Light tints of the step colours, for the rect blocks.
const char* rect_rgb(int step) {
  static const char* const tints[] = {"rgb(243, 229, 245)", "rgb(227, 242, 253)", "rgb(224, 247, 250)",
                                      "rgb(232, 245, 233)", "rgb(255, 243, 224)", "rgb(239, 235, 233)"};
  return step >= 1 && step <= 6 ? tints[step - 1] : "rgb(245, 245, 245)";
}

std::string id(int p) { return "P" + std::to_string(p); }

}  // namespace

std::string render_mermaid(const Model& m, const Options& opt) {
  const Lang L = opt.lang;
  std::ostringstream out;
  out << "sequenceDiagram\n";
  std::string title = (*m.trace)["scenario"]["name"].get<std::string>();
  if (opt.message) title += " · " + *opt.message;
  out << "    title " << mermaid_escape(title) << '\n';
  for (std::size_t p = 0; p < m.participants.size(); ++p)
    out << "    participant " << id(static_cast<int>(p)) << " as " << mermaid_escape(m.participants[p].label()) << '\n';
  // Faults span the diagram; a trace of faults only still needs someone to hang them on.
  const bool none = m.participants.empty();
  if (none) out << "    participant NET as NET\n";
  const std::string span = none ? "NET"
                                : m.participants.size() == 1 ? id(0)
                                                            : id(0) + "," + id(static_cast<int>(m.participants.size()) - 1);
  for (const Segment& s : m.segments) {
    out << "    rect " << rect_rgb(s.step) << '\n';
    const int anchor = m.from[s.first] >= 0 ? m.from[s.first] : 0;
    out << "    Note over " << (none ? "NET" : id(anchor)) << ": "
        << mermaid_escape(std::string(step_word(L)) + " " + std::to_string(s.step) + " · " + step_name(s.step, L) +
                          (s.msg.empty() ? "" : " · " + s.msg))
        << '\n';
    for (std::size_t i = s.first; i <= s.last; ++i) {
      const Ev& e = m.events[i];
      const std::string mark = e.alert.empty() ? "" : "⚠ ";
      if (e.kind == "fault") {
        out << "    Note over " << span << ": " << mermaid_escape(mark + e.line) << '\n';
      } else if (e.kind == "note" || m.to[i] < 0) {
        out << "    Note over " << id(m.from[i]) << ": " << mermaid_escape(mark + e.line) << '\n';
      } else {
        const char* arrow = e.request() ? "->>" : e.alert == "permanent" ? "--x" : "-->>";
        out << "    " << id(m.from[i]) << arrow << id(m.to[i]) << ": " << mermaid_escape(mark + truncate_utf8(e.line, 200))
            << '\n';
      }
    }
    out << "    end\n";
  }
  return out.str();
}

}  // namespace mailsim::viz
