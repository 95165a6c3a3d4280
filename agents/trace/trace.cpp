#include "agents/trace/trace.hpp"

#include "agents/trace/vocabulary.hpp"

namespace mailsim::trace {

void Trace::add(TraceEvent e) {
  if (e.kind == Kind::Fact) {
    e.step = step_of(*e.fact);
    e.alert = alert_of(*e.fact);
    for (auto& o : fact_observers_) o(e);
  }
  if (!wants_lines()) return;
  if (!keep_content_) e.text.clear();
  const std::uint64_t seq = next_seq_++;
  for (auto& l : listeners_) l(e, seq);
  for (TraceSink* s : sinks_) s->write(e, seq);
}

void Trace::add_fact(sim::Time time, const Actor& actor, const std::string& msg, Fact fact, std::uint64_t conn) {
  TraceEvent e;
  e.kind = Kind::Fact;
  e.time = time;
  e.actor = actor;
  e.msg = msg;
  e.conn = conn;
  e.fact = std::move(fact);
  add(std::move(e));
}

}  // namespace mailsim::trace
