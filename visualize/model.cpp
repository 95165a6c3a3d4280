#include "visualize/model.hpp"

#include <algorithm>

namespace mailsim::viz {

using nlohmann::json;

const Host* Model::host(const std::string& name) const {
  for (const Host& h : hosts)
    if (h.name == name) return &h;
  return nullptr;
}

const json* Model::message(const std::string& id) const {
  for (const json& m : (*trace)["messages"])
    if (m["id"] == id) return &m;
  return nullptr;
}

std::string Model::domain_of(const std::string& host) const {
  if (auto it = host_domain.find(host); it != host_domain.end()) return it->second;
  const auto dot = host.find('.');
  return dot == std::string::npos ? host : host.substr(dot + 1);
}

namespace {

Party party(const json& p) { return {p["agent"].get<std::string>(), p["host"].get<std::string>()}; }

Ev to_ev(const json& e) {
  Ev ev;
  ev.seq = e["seq"].get<std::int64_t>();
  ev.time_us = e["time_us"].get<std::int64_t>();
  ev.step = e["step"].get<int>();
  ev.kind = e["kind"].get<std::string>();
  ev.protocol = e["protocol"].get<std::string>();
  if (e["direction"].is_string()) ev.direction = e["direction"].get<std::string>();
  ev.line = e["line"].get<std::string>();
  if (e["msg"].is_string()) ev.msg = e["msg"].get<std::string>();
  ev.actor = party(e["actor"]);
  if (e["peer"].is_object()) {
    ev.peer = party(e["peer"]);
    ev.has_peer = true;
  }
  if (auto it = e.find("text"); it != e.end()) ev.text = &it->get_ref<const std::string&>();
  if (e["conn"].is_number_integer()) ev.conn = e["conn"].get<std::int64_t>();
  if (auto it = e.find("alert"); it != e.end()) ev.alert = it->get<std::string>();
  if (auto it = e.find("code"); it != e.end()) ev.code = it->get<int>();
  return ev;
}

// The Message-ID header of a content event (without angle brackets), or "".
std::string message_id_of(const std::string& text) {
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t end = text.find("\r\n", pos);
    if (end == std::string::npos) end = text.size();
    if (end == pos) break;  // the blank line that ends the header
    if (end - pos > 11 && (text.compare(pos, 11, "Message-ID:") == 0 || text.compare(pos, 11, "Message-Id:") == 0 ||
                           text.compare(pos, 11, "message-id:") == 0)) {
      std::string v = text.substr(pos + 11, end - pos - 11);
      const auto b = v.find_first_not_of(" \t<"), e = v.find_last_not_of(" \t>");
      return b == std::string::npos ? std::string() : v.substr(b, e - b + 1);
    }
    pos = end + 2;
  }
  return {};
}

int participant(Model& m, std::map<std::string, int>& index, const Party& p) {
  auto [it, fresh] = index.emplace(p.label(), static_cast<int>(m.participants.size()));
  if (fresh) m.participants.push_back(p);
  return it->second;
}

}  // namespace

Model build_model(const json& trace) {
  Model m;
  m.trace = &trace;
  for (const json& h : trace["topology"]["hosts"]) {
    Host host{h["name"].get<std::string>(), h["address"].get<std::string>(), h["role"].get<std::string>(),
              h.value("label", std::string()), {}};
    for (const json& s : h["services"]) host.services.push_back(s.get<std::string>());
    m.hosts.push_back(std::move(host));
  }
  for (const json& u : trace["users"]) {
    const std::string addr = u["address"].get<std::string>();
    const auto at = addr.find('@');
    if (at != std::string::npos) m.host_domain.emplace(u["server"].get<std::string>(), addr.substr(at + 1));
  }
  const json& evs = trace["events"];
  m.events.reserve(evs.size());
  for (const json& e : evs) m.events.push_back(to_ev(e));

  // Lifelines; faults span the whole diagram and get none.
  std::map<std::string, int> index;
  m.from.assign(m.events.size(), -1);
  m.to.assign(m.events.size(), -1);
  // A message body with no msg (a POP3 RETR) is recognised by its Message-ID.
  std::map<std::string, std::string> by_message_id;
  for (const json& msg : trace["messages"])
    if (msg.contains("message_id") && msg["message_id"].is_string())
      by_message_id.emplace(msg["message_id"].get<std::string>(), msg["id"].get<std::string>());
  std::vector<std::string> known(m.events.size());
  std::map<std::int64_t, std::vector<std::string>> conn_msgs;
  for (std::size_t i = 0; i < m.events.size(); ++i) {
    const Ev& e = m.events[i];
    known[i] = e.msg;
    if (known[i].empty() && e.text)
      if (auto it = by_message_id.find(message_id_of(*e.text)); it != by_message_id.end()) known[i] = it->second;
    if (e.conn >= 0 && !known[i].empty()) {
      auto& v = conn_msgs[e.conn];
      if (std::find(v.begin(), v.end(), known[i]) == v.end()) v.push_back(known[i]);
    }
    if (e.kind == "fault") continue;
    m.from[i] = participant(m, index, e.actor);
    if (e.has_peer) m.to[i] = participant(m, index, e.peer);
  }
  m.msgs.resize(m.events.size());
  for (std::size_t i = 0; i < m.events.size(); ++i) {
    const Ev& e = m.events[i];
    if (!known[i].empty())
      m.msgs[i] = {known[i]};
    else if (auto it = conn_msgs.find(e.conn); e.conn >= 0 && it != conn_msgs.end())
      m.msgs[i] = it->second;
  }

  for (std::size_t i = 0; i < m.events.size(); ++i) {
    const Ev& e = m.events[i];
    const std::string primary = m.msgs[i].size() == 1 ? m.msgs[i][0] : std::string();
    bool fresh = m.segments.empty();
    if (!fresh) {
      // Sessions overlap (a QUIT after the next step began, the client's lines between the
      // server's): an event of an earlier step joins the current segment; only a later step,
      // another message or a pause starts a new one.
      // Lines of no message (mailbox polls that find nothing) form their own segments, and
      // repeated ones merge: a poll every minute is one step of the story, not sixty.
      const Ev& prev = m.events[i - 1];
      const Segment& cur = m.segments.back();
      const bool quiet_repeat = primary.empty() && cur.msg.empty() && e.step == cur.step && e.kind != "fault" &&
                                m.events[cur.first].kind != "fault";
      fresh = primary != cur.msg || e.step > cur.step || (e.kind == "fault") != (prev.kind == "fault") ||
              (e.time_us - prev.time_us >= 1'000'000 && !quiet_repeat);
    }
    if (fresh) m.segments.push_back(Segment{i, i, e.step, primary});
    m.segments.back().last = i;
  }
  return m;
}

}  // namespace mailsim::viz
