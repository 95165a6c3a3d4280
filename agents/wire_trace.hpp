#pragma once
// Sends a protocol core's output on a simulated socket and records each line in the
// trace: one place where wire bytes and trace lines are made, so they always agree.
#include <string>
#include <vector>

#include "agents/context.hpp"

namespace mailsim::agents {

struct WireParty {
  sim::Actor self, peer;
  sim::Step step = sim::Step::Submit;
  std::string protocol;
  sim::Direction direction = sim::Direction::Request;
  std::string msg;
  std::uint64_t conn = 0;
};

std::string describe_content(std::string_view text);

// Alert for a reply line: SMTP 4xx/5xx, POP3 -ERR.
sim::Alert smtp_alert(int code);

// Output is any core output type with `kind` (Line or Content), `text` and maybe `code`.
template <class Output>
void send_outputs(Context& ctx, sim::SocketId socket, const WireParty& p, const std::vector<Output>& outs) {
  std::string bytes;
  for (const auto& o : outs) {
    sim::TraceEvent e;
    e.time = ctx.engine.now();
    e.step = p.step;
    e.actor = p.self;
    e.peer = p.peer;
    e.protocol = p.protocol;
    e.direction = p.direction;
    e.msg = p.msg;
    e.conn = p.conn;
    if (o.kind == Output::Kind::Line) {
      e.kind = sim::TraceKind::Line;
      e.line = o.text;
      if constexpr (requires { o.code; }) {
        if (o.code) {
          e.code = o.code;
          e.alert = smtp_alert(o.code);
        }
      } else {
        if (o.text.rfind("-ERR", 0) == 0) e.alert = sim::Alert::Transient;
      }
      bytes += o.text;
      bytes += "\r\n";
    } else {
      e.kind = sim::TraceKind::Content;
      e.line = describe_content(o.text);
      e.text = o.text;
      bytes += o.text;
    }
    ctx.trace.add(std::move(e));
  }
  if (!bytes.empty()) ctx.transport.send(socket, bytes);
}

void trace_note(Context& ctx, sim::Step step, const sim::Actor& actor, const std::string& msg, std::string text,
                sim::Alert alert = sim::Alert::None);

}  // namespace mailsim::agents
