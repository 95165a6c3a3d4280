#pragma once
// The DNS server (authoritative for the whole simulated Internet, on UDP port 53) and the
// stub resolver an MTA uses to find where a domain's mail goes (RFC 5321 section 5.1).
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "agents/context.hpp"
#include "agents/dns/zone.hpp"

namespace mailsim::agents {

class DnsServerAgent {
 public:
  DnsServerAgent(Context& ctx, sim::HostId host, dns::Zone zone);
  void start();
  void stop();

 private:
  void on_query(std::uint32_t from, std::uint16_t port, std::string_view bytes);
  Context& ctx_;
  sim::HostId host_;
  dns::Zone zone_;
};

struct MxTarget {
  std::string host;
  std::uint32_t address = 0;
  std::uint16_t preference = 0;
};

struct MxResult {
  enum class Outcome { Ok, Permanent, Transient } outcome = Outcome::Transient;
  std::vector<MxTarget> targets;  // in the order to try them
  bool implicit = false;          // no MX record: the domain's own address (RFC 5321 section 5.1)
  trace::MxFailure failure = trace::MxFailure::Timeout;  // when not Ok
  std::string reason;             // why it failed, in Postfix's words, for DSNs
  std::uint32_t ttl = 0;          // seconds the answer may be kept: the least TTL of its records
  bool cached = false;            // from the resolver's cache: no query was sent
};

class Resolver {
 public:
  Resolver(Context& ctx, sim::HostId host, trace::Actor self, std::uint32_t server_address, std::string server_host);
  // Looks up MX (falling back to the domain's own A record when it has no MX) and the
  // addresses of the exchanges; calls `done` exactly once, never from inside this call.
  // Like a caching resolver, an answer is kept for its TTL and concurrent lookups of one
  // domain share a single query.
  void resolve_mail_hosts(const std::string& domain, const std::string& msg, std::function<void(MxResult)> done);
  // The client's name for a Received: field, by its address's PTR record (reverse DNS, as
  // Postfix's smtpd looks it up when a client connects); "" when there is none or no answer.
  // Answers are kept for their TTL, "no name" for its SOA's negative TTL (RFC 2308). Its
  // packets are real, but it is not traced as lines.
  void resolve_client_name(std::uint32_t address, const std::string& msg, std::function<void(std::string)> done);
  // Host crash: the cache and the lookups in flight are forgotten.
  void crash();

  struct Answer {
    bool timed_out = false;
    dns::Message message;
  };
  void query(const std::string& name, dns::Type type, const std::string& msg, std::function<void(Answer)> done);

 private:
  void resolve_addresses(std::shared_ptr<MxResult> result, std::size_t i, std::vector<dns::Record> additional,
                         const std::string& msg, std::function<void(MxResult)> done);
  void attempt(std::shared_ptr<struct PendingQuery> q);
  void look_up_mail_hosts(const std::string& domain, const std::string& msg, std::function<void(MxResult)> done);

  struct CachedMx {
    MxResult result;
    sim::Time expires = 0;
  };
  std::map<std::string, CachedMx> mx_cache_;  // by lower-case domain
  std::map<std::string, std::vector<std::function<void(MxResult)>>> mx_waiting_;
  std::map<std::uint32_t, std::pair<std::string, sim::Time>> ptr_cache_;  // address -> name ("": none), expiry
  std::uint64_t epoch_ = 0;

  Context& ctx_;
  sim::HostId host_;
  trace::Actor self_;
  std::uint32_t server_address_;
  std::string server_host_;
  sim::Rng ids_;
};

// Key under which a DNS exchange is tagged with its message id (Context::correlation).
std::uint64_t dns_exchange_key(std::uint32_t client, std::uint16_t port, std::uint16_t id);

}  // namespace mailsim::agents
