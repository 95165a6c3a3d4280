#pragma once
// The trace as the renderers see it: typed events (facts read back into their structs),
// lifelines ("agent@host" participants), the messages each event belongs to, and the story
// cut into beats. A beat is one thing the class is told: one session (a submission, one
// MTA-to-MTA hand-over with the receiving server's decisions, one mailbox check), one
// delivery, one fault. docs/trace-format.md states the step rule the beats follow.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "agents/trace/facts.hpp"

namespace mailsim::viz {

struct Party {
  std::string agent, host;
  std::string label() const { return agent + "@" + host; }
  bool operator==(const Party&) const = default;
};

struct Ev {
  std::int64_t seq = 0, time_us = 0;
  int step = 0;  // 1-6; 0 for faults
  std::string kind, protocol, direction, line, msg;  // direction/msg empty when null
  Party actor, peer;
  bool has_peer = false;
  const std::string* text = nullptr;  // content only; points into the trace json
  std::int64_t octets = 0, lines = 0;  // content only
  std::int64_t conn = -1;             // -1 when null
  std::string alert;                  // "", "transient", "permanent"
  int code = 0;                       // SMTP reply code or 0
  std::string fact;                   // the fact's name, for kind "fact"
  std::optional<trace::Fact> data;    // the fact, typed
  bool request() const { return direction == "request"; }
  bool response() const { return direction == "response"; }
  bool is_fact() const { return kind == "fact"; }
  bool is_fault() const { return is_fact() && step == 0; }
  template <class F>
  const F* as() const {
    return data ? std::get_if<F>(&*data) : nullptr;
  }
};

struct Host {
  std::string name, address, role, label;
  std::vector<std::string> services;
};

// Every message of the run: planned by the scenario, a DSN created by a server, or mail
// from a real client (live mode).
struct MessageInfo {
  std::string id, from, subject, message_id;
  std::vector<std::string> to;
  std::string kind = "scenario";  // scenario, bounce, live
  std::string of;                 // bounces: the message that failed
};

enum class BeatKind { Compose, Submit, Relay, Deliver, Retrieve, PollEmpty, PollFailed, Fault, Other };

struct Beat {
  BeatKind kind = BeatKind::Other;
  int step = 0;                      // the step it tells (0: a fault)
  std::vector<std::size_t> events;   // event indexes, in order (beats may interleave)
  std::vector<std::string> msgs;     // the messages it concerns
  int folded = 1;                    // polls folded into this beat (sessions)
  std::size_t first() const { return events.front(); }
  std::size_t last() const { return events.back(); }
};

struct Model {
  const nlohmann::json* trace = nullptr;
  std::vector<Ev> events;
  std::vector<Host> hosts;
  std::vector<MessageInfo> messages;
  std::vector<Party> participants;             // in order of first appearance
  std::vector<int> from, to;                   // per event: participant index (-1: none)
  std::vector<std::vector<std::string>> msgs;  // per event: the messages it belongs to
  std::vector<Beat> beats;                     // in order of their first event
  std::vector<int> beat_of;                    // per event: its beat
  std::map<std::string, std::string> host_domain;  // mail server -> the domain of its users

  const Host* host(const std::string& name) const;
  const MessageInfo* message(const std::string& id) const;
  // "example.org" for a host that serves users of example.org, else the host name minus its first label.
  std::string domain_of(const std::string& host) const;
};

// The trace must already be valid (validate()).
Model build_model(const nlohmann::json& trace);

}  // namespace mailsim::viz
