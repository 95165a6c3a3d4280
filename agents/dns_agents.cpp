#include "agents/dns_agents.hpp"

#include <algorithm>
#include <cctype>
#include <memory>

#include "agents/dns/message.hpp"
#include "agents/wire_trace.hpp"
#include "sim/text.hpp"

namespace mailsim::agents {

std::uint64_t dns_exchange_key(std::uint32_t client, std::uint16_t port, std::uint16_t id) {
  // High bit set: never collides with a stream connection id.
  return (1ull << 63) | (static_cast<std::uint64_t>(client) << 32) | (static_cast<std::uint64_t>(port) << 16) | id;
}

namespace {
// A reverse lookup (PTR) is not traced as lines: the viewer tells every DNS line as the
// relay's MX lookup. Its packets are real (pcap, --trace-packets) and its answer shows in
// the Received: field.
bool reverse_lookup(const dns::Message& m) {
  return m.questions.size() == 1 && m.questions.front().type == dns::Type::PTR;
}

void trace_dns(Context& ctx, const trace::Actor& self, const trace::Actor& peer, trace::Direction dir,
               const dns::Message& m, const std::string& msg) {
  if (!ctx.trace.wants_lines() || reverse_lookup(m)) return;
  trace::TraceEvent e;
  e.kind = trace::Kind::Line;
  e.time = ctx.engine.now();
  e.step = trace::Step::Relay;
  e.actor = self;
  e.peer = peer;
  e.protocol = trace::Protocol::DNS;
  e.direction = dir;
  e.line = dns::describe(m);
  e.msg = msg;
  if (m.response && m.rcode == dns::Rcode::NxDomain) e.alert = trace::Alert::Permanent;
  if (m.response && m.rcode == dns::Rcode::ServFail) e.alert = trace::Alert::Transient;
  ctx.trace.add(std::move(e));
}
bool same_name(std::string_view a, std::string_view b) { return text::iequals(a, b); }
}  // namespace

DnsServerAgent::DnsServerAgent(Context& ctx, sim::HostId host, dns::Zone zone)
    : ctx_(ctx), host_(host), zone_(std::move(zone)) {}

void DnsServerAgent::start() {
  ctx_.transport.bind_udp(host_, kPortDns, [this](std::uint32_t from, std::uint16_t port, std::string_view bytes) {
    on_query(from, port, bytes);
  });
}

void DnsServerAgent::stop() { ctx_.transport.unbind_udp(host_, kPortDns); }

void DnsServerAgent::on_query(std::uint32_t from, std::uint16_t port, std::string_view bytes) {
  auto query = dns::decode(bytes);
  if (!query || query->response) return;  // not a query: drop it, as servers do with garbage
  const dns::Message answer = zone_.answer(*query);
  const auto peer_host = ctx_.net.host_by_address(from);
  const trace::Actor self{trace::Agent::DNS, ctx_.net.host(host_).name};
  const trace::Actor peer{trace::Agent::MTA, peer_host ? ctx_.net.host(*peer_host).name : dns::format_ipv4(from)};
  const std::string& msg = ctx_.correlation.message_of_connection(dns_exchange_key(from, port, query->id));
  trace_dns(ctx_, self, peer, trace::Direction::Response, answer, msg);
  ctx_.transport.send_datagram(host_, kPortDns, from, port, dns::encode(answer));
}

struct PendingQuery {
  dns::Message query;
  std::string msg;
  std::uint16_t port = 0;
  int attempts = 0;
  bool finished = false;
  sim::TimerId timer;
  std::function<void(Resolver::Answer)> done;
};

Resolver::Resolver(Context& ctx, sim::HostId host, trace::Actor self, std::uint32_t server_address,
                   std::string server_host)
    : ctx_(ctx),
      host_(host),
      self_(std::move(self)),
      server_address_(server_address),
      server_host_(std::move(server_host)),
      ids_(ctx.engine.rng("dns.id." + self_.host)) {}

void Resolver::query(const std::string& name, dns::Type type, const std::string& msg, std::function<void(Answer)> done) {
  auto q = std::make_shared<PendingQuery>();
  q->query.id = static_cast<std::uint16_t>(ids_.below(65536));
  q->query.recursion_desired = true;
  q->query.questions.push_back(dns::Question{name, type});
  q->msg = msg;
  q->port = ctx_.transport.ephemeral_port(host_);
  q->done = std::move(done);
  ctx_.transport.bind_udp(host_, q->port, [this, q](std::uint32_t, std::uint16_t, std::string_view bytes) {
    auto reply = dns::decode(bytes);
    if (q->finished || !reply || !reply->response || reply->id != q->query.id) return;
    q->finished = true;
    ctx_.engine.cancel(q->timer);
    // Unbinding destroys this very handler: do it after it has returned.
    ctx_.engine.after(0, [this, port = q->port] { ctx_.transport.unbind_udp(host_, port); });
    auto keep = q;
    keep->done(Answer{false, std::move(*reply)});
  });
  attempt(q);
}

void Resolver::attempt(std::shared_ptr<PendingQuery> q) {
  if (q->finished) return;
  if (q->attempts++ >= ctx_.timeouts.dns_attempts) {
    q->finished = true;
    ctx_.transport.unbind_udp(host_, q->port);
    ctx_.correlation.forget_connection(dns_exchange_key(ctx_.net.host(host_).address, q->port, q->query.id));
    q->done(Answer{true, {}});
    return;
  }
  const std::uint32_t self_addr = ctx_.net.host(host_).address;
  ctx_.correlation.tag_connection(dns_exchange_key(self_addr, q->port, q->query.id), q->msg);
  trace_dns(ctx_, self_, trace::Actor{trace::Agent::DNS, server_host_}, trace::Direction::Request, q->query, q->msg);
  ctx_.transport.send_datagram(host_, q->port, server_address_, kPortDns, dns::encode(q->query));
  q->timer = ctx_.engine.after(ctx_.timeouts.dns_query, [this, q] { attempt(q); });
}

void Resolver::resolve_mail_hosts(const std::string& domain, const std::string& msg,
                                  std::function<void(MxResult)> done) {
  std::string key = domain;
  for (auto& ch : key) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  if (auto it = mx_cache_.find(key); it != mx_cache_.end()) {
    if (ctx_.engine.now() < it->second.expires) {
      MxResult r = it->second.result;
      r.cached = true;  // no DNS packets
      ctx_.engine.after(0, [done = std::move(done), r = std::move(r)] { done(r); });
      return;
    }
    mx_cache_.erase(it);
  }
  auto [waiting, first] = mx_waiting_.try_emplace(key);
  waiting->second.push_back(std::move(done));
  if (!first) return;  // a lookup of this domain is already on its way
  const std::uint64_t epoch = epoch_;
  look_up_mail_hosts(domain, msg, [this, key, epoch](MxResult r) {
    if (epoch != epoch_) return;
    // Answers and final refusals (NXDOMAIN, null MX, no address) are kept for their TTL, a
    // negative one for its SOA's (RFC 2308); a timeout or SERVFAIL is asked again next time.
    if (r.outcome != MxResult::Outcome::Transient && r.ttl > 0)
      mx_cache_[key] = CachedMx{r, ctx_.engine.now() + static_cast<sim::Time>(r.ttl) * sim::kSecond};
    auto node = mx_waiting_.extract(key);
    if (node.empty()) return;
    for (auto& d : node.mapped()) d(r);
  });
}

void Resolver::crash() {
  ++epoch_;
  mx_cache_.clear();
  mx_waiting_.clear();
  ptr_cache_.clear();
}

void Resolver::resolve_client_name(std::uint32_t address, const std::string& msg,
                                   std::function<void(std::string)> done) {
  if (server_address_ == 0) {  // no DNS server in this world: nobody can say
    ctx_.engine.after(0, [done = std::move(done)] { done(""); });
    return;
  }
  if (auto it = ptr_cache_.find(address); it != ptr_cache_.end()) {
    if (ctx_.engine.now() < it->second.second) {
      ctx_.engine.after(0, [done = std::move(done), name = it->second.first] { done(name); });
      return;
    }
    ptr_cache_.erase(it);
  }
  const std::uint64_t epoch = epoch_;
  query(dns::reverse_name(address), dns::Type::PTR, msg, [this, address, epoch, done](Answer a) {
    if (epoch != epoch_) return;
    for (const auto& r : a.message.answers)
      if (r.type == dns::Type::PTR && !r.target.empty()) {
        ptr_cache_[address] = {r.target, ctx_.engine.now() + static_cast<sim::Time>(r.ttl) * sim::kSecond};
        return done(r.target);
      }
    // "No name" is kept too, for the SOA's negative TTL (RFC 2308): a client without a PTR
    // record does not cost a query on each of its connections.
    if (!a.timed_out && a.message.rcode != dns::Rcode::ServFail)
      if (const auto ttl = dns::negative_ttl(a.message))
        ptr_cache_[address] = {"", ctx_.engine.now() + static_cast<sim::Time>(*ttl) * sim::kSecond};
    done("");
  });
}

void Resolver::look_up_mail_hosts(const std::string& domain, const std::string& msg,
                                  std::function<void(MxResult)> done) {
  query(domain, dns::Type::MX, msg, [this, domain, msg, done](Answer a) {
    auto result = std::make_shared<MxResult>();
    if (a.timed_out || a.message.rcode == dns::Rcode::ServFail) {
      result->outcome = MxResult::Outcome::Transient;
      result->failure = a.timed_out ? trace::MxFailure::Timeout : trace::MxFailure::ServFail;
      result->reason = "Host or domain name not found. Name service error for name=" + domain +
                       " type=MX: " + (a.timed_out ? "no answer" : "Host not found, try again");
      return done(*result);
    }
    if (a.message.rcode == dns::Rcode::NxDomain) {
      result->outcome = MxResult::Outcome::Permanent;
      result->failure = trace::MxFailure::NxDomain;
      result->reason = "Host or domain name not found. Name service error for name=" + domain + " type=MX: Host not found";
      result->ttl = dns::negative_ttl(a.message).value_or(0);
      return done(*result);
    }
    std::vector<dns::Record> mx;
    for (const auto& r : a.message.answers)
      if (r.type == dns::Type::MX) mx.push_back(r);
    // An implicit MX is kept no longer than the NODATA answer (its SOA's negative TTL) nor
    // the A record; without a SOA the NODATA may not be cached at all (RFC 2308 section 5).
    result->ttl = mx.empty() ? dns::negative_ttl(a.message).value_or(0) : mx.front().ttl;
    for (const auto& r : mx) result->ttl = std::min(result->ttl, r.ttl);
    if (mx.empty()) {
      // RFC 5321 section 5.1: no MX, so the domain itself is the implicit MX (preference 0).
      result->targets.push_back(MxTarget{domain, 0, 0});
      result->implicit = true;
    } else {
      std::stable_sort(mx.begin(), mx.end(), [](const auto& x, const auto& y) { return x.preference < y.preference; });
      for (const auto& r : mx) {
        if (r.target.empty()) continue;  // "MX 0 ." (RFC 7505): the domain accepts no mail
        result->targets.push_back(MxTarget{r.target, 0, r.preference});
      }
      if (result->targets.empty()) {
        result->outcome = MxResult::Outcome::Permanent;
        result->failure = trace::MxFailure::NullMx;
        result->reason = "Domain " + domain + " does not accept mail (nullMX)";
        return done(*result);
      }
    }
    resolve_addresses(result, 0, a.message.additional, msg, done);
  });
}

void Resolver::resolve_addresses(std::shared_ptr<MxResult> result, std::size_t i, std::vector<dns::Record> additional,
                                 const std::string& msg, std::function<void(MxResult)> done) {
  if (i == result->targets.size()) {
    // Keep only exchanges with an address; none at all is a permanent failure.
    std::vector<MxTarget> usable;
    for (auto& t : result->targets)
      if (t.address) usable.push_back(t);
    if (usable.empty()) {
      result->outcome = result->reason.empty() ? MxResult::Outcome::Permanent : MxResult::Outcome::Transient;
      result->failure = result->reason.empty() ? trace::MxFailure::NoAddress : trace::MxFailure::Timeout;
      if (result->reason.empty()) result->reason = "Host or domain name not found: no address for the mail exchangers";
    } else {
      result->outcome = MxResult::Outcome::Ok;
    }
    result->targets = std::move(usable);
    return done(*result);
  }
  MxTarget& t = result->targets[i];
  for (const auto& r : additional) {
    if (r.type == dns::Type::A && same_name(r.name, t.host)) {
      t.address = r.address;
      result->ttl = std::min(result->ttl, r.ttl);
      return resolve_addresses(result, i + 1, std::move(additional), msg, std::move(done));
    }
  }
  query(t.host, dns::Type::A, msg, [this, result, i, additional, msg, done](Answer a) mutable {
    if (a.timed_out)
      result->reason = "Host or domain name not found. Name service error for name=" + result->targets[i].host +
                       " type=A: no answer";
    for (const auto& r : a.message.answers)
      if (r.type == dns::Type::A) {
        result->targets[i].address = r.address;
        result->ttl = std::min(result->ttl, r.ttl);
        break;
      }
    if (!a.timed_out && !result->targets[i].address)  // an exchange without an address: negative
      result->ttl = std::min(result->ttl, dns::negative_ttl(a.message).value_or(0));
    resolve_addresses(result, i + 1, std::move(additional), msg, std::move(done));
  });
}

}  // namespace mailsim::agents
