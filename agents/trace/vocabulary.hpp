#pragma once
// The rules of the vocabulary, in one place: which step each event belongs to, which facts
// are failures, and how events are written to and read from JSON. docs/trace-format.md
// states the same rules for people; tests keep the two in step.
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json_fwd.hpp>

#include "agents/trace/event.hpp"
#include "agents/trace/json_writer.hpp"

namespace mailsim::trace {

inline constexpr int kFormatVersion = 2;

// The step rule for facts (lines take the step of their session, set by the agent that
// runs the session: submission 2, MTA to MTA 3, POP3 6, DNS 3). Faults: nullopt.
std::optional<Step> step_of(const Fact& f);
// Failures: 4xx-like facts are transient, 5xx-like permanent.
Alert alert_of(const Fact& f);

// Writes one event as a JSON object, keys in a fixed order (docs/trace-format.md).
void write_event(JsonWriter& w, const TraceEvent& e, std::uint64_t seq);
std::string event_json_text(const TraceEvent& e, std::uint64_t seq);

// Writes a fact's fields as a JSON object (the event's "data").
void write_fact_data(JsonWriter& w, const Fact& f);

// Reads a fact back from its name and data; nullopt when the name is unknown or a field has
// the wrong type (the message says which), so readers can refuse bad traces clearly.
struct FactReadError {
  std::string field;
  std::string problem;
};
std::optional<Fact> read_fact(std::string_view name, const nlohmann::json& data, FactReadError* error = nullptr);

std::optional<Agent> agent_from(std::string_view);
std::optional<Protocol> protocol_from(std::string_view);

// The JSON Schema (draft 2020-12) of a fact's "data", for every fact (used to generate and
// check docs/trace.schema.json).
nlohmann::json fact_data_schemas();
// The JSON Schema of a whole trace document (docs/trace.schema.json is this, written out).
nlohmann::json trace_schema();

}  // namespace mailsim::trace
