#pragma once
// The trace: every protocol line as sent, every message body sent, every agent action and
// fault, in simulated-time order. See docs/trace-format.md. Agents append; the CLI writes.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

#include "sim/time.hpp"

namespace mailsim::sim {

enum class Step : std::uint8_t { Compose = 1, Submit = 2, Relay = 3, Accept = 4, Deliver = 5, Retrieve = 6 };
enum class TraceKind : std::uint8_t { Line, Content, Note, Fault };
enum class Direction : std::uint8_t { None, Request, Response };
enum class Alert : std::uint8_t { None, Transient, Permanent };

struct Actor {
  std::string agent;  // MUA, MSA, MTA, MDA, POP3, DNS, NET
  std::string host;
  bool operator==(const Actor&) const = default;
};

struct TraceEvent {
  Time time = 0;
  Step step = Step::Compose;
  TraceKind kind = TraceKind::Note;
  Actor actor;
  std::optional<Actor> peer;
  std::string protocol;  // SMTP, ESMTP, POP3, DNS, local, net
  Direction direction = Direction::None;
  std::string line;
  std::string text;  // Content only
  std::string msg;   // scenario message id, or empty
  std::uint64_t conn = 0;
  Alert alert = Alert::None;
  int code = 0;
};

class Trace {
 public:
  // With content off, bodies are not kept (large runs); their description line stays.
  explicit Trace(bool enabled = true, bool keep_content = true) : enabled_(enabled), keep_content_(keep_content) {}
  bool enabled() const { return enabled_; }
  void add(TraceEvent e);
  const std::vector<TraceEvent>& events() const { return events_; }
  // Live listeners (narration, live mode logging) see each event as it is added.
  void subscribe(std::function<void(const TraceEvent&)> listener) { listeners_.push_back(std::move(listener)); }

  // Which scenario message a connection carries, so that both ends can tag their lines.
  void tag_connection(std::uint64_t conn, const std::string& msg) { conn_msg_[conn] = msg; }
  std::string message_of_connection(std::uint64_t conn) const;
  // Tags the events of a connection that carry no message yet (a POP3 session learns which
  // message it carried only once the content has been parsed).
  void backfill_message(std::uint64_t conn, const std::string& msg);

  nlohmann::json events_json() const;

 private:
  bool enabled_;
  bool keep_content_;
  std::vector<TraceEvent> events_;
  std::vector<std::function<void(const TraceEvent&)>> listeners_;
  std::unordered_map<std::uint64_t, std::string> conn_msg_;
  std::unordered_map<std::uint64_t, std::size_t> conn_first_;  // index of a connection's first event
};

nlohmann::json to_json(const TraceEvent& e, std::uint64_t seq);
const char* step_name(Step s);

}  // namespace mailsim::sim
