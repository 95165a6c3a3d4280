#pragma once
// The renderers behind render(); each takes the model of an already validated (and, with
// --message, already filtered) trace.
#include <string>

#include "visualize/model.hpp"
#include "visualize/visualize.hpp"

namespace mailsim::viz {

std::string render_html(const Model&, const Options&);
std::string render_svg(const Model&, const Options&);
std::string render_mermaid(const Model&, const Options&);
std::string render_dot(const Model&, const Options&);
std::string render_text(const Model&, const Options&);

// Colour of each step (1-6) and of failures, shared by the SVG export and the viewer. A
// permanent failure (5xx, bounce) is red with a barred end and ✖; a transient one (4xx, the
// sender retries) amber with an open arrowhead and ↻: the lesson's main distinction gets
// colour, shape and sign, so it survives a grey printer and colour blindness.
const char* step_colour(int step);
inline constexpr const char* kFailureColour = "#c62828";
inline constexpr const char* kTransientColour = "#7c5700";
inline constexpr const char* kPermanentMark = "✖";
inline constexpr const char* kTransientMark = "↻";

}  // namespace mailsim::viz
