#pragma once
// The trace: every protocol line as sent, every message body sent, and every typed fact an
// agent states, in simulated-time order, numbered by `seq`. It is append-only and it is not
// a channel between agents: observers (the ledger, a live log) read facts, a sink writes
// everything out as it happens, so memory does not grow with the length of a run.
#include <cstdint>
#include <functional>
#include <vector>

#include "agents/trace/event.hpp"

namespace mailsim::trace {

class TraceSink {
 public:
  virtual ~TraceSink() = default;
  virtual void write(const TraceEvent& e, std::uint64_t seq) = 0;
};

class Trace {
 public:
  // With content off, bodies are not kept (large runs); their description line stays.
  explicit Trace(bool keep_content = true) : keep_content_(keep_content) {}

  // Lines and contents are only worth building when someone records or watches them;
  // facts are always stated, because the ledger lives on them.
  bool wants_lines() const { return !sinks_.empty() || !listeners_.empty(); }
  void add_sink(TraceSink* sink) { sinks_.push_back(sink); }
  void set_keep_content(bool keep) { keep_content_ = keep; }

  // Facts get their step and alert from the vocabulary's rules here, the one place.
  void add(TraceEvent e);
  void add_fact(sim::Time time, const Actor& actor, const std::string& msg, Fact fact, std::uint64_t conn = 0);

  // Every fact, recorded or not (the ledger).
  void observe_facts(std::function<void(const TraceEvent&)> observer) { fact_observers_.push_back(std::move(observer)); }
  // Every event as it is added, with its seq (live logging, narration).
  void subscribe(std::function<void(const TraceEvent&, std::uint64_t)> l) { listeners_.push_back(std::move(l)); }

  std::uint64_t events_written() const { return next_seq_; }

 private:
  bool keep_content_;
  std::vector<TraceSink*> sinks_;
  std::vector<std::function<void(const TraceEvent&)>> fact_observers_;
  std::vector<std::function<void(const TraceEvent&, std::uint64_t)>> listeners_;
  std::uint64_t next_seq_ = 0;
};

}  // namespace mailsim::trace
