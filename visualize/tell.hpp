#pragma once
// Facts into words: one sentence per fact, a few per beat, all from the catalogue of the
// chosen language. Nothing here reads protocol lines for meaning; lines are only quoted.
#include <cstdint>
#include <string>
#include <vector>

#include "visualize/model.hpp"
#include "visualize/visualize.hpp"

namespace mailsim::viz {

// The sentence for one fact event.
std::string tell_fact(const Model& m, const Ev& e, Lang lang);
// The opening sentence of a beat (who connects to whom), or "" when its facts say it all.
std::string beat_opening(const Model& m, const Beat& b, Lang lang);
// Everything a beat says, opening and facts, as one paragraph (viewer captions).
std::string tell_beat(const Model& m, const Beat& b, Lang lang);
// "Paso 3 · Transferencia entre MTA".
std::string beat_title(const Model& m, const Beat& b, Lang lang);
// How a content event is described ("[message content: 812 octets, 17 lines]").
std::string describe_content(const Ev& e, Lang lang);
// What an event says in a one-line listing: a protocol line as sent, a content's
// description, or a fact's sentence.
std::string event_text(const Model& m, const Ev& e, Lang lang);

// Simulated time for people: "1 min 0,005 s" / "1 min 0.005 s".
std::string people_time(std::int64_t us, Lang lang);
// "a, b and c" / "a, b y c".
std::string list_words(const std::vector<std::string>& items, Lang lang);
// "1.044200s" / "1m00.000000s": the exact time, for tables of protocol lines.
std::string format_time(std::int64_t time_us);

}  // namespace mailsim::viz
