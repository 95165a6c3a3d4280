#pragma once
// Terminal narration of a run, step by step, protocol lines indented beneath.
#include <istream>
#include <ostream>

#include <nlohmann/json.hpp>

#include "visualize/visualize.hpp"

namespace mailsim::viz {

// With pause, waits for Enter on `in` between steps (prompt on out). Returns 0.
// Throws TraceError for an invalid trace. End of input on `pause_in` stops pausing.
int narrate(const nlohmann::json& trace, Lang, std::ostream& out, std::istream* pause_in);

}  // namespace mailsim::viz
