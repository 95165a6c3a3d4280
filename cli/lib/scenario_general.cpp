// Section parser: the scenario's own keys (name, description, start, seed, until, time_scale).
#include "cli/lib/scenario_sections.hpp"

namespace mailsim::app::detail {

void parse_general(const json& root, LoadContext& c) {
  Scenario& s = c.s;
  s.name = text(root, "name").value_or("");
  if (const json* d = member(root, "description")) {
    if (d->is_string()) s.description = {{"en", *d}};
    if (d->is_object()) {
      s.description = json::object();
      for (const char* lang : {"en", "es"})
        if (const auto t = text(*d, lang)) s.description[lang] = *t;
    }
  }
  if (const auto start = text(root, "start"); start && !c.diag.has_error_at("/start")) {
    if (const auto epoch = parse_rfc3339(*start)) s.start_epoch = *epoch;
    else c.diag.error("/start", quote_text(*start) + " is not a real date and time (from 1970 on)", "an RFC 3339 date and time such as \"2026-11-26T10:00:00Z\"");
  }
  if (const json* seed = member(root, "seed"); seed && !c.diag.has_error_at("/seed")) {
    if (seed->is_number_unsigned()) s.seed = seed->get<std::uint64_t>();
    else c.diag.error("/seed", "found the number " + seed->dump(), "a whole number from 0 to 18446744073709551615");
  }
  if (const auto until = duration(c, root, "until", "", s.until)) s.until = *until;
  if (const auto k = number(root, "time_scale"); k && *k > 0 && *k <= 1e6) s.time_scale = *k;
  if (const json* net = member(root, "network"))
    if (text(*net, "model").value_or("packets") == "lines") s.network_model = sim::NetworkModel::Lines;
}

}  // namespace mailsim::app::detail
