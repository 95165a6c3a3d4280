// A Mermaid sequenceDiagram: one participant per lifeline, one message per protocol line,
// each beat of the story in a rect coloured by its step, notes for facts, spanning notes for faults.
#include <sstream>

#include "visualize/escape.hpp"
#include "visualize/i18n.hpp"
#include "visualize/render.hpp"
#include "visualize/tell.hpp"

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
  // Mermaid draws in order, so each rect holds the contiguous run of one beat's events.
  int open_beat = -1;
  for (std::size_t i = 0; i < m.events.size(); ++i) {
    const Ev& e = m.events[i];
    const int beat = m.beat_of[i];
    if (beat != open_beat) {
      if (open_beat >= 0) out << "    end\n";
      open_beat = beat;
      const Beat& b = m.beats[beat];
      out << "    rect " << rect_rgb(b.step) << '\n';
      const int anchor = m.from[i] >= 0 ? m.from[i] : 0;
      out << "    Note over " << (none ? "NET" : id(anchor)) << ": "
          << mermaid_escape(beat_title(m, b, L) + (b.msgs.empty() ? "" : " · " + list_words(b.msgs, L))) << '\n';
    }
    const std::string mark = e.alert.empty() ? "" : "⚠ ";
    const std::string said = event_text(m, e, L);
    if (e.is_fault()) {
      out << "    Note over " << span << ": " << mermaid_escape(mark + said) << '\n';
    } else if (e.is_fact() || m.to[i] < 0) {
      out << "    Note over " << id(m.from[i]) << ": " << mermaid_escape(mark + truncate_utf8(said, 300)) << '\n';
    } else {
      const char* arrow = e.request() ? "->>" : e.alert == "permanent" ? "--x" : "-->>";
      out << "    " << id(m.from[i]) << arrow << id(m.to[i]) << ": " << mermaid_escape(mark + truncate_utf8(said, 200))
          << '\n';
    }
  }
  if (open_beat >= 0) out << "    end\n";
  return out.str();
}

}  // namespace mailsim::viz
