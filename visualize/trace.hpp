#pragma once
// Checking a trace against docs/trace-format.md, and cutting it down to one message.
#include <string>

#include <nlohmann/json.hpp>

#include "visualize/visualize.hpp"

namespace mailsim::viz {

// Throws TraceError naming the first offending place ("events[3].actor.host: unknown host \"x\"").
void validate(const nlohmann::json& trace);

// The trace restricted to message `id`: its events, the session lines around them (greeting,
// QUIT: same connection, msg null) and the faults that happened before it was done.
// Throws TraceError when no message has that id.
nlohmann::json filter_message(const nlohmann::json& trace, const std::string& id);

}  // namespace mailsim::viz
