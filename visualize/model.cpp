#include "visualize/model.hpp"

#include <algorithm>
#include <set>
#include <unordered_set>

#include "agents/trace/vocabulary.hpp"

namespace mailsim::viz {

using nlohmann::json;

const Host* Model::host(const std::string& name) const {
  for (const Host& h : hosts)
    if (h.name == name) return &h;
  return nullptr;
}

const MessageInfo* Model::message(const std::string& id) const {
  for (const MessageInfo& m : messages)
    if (m.id == id) return &m;
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
  ev.step = e["step"].is_number_integer() ? e["step"].get<int>() : 0;
  ev.kind = e["kind"].get<std::string>();
  if (e["msg"].is_string()) ev.msg = e["msg"].get<std::string>();
  ev.actor = party(e["actor"]);
  if (e["conn"].is_number_integer()) ev.conn = e["conn"].get<std::int64_t>();
  if (auto it = e.find("alert"); it != e.end()) ev.alert = it->get<std::string>();
  if (ev.kind == "fact") {
    ev.fact = e["fact"].get<std::string>();
    ev.data = trace::read_fact(ev.fact, e["data"]);  // validated before
    return ev;
  }
  ev.protocol = e["protocol"].get<std::string>();
  if (e["direction"].is_string()) ev.direction = e["direction"].get<std::string>();
  ev.line = e["line"].get<std::string>();
  if (e["peer"].is_object()) {
    ev.peer = party(e["peer"]);
    ev.has_peer = true;
  }
  if (auto it = e.find("text"); it != e.end()) ev.text = &it->get_ref<const std::string&>();
  if (auto it = e.find("octets"); it != e.end()) ev.octets = it->get<std::int64_t>();
  if (auto it = e.find("lines"); it != e.end()) ev.lines = it->get<std::int64_t>();
  if (auto it = e.find("code"); it != e.end()) ev.code = it->get<int>();
  return ev;
}

int participant(Model& m, std::map<std::string, int>& index, const Party& p) {
  auto [it, fresh] = index.emplace(p.label(), static_cast<int>(m.participants.size()));
  if (fresh) m.participants.push_back(p);
  return it->second;
}

int step_of(BeatKind k) {
  switch (k) {
    case BeatKind::Compose: return 1;
    case BeatKind::Submit: return 2;
    case BeatKind::Relay: return 3;
    case BeatKind::Deliver: return 5;
    case BeatKind::Retrieve:
    case BeatKind::PollEmpty:
    case BeatKind::PollFailed: return 6;
    default: return 0;
  }
}

// Cuts the events into beats (see model.hpp). One pass in seq order; polls are folded after.
class BeatBuilder {
 public:
  explicit BeatBuilder(Model& m) : m_(m) {}

  void run() {
    m_.beat_of.assign(m_.events.size(), -1);
    for (std::size_t i = 0; i < m_.events.size(); ++i) place(i);
    place_faults();
    classify_polls();
    fold_polls();
    for (std::size_t b = 0; b < m_.beats.size(); ++b)
      for (std::size_t i : m_.beats[b].events) m_.beat_of[i] = static_cast<int>(b);
    for (Beat& b : m_.beats) {
      std::set<std::string> seen;
      for (std::size_t i : b.events)
        for (const auto& id : m_.msgs[i])
          if (seen.insert(id).second) b.msgs.push_back(id);
    }
  }

 private:
  using Key = std::pair<std::string, std::string>;  // message, host

  int open(BeatKind kind, std::size_t i) {
    Beat b;
    b.kind = kind;
    b.step = step_of(kind);
    m_.beats.push_back(std::move(b));
    return join(static_cast<int>(m_.beats.size()) - 1, i);
  }
  int join(int beat, std::size_t i) {
    m_.beats[beat].events.push_back(i);
    const Ev& e = m_.events[i];
    if (e.conn >= 0 && !conn_beat_.count(e.conn)) conn_beat_[e.conn] = beat;
    return beat;
  }
  // The beat the sending MTA is telling for this message now, if any.
  int relay_for(const std::string& msg, const std::string& host) const {
    auto it = relay_.find({msg, host});
    return it == relay_.end() ? -1 : it->second;
  }

  void place(std::size_t i) {
    const Ev& e = m_.events[i];
    if (e.is_fault()) {
      faults_.push_back(i);  // placed once every beat is known
      return;
    }
    if (e.conn >= 0) {
      if (auto it = conn_beat_.find(e.conn); it != conn_beat_.end()) {
        join(it->second, i);
        return;
      }
    }
    const std::string& host = e.actor.host;
    if (e.is_fact()) {
      if (e.as<trace::Composed>()) {
        open(BeatKind::Compose, i);
        return;
      }
      if (const auto* a = e.as<trace::RelayAttempt>()) {
        // One queue round sends to every destination domain at once: one beat tells it.
        const int b = relay_for(e.msg, host);
        const auto* open_attempt = b >= 0 ? m_.events[m_.beats[b].first()].as<trace::RelayAttempt>() : nullptr;
        const bool same_round = open_attempt && open_attempt->queue_id == a->queue_id && open_attempt->attempt == a->attempt;
        relay_[{e.msg, host}] = same_round ? join(b, i) : open(BeatKind::Relay, i);
        last_[{e.msg, host}] = relay_[{e.msg, host}];
        return;
      }
      if (e.as<trace::MxAnswer>() || e.as<trace::MxFailed>() || e.as<trace::Connecting>()) {
        const int b = relay_for(e.msg, host);
        last_[{e.msg, host}] = b >= 0 ? join(b, i) : open(BeatKind::Relay, i);
        return;
      }
      if (e.as<trace::Delivered>() || e.as<trace::DeliveryFailed>()) {
        auto it = last_.find({e.msg, host});
        const bool recent = it != last_.end() && m_.beats[it->second].kind == BeatKind::Deliver &&
                            e.time_us - m_.events[m_.beats[it->second].last()].time_us < 1'000'000;
        last_[{e.msg, host}] = recent ? join(it->second, i) : open(BeatKind::Deliver, i);
        return;
      }
      if (e.as<trace::Deferred>() || e.as<trace::Failed>() || e.as<trace::Expired>() ||
          e.as<trace::BounceCreated>() || e.as<trace::BounceDiscarded>()) {
        // The queue's decision ends the story of this attempt: it joins the beat that
        // told the attempt (a relay, or a delivery into a local mailbox).
        auto it = last_.find({e.msg, host});
        if (it != last_.end()) {
          join(it->second, i);
        } else {
          last_[{e.msg, host}] = open(e.step == 5 ? BeatKind::Deliver : BeatKind::Relay, i);
        }
        return;
      }
      if (e.as<trace::SubmissionFailed>() || e.as<trace::LiveMessage>()) {
        open(BeatKind::Submit, i);
        return;
      }
      if (e.step == 6) {
        open(BeatKind::Retrieve, i);
        return;
      }
      open(e.step == 2 ? BeatKind::Submit : e.step == 5 ? BeatKind::Deliver : BeatKind::Relay, i);
      return;
    }
    // A line or content of a session not seen yet.
    if (e.protocol == "DNS") {
      const std::string& mta = e.request() ? host : e.peer.host;
      const int b = relay_for(e.msg, mta);
      if (b >= 0)
        join(b, i);
      else
        open(BeatKind::Relay, i);
      return;
    }
    open(e.step == 2 ? BeatKind::Submit : e.step == 6 ? BeatKind::Retrieve : BeatKind::Relay, i);
  }

  // A fault that strikes in the middle of a story (a server crashing during a session it
  // serves) is told inside that story, at its moment; any other fault is a beat of its own.
  void place_faults() {
    for (std::size_t f : faults_) {
      const Ev& e = m_.events[f];
      std::vector<std::string> hosts;
      if (const auto* d = e.as<trace::HostDown>()) hosts = {d->host};
      if (const auto* d = e.as<trace::LinkDown>()) hosts = {d->link[0], d->link[1]};
      int into = -1;
      for (std::size_t b = 0; b < m_.beats.size() && into < 0 && !hosts.empty(); ++b) {
        const Beat& beat = m_.beats[b];
        if (beat.kind == BeatKind::Retrieve || beat.first() > f || beat.last() < f) continue;
        for (std::size_t i : beat.events) {
          const Ev& x = m_.events[i];
          if (std::find(hosts.begin(), hosts.end(), x.actor.host) != hosts.end() ||
              (x.has_peer && std::find(hosts.begin(), hosts.end(), x.peer.host) != hosts.end())) {
            into = static_cast<int>(b);
            break;
          }
        }
      }
      if (into >= 0) {
        auto& ev = m_.beats[into].events;
        ev.insert(std::upper_bound(ev.begin(), ev.end(), f), f);
      } else {
        open(BeatKind::Fault, f);
      }
    }
    std::stable_sort(m_.beats.begin(), m_.beats.end(), [](const Beat& a, const Beat& b) { return a.first() < b.first(); });
  }

  // A mailbox check that found mail is a retrieval; one that found nothing or failed is a
  // poll, which folds with its neighbours.
  void classify_polls() {
    for (Beat& b : m_.beats) {
      if (b.kind != BeatKind::Retrieve) continue;
      bool found = false, empty = false, failed = false;
      for (std::size_t i : b.events) {
        const Ev& e = m_.events[i];
        found |= e.as<trace::LocalCopyKept>() || e.as<trace::Retrieved>();
        empty |= e.as<trace::PollEmpty>() != nullptr;
        failed |= e.as<trace::PollFailed>() != nullptr;
      }
      if (!found && failed) b.kind = BeatKind::PollFailed;
      else if (!found && empty) b.kind = BeatKind::PollEmpty;
    }
  }

  void fold_polls() {
    std::vector<Beat> out;
    for (Beat& b : m_.beats) {
      const bool poll = b.kind == BeatKind::PollEmpty || b.kind == BeatKind::PollFailed;
      if (poll && !out.empty() && out.back().kind == b.kind) {
        Beat& into = out.back();
        into.events.insert(into.events.end(), b.events.begin(), b.events.end());
        std::sort(into.events.begin(), into.events.end());
        into.folded += b.folded;
        continue;
      }
      out.push_back(std::move(b));
    }
    m_.beats = std::move(out);
  }

  Model& m_;
  std::map<std::int64_t, int> conn_beat_;
  std::map<Key, int> relay_;  // open relay beat per (message, sending MTA)
  std::map<Key, int> last_;   // last relay or delivery beat per (message, host)
  std::vector<std::size_t> faults_;
};

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
  for (const json& msg : trace["messages"]) {
    MessageInfo info;
    info.id = msg["id"].get<std::string>();
    info.from = msg.value("from", std::string());
    info.subject = msg.value("subject", std::string());
    if (msg.contains("message_id") && msg["message_id"].is_string()) info.message_id = msg["message_id"].get<std::string>();
    for (const json& t : msg["to"]) info.to.push_back(t.get<std::string>());
    m.messages.push_back(std::move(info));
  }
  const json& evs = trace["events"];
  m.events.reserve(evs.size());
  for (const json& e : evs) m.events.push_back(to_ev(e));

  // Messages born during the run, announced by facts (an index: traffic makes many).
  std::unordered_set<std::string> known;
  for (const MessageInfo& info : m.messages) known.insert(info.id);
  for (const Ev& e : m.events) {
    if (const auto* b = e.as<trace::BounceCreated>(); b && known.insert(b->dsn).second) {
      m.messages.push_back(MessageInfo{b->dsn, "", b->subject, b->message_id, {b->to}, "bounce", b->of});
    } else if (const auto* l = e.as<trace::LiveMessage>(); l && known.insert(l->id).second) {
      m.messages.push_back(MessageInfo{l->id, l->from, l->subject, l->message_id, l->to, "live", ""});
    } else if (const auto* c = e.as<trace::Composed>(); c && !e.msg.empty() && known.insert(e.msg).second) {
      // Generated traffic: a message the header could not list comes to exist when composed.
      m.messages.push_back(MessageInfo{e.msg, c->from, c->subject, c->message_id, c->to, "scenario", ""});
    }
  }

  // Lifelines: a line goes from its actor to its peer; a fact sits on its actor's
  // lifeline; faults span the whole diagram and get none.
  std::map<std::string, int> index;
  m.from.assign(m.events.size(), -1);
  m.to.assign(m.events.size(), -1);
  for (std::size_t i = 0; i < m.events.size(); ++i) {
    const Ev& e = m.events[i];
    if (e.is_fault()) continue;
    m.from[i] = participant(m, index, e.actor);
    if (e.has_peer) m.to[i] = participant(m, index, e.peer);
  }

  // The messages of each event: its own, a DSN's id on the fact that created it, and for
  // session lines without one (a greeting, a POP3 login) those of their connection.
  std::map<std::int64_t, std::vector<std::string>> conn_msgs;
  std::vector<std::vector<std::string>> own(m.events.size());
  for (std::size_t i = 0; i < m.events.size(); ++i) {
    const Ev& e = m.events[i];
    if (!e.msg.empty()) own[i].push_back(e.msg);
    if (const auto* b = e.as<trace::BounceCreated>()) own[i].push_back(b->dsn);
    if (e.conn >= 0)
      for (const auto& id : own[i]) {
        auto& v = conn_msgs[e.conn];
        if (std::find(v.begin(), v.end(), id) == v.end()) v.push_back(id);
      }
  }
  m.msgs.resize(m.events.size());
  for (std::size_t i = 0; i < m.events.size(); ++i) {
    const Ev& e = m.events[i];
    if (!own[i].empty())
      m.msgs[i] = own[i];
    else if (auto it = conn_msgs.find(e.conn); e.conn >= 0 && it != conn_msgs.end())
      m.msgs[i] = it->second;
  }

  BeatBuilder(m).run();
  return m;
}

}  // namespace mailsim::viz
