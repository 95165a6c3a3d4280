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

struct SmtpOutcome {
  smtp::ClientResult result;
  std::optional<sim::NetError> net_error;  // set when the connection itself failed
  std::uint64_t conn = 0;
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
