#pragma once
// Sans-I/O POP3 server (RFC 1939 with RFC 2449 CAPA and response codes). It consumes bytes,
// produces Output lines/content and Events, and never touches sockets, threads or clocks:
// the agent wrapper owns the connection and the autologout timer and calls timeout().
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "agents/pop3/wire.hpp"
#include "sim/line_reader.hpp"

namespace mailsim::pop3 {

// What the server keeps of a message from PASS to QUIT: no content, which only RETR and TOP read.
struct MaildropEntry {
  std::uint64_t id;
  std::string uid;
  std::uint64_t size;  // RFC 1939 size: octets of the content in canonical CRLF form
};

// The agent's mailbox store, behind a narrow interface. It must outlive the server.
// Any method may throw; the server turns that into -ERR [SYS/TEMP] and stays consistent.
class Maildrop {
 public:
  virtual ~Maildrop() = default;
  virtual bool check_password(std::string_view user, std::string_view password) = 0;
  virtual std::optional<std::string> secret(std::string_view user) = 0;  // for APOP; nullopt = no such user
  virtual bool lock(std::string_view user) = 0;                         // false -> -ERR [IN-USE]
  virtual void unlock(std::string_view user) = 0;
  virtual std::vector<MaildropEntry> load(std::string_view user) = 0;  // snapshot at lock time
  // A message of that snapshot (RETR, TOP), in any line-ending form: the server makes it CRLF.
  virtual std::string content(std::string_view user, std::uint64_t id) = 0;
  virtual void remove(std::string_view user, const std::vector<std::uint64_t>& ids) = 0;  // UPDATE only
};

struct ServerConfig {
  std::string hostname;
  std::string apop_timestamp;  // e.g. "<1896.697170952@mail.example.com>"; empty = no APOP
  int max_auth_failures = 3;   // failed PASS/APOP on one connection before the server hangs up; 0 = never
};

// Events for the trace and the simulation's bookkeeping, in the order they happened.
struct LoggedIn { std::string user; };
// Bad credentials (the client saw -ERR [AUTH]); `failures` on this connection so far,
// `disconnect` when that was the last one allowed.
struct AuthFailed { std::string user; int failures = 1; bool disconnect = false; };
struct InUse { std::string user; };       // good credentials, maildrop locked by another session
struct Retrieved { std::string user; std::uint64_t id; std::size_t octets; };  // octets: RFC 1939 size
struct Deleted { std::string user; std::uint64_t id; };  // removed from the store at UPDATE
struct Closed {
  enum class Reason { Quit, Timeout, ConnectionLost, TooManyErrors } reason;
  bool updated;  // true only when QUIT ran the UPDATE state
};
using Event = std::variant<LoggedIn, AuthFailed, InUse, Retrieved, Deleted, Closed>;

class Pop3Server {
 public:
  enum class State { Authorization, Transaction, Update };
  // Unrecognised or malformed commands tolerated before the server hangs up (as Dovecot does),
  // so a peer sending garbage cannot make us produce -ERR lines forever.
  static constexpr int kMaxBadCommands = 20;

  Pop3Server(ServerConfig config, Maildrop& maildrop);
  ~Pop3Server();  // releases the lock if the wrapper forgot to end the session
  Pop3Server(const Pop3Server&) = delete;
  Pop3Server& operator=(const Pop3Server&) = delete;

  void start();                         // greeting
  void receive(std::string_view bytes);  // never throws
  void timeout();                       // autologout: close, no UPDATE, no reply (RFC 1939 s3)
  void connection_lost();               // same, silently

  std::vector<Output> take_output();
  // The same into the caller's buffer (cleared first), which keeps this one's capacity in
  // exchange: a session that drains its core every time allocates no output vectors.
  void take_output(std::vector<Output>& into) {
    into.clear();
    into.swap(output_);
  }
  std::vector<Event> take_events();
  // The lines read from the client, when asked to keep them (a real client, live mode).
  void keep_input(bool keep) { keep_input_ = keep; }
  std::vector<Line> take_input() { return std::exchange(input_, {}); }
  bool wants_close() const { return closed_; }
  State state() const { return state_; }
  std::size_t buffered() const { return reader_.buffered(); }

 private:
  struct Message {
    std::uint64_t id;
    std::string uid;
    std::uint64_t size;  // the RFC 1939 octet count
    bool deleted = false;
  };
  struct Args {
    std::string_view v[2];
    std::size_t n = 0;
  };
  // Everything one command answers; emit() is the only place that turns it into bytes.
  struct Reply {
    Reply(bool ok_, std::string_view code_, std::string text_)
        : ok(ok_), code(code_), text(std::move(text_)) {}
    bool ok;
    std::string_view code;  // RFC 2449 response code without brackets, or empty
    std::string text;
    std::vector<std::string> lines;  // multi-line listing (LIST, UIDL, CAPA)
    std::optional<std::string> content;  // RETR/TOP body, canonical CRLF, not yet stuffed
    bool multiline = false;
  };
  using Guard = std::optional<Reply> (Pop3Server::*)(const Args&) const;
  using Handler = Reply (Pop3Server::*)(const Args&);
  struct Command;
  static const Command kCommands[];

  void handle_line(const LineView& line);
  void emit(const Reply& r);
  void bad_command(std::string_view text);
  void end_session(Closed::Reason reason, bool updated);
  const Message* message(std::string_view arg) const;
  std::uint64_t live_octets() const;
  std::size_t live_count() const;
  Reply enter_transaction(const std::string& user);
  Reply auth_failed(const std::string& user);

  // Guards: one per handler; nullopt means the command may run.
  std::optional<Reply> guard_none(const Args&) const;
  std::optional<Reply> guard_pass(const Args&) const;
  std::optional<Reply> guard_apop(const Args&) const;
  std::optional<Reply> guard_message(const Args&) const;  // optional or required "n", by arity
  std::optional<Reply> guard_top(const Args&) const;

  Reply do_user(const Args&);
  Reply do_pass(const Args&);
  Reply do_apop(const Args&);
  Reply do_quit(const Args&);
  Reply do_stat(const Args&);
  Reply do_list(const Args&);
  Reply do_retr(const Args&);
  Reply do_dele(const Args&);
  Reply do_noop(const Args&);
  Reply do_rset(const Args&);
  Reply do_top(const Args&);
  std::string canonical_content(std::uint64_t id);
  Reply do_uidl(const Args&);
  Reply do_capa(const Args&);

  ServerConfig config_;
  Maildrop& maildrop_;
  LineReader reader_;
  State state_ = State::Authorization;
  bool closed_ = false;
  bool locked_ = false;
  int bad_commands_ = 0;
  int auth_failures_ = 0;
  bool hang_up_after_reply_ = false;  // set by a handler; emit() ends the session after the reply
  std::optional<std::string> pending_user_;  // after USER, before PASS
  std::string user_;                         // the authenticated user
  std::vector<Message> messages_;
  std::vector<Output> output_;
  std::vector<Event> events_;
  bool keep_input_ = false;
  std::vector<Line> input_;
};

}  // namespace mailsim::pop3
