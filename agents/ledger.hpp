#pragma once
// The ledger accounts for every message, recipient by recipient: submitted, then delivered
// (and perhaps retrieved), bounced, rejected at submission, or still queued. It is an
// observer of the facts the agents state (docs/trace-format.md), never a channel between
// agents, and every operation is O(1) (amortised), so a million recipients cost a million
// steps. Conservation: submitted = delivered + bounced + queued + rejected.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include <nlohmann/json.hpp>

#include "agents/trace/event.hpp"
#include "sim/time.hpp"

namespace mailsim::agents {

enum class RcptStatus { Planned, InTransit, Queued, Delivered, Bounced, Rejected };
const char* to_string(RcptStatus);

struct RcptRecord {
  std::string address;
  RcptStatus status = RcptStatus::Planned;
  sim::Time delivered_us = -1, retrieved_us = -1, bounced_us = -1, next_retry_us = -1;
  std::string detail;  // the reply (as sent) that bounced, rejected or deferred it, if any
  std::string reason;  // a vocabulary word when no reply says it (e.g. "nxdomain", "mailbox_full")
  int attempts = 0;
  // Copies stored after the first (a 250 lost before it reached the sender, which then
  // retried, as RFC 5321 section 6.1 allows): the recipient still counts once.
  int duplicates = 0;
  std::string retrieved_by;  // the MUA's user
};

struct MessageRecord {
  std::string id;  // scenario id (m1), a DSN's (m1.bounce) or a real client's (live-1)
  std::string from;
  std::string subject;
  std::string message_id;  // without angle brackets
  sim::Time planned_us = 0, composed_us = -1, submitted_us = -1;
  std::vector<RcptRecord> rcpts;
  std::string bounce_of;  // for DSNs: the id of the message that failed
  std::string created_by;  // for DSNs: the server that created it
};

struct Totals {
  std::uint64_t submitted = 0, delivered = 0, bounced = 0, queued = 0, rejected = 0, retrieved = 0;
  std::uint64_t duplicates = 0;  // extra copies, outside the conservation sum
};

class Ledger {
 public:
  void plan(MessageRecord m);
  // Addresses whose MUA polls: their mail is settled only once retrieved.
  void add_poller(const std::string& address) { pollers_.insert(address); }

  // Every fact an agent states goes through here (Trace::observe_facts).
  void observe(const trace::TraceEvent& e);

  const MessageRecord* find(const std::string& id) const;

  // True when nothing more can happen to any message: every recipient has a final status
  // and every delivered copy for a polling user has been fetched. O(1).
  bool settled() const { return open_ == 0; }
  Totals totals() const;  // scenario and live messages; DSNs are listed apart
  std::vector<std::string> conservation_errors() const;
  nlohmann::json summary_json(sim::Time end) const;
  // summary_json(end) as compact JSON text, handed to `out` piece by piece.
  void write_summary(sim::Time end, const std::function<void(std::string_view)>& out) const;
  const std::vector<MessageRecord>& messages() const { return messages_; }

 private:
  nlohmann::json totals_json() const;
  nlohmann::json message_json(const MessageRecord& m) const;
  MessageRecord* message(const std::string& id);
  RcptRecord* rcpt(const std::string& id, const std::string& address);
  // Every change of a recipient's state goes through here, to keep `open_` exact.
  template <class F>
  void update(const MessageRecord& m, RcptRecord& r, F&& change);
  bool is_open(const MessageRecord& m, const RcptRecord& r) const;
  void reject_unsent(const std::string& id, const std::string& detail, const std::string& reason);

  std::vector<MessageRecord> messages_;
  std::unordered_map<std::string, std::size_t> by_id_;
  std::unordered_map<std::string, std::size_t> rcpt_index_;  // id + '\n' + address -> index in rcpts
  std::unordered_set<std::string> pollers_;
  std::int64_t open_ = 0;
};

}  // namespace mailsim::agents
