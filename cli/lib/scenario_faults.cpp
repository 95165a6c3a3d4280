// Section parser: /faults (links and hosts going down and up, packet loss).
#include "cli/lib/scenario_sections.hpp"

namespace mailsim::app::detail {

namespace {
bool on_host(FaultAction a) { return a == FaultAction::HostDown || a == FaultAction::HostUp; }

bool linked(const Scenario& s, const std::string& a, const std::string& b) {
  for (const auto& l : s.links)
    if ((l.a == a && l.b == b) || (l.a == b && l.b == a)) return true;
  return false;
}
}  // namespace

void parse_faults(const json& root, LoadContext& c) {
  const json* faults = member(root, "faults");
  if (!faults || !faults->is_array()) return;
  for (std::size_t i = 0; i < faults->size(); ++i) {
    const json& fj = (*faults)[i];
    const std::string p = index_ptr("/faults", i);
    FaultDef f;
    f.pointer = p;
    const auto at = duration(c, fj, "at", p, std::nullopt);
    const auto action = parse_fault_action(text(fj, "action").value_or(""));
    if (!at || !action) continue;
    f.at = *at;
    f.action = *action;
    if (on_host(f.action)) {
      if (member(fj, "link")) c.diag.error(p + "/link", "a host fault names a host, not a link", "\"host\": \"NAME\"");
      const auto h = text(fj, "host");
      if (!h || !c.need_host(*h, p + "/host")) continue;
      f.target = HostRef{*h};
    } else {
      if (member(fj, "host")) c.diag.error(p + "/host", "a link fault names a link, not a host", "\"link\": [\"A\", \"B\"]");
      const auto ends = texts(fj, "link", p);
      if (ends.size() != 2) continue;
      const bool first_known = c.need_host(ends[0].first, ends[0].second);
      const bool second_known = c.need_host(ends[1].first, ends[1].second);  // both reported
      if (!first_known || !second_known) continue;
      if (!linked(c.s, ends[0].first, ends[1].first)) {
        c.diag.error(p + "/link", "there is no link between " + quote_text(ends[0].first) + " and " + quote_text(ends[1].first),
                     "two hosts joined by a link in /links");
        continue;
      }
      f.target = LinkRef{ends[0].first, ends[1].first};
    }
    if (member(fj, "loss") && f.action != FaultAction::Loss)
      c.diag.error(p + "/loss", "\"loss\" goes with the action \"loss\" only", "no \"loss\" here");
    if (f.action == FaultAction::Loss) f.loss = number(fj, "loss").value_or(0.5);
    c.s.faults.push_back(f);
    if (member(fj, "for")) {
      // Shorthand: the matching "up" (or loss 0) after a duration.
      if (f.action == FaultAction::LinkUp || f.action == FaultAction::HostUp) {
        c.diag.error(p + "/for", "\"for\" undoes link-down, host-down or loss; " + std::string(to_string(f.action)) +
                                     " has nothing to undo",
                     "no \"for\" here");
        continue;
      }
      const auto length = duration(c, fj, "for", p, std::nullopt);
      if (!length) continue;
      FaultDef back = f;
      back.at = f.at + *length;  // both at most 100 years: no overflow
      back.action = f.action == FaultAction::LinkDown ? FaultAction::LinkUp
                    : f.action == FaultAction::HostDown ? FaultAction::HostUp
                                                        : FaultAction::Loss;
      back.loss = 0;
      c.s.faults.push_back(back);
    }
  }
}

}  // namespace mailsim::app::detail
