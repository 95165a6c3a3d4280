#pragma once
// The scenario's structure is checked against scenarios/scenario.schema.json (built into the
// binary), so the schema editors use and the loader cannot disagree. valijson decides what
// is invalid; each failing place is then explained in words taken from the schema itself
// (titles, enums, bounds, property names for "did you mean").
#include <nlohmann/json.hpp>

#include "cli/lib/scenario_diag.hpp"

namespace mailsim::app {

const nlohmann::json& scenario_schema();
void check_scenario_schema(const nlohmann::json& doc, Diagnostics& diag);

}  // namespace mailsim::app
