#pragma once
// What the SMTP server agents hand to the queue manager: one accepted message.
#include <string>
#include <vector>

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
};

class QueueSink {
 public:
  virtual ~QueueSink() = default;
  virtual void enqueue(QueuedMessage m) = 0;
};

}  // namespace mailsim::agents
