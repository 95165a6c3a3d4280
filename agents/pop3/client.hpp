#pragma once
// Sans-I/O POP3 client behaving like a basic MUA: log in, STAT, optionally UIDL, RETR (and
// DELE) every message, QUIT. It sends one command at a time and waits for its reply, so the
// transcript reads like a textbook session. The wrapper owns the socket and the timer.
#include <cstddef>
#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "agents/pop3/wire.hpp"
#include "sim/line_reader.hpp"

namespace mailsim::pop3 {

struct ClientConfig {
  std::string user, password;  // with use_apop, password is the shared APOP secret
  bool delete_after_retrieve = true;
  bool use_apop = false;
  bool use_uidl = false;
  std::set<std::string> known_uids{};  // with use_uidl: already downloaded, skipped
  std::size_t max_message_octets = 64u << 20;  // larger messages end the session with Error
};

struct RetrievedMessage {
  std::size_t number;   // message number in this session
  std::string uid;      // empty unless UIDL was used
  std::string content;  // un-stuffed, CRLF line endings
  bool deleted = false;  // DELE was accepted and the server confirmed QUIT (UPDATE ran)
};

struct ClientResult {
  enum class Outcome { Ok, AuthFailed, Error, ConnectionLost } outcome = Outcome::Ok;
  std::string error;  // the first failure, for the trace; empty when Ok
  std::vector<RetrievedMessage> messages;  // only RETRs that completed
  std::size_t maildrop_count = 0;   // from STAT
  std::size_t maildrop_octets = 0;  // from STAT
};

class Pop3Client {
 public:
  enum class Step { Greeting, User, Pass, Apop, Stat, Uidl, Retr, Dele, Quit, Done };
  // Status lines may exceed RFC 2449's 512 octets from sloppy servers; we read a little more.
  static constexpr std::size_t kMaxStatusLine = 1024;
  static constexpr std::size_t kMaxUidlEntries = 100000;

  explicit Pop3Client(ClientConfig config);

  void receive(std::string_view bytes);  // never throws
  void connection_lost();
  void timeout();  // the server went silent: give up without QUIT

  std::vector<Output> take_output();
  // The same into the caller's buffer (cleared first), which keeps this one's capacity in
  // exchange: a session that drains its core every time allocates no output vectors.
  void take_output(std::vector<Output>& into) {
    into.clear();
    into.swap(output_);
  }
  bool done() const { return step_ == Step::Done; }
  bool wants_close() const { return done(); }
  const ClientResult& result() const { return result_; }
  Step step() const { return step_; }
  std::size_t buffered() const { return reader_.buffered() + body_.size(); }

 private:
  // The client's transition table: for the command awaiting a reply, what +OK, -ERR and
  // (for multi-line replies) each body line lead to.
  using OnText = void (Pop3Client::*)(std::string_view);
  using OnBody = void (Pop3Client::*)(const LineView&);
  struct Rule {
    Step step;
    bool multiline;
    OnText on_ok, on_err;
    OnBody on_body;
  };
  static const Rule& rule(Step step);

  void handle_line(const LineView& line);
  void send(Step next, std::string command);  // the one place commands are written
  void fail(ClientResult::Outcome outcome, std::string error);  // the first failure wins
  void finish();
  void next_message();  // RETR the next wanted message, or QUIT

  void greeting_ok(std::string_view text);
  void greeting_err(std::string_view text);
  void user_ok(std::string_view text);
  void auth_ok(std::string_view text);
  void auth_err(std::string_view text);
  void stat_ok(std::string_view text);
  void stat_err(std::string_view text);
  void uidl_line(const LineView& line);
  void uidl_ok(std::string_view text);
  void uidl_err(std::string_view text);
  void retr_line(const LineView& line);
  void take_plain_body();
  void keep_body(std::string_view text, std::string_view line_end, bool overlong);
  void retr_ok(std::string_view text);
  void retr_err(std::string_view text);
  void dele_ok(std::string_view text);
  void dele_err(std::string_view text);
  void quit_ok(std::string_view text);
  void quit_err(std::string_view text);
  void no_body(const LineView&) {}

  ClientConfig config_;
  LineReader reader_;
  Step step_ = Step::Greeting;
  bool in_body_ = false;
  std::string status_text_;  // the +OK line of the multi-line reply being read
  std::string body_;         // the message being retrieved
  bool body_too_big_ = false;
  bool listing_too_big_ = false;
  // What to fetch: from UIDL when used, else numbers 1..maildrop_count.
  bool from_listing_ = false;
  std::vector<std::pair<std::size_t, std::string>> listing_;
  std::size_t next_index_ = 0;     // into listing_
  std::size_t next_number_ = 1;    // without listing
  std::pair<std::size_t, std::string> current_;  // number and uid being retrieved
  std::vector<std::size_t> marked_;  // indexes into result_.messages, DELE accepted
  std::vector<Output> output_;
  ClientResult result_;
};

}  // namespace mailsim::pop3
