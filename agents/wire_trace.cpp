#include "agents/wire_trace.hpp"

#include <algorithm>
#include <cctype>

namespace mailsim::agents {

std::int64_t content_lines(std::string_view text) { return std::count(text.begin(), text.end(), '\n'); }

// The content's `line` in the trace: a short description for tools that only print lines;
// renderers use the numbers (octets, lines) and their own words.
std::string describe_content(std::string_view text) {
  return "[message content: " + std::to_string(text.size()) + " octets, " + std::to_string(content_lines(text)) +
         " lines]";
}

void trace_peer_lines(Context& ctx, const WireParty& p, const std::vector<Line>& lines) {
  if (!ctx.trace.wants_lines()) return;
  const bool reply = p.direction == trace::Direction::Request;  // we asked, the peer answers
  for (const Line& l : lines) {
    trace::TraceEvent e;
    e.time = ctx.engine.now();
    e.kind = trace::Kind::Line;
    e.step = p.step;
    e.actor = p.peer;
    e.peer = p.self;
    e.protocol = p.protocol;
    e.direction = reply ? trace::Direction::Response : trace::Direction::Request;
    e.msg = p.msg.empty() ? ctx.correlation.message_of_connection(p.conn) : p.msg;
    e.conn = p.conn;
    e.line = l.text.substr(0, kMaxTraceLine);
    if (l.overlong || l.text.size() > kMaxTraceLine)
      e.line += l.overlong ? " [... more octets on this line]"
                           : " [... " + std::to_string(l.text.size() - kMaxTraceLine) + " more octets on this line]";
    const std::string& t = l.text;
    const bool coded = t.size() >= 3 && std::isdigit(static_cast<unsigned char>(t[0])) &&
                       std::isdigit(static_cast<unsigned char>(t[1])) && std::isdigit(static_cast<unsigned char>(t[2]));
    if (reply && p.protocol == trace::Protocol::SMTP && coded) {
      e.code = std::stoi(t.substr(0, 3));
      e.alert = smtp_alert(e.code);
    } else if (reply && p.protocol == trace::Protocol::POP3 && t.rfind("-ERR", 0) == 0) {
      e.alert = trace::Alert::Transient;
    }
    ctx.trace.add(std::move(e));
  }
}

trace::Alert smtp_alert(int code) {
  if (code >= 500) return trace::Alert::Permanent;
  if (code >= 400) return trace::Alert::Transient;
  return trace::Alert::None;
}

}  // namespace mailsim::agents
