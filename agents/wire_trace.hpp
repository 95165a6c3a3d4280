#pragma once
// Sends a protocol core's output on a simulated socket and records each line in the
// trace: one place where wire bytes and trace lines are made, so they always agree. And
// `state()`, the one way an agent states a fact.
#include <ranges>
#include <span>
#include <string>
#include <vector>

#include "agents/context.hpp"
#include "sim/line_reader.hpp"
#include "sim/text.hpp"

namespace mailsim::agents {

struct WireParty {
  trace::Actor self, peer;
  trace::Step step = trace::Step::Submit;
  trace::Protocol protocol = trace::Protocol::SMTP;
  trace::Direction direction = trace::Direction::Request;
  std::string msg;
  std::uint64_t conn = 0;
};

std::string describe_content(std::size_t octets, std::int64_t lines);
std::int64_t content_lines(std::string_view text);

// Alert for a reply line: SMTP 4xx/5xx.
trace::Alert smtp_alert(int code);

// Lines a real program sent (live mode), as the core of `p`'s side read them: nobody
// simulated sent them, so nobody else traces them. They are the peer's lines, in the other
// direction; an SMTP reply line carries its code, a POP3 -ERR its alert; lines longer than
// kMaxTraceLine octets are cut in the trace (never on the wire).
inline constexpr std::size_t kMaxTraceLine = 1000;
void trace_peer_lines(Context& ctx, const WireParty& p, const std::vector<Line>& lines);

// Output is any core output type with `kind` (Line or Content), `text` and maybe `code`.
template <class Outputs>  // a vector or a span of outputs
void trace_outputs(Context& ctx, const WireParty& p, const Outputs& outs) {
  using Output = std::ranges::range_value_t<Outputs>;
  if (!ctx.trace.wants_lines()) return;
  for (const auto& o : outs) {
    trace::TraceEvent e;
    e.time = ctx.engine.now();
    e.step = p.step;
    e.actor = p.self;
    e.peer = p.peer;
    e.protocol = p.protocol;
    e.direction = p.direction;
    e.msg = p.msg;
    e.conn = p.conn;
    if (o.kind == Output::Kind::Line) {
      e.kind = trace::Kind::Line;
      e.line = o.text;
      if constexpr (requires { o.code; }) {
        if (o.code) {
          e.code = o.code;
          e.alert = smtp_alert(o.code);
        }
      } else {
        if (o.text.rfind("-ERR", 0) == 0) e.alert = trace::Alert::Transient;
      }
    } else {
      e.kind = trace::Kind::Content;
      e.octets = static_cast<std::int64_t>(o.text.size());
      e.lines = content_lines(o.text);
      e.line = describe_content(o.text.size(), e.lines);
      e.text = o.text;
    }
    ctx.trace.add(std::move(e));
  }
}

template <class Output>
void send_outputs(Context& ctx, sim::SocketId socket, const WireParty& p, const std::vector<Output>& outs) {
  trace_outputs(ctx, p, outs);
  const std::string bytes = to_bytes(outs);  // smtp::to_bytes or pop3::to_bytes, found by ADL
  if (!bytes.empty()) ctx.transport.send(socket, bytes);
}

// States a fact, now, as `actor`, about message `msg` ("" for none).
inline void state(Context& ctx, const trace::Actor& actor, const std::string& msg, trace::Fact fact,
                  std::uint64_t conn = 0) {
  ctx.trace.add_fact(ctx.engine.now(), actor, msg, std::move(fact), conn);
}

// A reply as facts carry it.
template <class Reply>
trace::ReplyInfo reply_info(const Reply& r) {
  return trace::ReplyInfo{r.code, r.enhanced, r.summary()};
}

}  // namespace mailsim::agents
