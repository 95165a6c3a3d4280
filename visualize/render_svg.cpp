// The sequence diagram as one standalone SVG: a lifeline per agent@host, an arrow per line
// (replies dashed), colours by step, failures in red with a warning sign, a legend on top.
#include <sstream>

#include "visualize/escape.hpp"
#include "visualize/i18n.hpp"
#include "visualize/render.hpp"
#include "visualize/tell.hpp"

namespace mailsim::viz {

namespace {

constexpr int kLeft = 120, kCol = 200, kRow = 22, kTop = 110, kBox = 34;

int centre(int p) { return kLeft + kCol * p + kCol / 2; }

void text(std::ostringstream& out, int x, int y, const std::string& s, const char* anchor, const char* cls,
          const char* fill = nullptr) {
  out << "<text x=\"" << x << "\" y=\"" << y << "\" text-anchor=\"" << anchor << "\" class=\"" << cls << "\"";
  if (fill) out << " fill=\"" << fill << "\"";
  out << ">" << xml_escape(s) << "</text>\n";
}

}  // namespace

std::string render_svg(const Model& m, const Options& opt) {
  const Lang L = opt.lang;
  const int cols = std::max<int>(1, static_cast<int>(m.participants.size()));
  const int width = kLeft + kCol * cols + 20;
  std::size_t headers = 0;
  for (std::size_t i = 0; i < m.events.size(); ++i) headers += i == 0 || m.beat_of[i] != m.beat_of[i - 1];
  const int height = kTop + kBox + kRow * static_cast<int>(m.events.size() + headers) + 40;
  std::ostringstream out;
  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << width << "\" height=\"" << height
      << "\" viewBox=\"0 0 " << width << ' ' << height << "\" font-family=\"Helvetica, Arial, sans-serif\">\n";
  std::string title = (*m.trace)["scenario"]["name"].get<std::string>();
  if (opt.message) title += " · " + *opt.message;
  out << "<title>" << xml_escape(title) << "</title>\n<defs>\n<style>"
      << ".t{font-size:16px;font-weight:bold}.l{font-size:11px;font-family:monospace}.s{font-size:11px}"
      << ".h{font-size:12px;font-weight:bold}.n{font-size:11px;font-style:italic}</style>\n";
  for (int s = 0; s <= 6; ++s) {
    const char* colour = s == 0 ? kFailureColour : step_colour(s);
    out << "<marker id=\"a" << s << "\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"8\" "
        << "markerHeight=\"8\" orient=\"auto-start-reverse\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"" << colour
        << "\"/></marker>\n";
  }
  out << "</defs>\n<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n";
  text(out, 12, 24, title, "start", "t");
  // Legend: the six steps and the failure colour.
  int lx = 12;
  for (int s = 1; s <= 7; ++s) {
    const std::string label = s <= 6 ? std::to_string(s) + " " + step_name(s, L)
                                     : std::string(pick(L, "⚠ failure", "⚠ fallo"));
    const char* colour = s <= 6 ? step_colour(s) : kFailureColour;
    out << "<rect x=\"" << lx << "\" y=\"38\" width=\"14\" height=\"14\" fill=\"" << colour << "\"/>\n";
    text(out, lx + 18, 50, label, "start", "s");
    lx += 28 + 7 * static_cast<int>(label.size());
  }
  const int life_top = kTop, life_bottom = height - 20;
  for (std::size_t p = 0; p < m.participants.size(); ++p) {
    const int cx = centre(static_cast<int>(p));
    out << "<line x1=\"" << cx << "\" y1=\"" << life_top + kBox << "\" x2=\"" << cx << "\" y2=\"" << life_bottom
        << "\" stroke=\"#9e9e9e\" stroke-dasharray=\"4 4\"/>\n"
        << "<rect x=\"" << cx - kCol / 2 + 8 << "\" y=\"" << life_top << "\" width=\"" << kCol - 16 << "\" height=\""
        << kBox << "\" rx=\"5\" fill=\"#f5f5f5\" stroke=\"#616161\"/>\n";
    text(out, cx, life_top + 14, m.participants[p].agent, "middle", "h");
    text(out, cx, life_top + 28, m.participants[p].host, "middle", "s");
  }
  int y = kTop + kBox + 8;
  for (std::size_t i = 0; i < m.events.size(); ++i) {
    const Ev& e = m.events[i];
    if (i == 0 || m.beat_of[i] != m.beat_of[i - 1]) {  // a beat (re)starts here
      const Beat& b = m.beats[m.beat_of[i]];
      y += kRow;
      out << "<line x1=\"4\" y1=\"" << y - 6 << "\" x2=\"" << width - 4 << "\" y2=\"" << y - 6 << "\" stroke=\""
          << step_colour(b.step) << "\" stroke-width=\"0.6\"/>\n";
      text(out, 6, y + 6, beat_title(m, b, L) + (b.msgs.empty() ? "" : " · " + list_words(b.msgs, L)), "start", "h",
           step_colour(b.step));
    }
    y += kRow;
    const bool bad = !e.alert.empty();
    const char* colour = bad ? kFailureColour : step_colour(e.step);
    text(out, 6, y + 4, format_time(e.time_us), "start", "s", "#616161");
    const std::string line = (bad ? "⚠ " : "") + event_text(m, e, L);
    out << "<g data-seq=\"" << e.seq << "\">";
    if (e.is_fault()) {
      out << "<rect x=\"" << kLeft << "\" y=\"" << y - 12 << "\" width=\"" << kCol * cols << "\" height=\"18\" fill=\"#ffebee\" stroke=\""
          << kFailureColour << "\"/>";
      text(out, kLeft + kCol * cols / 2, y + 2, line, "middle", "n", kFailureColour);
    } else if (m.to[i] < 0) {
      const int cx = centre(m.from[i]);
      out << "<rect x=\"" << cx - kCol / 2 + 4 << "\" y=\"" << y - 12 << "\" width=\"" << kCol - 8
          << "\" height=\"18\" fill=\"#fffde7\" stroke=\"" << colour << "\"/>";
      text(out, cx, y + 2, truncate_utf8(line, 30), "middle", "n", bad ? kFailureColour : "#212121");
    } else {
      const int x1 = centre(m.from[i]), x2 = centre(m.to[i]);
      const int room = std::max(12, (x1 > x2 ? x1 - x2 : x2 - x1) / 7);
      out << "<line x1=\"" << x1 << "\" y1=\"" << y << "\" x2=\"" << x2 << "\" y2=\"" << y << "\" stroke=\"" << colour
          << "\" stroke-width=\"" << (bad ? 2 : 1.4) << "\"" << (e.response() ? " stroke-dasharray=\"6 3\"" : "")
          << " marker-end=\"url(#a" << (bad ? 0 : e.step) << ")\"/>";
      text(out, (x1 + x2) / 2, y - 4, truncate_utf8(line, room), "middle", "l", colour);
    }
    out << "</g>\n";
  }
  out << "</svg>\n";
  return out.str();
}

}  // namespace mailsim::viz
