#pragma once
// The ledger accounts for every message the scenario sends, recipient by recipient:
// submitted, then delivered (and perhaps retrieved), bounced, rejected at submission, or
// still queued. It is the run's observer, not a channel between agents: agents report to
// it and the CLI reads it. Conservation: submitted = delivered + bounced + queued + rejected.
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sim/time.hpp"

namespace mailsim::agents {

enum class RcptStatus { Planned, InTransit, Queued, Delivered, Bounced, Rejected };
const char* to_string(RcptStatus);

struct RcptRecord {
  std::string address;
  RcptStatus status = RcptStatus::Planned;
  sim::Time delivered_us = -1, retrieved_us = -1, bounced_us = -1, next_retry_us = -1;
  std::string detail;  // the reply or reason for a bounce, rejection or deferral
  int attempts = 0;
  // Copies stored after the first (a 250 lost before it reached the sender, which then
  // retried, as RFC 5321 section 6.1 allows): the recipient still counts once.
  int duplicates = 0;
};

struct MessageRecord {
  std::string id;  // scenario id (m1) or a generated one for bounces (bounce-1)
  std::string from;
  std::string subject;
  std::string message_id;  // without angle brackets
  sim::Time planned_us = 0, submitted_us = -1;
  std::vector<RcptRecord> rcpts;
  std::string bounce_of;  // for DSNs: the id of the message that failed
};

struct Totals {
  std::uint64_t submitted = 0, delivered = 0, bounced = 0, queued = 0, rejected = 0, retrieved = 0;
  std::uint64_t duplicates = 0;  // extra copies, outside the conservation sum
};

class Ledger {
 public:
  void plan(MessageRecord m);
  // A DSN created by an MTA; returns its generated id.
  std::string plan_bounce(const std::string& of, const std::string& message_id, const std::string& to);
  // Addresses whose MUA polls: their mail is settled only once retrieved.
  void add_poller(const std::string& address) { pollers_.insert(address); }

  std::string id_for_message_id(const std::string& message_id) const;
  const MessageRecord* find(const std::string& id) const;

  void submitted(const std::string& id, sim::Time t);
  void rejected(const std::string& id, const std::string& rcpt, const std::string& reason);  // rcpt "" = all
  void deferred(const std::string& id, const std::string& rcpt, sim::Time next_retry, const std::string& reason);
  void delivered(const std::string& id, const std::string& rcpt, sim::Time t);
  void bounced(const std::string& id, const std::string& rcpt, sim::Time t, const std::string& reason);
  void retrieved(const std::string& id, const std::string& mailbox, sim::Time t);

  // True when nothing more can happen to any message: every recipient has a final status
  // and every delivered copy for a polling user has been fetched.
  bool settled() const;
  Totals totals() const;  // scenario messages only; DSNs are listed apart
  std::vector<std::string> conservation_errors() const;
  nlohmann::json summary_json(sim::Time end) const;
  const std::vector<MessageRecord>& messages() const { return messages_; }

 private:
  RcptRecord* rcpt(const std::string& id, const std::string& address);
  std::vector<MessageRecord> messages_;
  std::map<std::string, std::size_t> by_id_;
  std::map<std::string, std::string> by_message_id_;
  std::set<std::string> pollers_;
  int bounces_ = 0;
};

}  // namespace mailsim::agents
