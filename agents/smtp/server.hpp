#pragma once
// Sans-I/O SMTP server (RFC 5321 with PIPELINING, SIZE, 8BITMIME, ENHANCEDSTATUSCODES, AUTH
// PLAIN/LOGIN and RFC 6409 submission). It consumes bytes and produces Output lines and
// Accepted messages; it never touches sockets, threads or clocks: the agent wrapper owns
// the connection and the idle timer and calls timeout().
//
// The transition rules live in one table (server_commands.cpp): verb, handler, the states
// it is allowed in and the 503 text otherwise. Every reply goes through reply(), the only
// place that formats, bounds and counts replies.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "agents/smtp/address.hpp"
#include "agents/smtp/dsn_params.hpp"
#include "agents/smtp/reply.hpp"
#include "agents/smtp/wire.hpp"
#include "sim/line_reader.hpp"

namespace mailsim::smtp {

struct ServerConfig {
  std::string hostname;                     // greeting "220 <hostname> ESMTP mailsim"
  bool submission = false;                  // RFC 6409: AUTH required before MAIL
  bool offer_auth = false;                  // advertise AUTH PLAIN LOGIN (implied by submission)
  std::size_t max_recipients = 100;         // beyond: 452 4.5.3
  std::size_t max_message_size = 10485760;  // SIZE limit, declared and actual
  bool pipelining = true, eightbitmime = true, enhanced_status_codes = true, smtputf8 = false;
  bool dsn = false;                         // RFC 3461: RET, ENVID, NOTIFY, ORCPT
  bool vrfy_enabled = true;                 // false: VRFY always answers 252 (privacy)
  std::size_t max_errors = 20;              // 5xx protocol errors before 421 and hang-up; 0 = never
  std::size_t max_auth_failures = 3;        // failed AUTH before 421 and hang-up; 0 = never
  std::string id_prefix = "Q";              // queue ids are id_prefix + counter: make it unique per session
};

struct Envelope {
  std::string helo;
  Path mail_from;
  std::vector<Path> rcpt_to;
  std::string auth_user;        // empty when not authenticated
  bool body_8bit = false;       // BODY=8BITMIME
  std::size_t declared_size = 0;  // SIZE=, 0 when not declared
  DsnRet dsn_ret = DsnRet::Unspecified;  // RET=
  std::string envid;                     // ENVID=, decoded; empty when not given
  std::vector<RcptDsn> rcpt_dsn;         // NOTIFY= and ORCPT= of rcpt_to[i]
};

// Decisions that need the agent's state, answered synchronously. Any method may throw:
// the server answers 451 4.3.0 (or 454 for AUTH) and carries on.
class ServerPolicy {
 public:
  virtual ~ServerPolicy() = default;
  virtual Reply check_sender(const Envelope&, const Path&) { return Reply::make(250, "2.1.0", "Ok"); }
  // e.g. 250 2.1.5 / 550 5.1.1 / 554 5.7.1 relay denied / 452 4.2.2 / 451 4.7.1 greylisted
  virtual Reply check_recipient(const Envelope&, const Path& rcpt) = 0;
  // After the dot, before 250: content rules, quota. A positive reply means "accept".
  virtual Reply check_message(const Envelope&, std::string_view) { return Reply::make(250, "2.0.0", "Ok"); }
  virtual bool authenticate(std::string_view user, std::string_view password) = 0;
  // VRFY: the full mailbox, or nullopt for "no such user" (550).
  virtual std::optional<std::string> verify(std::string_view) { return std::nullopt; }
};

struct Accepted {
  std::string queue_id;
  Envelope envelope;
  std::string content;  // un-dot-stuffed, CRLF line endings, without the terminating dot
};

class SmtpServer {
 public:
  // What the server waits for, so the wrapper can pick the RFC 5321 section 4.5.3.2 timeout.
  enum class Phase { Command, AuthResponse, DataBlock, Closed };

  SmtpServer(ServerConfig config, ServerPolicy& policy);
  SmtpServer(const SmtpServer&) = delete;
  SmtpServer& operator=(const SmtpServer&) = delete;

  void start();                          // the 220 greeting
  void receive(std::string_view bytes);  // every complete line, in order; never throws
  void timeout();                        // 421 4.4.2 and close

  std::vector<Output> take_output();
  // The same into the caller's buffer (cleared first), which keeps this one's capacity in
  // exchange: a session that drains its core every time allocates no output vectors.
  void take_output(std::vector<Output>& into) {
    into.clear();
    into.swap(output_);
  }
  // The lines read from the client, as read (commands, AUTH responses and the final dot of
  // DATA; never the message text), when asked to keep them: a real client's lines that no
  // simulated client traced (live mode).
  void keep_input(bool keep) { keep_input_ = keep; }
  std::vector<Line> take_input() { return std::exchange(input_, {}); }
  std::vector<Accepted> take_accepted();
  bool wants_close() const { return state_ == State::Closed; }
  Phase phase() const;
  std::size_t accepted_count() const { return accepted_count_; }
  // Input and message bytes held between calls; bounded whatever the peer sends.
  std::size_t buffered_bytes() const;
  const Envelope& envelope() const { return txn_.envelope; }  // the current transaction

 private:
  enum class State { Connected, Greeted, Mail, Rcpt, Data, AuthResponse, Closed };
  using Handler = void (SmtpServer::*)(std::string_view args);
  struct Command {
    std::string_view verb;
    Handler handler;
    unsigned allowed;  // bit set of States
    std::string_view out_of_sequence;  // 503 text when issued in any other state
  };
  static const Command kCommands[];
  static constexpr unsigned bit(State s) { return 1u << static_cast<unsigned>(s); }
  static const unsigned kSessionStates;  // between the greeting and QUIT, outside DATA/AUTH
  // LineReader limits count text only; the RFC limits include the CRLF.
  static constexpr std::size_t kCommandText = kMaxCommandLine - 2;
  static constexpr std::size_t kDataText = kMaxTextLine - 2;

  // Everything one MAIL ... DATA transaction owns; replaced wholesale on reset.
  struct MailTransaction {
    Envelope envelope;
    std::size_t rcpt_attempts = 0;  // including rejected ones (RFC 2920: DATA -> 554, not 503)
    std::string content;
    std::size_t content_size = 0;
    bool too_big = false, line_too_long = false, bare_lf = false;
    bool previous_line_crlf = true;  // "." ends DATA only as CRLF "." CRLF (no smuggling)
  };

  enum class Sasl { None, Plain, LoginUser, LoginPassword };

  // server.cpp: input loop, DATA, the reply choke point
  void on_line(const LineView& line);
  void on_data_line(const LineView& line);
  void take_plain_data();
  void keep_data(std::string_view text, std::string_view line_end);
  void finish_data();
  void reply(Reply r);
  void reset_transaction();
  void close();
  // Policies are other people's code: a throw becomes a transient local error.
  template <class F>
  static Reply ask_policy(F&& question) {
    try {
      return question();
    } catch (...) {
      return Reply::make(451, "4.3.0", "Error: temporary local problem");
    }
  }

  // server_commands.cpp: the table, dispatch and handlers
  void dispatch(std::string_view line);
  void on_ehlo(std::string_view args);
  void on_helo(std::string_view args);
  void on_mail(std::string_view args);
  void on_rcpt(std::string_view args);
  void on_data(std::string_view args);
  void on_rset(std::string_view args);
  void on_noop(std::string_view args);
  void on_quit(std::string_view args);
  void on_vrfy(std::string_view args);
  void on_help(std::string_view args);
  bool greet(std::string_view args, bool extended);
  bool offers_auth() const { return config_.offer_auth || config_.submission; }

  // server_auth.cpp: AUTH PLAIN / LOGIN (RFC 4954)
  void on_auth(std::string_view args);
  void on_auth_response(const LineView& line);
  void sasl_response(std::string_view encoded);
  void sasl_step(std::string_view decoded);
  void end_sasl();
  void finish_auth(std::string_view authzid, std::string_view user, std::string_view password);

  ServerConfig config_;
  ServerPolicy& policy_;
  LineReader reader_;
  bool keep_input_ = false;
  std::vector<Line> input_;
  State state_ = State::Connected;
  bool started_ = false;  // greeting sent
  std::string helo_;
  std::string auth_user_;
  Sasl sasl_ = Sasl::None;
  std::string sasl_user_;  // AUTH LOGIN: the user name between the two challenges
  MailTransaction txn_;
  std::size_t errors_ = 0;
  std::size_t auth_failures_ = 0;
  std::uint64_t queue_counter_ = 0;
  std::size_t accepted_count_ = 0;
  std::vector<Output> output_;
  std::vector<Accepted> accepted_;
};

}  // namespace mailsim::smtp
