#pragma once
// Client sides of a connection: one sans-I/O core (SMTP or POP3) driven over a simulated
// socket, with its protocol's timeouts. A session owns itself: it is created by start_*,
// reports once through its callback and then frees itself.
#include <functional>
#include <optional>

#include "agents/pop3/client.hpp"
#include "agents/smtp/client.hpp"
#include "agents/wire_trace.hpp"

namespace mailsim::agents {

class SmtpLink;

struct SmtpOutcome {
  smtp::ClientResult result;
  std::optional<sim::NetError> net_error;  // set when the connection itself failed
  std::uint64_t conn = 0;
  // Set when the transaction asked keep_open and the connection is still open: the receiver
  // must call next(), quit() or hang_up() on it (now or later; the session waits, idle).
  SmtpLink* link = nullptr;
};

// An open SMTP client connection between two transactions (Postfix's connection cache).
class SmtpLink {
 public:
  // Another transaction on this connection: RSET first, then MAIL FROM. `party` says whose
  // message it is now. Reports once through `done`, as start_smtp_session does.
  virtual void next(WireParty party, smtp::Transaction txn, std::function<void(SmtpOutcome)> done) = 0;
  virtual void quit() = 0;     // QUIT, then close: the polite end
  virtual void hang_up() = 0;  // close without a word, as Postfix's scache does at expiry
  // Called once if the connection ends while idle (the server closed it, a crash, or
  // hang_up()/quit()): after that the link is gone.
  virtual void on_gone(std::function<void()> gone) = 0;

 protected:
  ~SmtpLink() = default;
};
struct Pop3Outcome {
  pop3::ClientResult result;
  std::optional<sim::NetError> net_error;
  std::uint64_t conn = 0;
};

// What a crash of the client's own host does to its session, decided by the caller.
enum class OnOwnHostCrash {
  // The program dies with its host (a mail server's MTA): the session ends without a
  // report; the queue, kept as if on disk, retries after the restart.
  Vanish,
  // The program is not modelled as crashing (an MUA on a PC whose host goes down): it
  // keeps waiting, and its own timeout reports the failure.
  KeepWaiting,
};

// `party` names the client (self) and server (peer), the step and the message; its
// conn is filled in here. SMTP sessions wait as RFC 5321 section 4.5.3.2 says; POP3
// sessions wait `timeouts.pop3_reply` for each reply. Both return the connection's id.
std::uint64_t start_smtp_session(Context& ctx, sim::HostId from, std::uint32_t to_addr, std::uint16_t port, WireParty party,
                        OnOwnHostCrash on_crash, smtp::ClientConfig config, smtp::Transaction txn,
                        std::function<void(SmtpOutcome)> done);

std::uint64_t start_pop3_session(Context& ctx, sim::HostId from, std::uint32_t to_addr, std::uint16_t port, WireParty party,
                        OnOwnHostCrash on_crash, pop3::ClientConfig config, std::function<void(Pop3Outcome)> done);

}  // namespace mailsim::agents
