#include "agents/connection_cache.hpp"

namespace mailsim::agents {

ConnectionCache::~ConnectionCache() {
  // The sessions belong to the session pool; only stop them calling back into this cache.
  for (auto& [dest, e] : idle_) e.c.link->on_gone(nullptr);
}

void ConnectionCache::finished(const std::string& destination, CachedConnection c, bool store) {
  const DeliveryConfig& d = config_;
  const bool young = ctx_.engine.now() - c.opened < d.connection_reuse_time_limit;
  const bool few = d.connection_reuse_count_limit == 0 || c.transactions - 1 < d.connection_reuse_count_limit;
  if (!store || !d.connection_reuse || !young || !few) return c.link->quit();
  SmtpLink* link = c.link;
  const auto it = idle_.emplace(destination, Entry{std::move(c), {}});
  // Work, not background: the run waits for the close, so that every connection ends.
  it->second.expiry = ctx_.engine.after(d.connection_cache_time, [this, link] {
    drop(link);
    link->hang_up();
  });
  link->on_gone([this, link] { drop(link); });
}

std::optional<CachedConnection> ConnectionCache::take(const std::string& destination) {
  const auto it = idle_.find(destination);
  if (it == idle_.end()) return std::nullopt;
  CachedConnection c = it->second.c;
  ctx_.engine.cancel(it->second.expiry);
  idle_.erase(it);
  c.link->on_gone(nullptr);
  return c;
}

void ConnectionCache::drop(SmtpLink* link) {
  for (auto it = idle_.begin(); it != idle_.end(); ++it)
    if (it->second.c.link == link) {
      ctx_.engine.cancel(it->second.expiry);
      idle_.erase(it);
      return;
    }
}

void ConnectionCache::crash() {
  for (auto& [dest, e] : idle_) {
    ctx_.engine.cancel(e.expiry);
    e.c.link->on_gone(nullptr);
  }
  idle_.clear();
}

}  // namespace mailsim::agents
