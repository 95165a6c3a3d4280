#pragma once
// Typed facts: what an agent decided, stated by that agent at the moment it decided. The
// vocabulary is closed: each fact is one struct below, listed once in `Fact`. Each struct
// names its fields once, in `fields(v)`, and that one list serves the JSON writer, the
// reader and the trace schema. Renderers turn facts into sentences through one catalogue
// per language (visualize/catalogue*); nothing here is prose.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace mailsim::trace {

// Enumerations carried by facts, written in the trace by the names listed in `enum_names`.
enum class Verdict : std::uint8_t {
  LocalUser,       // accepted: a mailbox of this server
  Postmaster,      // accepted: postmaster (RFC 5321 section 4.5.1)
  BackupMx,        // accepted for relay: this server is a backup MX of the domain
  TrustedClient,   // accepted for relay: the client host may relay (the server is its smarthost)
  Authenticated,   // accepted for relay: the client logged in (submission)
  UnknownUser,     // refused: no such mailbox
  RelayDenied,     // refused: not ours and the client may not relay
  Greylisted,      // refused for now: first attempt from this client, sender and recipient
  MailboxFull,     // refused: over quota
  Other,           // refused for another reason (syntax, limits, local error)
};
enum class Refusal : std::uint8_t { ContentPolicy, TooBig, NoRecipients, Loop, Other, SenderMismatch };
// Why a server stopped listening to a client for a while (live mode defences).
enum class Throttle : std::uint8_t { TooManyConnections, TooManyAuthFailures };
enum class NetFailure : std::uint8_t { Refused, Unreachable, TimedOut, Reset };
enum class MxFailure : std::uint8_t { NxDomain, NullMx, ServFail, Timeout, NoAddress, LoopsBack };
enum class DeliveryProblem : std::uint8_t { UnknownUser, MailboxFull };
enum class PollProblem : std::uint8_t { Refused, Unreachable, TimedOut, Reset, AuthFailed, InUse, ServerError, ConnectionLost };
enum class Via : std::uint8_t { Mx, Smarthost };
enum class MtaRole : std::uint8_t { Client, Server, Intermediary };
enum class DsnAction : std::uint8_t { Failed, Delayed };
enum class Stage : std::uint8_t { Greeting, Ehlo, Auth, Mail, Rcpt, Data, Content, Quit };

template <class E>
struct EnumNames;  // specialised below: static constexpr std::array names
#define MAILSIM_ENUM_NAMES(E, TYPE, ...)                              \
  template <>                                                        \
  struct EnumNames<E> {                                              \
    static constexpr const char* type = TYPE;                        \
    static constexpr std::array names{__VA_ARGS__};                  \
  };
MAILSIM_ENUM_NAMES(Verdict, "verdict", "local_user", "postmaster", "backup_mx", "trusted_client", "authenticated",
                   "unknown_user", "relay_denied", "greylisted", "mailbox_full", "other")
MAILSIM_ENUM_NAMES(Refusal, "refusal", "content_policy", "too_big", "no_recipients", "loop", "other", "sender_mismatch")
MAILSIM_ENUM_NAMES(Throttle, "throttle", "too_many_connections", "too_many_auth_failures")
MAILSIM_ENUM_NAMES(NetFailure, "net_failure", "refused", "unreachable", "timed_out", "reset")
MAILSIM_ENUM_NAMES(MxFailure, "mx_failure", "nxdomain", "null_mx", "servfail", "timeout", "no_address", "loops_back")
MAILSIM_ENUM_NAMES(DeliveryProblem, "delivery_problem", "unknown_user", "mailbox_full")
MAILSIM_ENUM_NAMES(PollProblem, "poll_problem", "refused", "unreachable", "timed_out", "reset", "auth_failed", "in_use",
                   "server_error", "connection_lost")
MAILSIM_ENUM_NAMES(Via, "via", "mx", "smarthost")
MAILSIM_ENUM_NAMES(MtaRole, "mta_role", "client", "server", "intermediary")
MAILSIM_ENUM_NAMES(DsnAction, "dsn_action", "failed", "delayed")
MAILSIM_ENUM_NAMES(Stage, "stage", "greeting", "ehlo", "auth", "mail", "rcpt", "data", "content", "quit")
#undef MAILSIM_ENUM_NAMES

template <class E>
constexpr std::string_view enum_name(E e) {
  return EnumNames<E>::names[static_cast<std::size_t>(e)];
}
template <class E>
std::optional<E> enum_from(std::string_view name) {
  const auto& names = EnumNames<E>::names;
  for (std::size_t i = 0; i < names.size(); ++i)
    if (names[i] == name) return static_cast<E>(i);
  return std::nullopt;
}

// An SMTP reply as a fact carries it: code, enhanced status, and the text as sent.
struct ReplyInfo {
  int code = 0;
  std::string enhanced;  // "5.1.1", or empty
  std::string text;      // the whole reply line(s) joined, e.g. "550 5.1.1 <x@y>: ... unknown"
  template <class V> void fields(V& v) { v("code", code); v("enhanced", enhanced); v("text", text); }
};

struct Exchanger {
  std::string host;
  int preference = 0;
  std::string address;  // dotted IPv4, empty when unknown
  template <class V> void fields(V& v) { v("host", host); v("preference", preference); v("address", address); }
};

using Link = std::array<std::string, 2>;

// ---- step 1 ----
struct Composed {
  static constexpr const char* name = "composed";
  std::string from;
  std::vector<std::string> to;  // To and Cc, each once
  std::string subject;
  std::int64_t octets = 0;
  int attachments = 0;
  std::string message_id;
  template <class V> void fields(V& v) {
    v("from", from); v("to", to); v("subject", subject); v("octets", octets); v("attachments", attachments);
    v("message_id", message_id);
  }
};

// ---- step 2 (and 4: the same server-side checks on port 25) ----
struct RecipientChecked {
  static constexpr const char* name = "recipient_checked";
  std::string rcpt;
  bool accepted = false;
  Verdict verdict = Verdict::Other;
  ReplyInfo reply;
  bool submission = false;  // true on the MSA (step 2), false on an MTA (step 4)
  template <class V> void fields(V& v) {
    v("rcpt", rcpt); v("accepted", accepted); v("verdict", verdict); v("reply", reply); v("submission", submission);
  }
};
struct MessageRefused {
  static constexpr const char* name = "message_refused";
  Refusal reason = Refusal::Other;
  ReplyInfo reply;
  bool submission = false;
  template <class V> void fields(V& v) { v("reason", reason); v("reply", reply); v("submission", submission); }
};
struct SubmissionAccepted {
  static constexpr const char* name = "submission_accepted";
  std::string queue_id;
  std::string from;
  std::vector<std::string> rcpts;
  std::string user;  // the authenticated user
  template <class V> void fields(V& v) { v("queue_id", queue_id); v("from", from); v("rcpts", rcpts); v("user", user); }
};
struct SubmissionFailed {
  static constexpr const char* name = "submission_failed";
  std::string server;
  Stage stage = Stage::Greeting;
  std::optional<ReplyInfo> reply;        // the reply that decided, when there was one
  std::optional<NetFailure> net_error;   // when the server could not be reached
  template <class V> void fields(V& v) {
    v("server", server); v("stage", stage); v("reply", reply); v("net_error", net_error);
  }
};

// ---- step 3: the sending MTA (queue manager, resolver, SMTP client) ----
struct RelayAttempt {
  static constexpr const char* name = "relay_attempt";
  std::string queue_id;
  int attempt = 1;
  std::string domain;
  std::vector<std::string> rcpts;
  Via via = Via::Mx;
  std::string smarthost;  // with via = smarthost
  std::vector<MtaRole> roles;  // client; intermediary when the message came from a submission
  template <class V> void fields(V& v) {
    v("queue_id", queue_id); v("attempt", attempt); v("domain", domain); v("rcpts", rcpts); v("via", via);
    v("smarthost", smarthost); v("roles", roles);
  }
};
struct MxAnswer {
  static constexpr const char* name = "mx_answer";
  std::string domain;
  std::vector<Exchanger> exchangers;  // in the order they will be tried
  bool implicit = false;              // no MX record: the domain itself (RFC 5321 section 5.1)
  template <class V> void fields(V& v) { v("domain", domain); v("exchangers", exchangers); v("implicit", implicit); }
};
struct MxFailed {
  static constexpr const char* name = "mx_failed";
  std::string domain;
  MxFailure reason = MxFailure::NxDomain;
  bool permanent = false;
  template <class V> void fields(V& v) { v("domain", domain); v("reason", reason); v("permanent", permanent); }
};
struct Connecting {
  static constexpr const char* name = "connecting";
  std::string host;
  std::string address;
  int preference = 0;
  int port = 25;
  template <class V> void fields(V& v) { v("host", host); v("address", address); v("preference", preference); v("port", port); }
};
struct ConnectionFailed {
  static constexpr const char* name = "connection_failed";
  std::string host;
  std::string address;
  NetFailure error = NetFailure::Refused;
  std::string next_host;  // the next exchanger to try, or empty
  int next_preference = 0;
  template <class V> void fields(V& v) {
    v("host", host); v("address", address); v("error", error); v("next_host", next_host);
    v("next_preference", next_preference);
  }
};
struct TimedOut {  // a client gave up waiting for a reply
  static constexpr const char* name = "timed_out";
  std::string peer;
  Stage stage = Stage::Greeting;
  std::int64_t waited_us = 0;
  bool submission = false;  // the MUA's submission (step 2) rather than an MTA's relay (step 3)
  template <class V> void fields(V& v) {
    v("peer", peer); v("stage", stage); v("waited_us", waited_us); v("submission", submission);
  }
};
struct Relayed {
  static constexpr const char* name = "relayed";
  std::string rcpt;
  std::string host;
  ReplyInfo reply;
  template <class V> void fields(V& v) { v("rcpt", rcpt); v("host", host); v("reply", reply); }
};
struct Deferred {
  static constexpr const char* name = "deferred";
  std::string rcpt;
  std::string host;  // who answered, or empty
  std::optional<ReplyInfo> reply;  // the reply that deferred it, when a server answered
  std::optional<NetFailure> net_error;
  std::optional<MxFailure> dns_error;
  int attempt = 1;
  std::int64_t next_attempt_us = 0;
  bool local = false;  // a local mailbox (step 5) rather than a remote server (step 3)
  template <class V> void fields(V& v) {
    v("rcpt", rcpt); v("host", host); v("reply", reply); v("net_error", net_error); v("dns_error", dns_error);
    v("attempt", attempt); v("next_attempt_us", next_attempt_us); v("local", local);
  }
};
struct Failed {
  static constexpr const char* name = "failed";
  std::string rcpt;
  std::string host;
  std::optional<ReplyInfo> reply;
  std::optional<MxFailure> dns_error;
  std::optional<DeliveryProblem> problem;  // local delivery
  bool local = false;
  template <class V> void fields(V& v) {
    v("rcpt", rcpt); v("host", host); v("reply", reply); v("dns_error", dns_error); v("problem", problem);
    v("local", local);
  }
};
struct Expired {
  static constexpr const char* name = "expired";
  std::vector<std::string> rcpts;
  int attempts = 0;
  std::int64_t queued_us = 0;
  std::int64_t give_up_us = 0;
  std::optional<ReplyInfo> last_reply;
  template <class V> void fields(V& v) {
    v("rcpts", rcpts); v("attempts", attempts); v("queued_us", queued_us); v("give_up_us", give_up_us);
    v("last_reply", last_reply);
  }
};
struct BounceCreated {
  static constexpr const char* name = "bounce_created";
  std::string dsn;  // the new message's id, e.g. "m2.bounce"
  std::string of;   // the message that failed
  std::string to;   // the original sender
  std::vector<std::string> rcpts;  // the recipients it reports
  DsnAction action = DsnAction::Failed;
  std::string subject;
  std::string message_id;
  template <class V> void fields(V& v) {
    v("dsn", dsn); v("of", of); v("to", to); v("rcpts", rcpts); v("action", action); v("subject", subject);
    v("message_id", message_id);
  }
};
struct BounceDiscarded {
  static constexpr const char* name = "bounce_discarded";
  std::vector<std::string> rcpts;
  bool not_requested = false;  // the sender asked for no failure DSN (RFC 3461 NOTIFY), not a bounce
  template <class V> void fields(V& v) { v("rcpts", rcpts); v("not_requested", not_requested); }
};

// ---- step 4: the receiving MTA ----
struct MessageAccepted {
  static constexpr const char* name = "message_accepted";
  std::string queue_id;
  std::string from;
  std::vector<std::string> rcpts;
  std::string client;  // the host of the MTA that handed it over
  bool relay = false;  // accepted to forward (backup MX, smarthost), not for its own mailboxes
  template <class V> void fields(V& v) {
    v("queue_id", queue_id); v("from", from); v("rcpts", rcpts); v("client", client); v("relay", relay);
  }
};
struct ExternalAccepted {  // a real SMTP server outside the simulation took the message (live mode)
  static constexpr const char* name = "external_accepted";
  std::string rcpt;
  std::string endpoint;  // "127.0.0.1:2525"
  template <class V> void fields(V& v) { v("rcpt", rcpt); v("endpoint", endpoint); }
};
struct LoopDetected {
  static constexpr const char* name = "loop_detected";
  int hops = 0;
  int limit = 0;
  template <class V> void fields(V& v) { v("hops", hops); v("limit", limit); }
};

// ---- step 5: the MDA ----
struct Delivered {
  static constexpr const char* name = "delivered";
  std::string rcpt;
  std::int64_t record = 0;
  std::int64_t octets = 0;
  template <class V> void fields(V& v) { v("rcpt", rcpt); v("record", record); v("octets", octets); }
};
struct DeliveryFailed {
  static constexpr const char* name = "delivery_failed";
  std::string rcpt;
  DeliveryProblem problem = DeliveryProblem::UnknownUser;
  std::int64_t quota = 0;
  std::int64_t octets = 0;
  bool permanent = true;  // false: the queue keeps it and retries (452)
  template <class V> void fields(V& v) {
    v("rcpt", rcpt); v("problem", problem); v("quota", quota); v("octets", octets); v("permanent", permanent);
  }
};

// ---- step 6: POP3 server and the recipient's MUA ----
struct Retrieved {
  static constexpr const char* name = "retrieved";
  std::string user;
  std::int64_t record = 0;
  std::int64_t octets = 0;
  template <class V> void fields(V& v) { v("user", user); v("record", record); v("octets", octets); }
};
struct Deleted {
  static constexpr const char* name = "deleted";
  std::string user;
  std::int64_t record = 0;
  template <class V> void fields(V& v) { v("user", user); v("record", record); }
};
struct LocalCopyKept {
  static constexpr const char* name = "local_copy_kept";
  std::string user;
  std::int64_t record = 0;
  std::int64_t octets = 0;
  std::string subject;
  template <class V> void fields(V& v) { v("user", user); v("record", record); v("octets", octets); v("subject", subject); }
};
struct PollEmpty {
  static constexpr const char* name = "poll_empty";
  std::string user;
  std::string server;
  template <class V> void fields(V& v) { v("user", user); v("server", server); }
};
struct PollFailed {
  static constexpr const char* name = "poll_failed";
  std::string user;
  std::string server;
  PollProblem problem = PollProblem::Unreachable;
  std::string reply;  // the -ERR line, when the server answered
  template <class V> void fields(V& v) { v("user", user); v("server", server); v("problem", problem); v("reply", reply); }
};

// ---- faults: no step ----
struct HostDown {
  static constexpr const char* name = "host_down";
  std::string host;
  template <class V> void fields(V& v) { v("host", host); }
};
struct HostUp {
  static constexpr const char* name = "host_up";
  std::string host;
  template <class V> void fields(V& v) { v("host", host); }
};
struct LinkDown {
  static constexpr const char* name = "link_down";
  Link link;
  template <class V> void fields(V& v) { v("link", link); }
};
struct LinkUp {
  static constexpr const char* name = "link_up";
  Link link;
  template <class V> void fields(V& v) { v("link", link); }
};
struct LinkLoss {
  static constexpr const char* name = "link_loss";
  Link link;
  double loss = 0;
  template <class V> void fields(V& v) { v("link", link); v("loss", loss); }
};

// ---- live mode: mail from a real client, which no scenario listed ----
struct LiveMessage {
  static constexpr const char* name = "live_message";
  std::string id;
  std::string from;
  std::vector<std::string> to;
  std::string subject;
  std::string message_id;
  bool submission = false;  // came in on the submission port (step 2) rather than port 25 (step 4)
  template <class V> void fields(V& v) {
    v("id", id); v("from", from); v("to", to); v("subject", subject); v("message_id", message_id);
    v("submission", submission);
  }
};

// ---- server defences (steps 2 and 6, and live mode's gate) ----
struct AuthFailed {  // a server refused a login: SMTP AUTH (submission) or POP3 USER/PASS, APOP
  static constexpr const char* name = "auth_failed";
  std::string user;           // the name the client gave (may be anything)
  int failures = 0;           // failed logins on this connection so far
  std::int64_t delay_us = 0;  // how long the server waits before it answers (grows with failures)
  bool pop3 = false;          // POP3 (step 6) rather than SMTP submission (step 2)
  bool disconnect = false;    // that was one failure too many: the server hangs up
  template <class V> void fields(V& v) {
    v("user", user); v("failures", failures); v("delay_us", delay_us); v("pop3", pop3); v("disconnect", disconnect);
  }
};
struct ClientThrottled {  // live mode: a real client address is refused for a while
  static constexpr const char* name = "client_throttled";
  std::string address;  // the real client's address on loopback
  int port = 25;        // the service it tried: 25, 587 or 110 (gives the step)
  Throttle reason = Throttle::TooManyConnections;
  int count = 0;        // connections open, or login failures counted
  int limit = 0;
  std::int64_t until_us = 0;  // refused until this simulated time (connections: while over the limit)
  template <class V> void fields(V& v) {
    v("address", address); v("port", port); v("reason", reason); v("count", count); v("limit", limit);
    v("until_us", until_us);
  }
};

using Fact = std::variant<Composed, RecipientChecked, MessageRefused, SubmissionAccepted, SubmissionFailed,
                          RelayAttempt, MxAnswer, MxFailed, Connecting, ConnectionFailed, TimedOut, Relayed,
                          Deferred, Failed, Expired, BounceCreated, BounceDiscarded, MessageAccepted, ExternalAccepted,
                          LoopDetected,
                          Delivered, DeliveryFailed, Retrieved, Deleted, LocalCopyKept, PollEmpty, PollFailed,
                          HostDown, HostUp, LinkDown, LinkUp, LinkLoss, LiveMessage, AuthFailed, ClientThrottled>;

inline constexpr std::size_t kFactCount = std::variant_size_v<Fact>;

// The name a fact is written with ("composed", "mx_answer" …).
const char* fact_name(const Fact& f);
// Every fact name, in vocabulary order (for catalogues and the schema).
std::vector<std::string_view> all_fact_names();

}  // namespace mailsim::trace
