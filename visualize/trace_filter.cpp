#include <map>
#include <set>

#include "visualize/trace.hpp"

namespace mailsim::viz {

using nlohmann::json;

json filter_message(const json& trace, const std::string& id) {
  bool known = false;
  std::string ids;
  std::size_t count = 0;
  auto note_id = [&](const std::string& m) {
    known = known || m == id;
    // A load of 100,000 generated messages would make the error a page long: the first ones say enough.
    if (++count <= 20) ids += (ids.empty() ? "" : ", ") + m;
  };
  for (const json& m : trace["messages"]) note_id(m["id"].get<std::string>());
  const json& events = trace["events"];
  // Messages born during the run: DSNs and mail from real clients.
  auto born = [](const json& e) -> std::string {
    if (e["kind"] != "fact") return {};
    if (e["fact"] == "bounce_created") return e["data"]["dsn"].get<std::string>();
    if (e["fact"] == "live_message") return e["data"]["id"].get<std::string>();
    if (e["fact"] == "composed" && e["msg"].is_string()) return e["msg"].get<std::string>();  // generated traffic
    return {};
  };
  for (const json& e : events)
    if (const std::string b = born(e); !b.empty()) note_id(b);
  // A session line with msg null (greeting, QUIT) belongs to the messages of its connection.
  std::map<std::int64_t, std::set<std::string>> conn_msgs;
  std::int64_t first = -1, last = -1;
  for (const json& e : events) {
    if (!e["msg"].is_string()) continue;
    const std::string& m = e["msg"].get_ref<const std::string&>();
    if (e["conn"].is_number_integer()) conn_msgs[e["conn"].get<std::int64_t>()].insert(m);
    if (m == id) {
      known = true;
      if (first < 0) first = e["time_us"].get<std::int64_t>();
      last = e["time_us"].get<std::int64_t>();
    }
  }
  if (count > 20) ids += " … " + std::to_string(count) + " in all";
  if (!known) throw TraceError("message \"" + id + "\": not in this trace (messages: " + (ids.empty() ? "none" : ids) + ")");

  json out = json::object();
  for (auto it = trace.begin(); it != trace.end(); ++it) {
    if (it.key() == "events" || it.key() == "messages") continue;
    out[it.key()] = it.value();
  }
  out["messages"] = json::array();
  for (const json& m : trace["messages"])
    if (m["id"] == id) out["messages"].push_back(m);
  if (out.contains("summary") && out["summary"].is_object() && out["summary"].contains("bounces")) {
    json kept = json::array();
    for (const json& m : out["summary"]["bounces"])
      if (m.is_object() && m.value("id", std::string()) == id) kept.push_back(m);
    out["summary"]["bounces"] = kept;
  }
  out["events"] = json::array();
  for (const json& e : events) {
    bool keep = false;
    if (e["msg"].is_string()) {
      keep = e["msg"] == id || born(e) == id;
    } else if (e["conn"].is_number_integer()) {
      auto it = conn_msgs.find(e["conn"].get<std::int64_t>());
      keep = it != conn_msgs.end() && it->second.count(id);
    } else if (e["kind"] == "fact" && e["step"].is_null()) {
      const auto t = e["time_us"].get<std::int64_t>();
      keep = first >= 0 && t <= last;  // a fault before the message was done (a server already down)
    }
    if (keep) out["events"].push_back(e);
  }
  if (out.contains("summary") && out["summary"].is_object() && out["summary"].contains("messages")) {
    json kept = json::array();
    for (const json& m : out["summary"]["messages"])
      if (m.is_object() && m.value("id", std::string()) == id) kept.push_back(m);
    out["summary"]["messages"] = kept;
  }
  out["restricted_to"] = id;
  return out;
}

}  // namespace mailsim::viz
