#pragma once
// The trace's vocabulary of events (docs/trace-format.md, format version 2): protocol
// lines and message contents as sent on the wire, and typed facts stated by the agent that
// decided. Mail words (steps, agent names) live here, not in sim/, which stays a
// mail-agnostic kernel.
#include <cstdint>
#include <optional>
#include <string>

#include "agents/trace/facts.hpp"
#include "sim/time.hpp"

namespace mailsim::trace {

// The six steps of the lesson. Faults belong to no step.
enum class Step : std::uint8_t { Compose = 1, Submit = 2, Relay = 3, Accept = 4, Deliver = 5, Retrieve = 6 };

enum class Agent : std::uint8_t { MUA, MSA, MTA, MDA, POP3, DNS, NET };
enum class Protocol : std::uint8_t { None, SMTP, POP3, DNS };
enum class Direction : std::uint8_t { None, Request, Response };
enum class Alert : std::uint8_t { None, Transient, Permanent };
enum class Kind : std::uint8_t { Line, Content, Fact };

struct Actor {
  Agent agent = Agent::MTA;
  std::string host;
  bool operator==(const Actor&) const = default;
};

struct TraceEvent {
  Kind kind = Kind::Fact;
  sim::Time time = 0;
  std::optional<Step> step;  // nullopt for faults
  Actor actor;
  std::optional<Actor> peer;  // lines and contents: who it was sent to
  Protocol protocol = Protocol::None;
  Direction direction = Direction::None;
  std::string line;  // Line: the text without CRLF; Content: a short description
  std::string text;  // Content only: the bytes as sent, dot-stuffed
  std::int64_t octets = 0, lines = 0;  // Content only: its size, kept when the text is not
  std::string msg;   // the message this event is about, or empty
  std::uint64_t conn = 0;  // the connection it travelled on (or the fact's session), 0 = none
  Alert alert = Alert::None;
  int code = 0;  // SMTP reply code on replies
  std::optional<Fact> fact;  // Fact only
};

const char* to_string(Agent);
const char* to_string(Protocol);
const char* to_string(Direction);
const char* to_string(Alert);
const char* to_string(Kind);
const char* step_name(Step);

}  // namespace mailsim::trace
