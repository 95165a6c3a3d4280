#include <cmath>
#include <set>

#include "agents/trace/vocabulary.hpp"
#include "visualize/trace.hpp"

namespace mailsim::viz {
namespace {

using nlohmann::json;

// `where` is an RFC 6901 pointer ("/events/3/actor"); the keys of a trace need no escaping.
[[noreturn]] void fail(const std::string& where, const std::string& what) { throw TraceError(where, what); }

const json& field(const json& obj, const std::string& where, const char* key) {
  auto it = obj.find(key);
  if (it == obj.end()) fail(where, std::string("missing key \"") + key + "\"");
  return *it;
}

const std::string& str(const json& obj, const std::string& where, const char* key) {
  const json& v = field(obj, where, key);
  if (!v.is_string()) fail(where + "/" + key, "expected string");
  return v.get_ref<const std::string&>();
}

std::int64_t integer(const json& obj, const std::string& where, const char* key) {
  const json& v = field(obj, where, key);
  if (!v.is_number_integer()) fail(where + "/" + key, "expected integer");
  return v.get<std::int64_t>();
}

const json& array(const json& obj, const std::string& where, const char* key) {
  const json& v = field(obj, where, key);
  if (!v.is_array()) fail(where + "/" + key, "expected array");
  return v;
}

void one_of(const std::string& v, std::initializer_list<const char*> allowed, const std::string& where) {
  std::string list;
  for (const char* a : allowed) {
    if (v == a) return;
    list += list.empty() ? "" : ", ";
    list += a;
  }
  fail(where, "\"" + v + "\" is not one of " + list);
}

void check_party(const json& e, const std::string& where, const char* key, const std::set<std::string>& hosts,
                 bool nullable) {
  const json& p = field(e, where, key);
  const std::string at = where + "/" + key;
  if (p.is_null() && nullable) return;
  if (!p.is_object()) fail(at, nullable ? "expected object or null" : "expected object");
  const std::string& agent = str(p, at, "agent");
  one_of(agent, {"MUA", "MSA", "MTA", "MDA", "POP3", "DNS", "NET"}, at + "/agent");
  const std::string& h = str(p, at, "host");
  // The network itself states faults; every other actor is a host of the topology.
  if (!hosts.count(h) && !(agent == "NET" && h == "network")) fail(at + "/host", "unknown host \"" + h + "\"");
}

// Message ids that events may name: the scenario's, and those born during the run.
struct Names {
  std::set<std::string> hosts, messages;
};

void check_link(const trace::Link& link, const std::string& where, const Names& n) {
  for (std::size_t k = 0; k < link.size(); ++k)
    if (!n.hosts.count(link[k])) fail(where + "/" + std::to_string(k), "unknown host \"" + link[k] + "\"");
}

void check_fact(const json& e, const std::string& where, bool stepless, Names& n) {
  const std::string& name = str(e, where, "fact");
  trace::FactReadError err;
  const auto fact = trace::read_fact(name, field(e, where, "data"), &err);
  if (!fact) fail(where + (err.field == "fact" || err.field == "data" ? "/" : "/data/") + err.field, err.problem);
  const auto rule = trace::step_of(*fact);
  if (rule.has_value() == stepless || (rule && static_cast<int>(*rule) != e["step"].get<int>()))
    fail(where + "/step", "does not follow the step rule for \"" + name + "\"");
  const std::string data = where + "/data";
  if (const auto* f = std::get_if<trace::LinkDown>(&*fact)) check_link(f->link, data + "/link", n);
  if (const auto* f = std::get_if<trace::LinkUp>(&*fact)) check_link(f->link, data + "/link", n);
  if (const auto* f = std::get_if<trace::LinkLoss>(&*fact)) check_link(f->link, data + "/link", n);
  for (const std::string* h : {std::get_if<trace::HostDown>(&*fact) ? &std::get<trace::HostDown>(*fact).host : nullptr,
                               std::get_if<trace::HostUp>(&*fact) ? &std::get<trace::HostUp>(*fact).host : nullptr})
    if (h && !n.hosts.count(*h)) fail(data + "/host", "unknown host \"" + *h + "\"");
  // Messages that come to exist during the run: generated traffic, DSNs, real clients' mail.
  if (std::holds_alternative<trace::Composed>(*fact) && e["msg"].is_string()) n.messages.insert(e["msg"].get<std::string>());
  if (const auto* f = std::get_if<trace::BounceCreated>(&*fact)) n.messages.insert(f->dsn);
  if (const auto* f = std::get_if<trace::LiveMessage>(&*fact)) n.messages.insert(f->id);
}

void check_event(const json& e, std::size_t i, Names& n, std::int64_t& last_time) {
  const std::string where = "/events/" + std::to_string(i);
  if (!e.is_object()) fail(where, "expected object");
  if (integer(e, where, "seq") != static_cast<std::int64_t>(i))
    fail(where + "/seq", "expected " + std::to_string(i) + " (events are ordered by seq from 0)");
  const std::int64_t t = integer(e, where, "time_us");
  if (t < 0) fail(where + "/time_us", "expected a non-negative integer");
  if (t < last_time) fail(where + "/time_us", "goes back in time (" + std::to_string(t) + " < " +
                                                  std::to_string(last_time) + ")");
  last_time = t;
  const std::string& kind = str(e, where, "kind");
  one_of(kind, {"line", "content", "fact"}, where + "/kind");
  check_party(e, where, "actor", n.hosts, false);
  const json& step = field(e, where, "step");
  const bool stepless = step.is_null();
  if (!stepless && (!step.is_number_integer() || step.get<std::int64_t>() < 1 || step.get<std::int64_t>() > 6))
    fail(where + "/step", "expected integer 1-6 or null");
  const json& msg = field(e, where, "msg");
  if (!msg.is_null() && !msg.is_string()) fail(where + "/msg", "expected string or null");
  if (kind == "fact") {
    check_fact(e, where, stepless, n);
  } else {
    if (stepless) fail(where + "/step", "a " + kind + " belongs to a step");
    check_party(e, where, "peer", n.hosts, false);
    one_of(str(e, where, "protocol"), {"SMTP", "POP3", "DNS"}, where + "/protocol");
    const json& dir = field(e, where, "direction");
    if (!dir.is_null()) {
      if (!dir.is_string()) fail(where + "/direction", "expected string or null");
      one_of(dir.get<std::string>(), {"request", "response"}, where + "/direction");
    }
    str(e, where, "line");
    if (kind == "content") {
      str(e, where, "text");
      for (const char* size : {"octets", "lines"})
        if (integer(e, where, size) < 0) fail(where + "/" + size, "expected a non-negative integer");
    } else if (e.contains("text")) {
      fail(where + "/text", "only content events carry text");
    }
  }
  const json& conn = field(e, where, "conn");
  if (!conn.is_null() && !conn.is_number_integer()) fail(where + "/conn", "expected integer or null");
  if (const auto a = e.find("alert"); a != e.end()) {
    if (!a->is_string()) fail(where + "/alert", "expected string");
    one_of(a->get<std::string>(), {"transient", "permanent"}, where + "/alert");
  }
  if (const auto c = e.find("code"); c != e.end())
    if (!c->is_number_integer() || c->get<std::int64_t>() < 100 || c->get<std::int64_t>() > 599)
      fail(where + "/code", "expected integer 100-599");
}

}  // namespace

void validate(const json& trace) {
  if (!trace.is_object()) fail("", "expected a JSON object (a mailsim trace)");
  if (str(trace, "", "format") != "mailsim-trace") fail("/format", "expected \"mailsim-trace\"");
  if (integer(trace, "", "format_version") != trace::kFormatVersion)
    fail("/format_version", "expected " + std::to_string(trace::kFormatVersion) + " (this viewer reads version " +
                                std::to_string(trace::kFormatVersion) + ")");
  const json& sc = field(trace, "", "scenario");
  if (!sc.is_object()) fail("/scenario", "expected object");
  str(sc, "/scenario", "name");
  integer(trace, "", "start_epoch");
  const json& topo = field(trace, "", "topology");
  if (!topo.is_object()) fail("/topology", "expected object");
  Names names;
  const json& hs = array(topo, "/topology", "hosts");
  for (std::size_t i = 0; i < hs.size(); ++i) {
    const std::string where = "/topology/hosts/" + std::to_string(i);
    if (!hs[i].is_object()) fail(where, "expected object");
    const std::string& name = str(hs[i], where, "name");
    if (!names.hosts.insert(name).second) fail(where + "/name", "duplicate host \"" + name + "\"");
    str(hs[i], where, "address");
    one_of(str(hs[i], where, "role"), {"pc", "mailserver", "dns", "router", "relay"}, where + "/role");
    const json& svc = array(hs[i], where, "services");
    for (std::size_t k = 0; k < svc.size(); ++k)
      if (!svc[k].is_string()) fail(where + "/services/" + std::to_string(k), "expected string");
    if (const auto label = hs[i].find("label"); label != hs[i].end() && !label->is_string())
      fail(where + "/label", "expected string");
    if (const auto pos = hs[i].find("pos"); pos != hs[i].end()) {  // optional drawing hint (layout.hpp)
      const bool ok = pos->is_array() && pos->size() == 2 && (*pos)[0].is_number() && (*pos)[1].is_number() &&
                      std::fabs((*pos)[0].get<double>()) <= 100 && std::fabs((*pos)[1].get<double>()) <= 100;
      if (!ok) fail(where + "/pos", "expected [x, y]: two numbers between -100 and 100 (slots, rows)");
    }
  }
  const json& ls = array(topo, "/topology", "links");
  for (std::size_t i = 0; i < ls.size(); ++i) {
    const std::string where = "/topology/links/" + std::to_string(i);
    if (!ls[i].is_object()) fail(where, "expected object");
    for (const char* end : {"a", "b"})
      if (const std::string& h = str(ls[i], where, end); !names.hosts.count(h))
        fail(where + "/" + end, "unknown host \"" + h + "\"");
  }
  const json& users = array(trace, "", "users");
  for (std::size_t i = 0; i < users.size(); ++i) {
    const std::string where = "/users/" + std::to_string(i);
    if (!users[i].is_object()) fail(where, "expected object");
    str(users[i], where, "address");
    for (const char* key : {"host", "server"})
      if (const std::string& h = str(users[i], where, key); !names.hosts.count(h))
        fail(where + "/" + key, "unknown host \"" + h + "\"");
  }
  const json& msgs = array(trace, "", "messages");
  for (std::size_t i = 0; i < msgs.size(); ++i) {
    const std::string where = "/messages/" + std::to_string(i);
    if (!msgs[i].is_object()) fail(where, "expected object");
    if (!names.messages.insert(str(msgs[i], where, "id")).second) fail(where + "/id", "duplicate message id");
    str(msgs[i], where, "from");
    const json& to = array(msgs[i], where, "to");
    for (std::size_t k = 0; k < to.size(); ++k)
      if (!to[k].is_string()) fail(where + "/to/" + std::to_string(k), "expected string");
    str(msgs[i], where, "subject");
    if (const auto id = msgs[i].find("message_id"); id != msgs[i].end() && !id->is_string() && !id->is_null())
      fail(where + "/message_id", "expected string");
  }
  const json& evs = array(trace, "", "events");
  std::int64_t last_time = 0;
  for (std::size_t i = 0; i < evs.size(); ++i) check_event(evs[i], i, names, last_time);
  // After all events: a message may be named before the fact that brings it into being.
  for (std::size_t i = 0; i < evs.size(); ++i)
    if (const json& m = evs[i]["msg"]; m.is_string() && !names.messages.count(m.get_ref<const std::string&>()))
      fail("/events/" + std::to_string(i) + "/msg",
           "unknown message \"" + m.get<std::string>() + "\" (not in messages, and no fact brings it into being)");
  if (const auto sum = trace.find("summary"); sum != trace.end() && !sum->is_null() && !sum->is_object())
    fail("/summary", "expected object");
}

}  // namespace mailsim::viz
