#pragma once
// The trace as the renderers see it: typed events, lifelines ("agent@host" participants),
// each event's messages (a greeting with msg null belongs to the message of its connection),
// and the trace cut into steps for narration and step-by-step playback.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace mailsim::viz {

struct Party {
  std::string agent, host;
  std::string label() const { return agent + "@" + host; }
  bool operator==(const Party&) const = default;
};

struct Ev {
  std::int64_t seq = 0, time_us = 0;
  int step = 1;
  std::string kind, protocol, direction, line, msg;  // direction/msg empty when null
  Party actor, peer;
  bool has_peer = false;
  const std::string* text = nullptr;  // content only; points into the trace json
  std::int64_t conn = -1;             // -1 when null
  std::string alert;                  // "", "transient", "permanent"
  int code = 0;                       // SMTP reply code or 0
  bool request() const { return direction == "request"; }
  bool response() const { return direction == "response"; }
};

struct Host {
  std::string name, address, role, label;
  std::vector<std::string> services;
};

// A run of events that tells one thing: one step of one message. A new segment starts at a
// later step, another message, or after a pause of a simulated second or more (a retry);
// events of an earlier step (the relay client's lines between the receiving MTA's replies,
// a QUIT that ends after the next step began) stay in the current segment.
struct Segment {
  std::size_t first = 0, last = 0;  // event indexes, inclusive
  int step = 1;
  std::string msg;
};

struct Model {
  const nlohmann::json* trace = nullptr;
  std::vector<Ev> events;
  std::vector<Host> hosts;
  std::vector<Party> participants;          // in order of first appearance
  std::vector<int> from, to;                // per event: participant index (-1: none)
  std::vector<std::vector<std::string>> msgs;  // per event: the messages it belongs to
  std::vector<Segment> segments;
  std::map<std::string, std::string> host_domain;  // mail server -> the domain of its users

  const Host* host(const std::string& name) const;
  const nlohmann::json* message(const std::string& id) const;
  // "example.org" for a host that serves users of example.org, else the host name minus its first label.
  std::string domain_of(const std::string& host) const;
};

// The trace must already be valid (validate()).
Model build_model(const nlohmann::json& trace);

}  // namespace mailsim::viz
