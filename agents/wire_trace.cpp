#include "agents/wire_trace.hpp"

#include <algorithm>

namespace mailsim::agents {

std::string describe_content(std::string_view text) {
  const auto lines = std::count(text.begin(), text.end(), '\n');
  return "[message content: " + std::to_string(text.size()) + " octets, " + std::to_string(lines) + " lines]";
}

sim::Alert smtp_alert(int code) {
  if (code >= 500) return sim::Alert::Permanent;
  if (code >= 400) return sim::Alert::Transient;
  return sim::Alert::None;
}

void trace_note(Context& ctx, sim::Step step, const sim::Actor& actor, const std::string& msg, std::string text,
                sim::Alert alert) {
  sim::TraceEvent e;
  e.time = ctx.engine.now();
  e.step = step;
  e.kind = sim::TraceKind::Note;
  e.actor = actor;
  e.protocol = "local";
  e.line = std::move(text);
  e.msg = msg;
  e.alert = alert;
  ctx.trace.add(std::move(e));
}

}  // namespace mailsim::agents
