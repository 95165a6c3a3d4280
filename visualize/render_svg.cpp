// The sequence diagram as one standalone SVG sized for A4 paper: a lifeline per agent@host, an
// arrow per line (replies dashed), colours by step, a legend on top. A transient failure is
// amber with ↻ and an open arrowhead, a permanent one red with ✖ and a barred end.
//
// User units are millimetres: the drawing is 210 mm wide (portrait, up to five lifelines) or
// 297 mm (landscape), and its text is at least 3.2 mm (9 pt) once printed at 100 %. Long
// traces grow in height; a printer splits them across pages.
#include <algorithm>
#include <cstdio>
#include <sstream>

#include "visualize/escape.hpp"
#include "visualize/i18n.hpp"
#include "visualize/render.hpp"
#include "visualize/tell.hpp"

namespace mailsim::viz {

namespace {

constexpr double kMargin = 8, kLeft = 30, kRow = 5.4, kBox = 9.5;
constexpr double kText = 3.2;       // 9 pt: lines, times, notes, host names
constexpr double kHead = 3.6;       // lifeline names and beat titles
constexpr double kTitle = 5;        // the scenario's name
constexpr double kCharW = 0.56;     // mean advance of a character, in em (Helvetica, DejaVu Sans)

std::string num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", v);
  std::string s(buf);
  while (s.back() == '0') s.pop_back();
  if (s.back() == '.') s.pop_back();
  return s;
}

// How many characters of text of size `em` fit in `width` millimetres (monospace: 0.6 em each).
std::size_t fits(double width, double em, double char_w = kCharW) {
  return static_cast<std::size_t>(std::max(4.0, width / (em * char_w)));
}

std::size_t utf8_length(const std::string& s) {
  return static_cast<std::size_t>(std::count_if(s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

void text(std::ostringstream& out, double x, double y, const std::string& s, const char* anchor, const char* cls,
          const char* fill = nullptr) {
  out << "<text x=\"" << num(x) << "\" y=\"" << num(y) << "\" text-anchor=\"" << anchor << "\" class=\"" << cls << "\"";
  if (fill) out << " fill=\"" << fill << "\"";
  out << ">" << xml_escape(s) << "</text>\n";
}

const char* mark(const Ev& e) {
  if (e.alert.empty()) return "";
  return e.alert == "permanent" ? "✖ " : "↻ ";
}

const char* alert_colour(const Ev& e) { return e.alert == "permanent" ? kFailureColour : kTransientColour; }

}  // namespace

std::string render_svg(const Model& m, const Options& opt) {
  const Lang L = opt.lang;
  const int cols = std::max<int>(1, static_cast<int>(m.participants.size()));
  const double width = cols <= 5 ? 210 : 297;
  const double col = (width - 2 * kMargin - kLeft) / cols;
  auto centre = [&](int p) { return kMargin + kLeft + col * p + col / 2; };

  // Legend items: the six steps and the two kinds of failure, wrapped to the page's width.
  struct Item { std::string label; const char* colour; };
  std::vector<Item> items;
  for (int s = 1; s <= 6; ++s) items.push_back({std::to_string(s) + " " + step_name(s, L), step_colour(s)});
  items.push_back({pick(L, "↻ transient failure (4xx): retried", "↻ fallo temporal (4xx): se reintenta"), kTransientColour});
  items.push_back({pick(L, "✖ permanent failure (5xx): bounced", "✖ fallo permanente (5xx): rebote"), kFailureColour});
  std::vector<std::pair<double, double>> at;  // x, y of each legend item
  double lx = kMargin, ly = 17;
  for (const Item& it : items) {
    const double w = 6 + kText * kCharW * static_cast<double>(utf8_length(it.label)) + 4;
    if (lx + w > width - kMargin && lx > kMargin) { lx = kMargin; ly += kRow; }
    at.push_back({lx, ly});
    lx += w;
  }
  const double top = ly + 6;

  std::size_t headers = 0;
  for (std::size_t i = 0; i < m.events.size(); ++i) headers += i == 0 || m.beat_of[i] != m.beat_of[i - 1];
  const double height = top + kBox + kRow * static_cast<double>(m.events.size() + headers) + 10;
  std::ostringstream out;
  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << num(width) << "mm\" height=\"" << num(height)
      << "mm\" viewBox=\"0 0 " << num(width) << ' ' << num(height) << "\" font-family=\"Helvetica, Arial, DejaVu Sans, sans-serif\">\n";
  std::string title = (*m.trace)["scenario"]["name"].get<std::string>();
  if (opt.message) title += " · " + *opt.message;
  out << "<title>" << xml_escape(title) << "</title>\n<defs>\n<style>"
      << ".t{font-size:" << num(kTitle) << "px;font-weight:bold}.l{font-size:" << num(kText) << "px;font-family:monospace}"
      << ".s{font-size:" << num(kText) << "px}.h{font-size:" << num(kHead) << "px;font-weight:bold}"
      << ".n{font-size:" << num(kText) << "px;font-style:italic}</style>\n";
  // Arrowheads: filled per step; open for a transient failure, barred for a permanent one.
  for (int s = 1; s <= 6; ++s)
    out << "<marker id=\"a" << s << "\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"2.4\" markerHeight=\"2.4\" "
        << "markerUnits=\"userSpaceOnUse\" orient=\"auto-start-reverse\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"" << step_colour(s)
        << "\"/></marker>\n";
  out << "<marker id=\"transient\" viewBox=\"-1 -1 12 12\" refX=\"10\" refY=\"5\" markerWidth=\"2.8\" markerHeight=\"2.8\" "
      << "markerUnits=\"userSpaceOnUse\" orient=\"auto-start-reverse\"><path d=\"M0,0 L10,5 L0,10\" fill=\"none\" stroke=\""
      << kTransientColour << "\" stroke-width=\"2\"/></marker>\n"
      << "<marker id=\"permanent\" viewBox=\"0 0 13 10\" refX=\"13\" refY=\"5\" markerWidth=\"3.1\" markerHeight=\"2.4\" "
      << "markerUnits=\"userSpaceOnUse\" orient=\"auto-start-reverse\"><path d=\"M0,0 L9,5 L0,10 z M10,0 h3 v10 h-3 z\" fill=\""
      << kFailureColour << "\"/></marker>\n";
  out << "</defs>\n<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n";
  text(out, kMargin, 10, title, "start", "t");
  for (std::size_t k = 0; k < items.size(); ++k) {
    const auto [x, y] = at[k];
    out << "<rect x=\"" << num(x) << "\" y=\"" << num(y - 2.8) << "\" width=\"3.2\" height=\"3.2\" fill=\"" << items[k].colour << "\"/>\n";
    text(out, x + 4.4, y, items[k].label, "start", "s", items[k].colour);
  }
  const double life_bottom = height - 5;
  for (std::size_t p = 0; p < m.participants.size(); ++p) {
    const double cx = centre(static_cast<int>(p));
    out << "<line x1=\"" << num(cx) << "\" y1=\"" << num(top + kBox) << "\" x2=\"" << num(cx) << "\" y2=\"" << num(life_bottom)
        << "\" stroke=\"#9e9e9e\" stroke-width=\"0.3\" stroke-dasharray=\"1 1\"/>\n"
        << "<rect x=\"" << num(cx - col / 2 + 1) << "\" y=\"" << num(top) << "\" width=\"" << num(col - 2) << "\" height=\""
        << num(kBox) << "\" rx=\"1.2\" fill=\"#f5f5f5\" stroke=\"#616161\" stroke-width=\"0.3\"/>\n";
    text(out, cx, top + 4, truncate_utf8(m.participants[p].agent, fits(col - 3, kHead)), "middle", "h");
    text(out, cx, top + 8, truncate_utf8(m.participants[p].host, fits(col - 3, kText)), "middle", "s");
  }
  double y = top + kBox + 2;
  for (std::size_t i = 0; i < m.events.size(); ++i) {
    const Ev& e = m.events[i];
    if (i == 0 || m.beat_of[i] != m.beat_of[i - 1]) {  // a beat (re)starts here
      const Beat& b = m.beats[m.beat_of[i]];
      y += kRow;
      out << "<line x1=\"" << num(kMargin / 2) << "\" y1=\"" << num(y - 3.6) << "\" x2=\"" << num(width - kMargin / 2) << "\" y2=\""
          << num(y - 3.6) << "\" stroke=\"" << step_colour(b.step) << "\" stroke-width=\"0.25\"/>\n";
      text(out, kMargin, y, truncate_utf8(beat_title(m, b, L) + (b.msgs.empty() ? "" : " · " + list_words(b.msgs, L)),
                                         fits(width - 2 * kMargin, kHead)),
           "start", "h", step_colour(b.step));
    }
    y += kRow;
    const bool bad = !e.alert.empty();
    const char* colour = bad ? alert_colour(e) : step_colour(e.step);
    text(out, kMargin, y, format_time(e.time_us), "start", "s", "#5f6368");
    const std::string line = mark(e) + event_text(m, e, L);
    out << "<g data-seq=\"" << e.seq << "\"" << (bad ? " class=\"" + e.alert + "\"" : std::string()) << ">";
    if (e.is_fault()) {
      const double x0 = kMargin + kLeft, w = col * cols;
      out << "<rect x=\"" << num(x0) << "\" y=\"" << num(y - 3.6) << "\" width=\"" << num(w) << "\" height=\"4.8\" fill=\""
          << (bad ? "#ffebee" : "#e8f5e9") << "\" stroke=\"" << (bad ? colour : "#256b29") << "\" stroke-width=\"0.3\"/>";
      text(out, x0 + w / 2, y, truncate_utf8(line, fits(w - 2, kText)), "middle", "n", bad ? colour : "#256b29");
    } else if (m.to[i] < 0) {
      const double cx = centre(m.from[i]);
      out << "<rect x=\"" << num(cx - col / 2 + 1) << "\" y=\"" << num(y - 3.6) << "\" width=\"" << num(col - 2)
          << "\" height=\"4.8\" fill=\"#fffde7\" stroke=\"" << colour << "\" stroke-width=\"0.3\"/>";
      text(out, cx, y, truncate_utf8(line, fits(col - 3, kText)), "middle", "n", bad ? colour : "#212121");
    } else {
      const double x1 = centre(m.from[i]), x2 = centre(m.to[i]);
      const double span = std::max(col, x1 > x2 ? x1 - x2 : x2 - x1);
      out << "<line x1=\"" << num(x1) << "\" y1=\"" << num(y + 0.9) << "\" x2=\"" << num(x2) << "\" y2=\"" << num(y + 0.9)
          << "\" stroke=\"" << colour << "\" stroke-width=\"" << (bad ? "0.5" : "0.35") << "\""
          << (e.response() ? " stroke-dasharray=\"1.4 0.7\"" : "") << " marker-end=\"url(#"
          << (bad ? e.alert : "a" + std::to_string(e.step)) << ")\"/>";
      text(out, (x1 + x2) / 2, y - 0.3, truncate_utf8(line, fits(span - 2, kText, 0.6)), "middle", "l", colour);
    }
    out << "</g>\n";
  }
  out << "</svg>\n";
  return out.str();
}

}  // namespace mailsim::viz
