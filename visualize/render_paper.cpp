// The handout: the lesson on paper, one beat of the story per A4 page — its step, what
// happens in words, the network with the hosts of that beat lit, and every line with who sent
// it to whom and what it means. HTML (print it from a browser) or Markdown.
#include <sstream>

#include "visualize/catalogue.hpp"
#include "visualize/escape.hpp"
#include "visualize/explain.hpp"
#include "visualize/i18n.hpp"
#include "visualize/layout.hpp"
#include "visualize/paper.hpp"
#include "visualize/render.hpp"
#include "visualize/tell.hpp"
#include "visualize/topology.hpp"

namespace mailsim::viz {

namespace {

// A long trace (a load test) would print thousands of pages: the handout tells the first
// beats and the first lines of each, and says how much it left out.
constexpr std::size_t kMaxBeats = 80, kMaxLines = 40;

}  // namespace

std::string paper_head(std::string_view title, Lang L, std::string_view css) {
  std::ostringstream out;
  out << "<!DOCTYPE html>\n<html lang=\"" << (L == Lang::Es ? "es" : "en") << "\">\n<head>\n<meta charset=\"utf-8\">\n"
      << "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n"
      << "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>" << xml_escape(title) << "</title>\n<style>\n"
      << "@page { size: A4; margin: 15mm; }\n"
      << "body { font: 11pt/1.4 \"DejaVu Sans\", Helvetica, Arial, sans-serif; color: #1a1a1a; max-width: 180mm; margin: 0 auto; padding: 8mm 0; }\n"
      << "h1 { font-size: 18pt; margin: 0 0 4mm; } h2 { font-size: 14pt; margin: 0 0 2mm; } h3 { font-size: 12pt; margin: 4mm 0 1mm; }\n"
      << "table { border-collapse: collapse; width: 100%; font-size: 9.5pt; } th, td { border-bottom: 0.3mm solid #d0d4d9; padding: 1mm 1.5mm; text-align: left; vertical-align: top; }\n"
      << "th { color: #5f6368; font-weight: 600; } code { font-family: \"DejaVu Sans Mono\", monospace; font-size: 9.5pt; overflow-wrap: anywhere; }\n"
      << ".muted { color: #5f6368; } .net { width: 100%; height: auto; max-height: 80mm; margin: 2mm 0; }\n"
      << ".page { break-before: page; page-break-before: always; } .page:first-of-type { break-before: auto; page-break-before: auto; }\n"
      << "@media screen { .page { border-top: 1mm dashed #d0d4d9; padding-top: 6mm; margin-top: 8mm; } }\n"
      << "tr { break-inside: avoid; }\n"
      << css << "</style>\n</head>\n<body>\n";
  return out.str();
}

std::string md_text(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '\r') continue;
    if (c == '\n') { out += "<br>"; continue; }
    if (c == '|' || c == '\\' || c == '*' || c == '_' || c == '`' || c == '[' || c == ']' || (c == '#' && out.empty())) out += '\\';
    if (c == '<') { out += "&lt;"; continue; }
    if (c == '>') { out += "&gt;"; continue; }
    if (c == '&') { out += "&amp;"; continue; }
    out += c;
  }
  return out;
}

std::string md_code(std::string_view s) {
  // A code span shows its text as it is, but a table still splits it at |, and a backtick
  // inside needs a longer fence.
  std::string body;
  for (char c : s) {
    if (c == '\r' || c == '\n') { body += ' '; continue; }
    if (c == '|') { body += "\\|"; continue; }
    body += c;
  }
  const std::string fence = body.find('`') != std::string::npos ? "``" : "`";
  return fence + (fence.size() > 1 ? " " : "") + body + (fence.size() > 1 ? " " : "") + fence;
}

std::string who(const Ev& e) { return e.has_peer ? e.actor.label() + " → " + e.peer.label() : e.actor.label(); }

std::string meaning(const std::vector<std::string>& keys, Lang L) {
  for (const std::string& k : keys) {
    const auto it = explanations().find(k);
    if (it != explanations().end()) return std::string(L == Lang::Es ? it->second.es : it->second.en) + " (" + it->second.rfc + ")";
  }
  return {};
}

std::string network_svg(const Model& m, const std::set<std::string>& lit,
                        const std::vector<std::pair<std::string, std::string>>& hops) {
  const Network g = build_network(m);
  const NetworkLayout L = layout_network(m, g);
  std::set<std::pair<std::string, std::string>> used;
  for (const auto& [a, b] : hops) {
    const auto path = route(m, g, a, b);
    for (std::size_t k = 0; k + 1 < path.size(); ++k) {
      used.insert({path[k], path[k + 1]});
      used.insert({path[k + 1], path[k]});
    }
  }
  constexpr double kMargin = 12, kName = 22;  // host names big enough to read on A4
  std::ostringstream out;
  out << "<svg class=\"net\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"" << -kMargin << ' ' << -kMargin << ' '
      << L.width + 2 * kMargin << ' ' << L.height + 2 * kMargin << "\" role=\"img\">\n";
  const auto& links = (*m.trace)["topology"]["links"];
  for (std::size_t k = 0; k < L.links.size() && k < links.size(); ++k) {
    if (L.links[k].size() < 2) continue;
    const bool on = used.count({links[k]["a"].get<std::string>(), links[k]["b"].get<std::string>()}) != 0;
    out << "<polyline fill=\"none\" stroke=\"" << (on ? "#1565c0" : "#90a4ae") << "\" stroke-width=\"" << (on ? 8 : 3) << "\" points=\"";
    for (const Point& p : L.links[k]) out << p.x << ',' << p.y << ' ';
    out << "\"/>\n";
  }
  const std::size_t fit = static_cast<std::size_t>((L.box_w - 16) / (kName * 0.64));  // bold DejaVu Sans
  for (std::size_t i = 0; i < m.hosts.size() && i < L.hosts.size(); ++i) {
    const Host& h = m.hosts[i];
    const Point c = L.hosts[i];
    const bool on = lit.count(h.name) != 0;
    out << "<rect x=\"" << c.x - L.box_w / 2 << "\" y=\"" << c.y - L.box_h / 2 << "\" width=\"" << L.box_w << "\" height=\"" << L.box_h
        << "\" rx=\"8\" fill=\"" << (on ? "#e3f2fd" : "#ffffff") << "\" stroke=\"" << (on ? "#0d47a1" : "#78909c")
        << "\" stroke-width=\"" << (on ? 6 : 2) << "\"/>\n"
        << "<text x=\"" << c.x << "\" y=\"" << c.y - 8 << "\" text-anchor=\"middle\" font-size=\"" << kName
        << "\" font-weight=\"bold\" fill=\"#1a1a1a\">" << xml_escape(truncate_utf8(h.name, fit)) << "</text>\n"
        << "<text x=\"" << c.x << "\" y=\"" << c.y + 24 << "\" text-anchor=\"middle\" font-size=\"20\" fill=\"#37474f\">"
        << xml_escape(truncate_utf8(h.label.empty() ? roles_text(h) : h.label, fit + 3)) << "</text>\n";
  }
  out << "</svg>\n";
  return out.str();
}

std::string render_handout(const Model& m, const Options& opt, bool md) {
  const Lang L = opt.lang;
  const auto& trace = *m.trace;
  const std::string name = trace["scenario"]["name"].get<std::string>() + (opt.message ? " · " + *opt.message : "");
  const auto keys = explain_keys(m);
  std::string desc;
  if (trace["scenario"].contains("description")) {
    const auto& d = trace["scenario"]["description"];
    const char* lang = L == Lang::Es ? "es" : "en";
    if (d.is_object() && d.contains(lang) && d[lang].is_string()) desc = d[lang].get<std::string>();
    else if (d.is_object() && d.contains("en") && d["en"].is_string()) desc = d["en"].get<std::string>();
    else if (d.is_string()) desc = d.get<std::string>();
  }
  const std::string title = say(L, "paper.handout_title", {{"name", name}});
  std::ostringstream out;
  if (md) out << "# " << md_text(title) << "\n\n" << (desc.empty() ? "" : md_text(desc) + "\n\n");
  else out << paper_head(title, L) << "<h1>" << xml_escape(title) << "</h1>\n" << (desc.empty() ? "" : "<p>" + xml_escape(desc) + "</p>\n");
  const std::size_t beats = std::min(m.beats.size(), kMaxBeats);
  for (std::size_t b = 0; b < beats; ++b) {
    const Beat& beat = m.beats[b];
    const std::string head = beat_title(m, beat, L) + (beat.msgs.empty() ? "" : " · " + list_words(beat.msgs, L));
    std::set<std::string> lit;
    std::vector<std::pair<std::string, std::string>> hops;
    for (std::size_t i : beat.events) {
      const Ev& e = m.events[i];
      if (e.is_fault()) continue;
      lit.insert(e.actor.host);
      if (e.has_peer) {
        lit.insert(e.peer.host);
        if (e.peer.host != e.actor.host) hops.push_back({e.actor.host, e.peer.host});
      }
    }
    const std::string told = tell_beat(m, beat, L);
    if (md) {
      out << "## " << md_text(head) << "\n\n" << md_text(told) << "\n\n";
      if (!lit.empty()) {
        out << "*" << md_text(std::string(phrase(L, "paper.hosts"))) << ":*";
        for (const auto& h : lit) out << ' ' << md_code(h);
        out << "\n\n";
      }
      out << "| " << phrase(L, "paper.time") << " | " << phrase(L, "paper.who") << " | " << phrase(L, "paper.line") << " | "
          << phrase(L, "paper.meaning") << " |\n|---|---|---|---|\n";
    } else {
      out << "<section class=\"page\">\n<h2 style=\"color:" << step_colour(beat.step) << "\">" << xml_escape(head) << "</h2>\n<p>"
          << xml_escape(told) << "</p>\n" << network_svg(m, lit, hops) << "<table>\n<tr><th>" << phrase(L, "paper.time") << "</th><th>"
          << phrase(L, "paper.who") << "</th><th>" << phrase(L, "paper.line") << "</th><th>" << phrase(L, "paper.meaning") << "</th></tr>\n";
    }
    std::size_t shown = 0;
    for (std::size_t i : beat.events) {
      if (shown++ == kMaxLines) break;
      const Ev& e = m.events[i];
      const std::string sign = e.alert.empty() ? "" : e.alert == "permanent" ? "✖ " : "↻ ";
      const std::string said = sign + event_text(m, e, L), means = meaning(keys[i], L);
      if (md)
        out << "| " << format_time(e.time_us) << " | " << md_text(who(e)) << " | "
            << (e.kind == "line" ? md_code(said) : md_text(said)) << " | " << md_text(means) << " |\n";
      else
        out << "<tr><td>" << format_time(e.time_us) << "</td><td>" << xml_escape(who(e)) << "</td><td>"
            << (e.kind == "line" ? "<code>" + xml_escape(said) + "</code>" : xml_escape(said)) << "</td><td>" << xml_escape(means)
            << "</td></tr>\n";
    }
    const std::string more = beat.events.size() > kMaxLines
                                 ? say(L, "paper.more_lines", {{"n", std::to_string(beat.events.size() - kMaxLines)}})
                                 : std::string();
    if (md) out << (more.empty() ? "" : "\n" + md_text(more) + "\n") << '\n';
    else out << "</table>\n" << (more.empty() ? "" : "<p class=\"muted\">" + xml_escape(more) + "</p>\n") << "</section>\n";
  }
  if (m.beats.size() > beats) {
    const std::string more = say(L, "paper.more_beats", {{"n", std::to_string(m.beats.size() - beats)}});
    out << (md ? md_text(more) + "\n" : "<p class=\"muted\">" + xml_escape(more) + "</p>\n");
  }
  if (!md) out << "</body>\n</html>\n";
  return out.str();
}

}  // namespace mailsim::viz
