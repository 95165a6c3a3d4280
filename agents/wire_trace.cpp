#include "agents/wire_trace.hpp"

#include <algorithm>
#include <cstring>
#include <cctype>

namespace mailsim::agents {

// Counted eight octets at a time: a traced run counts the lines of every message it carries.
std::int64_t content_lines(std::string_view text) {
  constexpr std::uint64_t kLows = 0x7F7F7F7F7F7F7F7FULL;
  constexpr std::uint64_t kOnes = 0x0101010101010101ULL;
  std::int64_t n = 0;
  std::size_t i = 0;
  while (i + 8 <= text.size()) {
    // Per-octet counts (at most 31 words, so each stays below 32 and their sum below 256),
    // added up by one multiplication: no popcount instruction in the baseline x86-64.
    std::uint64_t counts = 0;
    for (int k = 0; k < 31 && i + 8 <= text.size(); ++k, i += 8) {
      std::uint64_t w;
      std::memcpy(&w, text.data() + i, 8);
      w ^= kOnes * '\n';  // LF octets become zero
      // The high bit of each octet that is exactly zero (no carries cross octets).
      counts += ~(((w & kLows) + kLows) | w | kLows) >> 7;
    }
    n += static_cast<std::int64_t>((counts * kOnes) >> 56);
  }
  return n + std::count(text.begin() + static_cast<std::ptrdiff_t>(i), text.end(), '\n');
}

// The content's `line` in the trace: a short description for tools that only print lines;
// renderers use the numbers (octets, lines) and their own words.
std::string describe_content(std::size_t octets, std::int64_t lines) {
  return "[message content: " + std::to_string(octets) + " octets, " + std::to_string(lines) + " lines]";
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
