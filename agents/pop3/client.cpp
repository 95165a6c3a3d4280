#include "agents/pop3/client.hpp"

#include <algorithm>
#include <exception>

#include "agents/pop3/md5.hpp"

namespace mailsim::pop3 {
namespace {

using Outcome = ClientResult::Outcome;

// "+OK" / "-ERR" must be the whole first word (RFC 1939 s3); returns the text after it.
std::optional<std::string_view> after_status(std::string_view line, std::string_view status) {
  if (!line.starts_with(status)) return std::nullopt;
  line.remove_prefix(status.size());
  if (line.empty()) return line;
  if (line.front() != ' ') return std::nullopt;
  return line.substr(1);
}

// Credentials travel inside a command line: they must not be able to end it early.
bool safe_argument(std::string_view s) {
  return std::none_of(s.begin(), s.end(), [](char c) { return c == '\r' || c == '\n' || c == '\0'; });
}

std::string quote(std::string_view server_text) {
  return std::string(server_text.substr(0, 200));  // enough for a log, bounded whatever the peer says
}

}  // namespace

const Pop3Client::Rule& Pop3Client::rule(Step step) {
  static const Rule kRules[] = {
      {Step::Greeting, false, &Pop3Client::greeting_ok, &Pop3Client::greeting_err, &Pop3Client::no_body},
      {Step::User, false, &Pop3Client::user_ok, &Pop3Client::auth_err, &Pop3Client::no_body},
      {Step::Pass, false, &Pop3Client::auth_ok, &Pop3Client::auth_err, &Pop3Client::no_body},
      {Step::Apop, false, &Pop3Client::auth_ok, &Pop3Client::auth_err, &Pop3Client::no_body},
      {Step::Stat, false, &Pop3Client::stat_ok, &Pop3Client::stat_err, &Pop3Client::no_body},
      {Step::Uidl, true, &Pop3Client::uidl_ok, &Pop3Client::uidl_err, &Pop3Client::uidl_line},
      {Step::Retr, true, &Pop3Client::retr_ok, &Pop3Client::retr_err, &Pop3Client::retr_line},
      {Step::Dele, false, &Pop3Client::dele_ok, &Pop3Client::dele_err, &Pop3Client::no_body},
      {Step::Quit, false, &Pop3Client::quit_ok, &Pop3Client::quit_err, &Pop3Client::no_body},
  };
  return kRules[static_cast<std::size_t>(step)];  // never called with Done
}

Pop3Client::Pop3Client(ClientConfig config) : config_(std::move(config)), reader_(kMaxStatusLine) {
  config_.max_message_octets = std::max<std::size_t>(config_.max_message_octets, 1);
}

void Pop3Client::receive(std::string_view bytes) {
  if (done()) return;
  try {
    reader_.feed(bytes);
    while (!done()) {
      if (in_body_ && step_ == Step::Retr && !body_too_big_) take_plain_body();
      std::optional<LineView> line = reader_.next();
      if (!line) break;
      handle_line(*line);
    }
  } catch (...) {  // e.g. allocation failure: end cleanly rather than leak an exception
    fail(Outcome::Error, "internal error");
    finish();
  }
}

void Pop3Client::connection_lost() {
  if (done()) return;
  fail(Outcome::ConnectionLost, "connection lost");
  finish();
}

void Pop3Client::timeout() {
  if (done()) return;
  fail(Outcome::Error, "timed out waiting for the server");
  finish();
}

std::vector<Output> Pop3Client::take_output() { return std::exchange(output_, {}); }

void Pop3Client::handle_line(const LineView& line) {
  const Rule& r = rule(step_);
  if (in_body_) {
    if (!line.overlong && line.text == ".") {
      in_body_ = false;
      reader_.set_limit(kMaxStatusLine);
      return (this->*r.on_ok)(status_text_);
    }
    return (this->*r.on_body)(line);
  }
  if (std::optional<std::string_view> text = after_status(line.text, "+OK")) {
    if (!r.multiline) return (this->*r.on_ok)(*text);
    in_body_ = true;
    status_text_ = quote(*text);
    // A message line may be as long as the whole message budget; listings stay short.
    if (step_ == Step::Retr) reader_.set_limit(config_.max_message_octets);
    return;
  }
  if (std::optional<std::string_view> text = after_status(line.text, "-ERR")) return (this->*r.on_err)(*text);
  // Not POP3: the byte stream can no longer be trusted, so do not even send QUIT.
  fail(Outcome::Error, "unexpected reply: " + quote(line.text));
  finish();
}

void Pop3Client::send(Step next, std::string command) {
  output_.push_back({Output::Kind::Line, std::move(command)});
  step_ = next;
}

void Pop3Client::fail(Outcome outcome, std::string error) {
  if (result_.outcome != Outcome::Ok) return;
  result_.outcome = outcome;
  result_.error = std::move(error);
}

void Pop3Client::finish() {
  step_ = Step::Done;
  in_body_ = false;
  reader_ = LineReader(kMaxStatusLine);  // input after the end is never read: free it
  body_.clear();
  body_.shrink_to_fit();
}

void Pop3Client::next_message() {
  if (from_listing_ && next_index_ < listing_.size()) {
    current_ = listing_[next_index_++];
  } else if (!from_listing_ && next_number_ <= result_.maildrop_count) {
    current_ = {next_number_++, {}};
  } else {
    return send(Step::Quit, "QUIT");
  }
  body_.clear();
  body_too_big_ = false;
  send(Step::Retr, "RETR " + std::to_string(current_.first));
}

void Pop3Client::greeting_ok(std::string_view text) {
  if (!safe_argument(config_.user) || !safe_argument(config_.password)) {
    fail(Outcome::Error, "user name or password contains a line break");
    return send(Step::Quit, "QUIT");
  }
  if (!config_.use_apop) return send(Step::User, "USER " + config_.user);
  // RFC 1939 s7: the timestamp is the <...> part of the greeting.
  const std::size_t open = text.find('<');
  const std::size_t close = open == std::string_view::npos ? open : text.find('>', open);
  if (close == std::string_view::npos) {
    // Falling back to USER/PASS would send the password in clear, which APOP was chosen to avoid.
    fail(Outcome::Error, "server does not offer APOP");
    return send(Step::Quit, "QUIT");
  }
  Md5 h;
  h.update(text.substr(open, close - open + 1));
  h.update(config_.password);
  send(Step::Apop, "APOP " + config_.user + " " + to_hex(h.finish()));
}

void Pop3Client::greeting_err(std::string_view text) {
  fail(Outcome::Error, "server refused the session: " + quote(text));
  finish();
}

void Pop3Client::user_ok(std::string_view) { send(Step::Pass, "PASS " + config_.password); }

void Pop3Client::auth_ok(std::string_view) { send(Step::Stat, "STAT"); }

void Pop3Client::auth_err(std::string_view text) {
  // A locked or failing maildrop is not a credentials problem (RFC 2449/3206 codes say which).
  const bool not_auth = text.starts_with("[IN-USE]") || text.starts_with("[SYS/") ||
                        text.starts_with("[LOGIN-DELAY]");
  fail(not_auth ? Outcome::Error : Outcome::AuthFailed, quote(text));
  send(Step::Quit, "QUIT");
}

void Pop3Client::stat_ok(std::string_view text) {
  const std::size_t sp = text.find(' ');
  const std::optional<std::uint64_t> count = parse_number(text.substr(0, sp));
  const std::optional<std::uint64_t> octets =
      sp == std::string_view::npos ? std::nullopt : parse_number(text.substr(sp + 1, text.find(' ', sp + 1) - sp - 1));
  if (!count || !octets) {
    fail(Outcome::Error, "malformed STAT reply: " + quote(text));
    return send(Step::Quit, "QUIT");
  }
  result_.maildrop_count = static_cast<std::size_t>(*count);
  result_.maildrop_octets = static_cast<std::size_t>(*octets);
  if (config_.use_uidl && *count > 0) return send(Step::Uidl, "UIDL");
  next_message();
}

void Pop3Client::stat_err(std::string_view text) {
  fail(Outcome::Error, "STAT refused: " + quote(text));
  send(Step::Quit, "QUIT");
}

void Pop3Client::uidl_line(const LineView& line) {
  const std::string_view text = line.text;
  const std::size_t sp = text.find(' ');
  const std::optional<std::uint64_t> n = parse_number(text.substr(0, sp));
  if (line.overlong || !n || *n == 0 || sp == std::string_view::npos) return;  // skip what we cannot use
  const std::string uid(text.substr(sp + 1));
  if (config_.known_uids.count(uid)) return;
  if (listing_.size() >= kMaxUidlEntries) {
    listing_too_big_ = true;
    return;
  }
  listing_.emplace_back(static_cast<std::size_t>(*n), uid);
}

void Pop3Client::uidl_ok(std::string_view) {
  if (listing_too_big_) fail(Outcome::Error, "UIDL listing too long; fetched the first entries only");
  from_listing_ = true;
  next_message();
}

void Pop3Client::uidl_err(std::string_view) {
  next_message();  // no UIDL support: fetch everything by number
}

void Pop3Client::retr_line(const LineView& line) {
  if (body_too_big_) return;
  std::string_view text = line.text;
  if (text.starts_with('.')) text.remove_prefix(1);  // undo byte-stuffing
  keep_body(text, "\r\n", line.overlong);
}

// A run of message lines that need only copying (CRLF-ended, within the bound, no leading
// dot), taken at once: retr_line would do the same line by line. Over the budget as a whole
// means over it at one of its lines.
void Pop3Client::take_plain_body() {
  const std::string_view run = reader_.plain_run('.');
  if (!run.empty()) keep_body(run, {}, false);
}

// Message text (and the line end to put after it) kept within the budget; past it (or after an
// overlong line) the message is dropped, but read on to its final ".".
void Pop3Client::keep_body(std::string_view text, std::string_view line_end, bool overlong) {
  if (overlong || body_.size() + text.size() + line_end.size() > config_.max_message_octets) {
    body_too_big_ = true;
    body_.clear();
    body_.shrink_to_fit();
    reader_.set_limit(kMaxStatusLine);  // the rest is skipped line by line
    return;
  }
  body_.append(text).append(line_end);
  // The next line may only use what is left of the budget, so reader + body stay under the cap.
  reader_.set_limit(std::max<std::size_t>(config_.max_message_octets - body_.size(), 2));
}

void Pop3Client::retr_ok(std::string_view) {
  if (body_too_big_) {
    fail(Outcome::Error, "message " + std::to_string(current_.first) + " exceeds the size limit");
    return send(Step::Quit, "QUIT");  // still QUIT so earlier deletions are applied
  }
  result_.messages.push_back({current_.first, current_.second, std::move(body_)});
  body_.clear();
  if (!config_.delete_after_retrieve) return next_message();
  send(Step::Dele, "DELE " + std::to_string(current_.first));
}

void Pop3Client::retr_err(std::string_view text) {
  fail(Outcome::Error, "RETR " + std::to_string(current_.first) + " refused: " + quote(text));
  next_message();
}

void Pop3Client::dele_ok(std::string_view) {
  marked_.push_back(result_.messages.size() - 1);
  next_message();
}

void Pop3Client::dele_err(std::string_view text) {
  fail(Outcome::Error, "DELE " + std::to_string(current_.first) + " refused: " + quote(text));
  next_message();
}

void Pop3Client::quit_ok(std::string_view) {
  for (std::size_t i : marked_) result_.messages[i].deleted = true;  // UPDATE ran on the server
  finish();
}

void Pop3Client::quit_err(std::string_view text) {
  fail(Outcome::Error, "QUIT failed, deletions not applied: " + quote(text));
  finish();
}

}  // namespace mailsim::pop3
