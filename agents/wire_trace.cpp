#include "agents/wire_trace.hpp"

#include <algorithm>

namespace mailsim::agents {

std::int64_t content_lines(std::string_view text) { return std::count(text.begin(), text.end(), '\n'); }

// The content's `line` in the trace: a short description for tools that only print lines;
// renderers use the numbers (octets, lines) and their own words.
std::string describe_content(std::string_view text) {
  return "[message content: " + std::to_string(text.size()) + " octets, " + std::to_string(content_lines(text)) +
         " lines]";
}

trace::Alert smtp_alert(int code) {
  if (code >= 500) return trace::Alert::Permanent;
  if (code >= 400) return trace::Alert::Transient;
  return trace::Alert::None;
}

}  // namespace mailsim::agents
