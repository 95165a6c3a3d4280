#pragma once
// Shared fixtures for the SMTP unit tests: a policy with known users, helpers that feed a
// server and collect its reply lines, and a loop that wires a server and a client together.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "agents/smtp/client.hpp"
#include "agents/smtp/server.hpp"

namespace smtp_test {

using namespace mailsim::smtp;

// example.com has bob, carol, busy (mailbox full) and user0..userN; other domains are
// relayed only for authenticated users. alice/secret is the only account.
class TestPolicy : public ServerPolicy {
 public:
  Reply check_recipient(const Envelope& env, const Path& rcpt) override {
    seen.push_back(rcpt);
    if (rcpt.domain.empty()) return Reply::make(250, "2.1.5", "Ok");  // postmaster
    if (iequals(rcpt.domain, "example.com")) {
      if (rcpt.local == "bob" || rcpt.local == "carol" || rcpt.local.rfind("user", 0) == 0)
        return Reply::make(250, "2.1.5", "Ok");
      if (rcpt.local == "busy") return Reply::make(452, "4.2.2", "Mailbox full");
      return Reply::make(550, "5.1.1", "<" + rcpt.str() + ">: Recipient address rejected: User unknown");
    }
    if (!env.auth_user.empty()) return Reply::make(250, "2.1.5", "Ok");
    return Reply::make(554, "5.7.1", "<" + rcpt.str() + ">: Relay access denied");
  }
  Reply check_message(const Envelope&, std::string_view content) override {
    if (content.find("VIRUS") != std::string_view::npos) return Reply::make(554, "5.7.1", "Rejected: content");
    return Reply::make(250, "2.0.0", "Ok");
  }
  bool authenticate(std::string_view user, std::string_view password) override {
    return user == "alice" && password == "secret";
  }
  std::optional<std::string> verify(std::string_view who) override {
    if (who == "bob" || who == "bob@example.com") return std::string("bob@example.com");
    return std::nullopt;
  }
  std::vector<Path> seen;  // every recipient the server asked about, in order
};

inline ServerConfig server_config() {
  ServerConfig c;
  c.hostname = "mx.example.com";
  return c;
}

struct ClientOptions {
  bool pipelining = true, declare_size = true;
  std::string user = {}, password = {};  // AUTH when user is set
};
inline ClientConfig client_config(std::string helo, ClientOptions o = {}) {
  ClientConfig c;
  c.helo_name = std::move(helo);
  c.pipelining = o.pipelining;
  c.declare_size = o.declare_size;
  if (!o.user.empty()) c.auth = std::make_pair(o.user, o.password);
  return c;
}

inline std::vector<std::string> lines_of(const std::vector<Output>& out) {
  std::vector<std::string> lines;
  for (const Output& o : out) lines.push_back(o.text);
  return lines;
}

// Feeds bytes to the server and returns its reply lines (without CRLF).
inline std::vector<std::string> feed(SmtpServer& s, std::string_view bytes) {
  s.receive(bytes);
  return lines_of(s.take_output());
}

// A server past its greeting and EHLO.
inline void greet(SmtpServer& s) {
  s.start();
  s.receive("EHLO client.example.org\r\n");
  s.take_output();
}

struct Dialogue {
  std::vector<std::string> transcript;  // "S: line", "C: line", "C: <content>" in wire order
  std::string client_bytes, server_bytes;
};

// Runs a client against a server until neither has anything more to say. With
// byte_at_a_time, every byte is delivered in its own receive() call.
inline Dialogue run_dialogue(SmtpServer& server, SmtpClient& client, bool byte_at_a_time = false) {
  Dialogue d;
  auto deliver = [&](auto& to, const std::string& bytes) {
    if (!byte_at_a_time) return to.receive(bytes);
    for (char c : bytes) to.receive(std::string_view(&c, 1));
  };
  auto record = [&](const char* who, const std::vector<Output>& out, std::string& bytes) {
    for (const Output& o : out)
      d.transcript.push_back(std::string(who) + (o.kind == Output::Kind::Content ? "<content>" : o.text));
    bytes += to_bytes(out);
  };
  server.start();
  for (int round = 0; round < 1000; ++round) {
    const std::vector<Output> from_server = server.take_output();
    record("S: ", from_server, d.server_bytes);
    deliver(client, to_bytes(from_server));
    if (server.wants_close() && !client.done()) client.connection_lost();
    const std::vector<Output> from_client = client.take_output();
    record("C: ", from_client, d.client_bytes);
    if (!server.wants_close()) deliver(server, to_bytes(from_client));
    if (from_server.empty() && from_client.empty()) break;
  }
  return d;
}

}  // namespace smtp_test
