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

// Colour of each step (1-6) and of failures, shared by the SVG export and the viewer.
const char* step_colour(int step);
inline constexpr const char* kFailureColour = "#c62828";

}  // namespace mailsim::viz
