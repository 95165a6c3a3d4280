#pragma once
// Client sides of a connection: one sans-I/O core (SMTP or POP3) driven over a simulated
// socket, with RFC 5321 timeouts. A session owns itself: it is created by start_*, reports
// once through its callback and then frees itself.
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

// `party` names the client (self) and server (peer), the step and the message; its
// conn is filled in here.
void start_smtp_session(Context& ctx, sim::HostId from, std::uint32_t to_addr, std::uint16_t port, WireParty party,
                        smtp::ClientConfig config, smtp::Transaction txn, std::function<void(SmtpOutcome)> done);

void start_pop3_session(Context& ctx, sim::HostId from, std::uint32_t to_addr, std::uint16_t port, WireParty party,
                        pop3::ClientConfig config, std::function<void(Pop3Outcome)> done);

}  // namespace mailsim::agents
