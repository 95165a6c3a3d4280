#pragma once
// Configuration of one provider's mail server, as loaded from the scenario: its domains,
// its users, its services and its policies.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/time.hpp"

namespace mailsim::agents {

struct UserAccount {
  std::string address;  // lower-case local@domain
  std::string password;
  std::size_t quota_octets = 0;  // 0 = unlimited
};

// Retry schedule of the deferred queue (RFC 5321 section 4.5.4.1).
// Postfix (the default, its qmgr's numbers): after a failed attempt a message waits as long as
// it has already been queued, at least `minimal_backoff` and at most `maximal_backoff`, so the
// wait doubles; it is tried again at the first deferred-queue scan (every `queue_run_delay`
// since the queue manager started) after that. Fixed (for lessons): the first retry after
// `first`, then every `interval` (times `backoff` each time, capped at `max_interval`).
// Either way a message still deferred by an attempt that ends at or after arrival + `give_up`
// is returned to its sender; `delay_warning` (0 = off, as Postfix's delay_warning_time) sends
// the sender one "delayed" DSN at the first deferral at or after arrival + delay_warning.
struct RetryConfig {
  enum class Schedule : std::uint8_t { Postfix, Fixed };
  Schedule schedule = Schedule::Postfix;
  sim::Time minimal_backoff = 300 * sim::kSecond;   // Postfix minimal_backoff_time
  sim::Time maximal_backoff = 4000 * sim::kSecond;  // Postfix maximal_backoff_time
  sim::Time queue_run_delay = 300 * sim::kSecond;   // Postfix queue_run_delay
  sim::Time first = 30 * sim::kMinute;
  sim::Time interval = 30 * sim::kMinute;
  double backoff = 1.0;
  sim::Time max_interval = 4 * sim::kHour;
  sim::Time give_up = 5 * sim::kDay;  // Postfix maximal_queue_lifetime
  sim::Time delay_warning = 0;        // Postfix delay_warning_time
};

// How the MTA's client role spreads its deliveries, with Postfix's qmgr defaults. A
// destination is a recipient domain (or the smarthost). At most `concurrency_limit` sessions
// at once per destination, starting at `initial_concurrency`: each delivery whose session
// worked adds 1/window, each whole step grows the window by one; a session that could not be
// had (no connection, no greeting, lost, a failed lookup) adds 1/window to the failed cohorts
// and shrinks the window; `failed_cohort_limit` failed cohorts in a row make the destination
// dead for `dead_pause`: its waiting mail is deferred without an attempt. One SMTP
// transaction carries at most `recipient_limit` recipients.
// Connection reuse (Postfix's on-demand connection cache): when a destination gets deliveries
// back to back, a session that ended its transaction stays open, idle, for
// `connection_cache_time`, and the next delivery to that destination uses it (RSET, then MAIL
// FROM) instead of a new connection; a session is not kept after `connection_reuse_time_limit`
// since it opened, nor after `connection_reuse_count_limit` reuses (0 = no limit).
struct DeliveryConfig {
  std::size_t initial_concurrency = 5;   // initial_destination_concurrency
  std::size_t concurrency_limit = 20;    // default_destination_concurrency_limit
  std::size_t recipient_limit = 50;      // default_destination_recipient_limit
  double failed_cohort_limit = 1.0;      // default_destination_concurrency_failed_cohort_limit
  sim::Time dead_pause = 300 * sim::kSecond;  // Postfix unthrottles after minimal_backoff_time
  bool connection_reuse = true;                           // smtp_connection_cache_on_demand
  sim::Time connection_cache_time = 2 * sim::kSecond;     // smtp_connection_cache_time_limit
  sim::Time connection_reuse_time_limit = 300 * sim::kSecond;  // smtp_connection_reuse_time_limit
  std::size_t connection_reuse_count_limit = 0;           // smtp_connection_reuse_count_limit
};

struct PolicyConfig {
  std::size_t max_message_size = 10 * 1024 * 1024;
  std::size_t max_recipients = 100;
  bool greylisting = false;
  sim::Time greylist_delay = 5 * sim::kMinute;   // a retry after this is accepted
  std::string reject_subject;                     // substring; a matching subject gets 554
  bool quota_full_is_permanent = true;            // 552 (bounce) or 452 (defer)
  // Submission: a logged-in user may only use their own address as MAIL FROM (553 5.7.1),
  // as Postfix's reject_sender_login_mismatch. Off only for a lesson on spoofing.
  bool reject_sender_login_mismatch = true;
  // A message with more Received: fields than this is in a mail loop (RFC 5321 section 6.3):
  // refused with 554 5.4.6, as Postfix's hopcount_limit (default 50).
  int hopcount_limit = 50;
};

struct MailServerConfig {
  std::string host;                  // host name, also the SMTP hostname
  std::vector<std::string> domains;  // domains whose mailboxes live here
  std::vector<std::string> relay_domains;  // domains it accepts to forward (backup MX)
  std::vector<std::string> relay_clients;  // hosts allowed to relay through port 25 (smarthost)
  std::vector<UserAccount> users;
  bool smtp = true, submission = true, pop3 = true;
  std::optional<std::string> smarthost;    // send all remote mail through this host
  std::uint32_t smarthost_address = 0;
  std::optional<std::string> external;      // "127.0.0.1:PORT": hand remote mail to a real server
  std::uint32_t dns_address = 0;
  std::string dns_host;
  RetryConfig retry;
  DeliveryConfig delivery;
  PolicyConfig policy;

  // One rule, for every agent of the server, for "is this address ours, and whose is it".
  // Addresses and names compare without regard to ASCII case.
  bool is_local(std::string_view address) const;  // no domain, or one of `domains`
  // A user by full address or by local part, as AUTH, VRFY and POP3 USER accept both.
  const UserAccount* find_user(std::string_view who) const;
  // The mailbox that mail for `address` goes into: the user's own; for postmaster@ and abuse@
  // a local domain (RFC 5321 section 4.5.1, RFC 2142) without such a user, the first user of
  // that domain (else of the server), standing for the administrator. nullptr: none.
  const UserAccount* mailbox_for(std::string_view address) const;

  // The users by name, built on the first lookup (and again if `users` has changed size or
  // moved since): a lookup is a hash, not a scan of every user with a case-blind comparison.
  struct UserIndex;
  mutable std::shared_ptr<const UserIndex> user_index_cache;

 private:
  const UserIndex& user_index() const;
};

bool domain_in(const std::vector<std::string>& domains, std::string_view domain);

}  // namespace mailsim::agents
