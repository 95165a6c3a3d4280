#pragma once
// Sans-I/O SMTP client for one transaction (RFC 5321; PIPELINING RFC 2920, SIZE RFC 1870,
// 8BITMIME RFC 6152, AUTH PLAIN/LOGIN RFC 4954). It consumes the server's bytes and
// produces command lines and the DATA content; the wrapper owns the connection and timers
// (phase() tells it which RFC 5321 section 4.5.3.2 timeout applies).
//
// Every command sent is queued as a Pending step; each reply answers the oldest one. That
// single rule covers lock-step and pipelined dialogues alike.
//
// Connection reuse (Postfix's connection cache): a transaction with keep_open ends after the
// reply to the final dot without QUIT (or, when the server refused it before the dot, after a
// "final RSET" and its 250); the client is then idle(). The owner either runs the next
// transaction on the same connection (next(): an RSET probe first, as Postfix sends, then
// MAIL FROM), ends it politely (quit()), or drops it without a word (hang_up(): what
// Postfix's scache does when a cached connection's time is up).
#include <cstddef>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "agents/smtp/dsn_params.hpp"
#include "agents/smtp/reply.hpp"
#include "agents/smtp/wire.hpp"

namespace mailsim::smtp {

struct ClientConfig {
  std::string helo_name;
  // user, password; AUTH PLAIN, or LOGIN when only LOGIN is offered. Skipped when the server
  // offers neither (the server may then refuse MAIL with 530).
  std::optional<std::pair<std::string, std::string>> auth;
  bool pipelining = true;    // use PIPELINING when offered
  bool declare_size = true;  // MAIL ... SIZE=n when SIZE is offered
};

struct Transaction {
  std::string mail_from;              // "" for the null sender <>
  std::vector<std::string> rcpt_to;
  std::string content;                // CRLF lines, NOT dot-stuffed
  bool body_8bit = false;
  // RFC 3461, passed on when the server offers DSN: RET and ENVID; NOTIFY and ORCPT of
  // rcpt_to[i] (rcpt_dsn may be shorter: the rest asked nothing).
  DsnRet dsn_ret = DsnRet::Unspecified;
  std::string envid;
  std::vector<RcptDsn> rcpt_dsn;
  // After the reply to the final dot, keep the connection open for another transaction
  // instead of QUIT (the queue manager asked for connection caching).
  bool keep_open = false;
};

struct RecipientResult {
  std::string rcpt;
  Reply reply;  // the RCPT reply when refused; for accepted ones the reply after the dot (or
                // whatever ended the attempt, e.g. the DATA refusal or a lost connection)
};

struct ClientResult {
  enum class Outcome { Delivered, Transient, Permanent, ConnectionLost } outcome = Outcome::Transient;
  Reply last_reply;  // the reply that decided the outcome (client-made ones say "(local)")
  std::string stage;  // "greeting","ehlo","auth","mail","rcpt","data","content","quit"
  bool timed_out = false;  // the server went silent (timeout()); last_reply is then made up locally
  // A reused connection failed its RSET probe (a refusal, a lost connection, silence): the
  // transaction was never started, and another connection may carry it.
  bool probe_failed = false;
  // Per recipient that was answered, in Transaction order (refusals made locally, for
  // addresses unsafe to send, included). Empty when the session failed before RCPT or MAIL
  // was refused: then last_reply applies to every recipient.
  std::vector<RecipientResult> recipients;
};

// What the server advertised in its EHLO reply.
struct ServerExtensions {
  bool esmtp = false, pipelining = false, size = false, eightbitmime = false;
  bool enhanced_status_codes = false, auth_plain = false, auth_login = false, dsn = false;
  std::size_t size_limit = 0;  // 0 = no limit given
};

class SmtpClient {
 public:
  enum class Phase { Greeting, Ehlo, Auth, Mail, Rcpt, DataStart, DataEnd, Quit, Done, Idle, Probe };

  SmtpClient(ClientConfig config, Transaction transaction);

  void receive(std::string_view bytes);  // never throws
  std::vector<Output> take_output();
  // The same into the caller's buffer (cleared first), which keeps this one's capacity in
  // exchange: a session that drains its core every time allocates no output vectors.
  void take_output(std::vector<Output>& into) {
    into.clear();
    into.swap(output_);
  }
  void connection_lost();  // -> ConnectionLost unless the outcome was already decided
  void timeout();          // no reply in time: Transient, close without waiting

  // Between transactions on a kept connection (see Transaction::keep_open).
  bool idle() const { return idle_ && !done_; }
  void next(Transaction transaction);  // idle only: RSET, then the new transaction
  void quit();                         // idle only: QUIT, then close on its reply
  void hang_up();                      // idle only: close without a word

  bool done() const { return done_; }
  bool wants_close() const { return done_; }
  const ClientResult& result() const { return result_; }
  Phase phase() const;
  const ServerExtensions& extensions() const { return ext_; }
  std::size_t buffered_bytes() const { return parser_.buffered(); }
  // The server's reply lines as read, when asked to keep them (a real server, live mode).
  void keep_input(bool keep) { parser_.keep_lines(keep); }
  std::vector<Line> take_input();

 private:
  enum class Step { Greeting, Ehlo, Helo, AuthUser, AuthPassword, AuthResult, Mail, Rcpt, Data, Content, Quit, Rset, Abort };
  struct Pending {
    Step step;
    std::size_t index = 0;  // Rcpt: which recipient
  };

  void on_reply(const Reply& r);
  void on_ehlo_reply(const Reply& r);
  void after_hello();
  void start_mail();
  void on_mail_reply(const Reply& r);
  void on_rcpt_reply(std::size_t index, const Reply& r);
  void on_data_reply(const Reply& r);
  void on_content_reply(const Reply& r);
  bool send_next_rcpt(std::size_t from);
  std::string rcpt_command(std::size_t i) const;
  void send(Step step, std::string line, std::size_t index = 0);
  void fail_and_quit(const char* stage, const Reply& r);
  void fail_without_accepted_recipients();
  void finish(ClientResult::Outcome outcome, const char* stage, const Reply& r);
  void close();
  void load(Transaction transaction);
  bool pipelined() const { return config_.pipelining && ext_.pipelining; }
  std::size_t accepted_count() const;
  const char* stage_of(Step step) const;

  ClientConfig config_;
  Transaction txn_;                 // without its content, which load() turns into wire_content_
  std::string wire_content_;       // canonical CRLF, dot-stuffed
  std::size_t content_size_ = 0;   // octets before stuffing, as SIZE counts them
  ReplyParser parser_;
  ServerExtensions ext_;
  std::deque<Pending> pending_;
  std::vector<std::optional<Reply>> rcpt_replies_;  // per recipient; nullopt = not asked (yet)
  std::optional<Reply> mail_failure_;
  bool finished_ = false;  // outcome decided
  bool done_ = false;      // nothing more to do; close the connection
  bool idle_ = false;      // a transaction ended, the connection stays open (keep_open)
  std::vector<Line> input_;  // reply lines read, kept across close()
  ClientResult result_;
  std::vector<Output> output_;
};

}  // namespace mailsim::smtp
