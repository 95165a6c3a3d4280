#include "cli/lib/world.hpp"

#include <algorithm>
#include <cstdio>
#include <map>

#include "agents/dns/message.hpp"
#include "agents/store/maildir.hpp"
#include "agents/trace/vocabulary.hpp"
#include "agents/wire_trace.hpp"
#include "sim/version.hpp"

namespace mailsim::app {

namespace {
sim::Time scaled(sim::Time t, double scale) { return static_cast<sim::Time>(static_cast<double>(t) * scale); }
}  // namespace

World::World(const Scenario& scenario, RunOptions options)
    : scenario_(scenario),
      engine_(options.seed.value_or(scenario.seed)),
      net_(engine_),
      transport_(engine_, net_, sim::TransportConfig{.model = scenario.network_model}),
      trace_(options.trace_content),
      ctx_{engine_, net_, transport_, trace_, ledger_, 0, {}, 100, {}},
      options_(options) {
  ctx_.start_epoch = scenario_.start_epoch;
  trace_.observe_facts([this](const trace::TraceEvent& e) { ledger_.observe(e); });
  // Every copy fetched: no MUA will look the Message-ID up again.
  ledger_.on_finished([this](const agents::MessageRecord& m) { ctx_.correlation.forget_message_id(m.message_id); });
  const double k = scenario_.time_scale;
  auto& t = ctx_.timeouts;
  t.smtp_greeting = scaled(t.smtp_greeting, k);
  t.smtp_command = scaled(t.smtp_command, k);
  t.smtp_data_block = scaled(t.smtp_data_block, k);
  t.smtp_data_end = scaled(t.smtp_data_end, k);
  t.smtp_server_idle = scaled(t.smtp_server_idle, k);
  t.smtp_rset = scaled(t.smtp_rset, k);
  t.pop3_autologout = scaled(t.pop3_autologout, k);
  t.pop3_reply = scaled(t.pop3_reply, k);
  if (options_.external_timeout > 0)
    for (sim::Time* wait : {&t.smtp_greeting, &t.smtp_command, &t.smtp_data_end})
      *wait = std::min(*wait, options_.external_timeout);

  for (const auto& h : scenario_.hosts) net_.add_host(sim::HostSpec{h.name, h.address, to_string(h.role)});
  for (const auto& l : scenario_.links)
    net_.add_link(sim::LinkSpec{*net_.find_host(l.a), *net_.find_host(l.b), l.latency, l.bandwidth_bps, l.loss, l.mtu});
  if (options_.live_gateway && !net_.find_host(kGatewayName)) {
    // One link only (to the first router, else the first mail server): a leaf host can
    // never become a shortcut between the scenario's own hosts.
    std::string peer;
    for (const auto& h : scenario_.hosts)
      if (h.role == HostRole::Router) { peer = h.name; break; }
    if (peer.empty() && !scenario_.servers.empty()) peer = scenario_.servers.front().host;
    if (peer.empty() && !scenario_.hosts.empty()) peer = scenario_.hosts.front().name;
    std::uint32_t addr = 0xC00002FAu;  // 192.0.2.250, simulated only
    while (net_.host_by_address(addr)) ++addr;
    gateway_ = net_.add_host(sim::HostSpec{kGatewayName, addr, "pc"});
    ctx_.real_hosts.insert(gateway_);  // real clients: the servers trace the lines they read
    if (!peer.empty()) {
      net_.add_link(sim::LinkSpec{gateway_, *net_.find_host(peer), sim::kMillisecond, 1'000'000'000, 0.0, 1500});
      gateway_peer_ = peer;
    }
  }

  if (!scenario_.dns_server.empty()) {
    dns::Zone zone;
    for (const auto& r : scenario_.dns_records) {
      dns::Record rec;
      rec.name = r.name;
      rec.ttl = 3600;
      rec.type = r.type;
      if (r.type == dns::Type::MX) {
        rec.preference = r.preference;
        rec.target = r.target;
      } else if (r.type == dns::Type::PTR) {
        rec.target = r.target;
      } else {
        rec.address = r.address;
      }
      zone.add(rec);
    }
    // One server answers for the whole simulated Internet, so its SOA is the root's. Negative
    // answers carry it, which lets resolvers cache them for an hour (RFC 2308), as they do.
    const std::string& ns = scenario_.dns_server;
    zone.add(dns::Record{"", dns::Type::SOA, 3600, 0, "", 0, dns::soa_rdata(ns, "hostmaster." + ns, 1, 3600)});
    dns_ = std::make_unique<agents::DnsServerAgent>(ctx_, *net_.find_host(scenario_.dns_server), std::move(zone));
    dns_->start();
  }
  for (auto cfg : scenario_.servers) {
    cfg.retry.first = scaled(cfg.retry.first, k);
    cfg.retry.interval = scaled(cfg.retry.interval, k);
    cfg.retry.max_interval = scaled(cfg.retry.max_interval, k);
    cfg.retry.give_up = scaled(cfg.retry.give_up, k);
    cfg.retry.minimal_backoff = scaled(cfg.retry.minimal_backoff, k);
    cfg.retry.maximal_backoff = scaled(cfg.retry.maximal_backoff, k);
    cfg.retry.queue_run_delay = scaled(cfg.retry.queue_run_delay, k);
    cfg.retry.delay_warning = scaled(cfg.retry.delay_warning, k);
    cfg.delivery.dead_pause = scaled(cfg.delivery.dead_pause, k);
    cfg.delivery.connection_cache_time = scaled(cfg.delivery.connection_cache_time, k);
    cfg.delivery.connection_reuse_time_limit = scaled(cfg.delivery.connection_reuse_time_limit, k);
    cfg.policy.greylist_delay = scaled(cfg.policy.greylist_delay, k);
    const sim::HostId host = *net_.find_host(cfg.host);
    if (cfg.external) {
      const auto ep = parse_loopback_endpoint(*cfg.external);
      if (!ep) throw ScenarioError(cfg.host + ": external '" + *cfg.external + "' is not a loopback address");
      externals_.push_back(ExternalServer{host, cfg.host, ep->first, ep->second});
      ctx_.real_hosts.insert(host);  // a real server answers for it: its lines are traced by its clients
      ctx_.external_endpoints[cfg.host] = ep->first + ":" + std::to_string(ep->second);
      continue;
    }
    servers_.push_back(std::make_unique<agents::MailServer>(ctx_, host, std::move(cfg)));
    server_hosts_.push_back(host);
    servers_.back()->start();
  }
  std::map<std::string, agents::Mua*> mua_of;
  for (const auto& u : scenario_.users) {
    if (u.host.empty() || !options_.simulate_clients) continue;
    agents::MuaConfig mc;
    mc.address = u.address;
    mc.password = u.password;
    mc.display_name = u.display_name;
    mc.server_host = u.server;
    mc.server_address = net_.host(*net_.find_host(u.server)).address;
    mc.poll_interval = u.poll_interval;
    mc.keep_on_server = u.keep_on_server;
    const sim::HostId pc = *net_.find_host(u.host);
    auto& local = client_stores_[pc];
    // An anonymous on-disk database (SQLite deletes it on close): the local copies of a
    // long run page out to a temporary file instead of growing the process.
    if (!local) local = std::make_unique<store::MailboxStore>("");
    muas_.push_back(std::make_unique<agents::Mua>(ctx_, pc, mc, *local));
    mua_of[u.address] = muas_.back().get();
    if (u.poll_interval > 0) ledger_.add_poller(u.address);
  }
  for (const auto& m : scenario_.messages) {
    if (!options_.simulate_clients) break;
    agents::MessageRecord rec;
    rec.id = m.id;
    rec.from = m.draft.from;
    rec.subject = m.draft.subject;
    rec.planned_us = m.at;
    rec.message_id = agents::planned_message_id(m.id, m.draft.from, ctx_.start_epoch, m.at);
    // One record per address: an address in both To and Cc gets one RCPT TO and one copy.
    for (const auto* list : {&m.draft.to, &m.draft.cc})
      for (const auto& a : *list) {
        if (std::any_of(rec.rcpts.begin(), rec.rcpts.end(), [&](const auto& x) { return x.address == a; })) continue;
        agents::RcptRecord r;
        r.address = a;
        rec.rcpts.push_back(r);
      }
    agents::PlannedMessage pm{m.id, m.at, m.draft};
    pm.draft.message_id = rec.message_id;
    ledger_.plan(std::move(rec));
    mua_of.at(m.draft.from)->schedule(std::move(pm));
  }
  if (scenario_.traffic && options_.simulate_clients) {
    // Generated mail: each message comes to exist when its sender's MUA composes it.
    std::vector<agents::Mua*> mua_of_user;
    for (const auto& address : scenario_.traffic->users) {
      const auto it = mua_of.find(address);
      mua_of_user.push_back(it == mua_of.end() ? nullptr : it->second);
    }
    traffic_ = std::make_unique<agents::TrafficGenerator>(
        engine_, ctx_.start_epoch, *scenario_.traffic,
        [muas = std::move(mua_of_user)](std::size_t sender, agents::PlannedMessage m) {
          if (agents::Mua* mua = muas[sender]) mua->compose_and_submit(m);
        });
    traffic_->start();
  }
  for (auto& mua : muas_) mua->start_polling();
  schedule_faults();
  engine_.set_keep_alive([this] { return !ledger_.settled(); });
}

World::~World() = default;

agents::MailServer* World::server_on(sim::HostId host) {
  for (std::size_t i = 0; i < servers_.size(); ++i)
    if (server_hosts_[i] == host) return servers_[i].get();
  return nullptr;
}

void World::schedule_faults() {
  const trace::Actor net{trace::Agent::NET, "network"};
  for (const auto& f : scenario_.faults) {
    engine_.at(f.at, [this, f, net] {
      if (const HostRef* host = f.host()) {
        const std::string& target = host->name;
        const sim::HostId h = *net_.find_host(target);
        const bool up = f.action == FaultAction::HostUp;
        if (up)
          agents::state(ctx_, net, "", trace::HostUp{target});
        else
          agents::state(ctx_, net, "", trace::HostDown{target});
        // Overlapping faults can repeat a state (down twice, then up twice): only a change
        // crashes or restarts the agents. A second restart would rescan the queue again
        // and start a second, concurrent delivery of every queued message.
        if (net_.host_up(h) == up) return;
        net_.set_host_up(h, up);
        agents::MailServer* server = server_on(h);
        if (!up) {
          transport_.crash_host(h);
          if (server) server->crash();
          if (dns_ && target == scenario_.dns_server) dns_->stop();
        } else {
          if (server) server->restart();
          if (dns_ && target == scenario_.dns_server) dns_->start();
        }
        return;
      }
      const LinkRef& link = *f.link();
      const sim::HostId a = *net_.find_host(link.a);
      const sim::HostId b = *net_.find_host(link.b);
      for (sim::LinkId l = 0; l < net_.link_count(); ++l) {
        const auto& spec = net_.link(l);
        if (!((spec.a == a && spec.b == b) || (spec.a == b && spec.b == a))) continue;
        if (f.action == FaultAction::Loss)
          net_.set_extra_loss(l, f.loss);
        else
          net_.set_link_up(l, f.action == FaultAction::LinkUp);
      }
      const trace::Link named{link.a, link.b};
      if (f.action == FaultAction::Loss)
        agents::state(ctx_, net, "", trace::LinkLoss{named, f.loss});
      else if (f.action == FaultAction::LinkUp)
        agents::state(ctx_, net, "", trace::LinkUp{named});
      else
        agents::state(ctx_, net, "", trace::LinkDown{named});
    });
  }
}

void World::run() { engine_.run(scenario_.until); }

nlohmann::json World::summary_json() const { return ledger_.summary_json(engine_.now()); }

nlohmann::ordered_json World::trace_header() const {
  nlohmann::ordered_json j;
  j["format"] = "mailsim-trace";
  j["format_version"] = trace::kFormatVersion;
  j["mailsim_version"] = kVersion;
  j["scenario"] = {{"name", scenario_.name}, {"file", scenario_.file.string()},
                   {"description", scenario_.description.is_null() ? nlohmann::json::object() : scenario_.description}};
  j["seed"] = engine_.seed();
  j["start_epoch"] = scenario_.start_epoch;
  nlohmann::json hosts = nlohmann::json::array(), links = nlohmann::json::array();
  for (const auto& h : scenario_.hosts) {
    nlohmann::json services = nlohmann::json::array();
    for (const auto& s : scenario_.servers)
      if (s.host == h.name) {
        if (s.smtp) services.push_back("smtp");
        if (s.submission) services.push_back("submission");
        if (s.pop3) services.push_back("pop3");
      }
    if (h.name == scenario_.dns_server) services.push_back("dns");
    for (const auto& u : scenario_.users)
      if (u.host == h.name && !std::count(services.begin(), services.end(), "mua")) services.push_back("mua");
    hosts.push_back({{"name", h.name}, {"address", dns::format_ipv4(h.address)}, {"role", to_string(h.role)},
                     {"services", services}, {"label", h.label}});
  }
  for (const auto& l : scenario_.links)
    links.push_back({{"a", l.a}, {"b", l.b}, {"latency_us", l.latency}, {"bandwidth_bps", l.bandwidth_bps},
                     {"loss", l.loss}, {"mtu", l.mtu}});
  if (gateway_ != sim::kNoHost) {
    hosts.push_back({{"name", kGatewayName}, {"address", dns::format_ipv4(net_.host(gateway_).address)}, {"role", "pc"},
                     {"services", nlohmann::json::array({"mua"})}, {"label", "Real clients on loopback (live mode)"}});
    if (!gateway_peer_.empty())
      links.push_back({{"a", kGatewayName}, {"b", gateway_peer_}, {"latency_us", sim::kMillisecond},
                       {"bandwidth_bps", 1'000'000'000}, {"loss", 0.0}, {"mtu", 1500}});
  }
  j["topology"] = {{"hosts", hosts}, {"links", links}};
  nlohmann::json users = nlohmann::json::array();
  for (const auto& u : scenario_.users) users.push_back({{"address", u.address}, {"host", u.host}, {"server", u.server}});
  j["users"] = users;
  // The messages the scenario plans; DSNs and mail from real clients are announced by
  // facts (bounce_created, live_message) when they come to exist.
  nlohmann::json msgs = nlohmann::json::array();
  for (const auto& m : scenario_.messages) {
    if (!options_.simulate_clients) break;
    nlohmann::json to = nlohmann::json::array();
    for (const auto* list : {&m.draft.to, &m.draft.cc})
      for (const auto& a : *list)
        if (std::find(to.begin(), to.end(), a) == to.end()) to.push_back(a);
    const auto rec = ledger_.find(m.id);
    msgs.push_back({{"id", m.id}, {"from", m.draft.from}, {"to", to}, {"subject", m.draft.subject},
                    {"message_id", rec ? rec->message_id : ""}, {"submit_us", m.at}});
  }
  j["messages"] = msgs;
  return j;
}

void World::export_maildirs(const std::filesystem::path& dir) {
  for (auto& s : servers_) {
    for (const auto& box : s->store().mailboxes()) {
      std::vector<std::pair<std::string, std::string>> msgs;
      for (auto& m : s->store().list(box))
        msgs.emplace_back(store::maildir_name(scenario_.start_epoch * 1000000 + m.stored_us, m.id, s->config().host),
                          m.content);
      store::export_maildir(dir / "servers" / s->config().host / box, msgs, store::MaildirState::New);
    }
  }
  for (auto& mua : muas_) {
    const std::string& who = mua->config().address;
    std::vector<std::pair<std::string, std::string>> msgs;
    for (auto& m : mua->local_store().list(who))
      msgs.emplace_back(store::maildir_name(scenario_.start_epoch * 1000000 + m.stored_us, m.id, "mua"), m.content);
    store::export_maildir(dir / "clients" / who, msgs, store::MaildirState::Seen);
  }
}

}  // namespace mailsim::app
