#pragma once
// Which scenario message a connection, a stored record or a Message-ID belongs to. This is
// the observer's bookkeeping that lets both ends of a conversation tag their trace lines
// with the same message id; agents never decide anything from it. It replaces asking the
// trace, which is append-only and written out as it happens.
#include <cstdint>
#include <string>
#include <unordered_map>

namespace mailsim::agents {

class Correlation {
 public:
  // The message a connection (or a DNS exchange key) currently carries; "" for none.
  void tag_connection(std::uint64_t conn, std::string msg) { by_conn_[conn] = std::move(msg); }
  const std::string& message_of_connection(std::uint64_t conn) const { return find(by_conn_, conn); }
  void forget_connection(std::uint64_t conn) { by_conn_.erase(conn); }

  // A record in a mail server's mailbox store (host name, record id), forgotten when the
  // record is deleted, so that the map holds only what mailboxes hold.
  void tag_record(const std::string& host, std::int64_t record, std::string msg) {
    by_record_[host][record] = std::move(msg);
  }
  const std::string& message_of_record(const std::string& host, std::int64_t record) const {
    const auto it = by_record_.find(host);
    return it == by_record_.end() ? none() : find(it->second, record);
  }
  void forget_record(const std::string& host, std::int64_t record) {
    if (auto it = by_record_.find(host); it != by_record_.end()) it->second.erase(record);
  }

  // A name for a new DSN about `of`: "m2.bounce", then "m2.bounce2" … ("bounce" for an
  // unknown message). Ids are unique in the run.
  std::string new_bounce_id(const std::string& of) {
    const std::string base = (of.empty() ? std::string("unknown") : of) + ".bounce";
    const int n = ++bounces_[base];
    return n == 1 ? base : base + std::to_string(n);
  }

  // Message-ID (without angle brackets) to message id, for copies that reach an MUA.
  void tag_message_id(const std::string& message_id, std::string msg) {
    if (!message_id.empty()) by_message_id_[message_id] = std::move(msg);
  }
  const std::string& message_of_message_id(const std::string& message_id) const {
    return find(by_message_id_, message_id);
  }
  // Once the ledger says every copy has been fetched (Ledger::on_finished).
  void forget_message_id(const std::string& message_id) { by_message_id_.erase(message_id); }

 private:
  static const std::string& none() {
    static const std::string empty;
    return empty;
  }
  template <class Map>
  static const std::string& find(const Map& m, const typename Map::key_type& k) {
    const auto it = m.find(k);
    return it == m.end() ? none() : it->second;
  }
  std::unordered_map<std::uint64_t, std::string> by_conn_;
  std::unordered_map<std::string, std::unordered_map<std::int64_t, std::string>> by_record_;
  std::unordered_map<std::string, std::string> by_message_id_;
  std::unordered_map<std::string, int> bounces_;
};

}  // namespace mailsim::agents
