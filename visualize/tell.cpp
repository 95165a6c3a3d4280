#include "visualize/tell.hpp"

#include <cstdio>
#include <set>
#include <stdexcept>

#include "sim/time.hpp"
#include "visualize/catalogue.hpp"

namespace mailsim::viz {

std::string format_time(std::int64_t time_us) { return sim::format_duration(time_us); }

std::string people_time(std::int64_t us, Lang lang) {
  if (us < 0) us = 0;
  const std::int64_t h = us / 3'600'000'000, m = us / 60'000'000 % 60, frac = us % 60'000'000;
  std::string out;
  if (h) out += std::to_string(h) + " h";
  if (m || h) out += (out.empty() ? "" : " ") + std::to_string(m) + " min";
  if (frac || out.empty()) {
    // Milliseconds are enough for people from one second up; the tables of protocol
    // lines keep the microseconds.
    char buf[32];
    if (us >= 1'000'000) {
      const std::int64_t ms = (frac + 500) / 1000;
      std::snprintf(buf, sizeof buf, "%lld.%03lld", static_cast<long long>(ms / 1000), static_cast<long long>(ms % 1000));
    } else {
      std::snprintf(buf, sizeof buf, "%lld.%06lld", static_cast<long long>(frac / 1'000'000),
                    static_cast<long long>(frac % 1'000'000));
    }
    std::string s = buf;
    while (s.back() == '0') s.pop_back();
    if (s.back() == '.') s.pop_back();
    if (lang == Lang::Es)
      for (char& c : s)
        if (c == '.') c = ',';
    out += (out.empty() ? "" : " ") + s + " s";
  }
  return out;
}

std::string list_words(const std::vector<std::string>& items, Lang lang) {
  std::string out;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += i + 1 == items.size() ? " " + std::string(phrase(lang, "word.and")) + " " : ", ";
    out += items[i];
  }
  return out;
}

std::string describe_content(const Ev& e, Lang lang) {
  return fill(phrase(lang, "word.content"), {{"octets", std::to_string(e.octets)}, {"lines", std::to_string(e.lines)}});
}

std::string event_text(const Model& m, const Ev& e, Lang lang) {
  if (e.is_fact()) return tell_fact(m, e, lang);
  if (e.kind == "content") return describe_content(e, lang);
  return e.line;
}

namespace {

using Values = std::map<std::string, std::string>;

template <class... F>
struct Overload : F... {
  using F::operator()...;
};
template <class... F>
Overload(F...) -> Overload<F...>;

// Turns a fact's fields into placeholder values: text as it is, times for people, lists as
// words, enum values as catalogue words (filled last, so they may quote other fields).
struct Placeholders {
  Lang lang;
  Values values;
  std::vector<std::pair<std::string, std::string>> words;  // placeholder -> catalogue key

  template <class T>
  void operator()(const char* name, T& v) {
    put(name, v);
  }
  void put(const std::string& name, const std::string& v) { values[name] = v; }
  void put(const std::string& name, bool) { (void)name; }
  void put(const std::string& name, double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g", v);
    values[name] = buf;
  }
  void put(const std::string& name, std::int64_t v) {
    const bool time = name.size() > 3 && name.compare(name.size() - 3, 3, "_us") == 0;
    values[name] = time ? people_time(v, lang) : std::to_string(v);
  }
  void put(const std::string& name, int v) { put(name, static_cast<std::int64_t>(v)); }
  template <class E>
    requires std::is_enum_v<E>
  void put(const std::string& name, E v) {
    words.emplace_back(name, std::string(trace::EnumNames<E>::type) + "." + std::string(trace::enum_name(v)));
  }
  template <class T>
  void put(const std::string& name, const std::optional<T>& v) {
    if (v)
      put(name, *v);
    else
      values.emplace(name, "");
  }
  void put(const std::string& name, const std::vector<std::string>& v) { values[name] = list_words(v, lang); }
  void put(const std::string& name, const std::vector<trace::MtaRole>& v) {
    std::vector<std::string> w;
    for (auto r : v) w.push_back(std::string(phrase(lang, "mta_role." + std::string(trace::enum_name(r)))));
    values[name] = list_words(w, lang);
  }
  void put(const std::string& name, const std::vector<trace::Exchanger>& v) {
    std::vector<std::string> w;
    for (const auto& x : v)
      w.push_back(fill(phrase(lang, "word.exchanger"), {{"host", x.host}, {"preference", std::to_string(x.preference)}}));
    values[name] = list_words(w, lang);
  }
  void put(const std::string& name, const trace::ReplyInfo& r) {
    values[name] = r.text;
    values["code"] = std::to_string(r.code);
    values["enhanced"] = r.enhanced;
  }
  void put(const std::string&, const trace::Link& l) {
    values["a"] = l[0];
    values["b"] = l[1];
  }
  // Only the words the chosen template uses: they must exist in the catalogue.
  void resolve_words(std::string_view tpl) {
    const auto used = placeholders(tpl);
    for (const auto& [name, key] : words)
      if (std::find(used.begin(), used.end(), name) != used.end()) values[name] = fill(phrase(lang, key), values);
  }
};

std::string domain_of_address(const std::string& a) {
  const auto at = a.rfind('@');
  return at == std::string::npos ? a : a.substr(at + 1);
}

// Which template of a fact applies (the fact's own name, or one of its variants).
std::string key_of(const Model& m, const Ev& e) {
  using namespace trace;
  return std::visit(
      Overload{
          [](const SubmissionFailed& f) -> std::string { return f.net_error ? "submission_failed.net" : "submission_failed.reply"; },
          [](const RecipientChecked& f) -> std::string { return "recipient_checked." + std::string(enum_name(f.verdict)); },
          [](const MessageRefused& f) -> std::string { return "message_refused." + std::string(enum_name(f.reason)); },
          [](const RelayAttempt& f) -> std::string { return "relay_attempt." + std::string(enum_name(f.via)); },
          [](const MxAnswer& f) -> std::string {
            return f.implicit ? "mx_answer.implicit" : f.exchangers.size() == 1 ? "mx_answer.one" : "mx_answer.many";
          },
          [](const MxFailed& f) -> std::string { return "mx_failed." + std::string(enum_name(f.reason)); },
          [](const Connecting& f) -> std::string { return f.preference > 0 ? "connecting" : "connecting.direct"; },
          [](const ConnectionFailed& f) -> std::string {
            return f.next_host.empty() ? "connection_failed.last" : "connection_failed.next";
          },
          [](const TimedOut& f) -> std::string { return f.stage == Stage::Content ? "timed_out.content" : "timed_out.other"; },
          [](const Deferred& f) -> std::string {
            return f.local ? "deferred.local" : f.reply ? "deferred.reply" : f.net_error ? "deferred.net"
                                               : f.dns_error ? "deferred.dns" : "deferred.other";
          },
          [](const Failed& f) -> std::string {
            return f.problem ? "failed.local" : f.reply ? "failed.reply" : f.dns_error ? "failed.dns" : "failed.other";
          },
          [](const BounceCreated& f) -> std::string {
            return f.action == DsnAction::Delayed ? "bounce_created.delayed" : "bounce_created";
          },
          [](const BounceDiscarded& f) -> std::string {
            return f.not_requested ? "bounce_discarded.not_requested" : "bounce_discarded";
          },
          [](const MessageAccepted& f) -> std::string { return f.relay ? "message_accepted.relay" : "message_accepted"; },
          [](const DeliveryFailed& f) -> std::string { return "delivery_failed." + std::string(enum_name(f.problem)); },
          [&](const HostDown& f) -> std::string {
            const Host* h = m.host(f.host);
            return h && h->role != "pc" ? "host_down.server" : "host_down.other";
          },
          [&](const HostUp& f) -> std::string {
            const Host* h = m.host(f.host);
            return h && h->role != "pc" ? "host_up.server" : "host_up.other";
          },
          [](const LinkLoss& f) -> std::string { return f.loss > 0 ? "link_loss" : "link_loss.none"; },
          [](const AuthFailed& f) -> std::string {
            return std::string(f.pop3 ? "auth_failed.pop3" : "auth_failed.smtp") + (f.disconnect ? ".cut" : "");
          },
          [](const ClientThrottled& f) -> std::string { return "client_throttled." + std::string(enum_name(f.reason)); },
          [](const auto& f) -> std::string { return std::decay_t<decltype(f)>::name; },
      },
      *e.data);
}

Values values_of(const Ev& e, Lang lang, std::string_view tpl) {
  Placeholders p{lang, {}, {}};
  std::visit([&](const auto& f) { const_cast<std::decay_t<decltype(f)>&>(f).fields(p); }, *e.data);
  Values& v = p.values;
  v["actor_host"] = e.actor.host;
  v["msg"] = e.msg;
  // Computed words, where no field of the same name exists.
  v.emplace("agent", has_phrase(lang, "agent." + e.actor.agent) ? std::string(phrase(lang, "agent." + e.actor.agent))
                                                                 : e.actor.agent);
  v.emplace("server", fill(phrase(lang, e.actor.agent == "MSA" ? "server.MSA" : "server.MTA"), {{"host", e.actor.host}}));
  if (const auto* f = e.as<trace::RecipientChecked>()) v["rcpt_domain"] = domain_of_address(f->rcpt);
  if (const auto* f = e.as<trace::Composed>()) {
    v["recipients_word"] = phrase(lang, f->to.size() > 1 ? "recipients_word.many" : "recipients_word.one");
    v["attachments_text"] =
        f->attachments > 0
            ? fill(phrase(lang, f->attachments == 1 ? "composed.attachments.one" : "composed.attachments.many"),
                   {{"n", std::to_string(f->attachments)}})
            : "";
  }
  if (const auto* f = e.as<trace::LinkLoss>()) v["percent"] = std::to_string(static_cast<int>(f->loss * 100 + 0.5));
  if (const auto* f = e.as<trace::DeliveryFailed>())
    v["failure"] = phrase(lang, f->permanent ? "word.fails_permanent" : "word.fails_transient");
  p.resolve_words(tpl);
  return v;
}

}  // namespace

std::string tell_fact(const Model& m, const Ev& e, Lang lang) {
  if (!e.data) return {};
  const std::string_view tpl = phrase(lang, key_of(m, e));
  return fill(tpl, values_of(e, lang, tpl));
}

namespace {
// The first request line of a beat: who connected to whom.
const Ev* first_request(const Model& m, const Beat& b) {
  for (std::size_t i : b.events)
    if (m.events[i].request()) return &m.events[i];
  return nullptr;
}

template <class F>
std::vector<std::string> users_of(const Model& m, const Beat& b) {
  std::vector<std::string> users;
  for (std::size_t i : b.events)
    if (const auto* f = m.events[i].as<F>())
      if (std::find(users.begin(), users.end(), f->user) == users.end()) users.push_back(f->user);
  return users;
}
}  // namespace

std::string beat_opening(const Model& m, const Beat& b, Lang lang) {
  const Ev* req = first_request(m, b);
  const std::string times =
      b.folded > 1 ? fill(phrase(lang, "beat.times"), {{"n", std::to_string(b.folded)}}) : std::string();
  switch (b.kind) {
    case BeatKind::Submit:
      if (!req) return {};
      return say(lang, "beat.submit", {{"client", req->actor.host}, {"server", req->peer.host}});
    case BeatKind::Relay: {
      for (std::size_t i : b.events)
        if (m.events[i].as<trace::RelayAttempt>()) return {};  // it opens the story itself
      if (!req || req->protocol != "SMTP") return {};
      return say(lang, "beat.relay_inbound", {{"client", req->actor.host}, {"server", req->peer.host}});
    }
    case BeatKind::Retrieve:
      if (!req) return {};
      return say(lang, "beat.retrieve", {{"client", req->actor.host}, {"server", req->peer.host}});
    case BeatKind::PollEmpty: {
      const auto users = users_of<trace::PollEmpty>(m, b);
      return say(lang, users.size() > 1 ? "beat.poll_empty.many" : "beat.poll_empty",
                 {{"users", list_words(users, lang)}, {"times", times}});
    }
    case BeatKind::PollFailed: {
      const Ev* failed = nullptr;
      for (std::size_t i : b.events)
        if (m.events[i].as<trace::PollFailed>()) {
          failed = &m.events[i];
          break;
        }
      const auto* f = failed->as<trace::PollFailed>();
      const std::string problem =
          fill(phrase(lang, "poll_problem." + std::string(trace::enum_name(f->problem))), {{"reply", f->reply}});
      const auto users = users_of<trace::PollFailed>(m, b);
      return say(lang, users.size() > 1 ? "beat.poll_failed.many" : "beat.poll_failed",
                 {{"users", list_words(users, lang)}, {"times", times}, {"problem", problem}});
    }
    default:
      return {};
  }
}

std::string tell_beat(const Model& m, const Beat& b, Lang lang) {
  std::string out = beat_opening(m, b, lang);
  // A folded poll is told by its opening alone; its facts repeat it once per check.
  if (b.kind == BeatKind::PollEmpty || b.kind == BeatKind::PollFailed) return out;
  for (std::size_t i : b.events) {
    const Ev& e = m.events[i];
    if (!e.is_fact()) continue;
    const std::string s = tell_fact(m, e, lang);
    if (s.empty()) continue;
    out += (out.empty() ? "" : " ") + s;
  }
  return out;
}

std::string beat_title(const Model& m, const Beat& b, Lang lang) {
  bool accept = false;
  for (std::size_t i : b.events) accept |= m.events[i].step == 4;
  const std::string name(phrase(lang, b.kind == BeatKind::Relay && accept ? "step.3+4" : "step." + std::to_string(b.step)));
  if (b.step == 0) return name;
  return std::string(phrase(lang, "word.step")) + " " + std::to_string(b.step) + " · " + name;
}

}  // namespace mailsim::viz
