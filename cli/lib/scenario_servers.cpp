// Section parser: /servers (one provider's mail server each).
#include <algorithm>
#include <vector>

#include "cli/lib/scenario_sections.hpp"

namespace mailsim::app::detail {

namespace {

// A server time, scaled by time_scale when the world is built: both must stay far from overflow.
std::optional<sim::Time> scaled_duration(LoadContext& c, const json& obj, const char* key, const std::string& ptr,
                                         sim::Time def) {
  const auto d = duration(c, obj, key, ptr, def);
  if (!d) return std::nullopt;
  if (member(obj, key) && static_cast<double>(*d) * c.s.time_scale > static_cast<double>(kMaxSimTime)) {
    c.diag.error(ptr + "/" + key, shown(obj[key]) + " × time_scale " + json(c.s.time_scale).dump() +
                                      " passes 100 years of simulated time",
                 "a shorter time or a smaller time_scale");
    return std::nullopt;
  }
  return d;
}

void parse_retry(LoadContext& c, const json& rj, const std::string& rp, agents::RetryConfig& r) {
  using Schedule = agents::RetryConfig::Schedule;
  // Each schedule has its own knobs; without "schedule", the knobs given say which one.
  const std::vector<const char*> fixed_keys{"first", "interval", "backoff", "max_interval"};
  const std::vector<const char*> postfix_keys{"minimal_backoff", "maximal_backoff", "queue_run_delay"};
  const auto any_of = [&](const std::vector<const char*>& keys) {
    return std::any_of(keys.begin(), keys.end(), [&](const char* k) { return member(rj, k) != nullptr; });
  };
  const auto named = text(rj, "schedule");
  r.schedule = named ? (*named == "fixed" ? Schedule::Fixed : Schedule::Postfix)
                     : (any_of(fixed_keys) && !any_of(postfix_keys) ? Schedule::Fixed : Schedule::Postfix);
  // A knob of the other schedule would silently do nothing: say so.
  const bool fixed = r.schedule == Schedule::Fixed;
  for (const char* k : fixed ? postfix_keys : fixed_keys)
    if (member(rj, k))
      c.diag.error(rp + "/" + k,
                   std::string("\"") + k + "\" belongs to the " + (fixed ? "postfix" : "fixed") +
                       " retry schedule, but this one is " + (fixed ? "fixed" : "postfix"),
                   fixed ? "minimal_backoff, maximal_backoff and queue_run_delay need \"schedule\": \"postfix\""
                         : "first, interval, backoff and max_interval need \"schedule\": \"fixed\"");
  if (const auto v = scaled_duration(c, rj, "first", rp, r.first)) r.first = *v;
  if (const auto v = scaled_duration(c, rj, "interval", rp, r.interval)) r.interval = *v;
  if (const auto v = scaled_duration(c, rj, "max_interval", rp, r.max_interval)) r.max_interval = *v;
  if (const auto v = scaled_duration(c, rj, "minimal_backoff", rp, r.minimal_backoff)) r.minimal_backoff = *v;
  if (const auto v = scaled_duration(c, rj, "maximal_backoff", rp, r.maximal_backoff)) r.maximal_backoff = *v;
  if (const auto v = scaled_duration(c, rj, "queue_run_delay", rp, r.queue_run_delay)) r.queue_run_delay = *v;
  if (const auto v = scaled_duration(c, rj, "give_up", rp, r.give_up)) r.give_up = *v;
  if (const auto v = scaled_duration(c, rj, "delay_warning", rp, r.delay_warning)) r.delay_warning = *v;
  r.backoff = number(rj, "backoff").value_or(r.backoff);
  for (const char* k : {"first", "interval", "minimal_backoff", "queue_run_delay"}) {
    const std::string key = k;
    const sim::Time v = key == "first" ? r.first : key == "interval" ? r.interval
                      : key == "minimal_backoff" ? r.minimal_backoff : r.queue_run_delay;
    if (member(rj, k) && v <= 0 && !c.diag.has_error_at(rp + "/" + key))
      c.diag.error(rp + "/" + key, "a retry time of 0 would retry for ever at once", "more than 0, such as \"30m\"");
  }
  if (member(rj, "maximal_backoff") && r.maximal_backoff < r.minimal_backoff && !c.diag.has_error_at(rp + "/maximal_backoff"))
    c.diag.error(rp + "/maximal_backoff", "shorter than minimal_backoff", "at least minimal_backoff (default 300s)");
}

void parse_delivery(LoadContext& c, const json& dj, const std::string& dp, agents::DeliveryConfig& d) {
  d.initial_concurrency = static_cast<std::size_t>(whole(dj, "initial_concurrency", d.initial_concurrency, 1, 1000));
  d.concurrency_limit = static_cast<std::size_t>(whole(dj, "concurrency_limit", d.concurrency_limit, 1, 1000));
  d.recipient_limit = static_cast<std::size_t>(whole(dj, "recipient_limit", d.recipient_limit, 1, 100000));
  d.failed_cohort_limit = number(dj, "failed_cohort_limit").value_or(d.failed_cohort_limit);
  if (const auto v = scaled_duration(c, dj, "dead_pause", dp, d.dead_pause)) d.dead_pause = *v;
  if (d.initial_concurrency > d.concurrency_limit && member(dj, "initial_concurrency"))
    c.diag.error(dp + "/initial_concurrency", "more than concurrency_limit (" + std::to_string(d.concurrency_limit) + ")",
                 "at most concurrency_limit (default 20)");
  d.connection_reuse = boolean(dj, "connection_reuse").value_or(d.connection_reuse);
  if (const auto v = scaled_duration(c, dj, "connection_cache_time", dp, d.connection_cache_time))
    d.connection_cache_time = *v;
  if (const auto v = scaled_duration(c, dj, "connection_reuse_time_limit", dp, d.connection_reuse_time_limit))
    d.connection_reuse_time_limit = *v;
  d.connection_reuse_count_limit = static_cast<std::size_t>(
      whole(dj, "connection_reuse_count_limit", d.connection_reuse_count_limit, 0, 1000000));
  if (member(dj, "dead_pause") && d.dead_pause <= 0 && !c.diag.has_error_at(dp + "/dead_pause"))
    c.diag.error(dp + "/dead_pause", "a pause of 0 would try a dead destination again at once", "more than 0, such as \"300s\"");
}

void parse_policy(LoadContext& c, const json& pj, const std::string& pp, agents::PolicyConfig& pol) {
  if (const json* v = member(pj, "max_message_size"); v && !c.diag.has_error_at(pp + "/max_message_size")) {
    const auto size = parse_size(*v);
    if (!size || *size < 1024 || *size > (1ull << 34))
      c.diag.error(pp + "/max_message_size", "not a usable message size", "from 1024 octets to 16 GiB, such as \"10MiB\"");
    else
      pol.max_message_size = *size;
  }
  pol.max_recipients = static_cast<std::size_t>(whole(pj, "max_recipients", pol.max_recipients, 1, 100000));
  pol.greylisting = boolean(pj, "greylisting").value_or(false);
  if (const auto v = scaled_duration(c, pj, "greylist_delay", pp, pol.greylist_delay)) pol.greylist_delay = *v;
  pol.reject_subject = text(pj, "reject_subject").value_or("");
  pol.quota_full_is_permanent = text(pj, "quota_full").value_or("permanent") == "permanent";
  pol.reject_sender_login_mismatch = boolean(pj, "reject_sender_login_mismatch").value_or(true);
  pol.hopcount_limit = static_cast<int>(whole(pj, "hopcount_limit", pol.hopcount_limit, 1, 1000));
}

}  // namespace

void parse_servers(const json& root, LoadContext& c) {
  const json* servers = member(root, "servers");
  if (!servers || !servers->is_array()) return;
  std::vector<std::pair<std::size_t, std::string>> smarthosts;  // server index, pointer
  for (std::size_t i = 0; i < servers->size(); ++i) {
    const json& sj = (*servers)[i];
    const std::string p = index_ptr("/servers", i);
    const auto host = text(sj, "host");
    if (!host || !c.need_host(*host, p + "/host")) {
      c.broken_servers = true;
      continue;
    }
    if (c.server_index.count(*host)) {
      c.diag.error(p + "/host", "host " + quote_text(*host) + " already has a server entry", "one entry per host");
      c.broken_servers = true;
      continue;
    }
    agents::MailServerConfig cfg;
    cfg.host = *host;
    for (const auto& [d, dp] : texts(sj, "domains", p)) cfg.domains.push_back(lower(d));
    if (c.diag.has_error_at(p + "/domains")) c.broken_servers = true;
    for (const auto& [d, dp] : texts(sj, "relay_domains", p)) cfg.relay_domains.push_back(lower(d));
    for (const auto& [h, hp] : texts(sj, "relay_clients", p))
      if (c.need_host(h, hp)) cfg.relay_clients.push_back(h);
    if (member(sj, "services")) {
      cfg.smtp = cfg.submission = cfg.pop3 = false;
      for (const auto& [svc, sp] : texts(sj, "services", p)) {
        cfg.smtp |= svc == "smtp";
        cfg.submission |= svc == "submission";
        cfg.pop3 |= svc == "pop3";
      }
    }
    if (const auto sh = text(sj, "smarthost"); sh && c.need_host(*sh, p + "/smarthost")) {
      cfg.smarthost = *sh;
      smarthosts.emplace_back(c.s.servers.size(), p + "/smarthost");
    }
    if (const auto ext = text(sj, "external")) {
      if (parse_loopback_endpoint(*ext))
        cfg.external = *ext;
      else
        c.diag.error(p + "/external", quote_text(*ext) + " is not a loopback address and port",
                     "127.0.0.1:PORT or [::1]:PORT (live mode only talks to servers on this machine)");
    }
    if (const json* q = member(sj, "quota"); q && !c.diag.has_error_at(p + "/quota")) {
      if (const auto size = parse_size(*q)) {
        c.server_quota[c.s.servers.size()] = *size;
      } else {
        c.diag.error(p + "/quota", "not a usable size", "octets or a size such as \"10MB\" (at most 1 PB)");
      }
    }
    if (const json* rj = member(sj, "retry"); rj && rj->is_object()) parse_retry(c, *rj, p + "/retry", cfg.retry);
    if (const json* dj = member(sj, "delivery"); dj && dj->is_object())
      parse_delivery(c, *dj, p + "/delivery", cfg.delivery);
    if (const json* pj = member(sj, "policy"); pj && pj->is_object()) parse_policy(c, *pj, p + "/policy", cfg.policy);
    c.server_index[cfg.host] = c.s.servers.size();
    c.s.servers.push_back(std::move(cfg));
  }
  for (const auto& [i, ptr] : smarthosts) {
    auto& cfg = c.s.servers[i];
    if (!c.need_server(*cfg.smarthost, ptr)) {
      cfg.smarthost.reset();
      continue;
    }
    cfg.smarthost_address = c.s.hosts[c.host_index[*cfg.smarthost]].address;
  }
  if (!c.s.dns_server.empty())
    for (auto& cfg : c.s.servers) {
      cfg.dns_host = c.s.dns_server;
      cfg.dns_address = c.s.hosts[c.host_index[c.s.dns_server]].address;
    }
}

}  // namespace mailsim::app::detail
