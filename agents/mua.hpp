#pragma once
// The mail user agent: composes messages (step 1), submits them to its provider's MSA
// with authentication (step 2), and polls its POP3 mailbox, keeping a local copy of
// every message it retrieves (step 6) in its PC's store (one per client host, a mailbox per
// user, as several mail programs on one PC keep one folder each).
#include <set>
#include <string>
#include <vector>

#include "agents/context.hpp"
#include "agents/mime/compose.hpp"
#include "agents/store/mailbox_store.hpp"

namespace mailsim::agents {

struct MuaConfig {
  std::string address, password, display_name;
  std::string server_host;
  std::uint32_t server_address = 0;
  sim::Time poll_interval = 0;  // 0: never polls
  bool keep_on_server = false;  // POP3 without DELE
};

struct PlannedMessage {
  std::string id;
  sim::Time at = 0;
  mime::Draft draft;  // Date is filled in at compose time
};

class Mua {
 public:
  Mua(Context& ctx, sim::HostId host, MuaConfig config, store::MailboxStore& local);
  void schedule(PlannedMessage m);
  // Composes and submits now (generated traffic: agents/traffic.hpp).
  void compose_and_submit(const PlannedMessage& m);
  void start_polling();
  const MuaConfig& config() const { return config_; }
  store::MailboxStore& local_store() { return local_; }

 private:
  void poll();
  trace::Actor self() const;

  Context& ctx_;
  sim::HostId host_;
  MuaConfig config_;
  store::MailboxStore& local_;
  bool polling_now_ = false;
  // UIDLs of the messages already copied (keep_on_server): the next poll skips them, as
  // fetchmail's .fetchids does, instead of copying the whole maildrop again.
  std::set<std::string> seen_uids_;
};

// The Message-ID a planned message will carry, so the ledger knows it before the run.
std::string planned_message_id(const std::string& id, const std::string& from, std::int64_t start_epoch, sim::Time at);

}  // namespace mailsim::agents
