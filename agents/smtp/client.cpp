#include "agents/smtp/client.hpp"

#include <algorithm>
#include <utility>

#include "sim/base64.hpp"

namespace mailsim::smtp {

namespace {

// Addresses are written into command lines: anything that could end or split the line, or
// the angle brackets, is refused before it reaches the wire.
bool safe_address(std::string_view a) {
  for (char c : a) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7f || c == '<' || c == '>') return false;
  }
  return true;
}

// Replies the client makes up itself (no server said them) are marked as such.
Reply local_reply(int code, std::string enhanced, const std::string& text) {
  return Reply::make(code, std::move(enhanced), text + " (local)");
}

ClientResult::Outcome outcome_of(const Reply& r) {
  return r.permanent() ? ClientResult::Outcome::Permanent : ClientResult::Outcome::Transient;
}

// The next word of `rest` (words are separated by spaces), taken off it; empty at the end.
std::string_view next_word(std::string_view& rest) {
  while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
  const std::string_view word = rest.substr(0, std::min(rest.find(' '), rest.size()));
  rest.remove_prefix(word.size());
  return word;
}

// The EHLO reply's lines after the first each name one extension (RFC 5321 section 4.1.1.1).
// Read in place: no copies of the words.
ServerExtensions parse_extensions(const Reply& r) {
  ServerExtensions ext;
  ext.esmtp = true;
  bool greeting_line = true;
  for (std::string_view line : r.text) {
    if (std::exchange(greeting_line, false)) continue;
    std::string_view args = line;
    std::string_view keyword = next_word(args);
    if (keyword.empty()) continue;
    if (keyword.size() >= 5 && iequals(keyword.substr(0, 5), "AUTH=")) {  // pre-RFC 4954: "AUTH=PLAIN LOGIN"
      args = line.substr(static_cast<std::size_t>(keyword.data() - line.data()) + 5);
      keyword = "AUTH";
    }
    if (iequals(keyword, "PIPELINING")) ext.pipelining = true;
    else if (iequals(keyword, "8BITMIME")) ext.eightbitmime = true;
    else if (iequals(keyword, "ENHANCEDSTATUSCODES")) ext.enhanced_status_codes = true;
    else if (iequals(keyword, "DSN")) ext.dsn = true;
    else if (iequals(keyword, "SIZE")) {
      ext.size = true;
      if (const std::string_view limit = next_word(args); !limit.empty())
        ext.size_limit = static_cast<std::size_t>(parse_number(limit).value_or(0));
    } else if (iequals(keyword, "AUTH")) {
      for (std::string_view m = next_word(args); !m.empty(); m = next_word(args)) {
        ext.auth_plain = ext.auth_plain || iequals(m, "PLAIN");
        ext.auth_login = ext.auth_login || iequals(m, "LOGIN");
      }
    }
  }
  return ext;
}

}  // namespace

SmtpClient::SmtpClient(ClientConfig config, Transaction transaction) : config_(std::move(config)) {
  load(std::move(transaction));
  pending_.push_back(Pending{Step::Greeting});
}

void SmtpClient::load(Transaction transaction) {
  txn_ = std::move(transaction);
  // Canonical text (the usual case) is checked and dot-stuffed in one pass.
  if (auto wire = text::stuff_if_canonical(txn_.content)) {
    wire_content_ = std::move(*wire);
  } else {
    txn_.content = canonical_crlf(txn_.content);
    wire_content_ = dot_stuff(txn_.content);
  }
  content_size_ = txn_.content.size();
  std::string().swap(txn_.content);  // only the wire form is sent: one copy of the body, not two
  rcpt_replies_.assign(txn_.rcpt_to.size(), std::nullopt);
  mail_failure_.reset();
  finished_ = false;
  result_ = ClientResult{};
}

void SmtpClient::next(Transaction transaction) {
  if (!idle()) return;
  idle_ = false;
  load(std::move(transaction));
  send(Step::Rset, "RSET");  // Postfix's probe: is the cached session still good?
}

void SmtpClient::quit() {
  if (!idle()) return;
  idle_ = false;
  send(Step::Quit, "QUIT");
}

void SmtpClient::hang_up() {
  if (!idle()) return;
  idle_ = false;
  close();
}

void SmtpClient::receive(std::string_view bytes) {
  if (done_) return;
  const char* stage = "quit";
  try {
    parser_.feed(bytes);
    while (!done_) {
      if (!pending_.empty()) stage = stage_of(pending_.front().step);
      std::optional<Reply> r = parser_.next();
      if (!r) break;
      on_reply(*r);
    }
    if (!done_ && parser_.malformed()) {
      // A confused reply stream cannot be trusted for the 221 either: say QUIT and hang up.
      if (!finished_) finish(ClientResult::Outcome::Transient, stage,
                             local_reply(451, "4.5.0", "protocol error: " + parser_.error()));
      output_.push_back(Output{Output::Kind::Line, "QUIT"});
      close();
    }
  } catch (...) {
    if (!finished_) finish(ClientResult::Outcome::Transient, stage, local_reply(451, "4.3.0", "client error"));
    close();
  }
}

std::vector<Output> SmtpClient::take_output() { return std::exchange(output_, {}); }

void SmtpClient::connection_lost() {
  if (done_) return;
  if (idle_) return close();  // between transactions: nothing was under way
  if (!finished_)
    finish(ClientResult::Outcome::ConnectionLost, pending_.empty() ? "quit" : stage_of(pending_.front().step),
           local_reply(421, "4.4.2", "connection lost"));
  close();
}

void SmtpClient::timeout() {
  if (done_) return;
  if (idle_) return close();
  result_.timed_out = !finished_;
  if (!finished_)
    finish(ClientResult::Outcome::Transient, pending_.empty() ? "quit" : stage_of(pending_.front().step),
           local_reply(421, "4.4.2", "timeout waiting for the server"));
  close();
}

SmtpClient::Phase SmtpClient::phase() const {
  if (idle()) return Phase::Idle;
  if (done_ || pending_.empty()) return Phase::Done;
  switch (pending_.front().step) {
    case Step::Greeting: return Phase::Greeting;
    case Step::Ehlo: case Step::Helo: return Phase::Ehlo;
    case Step::AuthUser: case Step::AuthPassword: case Step::AuthResult: return Phase::Auth;
    case Step::Mail: return Phase::Mail;
    case Step::Rcpt: return Phase::Rcpt;
    case Step::Data: return Phase::DataStart;
    case Step::Content: return Phase::DataEnd;
    case Step::Quit: return Phase::Quit;
    case Step::Rset: case Step::Abort: return Phase::Probe;
  }
  return Phase::Done;
}

const char* SmtpClient::stage_of(Step step) const {
  switch (step) {
    case Step::Greeting: return "greeting";
    case Step::Ehlo: case Step::Helo: return "ehlo";
    case Step::AuthUser: case Step::AuthPassword: case Step::AuthResult: return "auth";
    case Step::Mail: return "mail";
    case Step::Rcpt: return "rcpt";
    case Step::Data: return "data";
    case Step::Content: return "content";
    case Step::Quit: return "quit";
    case Step::Rset: return "rset";
    case Step::Abort: return "quit";
  }
  return "quit";
}

// Each reply answers the oldest command still waiting for one.
void SmtpClient::on_reply(const Reply& r) {
  if (pending_.empty()) {  // a reply nobody asked for: the dialogue is out of step
    if (!finished_) fail_and_quit("quit", local_reply(451, "4.5.0", "unexpected reply " + r.summary()));
    close();
    return;
  }
  const Pending p = pending_.front();
  pending_.pop_front();
  if (r.code == 421 && p.step != Step::Quit) {  // the server is closing: no QUIT (RFC 5321 3.8)
    if (!finished_) finish(ClientResult::Outcome::Transient, stage_of(p.step), r);
    close();
    return;
  }
  switch (p.step) {
    case Step::Greeting:
      if (r.code == 220) send(Step::Ehlo, "EHLO " + config_.helo_name);
      else fail_and_quit("greeting", r);
      break;
    case Step::Ehlo: on_ehlo_reply(r); break;
    case Step::Helo:
      if (r.positive()) after_hello();
      else fail_and_quit("ehlo", r);
      break;
    case Step::AuthUser:
      if (r.code == 334) send(Step::AuthPassword, base64_encode(config_.auth->first));
      else fail_and_quit("auth", r);
      break;
    case Step::AuthPassword:
      if (r.code == 334) send(Step::AuthResult, base64_encode(config_.auth->second));
      else fail_and_quit("auth", r);
      break;
    case Step::AuthResult:
      if (r.positive()) start_mail();
      else fail_and_quit("auth", r);
      break;
    case Step::Mail: on_mail_reply(r); break;
    case Step::Rcpt: on_rcpt_reply(p.index, r); break;
    case Step::Data: on_data_reply(r); break;
    case Step::Content: on_content_reply(r); break;
    case Step::Quit: close(); break;
    case Step::Abort:  // the final RSET after a refused transaction
      if (r.positive())
        idle_ = true;
      else
        close();
      break;
    case Step::Rset:
      if (r.positive()) return start_mail();
      // Postfix drops a session that refuses the probe and delivers over a new one.
      finish(ClientResult::Outcome::Transient, "rset", r);
      close();
      break;
  }
}

void SmtpClient::on_ehlo_reply(const Reply& r) {
  if (r.positive()) {
    ext_ = parse_extensions(r);
    after_hello();
  } else if (r.permanent()) {
    send(Step::Helo, "HELO " + config_.helo_name);  // a server without ESMTP
  } else {
    fail_and_quit("ehlo", r);
  }
}

void SmtpClient::after_hello() {
  if (config_.auth && (ext_.auth_plain || ext_.auth_login)) {
    const auto& [user, password] = *config_.auth;
    if (ext_.auth_plain) {  // RFC 4616: authzid NUL authcid NUL passwd, as initial response
      send(Step::AuthResult, "AUTH PLAIN " + base64_encode(std::string(1, '\0') + user + '\0' + password));
    } else {
      send(Step::AuthUser, "AUTH LOGIN");
    }
    return;
  }
  start_mail();
}

void SmtpClient::start_mail() {
  for (std::size_t i = 0; i < txn_.rcpt_to.size(); ++i)
    if (!safe_address(txn_.rcpt_to[i])) rcpt_replies_[i] = local_reply(553, "5.1.3", "invalid recipient address");
  if (!safe_address(txn_.mail_from))
    return fail_and_quit("mail", local_reply(553, "5.1.7", "invalid sender address"));
  std::size_t sendable = 0;
  for (const auto& r : rcpt_replies_) sendable += r ? 0 : 1;
  if (sendable == 0) return fail_without_accepted_recipients();

  std::string mail = "MAIL FROM:<" + txn_.mail_from + ">";
  if (ext_.size && config_.declare_size) mail += " SIZE=" + std::to_string(content_size_);
  if (txn_.body_8bit && ext_.eightbitmime) mail += " BODY=8BITMIME";
  if (ext_.dsn && txn_.dsn_ret != DsnRet::Unspecified) mail += " " + ret_param(txn_.dsn_ret);
  if (ext_.dsn && !txn_.envid.empty()) mail += " ENVID=" + xtext_encode(txn_.envid);
  send(Step::Mail, std::move(mail));
  if (!pipelined()) return;  // lock-step: RCPTs follow the MAIL reply
  // RFC 2920: MAIL, every RCPT and DATA in one group; DATA must be the last.
  for (std::size_t i = 0; i < txn_.rcpt_to.size(); ++i)
    if (!rcpt_replies_[i]) send(Step::Rcpt, rcpt_command(i), i);
  send(Step::Data, "DATA");
}

// Lock-step only: sends the first recipient from `from` on not yet answered.
bool SmtpClient::send_next_rcpt(std::size_t from) {
  for (std::size_t i = from; i < txn_.rcpt_to.size(); ++i) {
    if (rcpt_replies_[i]) continue;
    send(Step::Rcpt, rcpt_command(i), i);
    return true;
  }
  return false;
}

std::string SmtpClient::rcpt_command(std::size_t i) const {
  std::string cmd = "RCPT TO:<" + txn_.rcpt_to[i] + ">";
  if (!ext_.dsn || i >= txn_.rcpt_dsn.size()) return cmd;
  for (const std::string& p : {notify_param(txn_.rcpt_dsn[i].notify), orcpt_param(txn_.rcpt_dsn[i].orcpt)})
    if (!p.empty()) cmd += " " + p;
  return cmd;
}

void SmtpClient::on_mail_reply(const Reply& r) {
  if (r.positive()) {
    if (!pipelined()) send_next_rcpt(0);
    return;
  }
  mail_failure_ = r;
  // Pipelined: the RCPT and DATA replies already on their way are consumed first.
  if (!pipelined()) fail_and_quit("mail", r);
}

void SmtpClient::on_rcpt_reply(std::size_t index, const Reply& r) {
  rcpt_replies_[index] = r;
  if (pipelined() || send_next_rcpt(index + 1)) return;
  if (accepted_count() > 0) send(Step::Data, "DATA");
  else fail_without_accepted_recipients();
}

void SmtpClient::on_data_reply(const Reply& r) {
  const bool deliverable = !mail_failure_ && accepted_count() > 0;
  if (r.code == 354) {
    // RFC 2920: a 354 must be answered with data even when nobody is left to deliver to;
    // then the lone dot is sent and the transaction is judged by the earlier replies.
    if (deliverable) output_.push_back(Output{Output::Kind::Content, wire_content_});
    send(Step::Content, ".");
    return;
  }
  if (mail_failure_) fail_and_quit("mail", *mail_failure_);
  else if (!deliverable) fail_without_accepted_recipients();
  else fail_and_quit("data", r);
}

void SmtpClient::on_content_reply(const Reply& r) {
  if (mail_failure_) {
    fail_and_quit("mail", *mail_failure_);
  } else if (accepted_count() == 0) {
    fail_without_accepted_recipients();
  } else {
    finish(r.positive() ? ClientResult::Outcome::Delivered : outcome_of(r), "content", r);
    // The server has ended this transaction either way: a clean point to keep the session.
    if (txn_.keep_open)
      idle_ = true;
    else
      send(Step::Quit, "QUIT");
  }
}

// Nobody accepted: transient when some recipient may still succeed later (4xx), else permanent.
void SmtpClient::fail_without_accepted_recipients() {
  std::optional<Reply> decisive;
  for (const auto& r : rcpt_replies_)
    if (r && r->transient() && !decisive) decisive = r;
  for (const auto& r : rcpt_replies_)
    if (r && !r->positive() && !decisive) decisive = r;
  fail_and_quit("rcpt", decisive.value_or(local_reply(554, "5.5.1", "no recipients")));
}

void SmtpClient::fail_and_quit(const char* stage, const Reply& r) {
  finish(outcome_of(r), stage, r);
  // A kept connection whose transaction was refused (MAIL, every RCPT, DATA): Postfix ends the
  // transaction with a "final RSET" and the session stays for the next message.
  const std::string_view s = stage;
  if (txn_.keep_open && pending_.empty() && (s == "mail" || s == "rcpt" || s == "data"))
    return send(Step::Abort, "RSET");
  send(Step::Quit, "QUIT");
}

void SmtpClient::finish(ClientResult::Outcome outcome, const char* stage, const Reply& r) {
  finished_ = true;
  result_.outcome = outcome;
  result_.stage = stage;
  result_.last_reply = r;
  result_.probe_failed = std::string_view(stage) == "rset";  // refused, lost or silent: never started
  // Only recipients that got an answer are listed: after a refused MAIL the RCPT replies are
  // meaningless, and an empty list tells the caller the session failed before RCPT.
  result_.recipients.clear();
  for (std::size_t i = 0; i < txn_.rcpt_to.size(); ++i) {
    const std::optional<Reply>& own = rcpt_replies_[i];
    if (mail_failure_ || !own) continue;
    result_.recipients.push_back(RecipientResult{txn_.rcpt_to[i], own->positive() ? r : *own});
  }
}

void SmtpClient::send(Step step, std::string line, std::size_t index) {
  output_.push_back(Output{Output::Kind::Line, std::move(line)});
  pending_.push_back(Pending{step, index});
}

void SmtpClient::close() {
  done_ = true;
  pending_.clear();
  for (auto& l : parser_.take_lines()) input_.push_back(std::move(l));
  parser_ = ReplyParser();  // drop unread input: nothing more will be parsed
}

std::vector<Line> SmtpClient::take_input() {
  for (auto& l : parser_.take_lines()) input_.push_back(std::move(l));
  return std::exchange(input_, {});
}

std::size_t SmtpClient::accepted_count() const {
  std::size_t n = 0;
  for (const auto& r : rcpt_replies_) n += r && r->positive() ? 1 : 0;
  return n;
}

}  // namespace mailsim::smtp
