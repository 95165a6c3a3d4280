#pragma once
// Test doubles shared by the POP3 unit tests: an in-memory Maildrop and helpers that wire a
// server and a client back to back, recording the transcript as the wrapper would trace it.
#include <algorithm>
#include <cstdint>
#include <map>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "agents/pop3/client.hpp"
#include "agents/pop3/server.hpp"

namespace pop3test {

using namespace mailsim::pop3;

class MemoryMaildrop : public Maildrop {
 public:
  struct Stored {
    std::uint64_t id;
    std::string uid;
    std::string content;  // any line endings
  };
  struct Account {
    std::string password;
    std::vector<Stored> messages;
  };
  std::map<std::string, Account, std::less<>> accounts;
  std::multiset<std::string, std::less<>> locked;
  std::vector<std::vector<std::uint64_t>> removals;  // one entry per remove() call

  void add(const std::string& user, std::uint64_t id, std::string content) {
    accounts[user].messages.push_back({id, "uid-" + std::to_string(id), std::move(content)});
  }
  bool check_password(std::string_view user, std::string_view password) override {
    auto it = accounts.find(user);
    return it != accounts.end() && it->second.password == password;
  }
  std::optional<std::string> secret(std::string_view user) override {
    auto it = accounts.find(user);
    if (it == accounts.end()) return std::nullopt;
    return it->second.password;
  }
  bool lock(std::string_view user) override {
    if (locked.count(user)) return false;
    locked.insert(std::string(user));
    return true;
  }
  void unlock(std::string_view user) override {
    auto it = locked.find(user);
    if (it != locked.end()) locked.erase(it);
  }
  std::vector<MaildropEntry> load(std::string_view user) override {
    std::vector<MaildropEntry> out;
    if (auto it = accounts.find(user); it != accounts.end())
      for (const Stored& m : it->second.messages) out.push_back({m.id, m.uid, canonical_crlf(m.content).size()});
    return out;
  }
  std::string content(std::string_view user, std::uint64_t id) override {
    for (const Stored& m : accounts.find(user)->second.messages)
      if (m.id == id) return m.content;
    throw std::runtime_error("no message " + std::to_string(id));
  }
  void remove(std::string_view user, const std::vector<std::uint64_t>& ids) override {
    removals.push_back(ids);
    auto& msgs = accounts.find(user)->second.messages;
    std::erase_if(msgs, [&](const Stored& e) { return std::find(ids.begin(), ids.end(), e.id) != ids.end(); });
  }
};

// Sends one command line and returns the reply bytes.
inline std::string say(Pop3Server& s, std::string_view line) {
  s.receive(std::string(line) + "\r\n");
  return to_bytes(s.take_output());
}

// The server's first reply line only (without CRLF).
inline std::string first_line(const std::string& bytes) { return bytes.substr(0, bytes.find("\r\n")); }

// A server logged in as alice/secret, output drained.
inline void login(Pop3Server& s, std::string_view user = "alice", std::string_view pass = "secret") {
  s.start();
  s.receive("USER " + std::string(user) + "\r\nPASS " + std::string(pass) + "\r\n");
  s.take_output();
}

// Runs client and server until neither has anything to say. Each Output becomes one
// transcript entry "S: text" / "C: text" (Content entries hold the raw stuffed bytes).
// With bytewise, every byte is delivered in its own receive() call.
inline std::vector<std::string> run(Pop3Server& server, Pop3Client& client, bool bytewise = false) {
  std::vector<std::string> transcript;
  auto deliver = [&](auto& to, const std::string& bytes) {
    if (!bytewise) return to.receive(bytes);
    for (char c : bytes) to.receive(std::string_view(&c, 1));
  };
  server.start();
  for (int guard = 0; guard < 100000; ++guard) {
    std::vector<Output> s = server.take_output();
    for (const Output& o : s) transcript.push_back("S: " + o.text);
    if (!s.empty()) deliver(client, to_bytes(s));
    std::vector<Output> c = client.take_output();
    for (const Output& o : c) transcript.push_back("C: " + o.text);
    if (!c.empty()) deliver(server, to_bytes(c));
    if (s.empty() && c.empty()) break;
  }
  if (server.wants_close() && !client.done()) client.connection_lost();
  if (client.wants_close() && !server.wants_close()) server.connection_lost();
  return transcript;
}

}  // namespace pop3test
