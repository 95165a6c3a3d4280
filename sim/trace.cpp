#include "sim/trace.hpp"

namespace mailsim::sim {

void Trace::add(TraceEvent e) {
  if (!enabled_ && listeners_.empty()) return;
  if (!keep_content_) e.text.clear();
  for (auto& l : listeners_) l(e);
  if (!enabled_) return;
  if (e.conn) conn_first_.emplace(e.conn, events_.size());
  events_.push_back(std::move(e));
}

std::string Trace::message_of_connection(std::uint64_t conn) const {
  auto it = conn_msg_.find(conn);
  return it == conn_msg_.end() ? std::string() : it->second;
}

void Trace::backfill_message(std::uint64_t conn, const std::string& msg) {
  if (msg.empty()) return;
  conn_msg_[conn] = msg;
  auto first = conn_first_.find(conn);
  if (first == conn_first_.end()) return;
  for (std::size_t i = first->second; i < events_.size(); ++i)
    if (events_[i].conn == conn && events_[i].msg.empty()) events_[i].msg = msg;
}

const char* step_name(Step s) {
  switch (s) {
    case Step::Compose: return "compose";
    case Step::Submit: return "submit";
    case Step::Relay: return "relay";
    case Step::Accept: return "accept";
    case Step::Deliver: return "deliver";
    case Step::Retrieve: return "retrieve";
  }
  return "?";
}

namespace {
nlohmann::json actor_json(const Actor& a) {
  return nlohmann::json{{"agent", a.agent}, {"host", a.host}};
}
const char* kind_name(TraceKind k) {
  switch (k) {
    case TraceKind::Line: return "line";
    case TraceKind::Content: return "content";
    case TraceKind::Note: return "note";
    case TraceKind::Fault: return "fault";
  }
  return "note";
}
}  // namespace

nlohmann::json to_json(const TraceEvent& e, std::uint64_t seq) {
  // nlohmann::json sorts keys, which keeps the output byte-stable.
  nlohmann::json j;
  j["seq"] = seq;
  j["time_us"] = e.time;
  j["step"] = static_cast<int>(e.step);
  j["kind"] = kind_name(e.kind);
  j["actor"] = actor_json(e.actor);
  j["peer"] = e.peer ? actor_json(*e.peer) : nlohmann::json(nullptr);
  j["protocol"] = e.protocol;
  j["direction"] = e.direction == Direction::Request    ? nlohmann::json("request")
                   : e.direction == Direction::Response ? nlohmann::json("response")
                                                        : nlohmann::json(nullptr);
  j["line"] = e.line;
  if (e.kind == TraceKind::Content) j["text"] = e.text;
  j["msg"] = e.msg.empty() ? nlohmann::json(nullptr) : nlohmann::json(e.msg);
  j["conn"] = e.conn ? nlohmann::json(e.conn) : nlohmann::json(nullptr);
  if (e.alert != Alert::None) j["alert"] = e.alert == Alert::Transient ? "transient" : "permanent";
  if (e.code) j["code"] = e.code;
  return j;
}

nlohmann::json Trace::events_json() const {
  nlohmann::json arr = nlohmann::json::array();
  std::uint64_t seq = 0;
  for (const auto& e : events_) arr.push_back(to_json(e, seq++));
  return arr;
}

}  // namespace mailsim::sim
