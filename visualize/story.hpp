#pragma once
// One sentence (or two) per segment telling what happens in that step, built from the events
// themselves: who talks to whom, what the DNS answered, which reply decided the outcome.
#include <string>

#include "visualize/model.hpp"
#include "visualize/visualize.hpp"

namespace mailsim::viz {

std::string segment_sentence(const Model&, const Segment&, Lang);

// "1.044200s" / "1m00.000000s": simulated time for people.
std::string format_time(std::int64_t time_us);

}  // namespace mailsim::viz
