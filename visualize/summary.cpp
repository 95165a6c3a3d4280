#include "visualize/summary.hpp"

#include <cstdio>

#include "sim/terminal_text.hpp"
#include "visualize/catalogue.hpp"
#include "visualize/tell.hpp"

namespace mailsim::viz {

std::string terminal_safe(const std::string& text) { return text::terminal_safe(text); }

namespace {
using nlohmann::json;

std::string num(const json& j, const char* key) {
  const auto it = j.find(key);
  return it != j.end() && it->is_number() ? std::to_string(it->get<std::int64_t>()) : "0";
}
std::string str(const json& j, const char* key) {
  const auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}
bool has_time(const json& j, const char* key) {
  const auto it = j.find(key);
  return it != j.end() && it->is_number_integer() && it->get<std::int64_t>() >= 0;
}
std::string time_of(const json& j, const char* key, Lang L) { return people_time(j[key].get<std::int64_t>(), L); }

void print_recipients(const json& m, Lang L, std::ostream& out) {
  if (!m.contains("recipients") || !m["recipients"].is_array()) return;
  for (const json& r : m["recipients"]) {
    const std::string status = str(r, "status");
    std::string line = fill(phrase(L, "summary.rcpt"),
                            {{"address", str(r, "address")},
                             {"status", has_phrase(L, "status." + status) ? std::string(phrase(L, "status." + status)) : status}});
    if (status == "delivered" && has_time(r, "delivered_us"))
      line += fill(phrase(L, "summary.at"), {{"time", time_of(r, "delivered_us", L)}});
    if (status == "bounced" && has_time(r, "bounced_us"))
      line += fill(phrase(L, "summary.at"), {{"time", time_of(r, "bounced_us", L)}});
    if (has_time(r, "retrieved_us")) line += fill(phrase(L, "summary.retrieved"), {{"time", time_of(r, "retrieved_us", L)}});
    if (status == "queued" && has_time(r, "next_retry_us"))
      line += fill(phrase(L, "summary.next_retry"), {{"time", time_of(r, "next_retry_us", L)}});
    if (r.contains("duplicates")) line += fill(phrase(L, "summary.duplicates"), {{"n", num(r, "duplicates")}});
    // Why, when it did not arrive: the reply as the server said it (protocol text), or
    // the reason in words.
    if (status != "delivered") {
      std::string why = str(r, "detail");
      const std::string reason = str(r, "reason");
      if (why.empty() && !reason.empty() && has_phrase(L, "reason." + reason)) why = phrase(L, "reason." + reason);
      if (!why.empty()) line += fill(phrase(L, "summary.detail"), {{"detail", why}});
    }
    out << terminal_safe(line) << '\n';
  }
}
}  // namespace

std::string totals_line(const json& summary, Lang L) {
  const json& t = summary["totals"];
  std::string out = fill(phrase(L, "summary.totals"),
                         {{"submitted", num(t, "submitted")}, {"delivered", num(t, "delivered")},
                          {"bounced", num(t, "bounced")}, {"queued", num(t, "queued")},
                          {"rejected", num(t, "rejected")}, {"retrieved", num(t, "retrieved")}});
  // DSNs are mail too: how many were created, delivered and retrieved.
  const auto it = summary.find("bounces");
  if (it == summary.end() || !it->is_array() || it->empty()) return out;
  std::size_t delivered = 0, retrieved = 0;
  for (const json& b : *it)
    for (const json& r : b.value("recipients", json::array())) {
      delivered += str(r, "status") == "delivered";
      retrieved += has_time(r, "retrieved_us");
    }
  return out + "\n" + fill(phrase(L, "summary.dsn_totals"), {{"created", std::to_string(it->size())},
                                                             {"delivered", std::to_string(delivered)},
                                                             {"retrieved", std::to_string(retrieved)}});
}

void print_summary(const RunInfo& run, const json& summary, Lang L, std::ostream& out) {
  out << terminal_safe(fill(phrase(L, "summary.title"),
                            {{"version", run.version}, {"name", run.scenario}, {"seed", std::to_string(run.seed)},
                             {"events", std::to_string(run.events)}, {"end", people_time(run.end_us, L)}}))
      << '\n';
  auto each = [&](const char* list, bool bounce) {
    if (!summary.contains(list) || !summary[list].is_array()) return;
    for (const json& m : summary[list]) {
      if (bounce) {
        out << terminal_safe(fill(phrase(L, "summary.bounce"), {{"id", str(m, "id")}, {"of", str(m, "bounce_of")},
                                                                 {"server", str(m, "created_by")},
                                                                 {"subject", str(m, "subject")}}))
            << '\n';
        if (has_time(m, "composed_us"))
          out << fill(phrase(L, "summary.created"), {{"composed", time_of(m, "composed_us", L)}}) << '\n';
      } else {
        const std::string from = str(m, "from");
        out << terminal_safe(fill(phrase(L, "summary.message"),
                                  {{"id", str(m, "id")}, {"from", from.empty() ? "<>" : from}, {"subject", str(m, "subject")}}))
            << '\n';
        if (!has_time(m, "composed_us"))
          out << phrase(L, "summary.never_composed") << '\n';
        else
          out << fill(phrase(L, "summary.times"),
                      {{"composed", time_of(m, "composed_us", L)},
                       {"submitted", has_time(m, "submitted_us") ? time_of(m, "submitted_us", L) : std::string("—")}})
              << '\n';
      }
      print_recipients(m, L, out);
    }
  };
  each("messages", false);
  each("bounces", true);
  out << totals_line(summary, L) << '\n';
}

}  // namespace mailsim::viz
