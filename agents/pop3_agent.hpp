#pragma once
// The POP3 server agent (port 110): one sans-I/O Pop3Server core per connection, serving
// the mailboxes the MDA fills.
#include <map>
#include <memory>
#include <set>

#include "agents/context.hpp"
#include "agents/mail_config.hpp"
#include "agents/pop3/server.hpp"
#include "agents/store/mailbox_store.hpp"

namespace mailsim::agents {

class Pop3Agent : private pop3::Maildrop {
 public:
  Pop3Agent(Context& ctx, sim::HostId host, const MailServerConfig& config, store::MailboxStore& store);
  ~Pop3Agent() override;
  void start();
  void stop();

 private:
  class Session;
  // pop3::Maildrop, over the store
  bool check_password(std::string_view user, std::string_view password) override;
  std::optional<std::string> secret(std::string_view user) override;
  bool lock(std::string_view user) override;
  void unlock(std::string_view user) override;
  std::vector<pop3::MaildropEntry> load(std::string_view user) override;
  std::string content(std::string_view user, std::uint64_t id) override;
  void remove(std::string_view user, const std::vector<std::uint64_t>& ids) override;
  void end(std::uint64_t conn);

  Context& ctx_;
  sim::HostId host_;
  const MailServerConfig& config_;
  store::MailboxStore& store_;
  std::set<std::string, std::less<>> locked_;
  std::map<std::uint64_t, std::unique_ptr<Session>> sessions_;
  std::uint64_t apop_counter_ = 0;
};

}  // namespace mailsim::agents
