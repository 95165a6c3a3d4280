// AUTH PLAIN and AUTH LOGIN (RFC 4954, RFC 4616). The simulated network has no TLS, so
// credentials travel in clear base64 and 538 (encryption required) is never sent: the
// trace shows students exactly why that is a problem.
#include "agents/smtp/server.hpp"
#include "sim/base64.hpp"

namespace mailsim::smtp {

namespace {
constexpr std::string_view kUsernameChallenge = "VXNlcm5hbWU6";  // "Username:"
constexpr std::string_view kPasswordChallenge = "UGFzc3dvcmQ6";  // "Password:"
}  // namespace

void SmtpServer::on_auth(std::string_view args) {
  if (!offers_auth()) return reply(Reply::make(502, "5.5.1", "Error: authentication not enabled"));
  if (!auth_user_.empty()) return reply(Reply::make(503, "5.5.1", "Error: already authenticated"));
  const std::size_t sp = args.find(' ');
  const std::string_view mechanism = args.substr(0, sp);
  const bool has_initial = sp != std::string_view::npos;
  const std::string_view initial = has_initial ? args.substr(sp + 1) : std::string_view{};
  if (mechanism.empty()) return reply(Reply::make(501, "5.5.4", "Syntax: AUTH mechanism"));
  if (iequals(mechanism, "PLAIN")) {
    sasl_ = Sasl::Plain;
  } else if (iequals(mechanism, "LOGIN")) {
    sasl_ = Sasl::LoginUser;
  } else {
    return reply(Reply::make(504, "5.5.4", "Error: unsupported authentication mechanism"));
  }
  state_ = State::AuthResponse;
  if (has_initial) {
    sasl_response(initial);  // "=" stands for an empty initial response
  } else {
    reply(Reply::make(334, "", sasl_ == Sasl::Plain ? "" : std::string(kUsernameChallenge)));
  }
}

void SmtpServer::on_auth_response(const LineView& line) {
  if (line.overlong) {
    end_sasl();
    return reply(Reply::make(500, "5.5.2", "Error: line too long"));
  }
  sasl_response(line.text);
}

void SmtpServer::sasl_response(std::string_view encoded) {
  if (encoded == "*") {  // RFC 4954 section 4: the client cancels
    end_sasl();
    return reply(Reply::make(501, "5.7.0", "Authentication cancelled"));
  }
  const std::optional<std::string> decoded =
      encoded == "=" ? std::optional<std::string>("") : base64_decode(encoded);
  if (!decoded) {
    end_sasl();
    return reply(Reply::make(501, "5.5.2", "Error: cannot decode response"));
  }
  sasl_step(*decoded);
}

void SmtpServer::sasl_step(std::string_view decoded) {
  switch (sasl_) {
    case Sasl::Plain: {  // authzid NUL authcid NUL passwd
      const std::size_t a = decoded.find('\0');
      const std::size_t b = a == std::string_view::npos ? a : decoded.find('\0', a + 1);
      if (b == std::string_view::npos || decoded.find('\0', b + 1) != std::string_view::npos) {
        end_sasl();
        return reply(Reply::make(501, "5.5.2", "Error: malformed PLAIN response"));
      }
      return finish_auth(decoded.substr(0, a), decoded.substr(a + 1, b - a - 1), decoded.substr(b + 1));
    }
    case Sasl::LoginUser:
      sasl_user_ = std::string(decoded);
      sasl_ = Sasl::LoginPassword;
      return reply(Reply::make(334, "", std::string(kPasswordChallenge)));
    case Sasl::LoginPassword: {
      const std::string user = std::move(sasl_user_);
      return finish_auth("", user, decoded);
    }
    case Sasl::None: break;
  }
  end_sasl();
}

void SmtpServer::finish_auth(std::string_view authzid, std::string_view user, std::string_view password) {
  end_sasl();
  bool ok = false;
  try {
    // Acting for someone else (authzid) is not supported: only the user themself.
    ok = !user.empty() && (authzid.empty() || authzid == user) && policy_.authenticate(user, password);
  } catch (...) {
    return reply(Reply::make(454, "4.7.0", "Temporary authentication failure"));
  }
  if (!ok) {
    reply(Reply::make(535, "5.7.8", "Error: authentication failed"));
    // A password guesser gets a few tries per connection, then has to reconnect (which the
    // agent's growing delay and live mode's per-address budget make slow).
    if (config_.max_auth_failures && ++auth_failures_ >= config_.max_auth_failures && state_ != State::Closed)
      reply(Reply::make(421, "4.7.0", config_.hostname + " Error: too many failed logins, closing"));
    return;
  }
  auth_user_ = std::string(user);
  txn_.envelope.auth_user = auth_user_;
  reply(Reply::make(235, "2.7.0", "Authentication successful"));
}

void SmtpServer::end_sasl() {
  sasl_ = Sasl::None;
  sasl_user_.clear();
  if (state_ == State::AuthResponse) state_ = State::Greeted;
}

}  // namespace mailsim::smtp
