#pragma once
// Checking a trace against docs/trace-format.md, and cutting it down to one message.
#include <string>

#include <nlohmann/json.hpp>

#include "visualize/visualize.hpp"

namespace mailsim::viz {

// Throws TraceError naming the first offending place by its JSON pointer
// ("/events/3/actor/host: unknown host \"x\""). Every message id an event names must be
// listed in messages or brought into being by a fact (composed, bounce_created, live_message).
void validate(const nlohmann::json& trace);

// The trace restricted to message `id`: its events, the session lines around them (greeting,
// QUIT: same connection, msg null) and the faults that happened before it was done.
// Throws TraceError when no message has that id.
nlohmann::json filter_message(const nlohmann::json& trace, const std::string& id);

}  // namespace mailsim::viz
