#pragma once
// What the ledger knows of one message and each of its recipients.
#include <cstdint>
#include <string>
#include <vector>

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

}  // namespace mailsim::agents
