#pragma once
// The MTA's cache of idle SMTP connections, as Postfix's scache keeps them for its SMTP
// client: a session whose transaction ended, kept open for the next delivery to the same
// destination (a recipient domain, or "*" for the smarthost). An entry waits at most
// `connection_cache_time`; then the connection is closed without a word, as scache closes
// the socket. Whether a session may be kept at all (reuse time and count limits) is decided
// here too, from DeliveryConfig.
#include <map>
#include <optional>
#include <string>

#include "agents/client_sessions.hpp"
#include "agents/dns_agents.hpp"
#include "agents/mail_config.hpp"

namespace mailsim::agents {

struct CachedConnection {
  SmtpLink* link = nullptr;
  MxTarget target;           // the server it is connected to
  sim::Time opened = 0;      // when the connection was made
  std::size_t transactions = 0;  // transactions it has carried
};

class ConnectionCache {
 public:
  ConnectionCache(Context& ctx, const DeliveryConfig& config) : ctx_(ctx), config_(config) {}
  ~ConnectionCache();
  ConnectionCache(const ConnectionCache&) = delete;
  ConnectionCache& operator=(const ConnectionCache&) = delete;

  // A session that ended a transaction and stayed open: kept for the destination when
  // `store` (the queue manager asked for caching) and the reuse limits allow; else QUIT.
  void finished(const std::string& destination, CachedConnection c, bool store);
  // An idle connection to the destination, taken out of the cache; none if there is none.
  std::optional<CachedConnection> take(const std::string& destination);
  // Host crash: the connections vanish with it; forget them.
  void crash();

 private:
  struct Entry {
    CachedConnection c;
    sim::TimerId expiry;
  };
  void drop(SmtpLink* link);

  Context& ctx_;
  const DeliveryConfig& config_;
  std::multimap<std::string, Entry> idle_;  // by destination; the oldest first within one
};

}  // namespace mailsim::agents
