#pragma once
// What the SMTP server agents hand to the queue manager: one accepted message.
#include <map>
#include <string>
#include <vector>

#include "agents/smtp/dsn_params.hpp"

#include "sim/time.hpp"

namespace mailsim::agents {

struct QueuedMessage {
  std::string queue_id;
  std::string msg;  // scenario message id, for the trace and the ledger
  std::string mail_from;  // "" for the null reverse-path of a bounce
  std::vector<std::string> rcpts;
  std::string content;
  sim::Time arrived = 0;
  bool submitted = false;  // entered through submission (the MTA is then an intermediary)
  // What the sender asked of DSNs (RFC 3461): RET and ENVID, NOTIFY and ORCPT per recipient
  // (recipients without an entry asked nothing).
  smtp::DsnRet dsn_ret = smtp::DsnRet::Unspecified;
  std::string envid;
  std::map<std::string, smtp::RcptDsn> rcpt_dsn;
};

class QueueSink {
 public:
  virtual ~QueueSink() = default;
  virtual void enqueue(QueuedMessage m) = 0;
};

}  // namespace mailsim::agents
