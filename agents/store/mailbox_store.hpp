#pragma once
// Mailboxes as records in a database: the MDA adds each delivered message, the POP3 server
// lists, reads and deletes from it, and the MUA keeps its local copies in one too. One
// SQLite database per mail server, in memory by default since this is a simulation.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mailsim::store {

struct StoredMessage {
  std::int64_t id = 0;       // never reused, even after remove()
  std::string mailbox{};
  std::string uid{};         // "<id>.<stored_us>": stable, unique, valid as a POP3 UIDL
  std::string content{};     // byte-exact, CRLF line endings as received
  std::int64_t stored_us = 0;
  std::size_t size = 0;      // octets of content, as POP3 STAT/LIST count them
  bool operator==(const StoredMessage&) const = default;
};

class MailboxStore {
 public:
  // ":memory:" or a file path (created if missing). Throws std::runtime_error naming the
  // path and the reason when the database cannot be opened or is not ours.
  explicit MailboxStore(const std::string& path = ":memory:");
  ~MailboxStore();
  MailboxStore(MailboxStore&&) noexcept;
  MailboxStore& operator=(MailboxStore&&) noexcept;
  MailboxStore(const MailboxStore&) = delete;
  MailboxStore& operator=(const MailboxStore&) = delete;

  // Mailbox names are compared byte for byte: the caller passes the canonical (lower-cased)
  // address. A mailbox exists as long as it holds a message. Returns the new id.
  std::int64_t add(std::string_view mailbox, std::string_view content, std::int64_t stored_us);
  // Several messages into one mailbox, in order, in one transaction (one commit, not one a
  // message): the copies a POP3 session brought. Their ids, as add() would have given them.
  std::vector<std::int64_t> add_all(std::string_view mailbox, const std::vector<std::string_view>& contents,
                                    std::int64_t stored_us);
  std::vector<StoredMessage> list(std::string_view mailbox) const;  // arrival order
  // As list(), with every field but mailbox and content: what POP3 needs until RETR.
  std::vector<StoredMessage> index(std::string_view mailbox) const;
  std::optional<StoredMessage> get(std::int64_t id) const;
  std::optional<std::string> content(std::int64_t id) const;
  void remove(const std::vector<std::int64_t>& ids);  // one transaction; unknown ids ignored
  std::size_t count(std::string_view mailbox) const;
  std::size_t octets(std::string_view mailbox) const;
  std::vector<std::string> mailboxes() const;  // sorted, non-empty mailboxes only

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;  // a moved-from store may only be destroyed or assigned to
};

}  // namespace mailsim::store
