// The server's transition rules: the command table, the one guard that applies it, and
// one handler per verb. Handlers assume their state was checked by dispatch().
#include <iterator>

#include "agents/smtp/server.hpp"

namespace mailsim::smtp {

const unsigned SmtpServer::kSessionStates =
    bit(State::Connected) | bit(State::Greeted) | bit(State::Mail) | bit(State::Rcpt);

// verb, handler, states it is allowed in, 503 text otherwise (before HELO/EHLO the text is
// always "send HELO/EHLO first"). DATA also needs a recipient: checked in on_data because
// the answer depends on whether RCPTs were tried (RFC 2920: 554) or not (503).
const SmtpServer::Command SmtpServer::kCommands[] = {
    {"EHLO", &SmtpServer::on_ehlo, kSessionStates, ""},
    {"HELO", &SmtpServer::on_helo, kSessionStates, ""},
    {"MAIL", &SmtpServer::on_mail, bit(State::Greeted), "Error: nested MAIL command"},
    {"RCPT", &SmtpServer::on_rcpt, bit(State::Mail) | bit(State::Rcpt), "Error: need MAIL command"},
    {"DATA", &SmtpServer::on_data, bit(State::Mail) | bit(State::Rcpt), "Error: need MAIL command"},
    {"RSET", &SmtpServer::on_rset, kSessionStates, ""},
    {"NOOP", &SmtpServer::on_noop, kSessionStates, ""},
    {"QUIT", &SmtpServer::on_quit, kSessionStates, ""},
    {"VRFY", &SmtpServer::on_vrfy, kSessionStates, ""},
    {"HELP", &SmtpServer::on_help, kSessionStates, ""},
    {"AUTH", &SmtpServer::on_auth, bit(State::Greeted), "Error: MAIL transaction in progress"},
};

namespace {

// Control characters (NUL included) never belong in a command; 8-bit only with SMTPUTF8.
bool clean_arguments(std::string_view args, bool allow_8bit) {
  for (char c : args) {
    const auto u = static_cast<unsigned char>(c);
    if ((u < 0x20 && c != '\t') || u == 0x7f || (u >= 0x80 && !allow_8bit)) return false;
  }
  return true;
}

std::string_view skip_spaces(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  return s;
}

Reply path_error(PathError e, const std::string& enhanced, std::string_view who) {
  switch (e) {
    case PathError::LocalTooLong: return Reply::make(501, enhanced, "Error: local part exceeds 64 octets");
    case PathError::DomainTooLong: return Reply::make(501, enhanced, "Error: domain exceeds 255 octets");
    case PathError::PathTooLong: return Reply::make(501, enhanced, "Error: path exceeds 256 octets");
    default: return Reply::make(501, enhanced, "Error: bad " + std::string(who) + " address syntax");
  }
}

bool same_mailbox(const Path& a, const Path& b) {
  return a.local == b.local && iequals(a.domain, b.domain);
}

}  // namespace

void SmtpServer::dispatch(std::string_view line) {
  while (!line.empty() && (line.back() == ' ' || line.back() == '\t')) line.remove_suffix(1);
  const std::size_t sp = line.find(' ');
  const std::string_view verb = line.substr(0, sp);
  const std::string_view args = sp == std::string_view::npos ? "" : line.substr(sp + 1);
  const Command* command = nullptr;
  for (const Command& c : kCommands)
    if (iequals(c.verb, verb)) {
      command = &c;  // verbs are unique
      break;
    }
  if (!command) {
    reply(Reply::make(500, "5.5.2", "Error: command not recognized"));
  } else if (!(command->allowed & bit(state_))) {
    // RFC 5321 section 4.1.4: out of sequence -> 503 and the state does not change.
    const std::string_view why =
        state_ == State::Connected ? "Error: send HELO/EHLO first" : command->out_of_sequence;
    reply(Reply::make(503, "5.5.1", std::string(why)));
  } else if (!clean_arguments(args, config_.smtputf8)) {
    reply(Reply::make(501, "5.5.4", "Error: invalid characters in command"));
  } else {
    (this->*command->handler)(args);
  }
}

// RFC 2034: replies to HELO and EHLO carry no enhanced status code.
bool SmtpServer::greet(std::string_view args, bool extended) {
  if (args.empty() || args.find(' ') != std::string_view::npos || args.size() > kMaxDomain) {
    reply(Reply::make(501, "", extended ? "Syntax: EHLO hostname" : "Syntax: HELO hostname"));
    return false;
  }
  helo_ = std::string(args);
  reset_transaction();  // EHLO/HELO imply RSET (RFC 5321 section 4.1.4)
  state_ = State::Greeted;
  return true;
}

void SmtpServer::on_ehlo(std::string_view args) {
  if (!greet(args, true)) return;
  Reply r{250, "", {config_.hostname}};
  if (config_.pipelining) r.text.emplace_back("PIPELINING");
  r.text.push_back("SIZE " + std::to_string(config_.max_message_size));
  if (config_.eightbitmime) r.text.emplace_back("8BITMIME");
  if (config_.enhanced_status_codes) r.text.emplace_back("ENHANCEDSTATUSCODES");
  if (offers_auth()) r.text.emplace_back("AUTH PLAIN LOGIN");
  if (config_.dsn) r.text.emplace_back("DSN");
  if (config_.smtputf8) r.text.emplace_back("SMTPUTF8");
  reply(std::move(r));
}

void SmtpServer::on_helo(std::string_view args) {
  if (greet(args, false)) reply(Reply::make(250, "", config_.hostname));
}

void SmtpServer::on_mail(std::string_view args) {
  if (config_.submission && auth_user_.empty()) {  // RFC 6409 section 4.3
    reply(Reply::make(530, "5.7.0", "Authentication required"));
    return;
  }
  if (!istarts_with(args, "FROM:")) {
    reply(Reply::make(501, "5.5.4", "Syntax: MAIL FROM:<address>"));
    return;
  }
  const PathParse p = parse_path(skip_spaces(args.substr(5)),
                                 PathRules{.allow_null = true, .allow_utf8 = config_.smtputf8});
  if (p.error != PathError::None) {
    reply(path_error(p.error, "5.1.7", "sender"));
    return;
  }
  const std::optional<Parameters> params = parse_parameters(p.rest);
  if ((!p.rest.empty() && p.rest.front() != ' ') || !params) {
    reply(Reply::make(501, "5.5.4", "Syntax: MAIL FROM:<address> [parameters]"));
    return;
  }
  Envelope draft = txn_.envelope;
  draft.mail_from = p.path;
  for (const auto& [key, value] : *params) {
    if (key == "SIZE") {  // RFC 1870: refuse early what we would refuse after the upload
      const std::optional<std::uint64_t> n = parse_number(value);
      if (!n) return reply(Reply::make(501, "5.5.4", "Error: bad SIZE parameter"));
      if (*n > config_.max_message_size)
        return reply(Reply::make(552, "5.3.4", "Error: message size exceeds fixed maximum message size"));
      draft.declared_size = static_cast<std::size_t>(*n);
    } else if (key == "BODY" && (iequals(value, "7BIT") || (iequals(value, "8BITMIME") && config_.eightbitmime))) {
      draft.body_8bit = iequals(value, "8BITMIME");
    } else if (key == "AUTH" && !value.empty()) {
      // RFC 4954 section 5: accepted and not trusted; we never relay the identity.
    } else if (key == "SMTPUTF8" && config_.smtputf8 && value.empty()) {
    } else if (key == "RET" && config_.dsn) {
      const auto ret = parse_ret(value);
      if (!ret) return reply(Reply::make(501, "5.5.4", "Error: bad RET parameter syntax"));
      draft.dsn_ret = *ret;
    } else if (key == "ENVID" && config_.dsn) {
      auto envid = parse_envid(value);
      if (!envid) return reply(Reply::make(501, "5.5.4", "Error: bad ENVID parameter syntax"));
      draft.envid = std::move(*envid);
    } else {
      return reply(Reply::make(555, "5.5.4", "Error: unsupported parameter " + key));
    }
  }
  const Reply verdict = ask_policy([&] { return policy_.check_sender(draft, draft.mail_from); });
  if (verdict.positive()) {
    txn_.envelope = std::move(draft);
    state_ = State::Mail;
  }
  reply(verdict);
}

void SmtpServer::on_rcpt(std::string_view args) {
  ++txn_.rcpt_attempts;
  if (!istarts_with(args, "TO:")) {
    reply(Reply::make(501, "5.5.4", "Syntax: RCPT TO:<address>"));
    return;
  }
  const PathParse p = parse_path(
      skip_spaces(args.substr(3)),
      PathRules{.allow_postmaster = true, .allow_utf8 = config_.smtputf8});
  if (p.error != PathError::None) {
    reply(path_error(p.error, "5.1.3", "recipient"));
    return;
  }
  const std::optional<Parameters> params = parse_parameters(p.rest);
  if ((!p.rest.empty() && p.rest.front() != ' ') || !params) {
    reply(Reply::make(501, "5.5.4", "Syntax: RCPT TO:<address>"));
    return;
  }
  RcptDsn dsn;
  for (const auto& [key, value] : *params) {
    if (key == "NOTIFY" && config_.dsn) {
      const auto notify = parse_notify(value);
      if (!notify) return reply(Reply::make(501, "5.5.4", "Error: bad NOTIFY parameter syntax"));
      dsn.notify = *notify;
    } else if (key == "ORCPT" && config_.dsn) {
      auto orcpt = parse_orcpt(value);
      if (!orcpt) return reply(Reply::make(501, "5.5.4", "Error: bad ORCPT parameter syntax"));
      dsn.orcpt = std::move(*orcpt);
    } else {
      return reply(Reply::make(555, "5.5.4", "Error: unsupported parameter " + key));
    }
  }
  std::vector<Path>& rcpts = txn_.envelope.rcpt_to;
  if (rcpts.size() >= config_.max_recipients) {  // RFC 5321 section 4.5.3.1.10
    reply(Reply::make(452, "4.5.3", "Error: too many recipients"));
    return;
  }
  const Reply verdict = ask_policy([&] { return policy_.check_recipient(txn_.envelope, p.path); });
  if (verdict.positive()) {
    bool seen = false;
    for (const Path& r : rcpts) seen = seen || same_mailbox(r, p.path);
    if (!seen) {  // one copy per mailbox, however often it is named
      rcpts.push_back(p.path);
      txn_.envelope.rcpt_dsn.push_back(std::move(dsn));
    }
    state_ = State::Rcpt;
  }
  reply(verdict);
}

void SmtpServer::on_data(std::string_view args) {
  if (!args.empty()) {
    reply(Reply::make(501, "5.5.4", "Syntax: DATA"));
  } else if (txn_.envelope.rcpt_to.empty()) {
    // RFC 2920 section 3.1: after rejected RCPTs a pipelining client gets 554, not 503.
    reply(txn_.rcpt_attempts > 0 ? Reply::make(554, "5.5.1", "Error: no valid recipients")
                                 : Reply::make(503, "5.5.1", "Error: need RCPT command"));
  } else {
    state_ = State::Data;
    reader_.set_limit(kDataText);
    reply(Reply::make(354, "", "End data with <CR><LF>.<CR><LF>"));
  }
}

void SmtpServer::on_rset(std::string_view args) {
  if (!args.empty()) return reply(Reply::make(501, "5.5.4", "Syntax: RSET"));
  reset_transaction();
  if (state_ != State::Connected) state_ = State::Greeted;
  reply(Reply::make(250, "2.0.0", "Ok"));
}

void SmtpServer::on_noop(std::string_view) { reply(Reply::make(250, "2.0.0", "Ok")); }

void SmtpServer::on_quit(std::string_view) {
  reply(Reply::make(221, "2.0.0", "Bye"));
  close();
}

void SmtpServer::on_vrfy(std::string_view args) {
  if (args.empty()) return reply(Reply::make(501, "5.5.4", "Syntax: VRFY address"));
  if (!config_.vrfy_enabled)
    return reply(Reply::make(252, "2.5.2", "Cannot VRFY user, but will accept message and attempt delivery"));
  if (args.size() >= 2 && args.front() == '<' && args.back() == '>') args = args.substr(1, args.size() - 2);
  reply(ask_policy([&] {
    const std::optional<std::string> mailbox = policy_.verify(args);
    return mailbox ? Reply::make(250, "2.1.5", "<" + *mailbox + ">")
                   : Reply::make(550, "5.1.1", "Error: user unknown");
  }));
}

void SmtpServer::on_help(std::string_view) {
  std::string verbs = "Commands:";
  for (const Command& c : kCommands)
    if (c.handler != &SmtpServer::on_auth || offers_auth()) verbs += " " + std::string(c.verb);
  reply(Reply::make(214, "2.0.0", verbs));
}

}  // namespace mailsim::smtp
