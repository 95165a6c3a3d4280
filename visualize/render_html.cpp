// The self-contained viewer: one HTML file with the style sheet, the script and the trace
// inside. The trace travels as inert JSON (<script type="application/json">) with "<", ">",
// "&", U+2028/9 escaped; a Content-Security-Policy allows only this page's own script (by
// hash) and no network at all.
#include <map>

#include "visualize/assets.hpp"
#include "visualize/escape.hpp"
#include "visualize/explain.hpp"
#include "visualize/i18n.hpp"
#include "visualize/inspect.hpp"
#include "visualize/layout.hpp"
#include "visualize/packets.hpp"
#include "visualize/quiz.hpp"
#include "visualize/render.hpp"
#include "visualize/tell.hpp"
#include "visualize/topology.hpp"

namespace mailsim::viz {

namespace {

// Interns small arrays (explanation keys, message sets) so that per-event data is one integer.
template <class T>
int intern(std::map<T, int>& index, nlohmann::json& table, const T& value) {
  auto [it, fresh] = index.emplace(value, static_cast<int>(table.size()));
  if (fresh) table.push_back(value);
  return it->second;
}

// What enters and leaves each user's mailboxes, from the facts: [event index, user,
// "server" | "local", +1 | -1, message id, record]. The viewer replays them up to the
// current event, so the Mailboxes panel always agrees with the trace.
nlohmann::json mailbox_changes(const Model& m) {
  nlohmann::json out = nlohmann::json::array();
  for (std::size_t i = 0; i < m.events.size(); ++i) {
    const Ev& e = m.events[i];
    if (const auto* f = e.as<trace::Delivered>())
      out.push_back({i, f->rcpt, "server", 1, e.msg, f->record});
    else if (const auto* f = e.as<trace::Deleted>())
      out.push_back({i, f->user, "server", -1, e.msg, f->record});
    else if (const auto* f = e.as<trace::LocalCopyKept>())
      out.push_back({i, f->user, "local", 1, e.msg, f->record});
  }
  return out;
}

nlohmann::json view_model(const Model& m, const Options& opt) {
  using nlohmann::json;
  json v;
  v["lang"] = opt.lang == Lang::Es ? "es" : "en";
  v["restricted"] = opt.message ? json(*opt.message) : json(nullptr);
  json parts = json::array();
  for (const Party& p : m.participants) parts.push_back({p.agent, p.host});
  v["participants"] = parts;
  v["from"] = m.from;
  v["to"] = m.to;
  const auto keys = explain_keys(m);
  std::map<std::vector<std::string>, int> xi, mi;
  json xsets = json::array(), msets = json::array(), xset = json::array(), mset = json::array();
  for (std::size_t i = 0; i < m.events.size(); ++i) {
    xset.push_back(intern(xi, xsets, keys[i]));
    mset.push_back(intern(mi, msets, m.msgs[i]));
  }
  v["xsets"] = std::move(xsets);
  v["xset"] = std::move(xset);
  v["msets"] = std::move(msets);
  v["mset"] = std::move(mset);
  // The story's beats: [first event, last event, step, its messages, English, Spanish, title en, title es].
  json segs = json::array();
  for (const Beat& b : m.beats)
    segs.push_back({b.first(), b.last(), b.step, list_words(b.msgs, Lang::En), tell_beat(m, b, Lang::En),
                    tell_beat(m, b, Lang::Es), beat_title(m, b, Lang::En), beat_title(m, b, Lang::Es)});
  v["segments"] = std::move(segs);
  v["beatOf"] = m.beat_of;
  // What facts and contents say, in both languages (lines are shown as sent).
  json say = json::object();
  for (std::size_t i = 0; i < m.events.size(); ++i) {
    const Ev& e = m.events[i];
    if (e.is_fact() || e.kind == "content")
      say[std::to_string(i)] = {event_text(m, e, Lang::En), event_text(m, e, Lang::Es)};
  }
  v["say"] = std::move(say);
  // Every message of the run, DSNs and real clients' mail included (the message filter).
  json msgs = json::array();
  for (const MessageInfo& mi : m.messages)
    msgs.push_back({{"id", mi.id}, {"from", mi.from}, {"to", mi.to}, {"subject", mi.subject}, {"kind", mi.kind},
                    {"of", mi.of}, {"message_id", mi.message_id}});
  v["messages"] = std::move(msgs);
  v["boxes"] = mailbox_changes(m);
  v["layout"] = layout_json(layout_network(m, build_network(m)));
  const nlohmann::json inspected = inspect_contents(m);
  v["mime"] = inspected["mime"];
  v["contents"] = inspected["contents"];
  v["explain"] = explanations_json();
  v["ui"] = ui_strings();
  json steps = {{"en", json::array()}, {"es", json::array()}};
  json colours = json::array();
  for (int s = 1; s <= 6; ++s) {
    steps["en"].push_back(step_name(s, Lang::En));
    steps["es"].push_back(step_name(s, Lang::Es));
    colours.push_back(step_colour(s));
  }
  v["steps"] = std::move(steps);
  v["colours"] = std::move(colours);
  v["fail"] = kFailureColour;
  v["transient"] = kTransientColour;
  // The quiz (the viewer's quiz mode): the same questions as the worksheet.
  v["quiz"] = quiz_json(m, make_quiz(m, opt.quiz));
  // The lower-layer view (run --trace-packets, visualize --packets): empty without a file.
  v["packets"] = opt.packets ? packets_view(*opt.packets) : nlohmann::json::array();
  return v;
}

// One pass over the template: a value is never searched for placeholders.
std::string fill(std::string_view tpl, const std::map<std::string, std::string>& values) {
  std::string out;
  out.reserve(tpl.size() + 1024);
  std::size_t pos = 0;
  while (true) {
    const std::size_t open = tpl.find("{{", pos);
    if (open == std::string_view::npos) break;
    const std::size_t close = tpl.find("}}", open);
    if (close == std::string_view::npos) break;
    out.append(tpl.substr(pos, open - pos));
    const auto it = values.find(std::string(tpl.substr(open + 2, close - open - 2)));
    if (it != values.end()) out += it->second;
    else out.append(tpl.substr(open, close + 2 - open));
    pos = close + 2;
  }
  out.append(tpl.substr(pos));
  return out;
}

}  // namespace

std::string render_html(const Model& m, const Options& opt) {
  // The script and its hash are fixed at build time (visualize/assets/embed.cmake).
  const std::string csp = "default-src 'none'; script-src 'sha256-" + std::string(assets::viewer_script_sha256()) +
                          "'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'";
  std::string title = (*m.trace)["scenario"]["name"].get<std::string>();
  if (opt.message) title += " · " + *opt.message;
  nlohmann::json data;
  data["trace"] = *m.trace;
  data["view"] = view_model(m, opt);
  return fill(assets::page_html(), {{"LANG", opt.lang == Lang::Es ? "es" : "en"},
                                    {"CSP", xml_escape(csp)},
                                    {"TITLE", xml_escape(title)},
                                    {"CSS", std::string(assets::viewer_css())},
                                    {"DATA", json_for_script(data)},
                                    {"JS", std::string(assets::viewer_script())}});
}

}  // namespace mailsim::viz
