#include "agents/pop3/server.hpp"

#include <algorithm>
#include <exception>

#include "agents/pop3/md5.hpp"

namespace mailsim::pop3 {
namespace {

constexpr unsigned kAuth = 1u << 0;
constexpr unsigned kTrans = 1u << 1;

unsigned bit(Pop3Server::State s) {
  switch (s) {
    case Pop3Server::State::Authorization: return kAuth;
    case Pop3Server::State::Transaction: return kTrans;
    case Pop3Server::State::Update: return 0;  // transient inside QUIT: accepts nothing
  }
  return 0;
}

// Controls (NUL included) never belong in a command; refusing them keeps them out of the store.
bool has_control(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return u < 0x20 || u == 0x7f;
  });
}

// RFC 1939 s7: a unique-id is 1..70 characters in 0x21..0x7E. A store that hands us
// something else still gets a stable, valid id derived from its own message id.
std::string valid_uid(const MaildropEntry& e) {
  const bool ok = !e.uid.empty() && e.uid.size() <= kMaxUidChars &&
                  std::all_of(e.uid.begin(), e.uid.end(), [](char c) { return c >= 0x21 && c <= 0x7e; });
  return ok ? e.uid : "mailsim-" + std::to_string(e.id);
}

// Compares without stopping at the first difference: no timing hint about the digest.
bool same_digest(std::string_view got, std::string_view want) {
  if (got.size() != want.size()) return false;
  unsigned diff = 0;
  for (std::size_t i = 0; i < got.size(); ++i) {
    char g = got[i];
    if (g >= 'A' && g <= 'F') g = static_cast<char>(g - 'A' + 'a');  // hex is case-insensitive
    diff |= static_cast<unsigned char>(g ^ want[i]);
  }
  return diff == 0;
}

// A validated message-number argument, printed canonically ("01" -> "1").
std::string number(std::string_view arg) { return std::to_string(parse_number(arg).value_or(0)); }

}  // namespace

// The whole transition table: which verb runs where, its arity, its guard and its handler.
struct Pop3Server::Command {
  std::string_view verb;
  unsigned states;
  std::size_t min_args, max_args;
  bool rest_is_one_arg;  // PASS: spaces belong to the password (RFC 1939 s7)
  Guard guard;
  Handler handler;
};

const Pop3Server::Command Pop3Server::kCommands[] = {
    {"USER", kAuth, 1, 1, false, &Pop3Server::guard_none, &Pop3Server::do_user},
    {"PASS", kAuth, 1, 1, true, &Pop3Server::guard_pass, &Pop3Server::do_pass},
    {"APOP", kAuth, 2, 2, false, &Pop3Server::guard_apop, &Pop3Server::do_apop},
    {"QUIT", kAuth | kTrans, 0, 0, false, &Pop3Server::guard_none, &Pop3Server::do_quit},
    {"CAPA", kAuth | kTrans, 0, 0, false, &Pop3Server::guard_none, &Pop3Server::do_capa},
    {"STAT", kTrans, 0, 0, false, &Pop3Server::guard_none, &Pop3Server::do_stat},
    {"LIST", kTrans, 0, 1, false, &Pop3Server::guard_message, &Pop3Server::do_list},
    {"RETR", kTrans, 1, 1, false, &Pop3Server::guard_message, &Pop3Server::do_retr},
    {"DELE", kTrans, 1, 1, false, &Pop3Server::guard_message, &Pop3Server::do_dele},
    {"NOOP", kTrans, 0, 0, false, &Pop3Server::guard_none, &Pop3Server::do_noop},
    {"RSET", kTrans, 0, 0, false, &Pop3Server::guard_none, &Pop3Server::do_rset},
    {"TOP", kTrans, 2, 2, false, &Pop3Server::guard_top, &Pop3Server::do_top},
    {"UIDL", kTrans, 0, 1, false, &Pop3Server::guard_message, &Pop3Server::do_uidl},
};

Pop3Server::Pop3Server(ServerConfig config, Maildrop& maildrop)
    : config_(std::move(config)), maildrop_(maildrop), reader_(kMaxCommandOctets - 2) {}

Pop3Server::~Pop3Server() {
  if (locked_) {
    try {
      maildrop_.unlock(user_);
    } catch (...) {  // a destructor must not throw
    }
  }
}

void Pop3Server::start() {
  std::string text = "POP3 server ready";
  if (!config_.apop_timestamp.empty()) text += " " + config_.apop_timestamp;
  emit({true, {}, std::move(text)});
}

void Pop3Server::receive(std::string_view bytes) {
  if (closed_) return;
  try {
    reader_.feed(bytes);
    while (!closed_) {
      std::optional<LineView> line = reader_.next();
      if (!line) break;
      if (keep_input_) input_.push_back(line->owned());
      handle_line(*line);
    }
  } catch (...) {
    // Last resort (e.g. allocation failure): drop the session without UPDATE, like a lost link.
    try {
      end_session(Closed::Reason::ConnectionLost, false);
    } catch (...) {
      closed_ = true;
    }
  }
}

void Pop3Server::timeout() { end_session(Closed::Reason::Timeout, false); }
void Pop3Server::connection_lost() { end_session(Closed::Reason::ConnectionLost, false); }

std::vector<Output> Pop3Server::take_output() { return std::exchange(output_, {}); }
std::vector<Event> Pop3Server::take_events() { return std::exchange(events_, {}); }

void Pop3Server::handle_line(const LineView& line) {
  if (line.overlong) return bad_command("line too long");
  if (has_control(line.text)) return bad_command("invalid character in command");
  const std::string_view text = line.text;
  const std::size_t sp = text.find(' ');
  const std::string_view verb = text.substr(0, sp);
  const Command* cmd = nullptr;
  for (const Command& c : kCommands)
    if (iequals(c.verb, verb)) {
      cmd = &c;  // verbs are unique
      break;
    }
  if (!cmd) return bad_command("unknown command");
  if (!(cmd->states & bit(state_))) return bad_command("command not valid in this state");

  Args args;
  std::string_view rest = sp == std::string_view::npos ? std::string_view{} : text.substr(sp + 1);
  std::size_t count = 0;  // counted beyond max so "too many" is detected without overflow
  if (cmd->rest_is_one_arg) {
    if (!rest.empty()) args.v[count++] = rest;
  } else {
    while (!rest.empty()) {  // lenient: runs of spaces separate arguments
      const std::size_t b = rest.find_first_not_of(' ');
      if (b == std::string_view::npos) break;
      rest.remove_prefix(b);
      const std::size_t e = std::min(rest.find(' '), rest.size());
      if (count < std::size(args.v)) args.v[count] = rest.substr(0, e);
      ++count;
      rest.remove_prefix(e);
    }
  }
  if (count > cmd->max_args) return bad_command("too many arguments");
  if (count < cmd->min_args) return bad_command("missing argument");
  args.n = count;
  for (std::size_t i = 0; i < args.n; ++i)
    if (args.v[i].size() > kMaxArgumentChars) return bad_command("argument too long");

  try {
    if (std::optional<Reply> refused = (this->*cmd->guard)(args)) return emit(*refused);
    emit((this->*cmd->handler)(args));
  } catch (const std::exception&) {
    // The store failed; the command had no effect, the session goes on.
    emit({false, "SYS/TEMP", "temporary failure, try again later"});
  }
}

// The one place replies become output: status, response code, first-line limit, stuffing.
void Pop3Server::emit(const Reply& r) {
  std::string first = r.ok ? "+OK" : "-ERR";
  if (!r.code.empty()) first.append(" [").append(r.code).append("]");
  if (!r.text.empty()) first.append(" ").append(r.text);
  for (char& c : first)
    if (c == '\r' || c == '\n' || c == '\0') c = ' ';  // echoed text must not forge lines
  if (first.size() > kMaxReplyFirstLine - 2) first.resize(kMaxReplyFirstLine - 2);
  output_.push_back({Output::Kind::Line, std::move(first)});
  if (std::exchange(hang_up_after_reply_, false)) return end_session(Closed::Reason::TooManyErrors, false);
  if (!r.ok || !r.multiline) return;
  if (r.content) output_.push_back({Output::Kind::Content, byte_stuff(*r.content)});
  for (const std::string& l : r.lines)
    output_.push_back({Output::Kind::Line, l.starts_with('.') ? "." + l : l});
  output_.push_back({Output::Kind::Line, "."});
}

void Pop3Server::bad_command(std::string_view text) {
  if (++bad_commands_ < kMaxBadCommands) return emit({false, {}, std::string(text)});
  emit({false, {}, "too many bad commands, closing connection"});
  end_session(Closed::Reason::TooManyErrors, false);
}

void Pop3Server::end_session(Closed::Reason reason, bool updated) {
  if (closed_) return;
  closed_ = true;
  reader_ = LineReader(reader_.limit());  // input after the end is never read: free it
  if (locked_) {
    locked_ = false;
    try {
      maildrop_.unlock(user_);
    } catch (...) {  // nothing more we can do; the session is over either way
    }
  }
  events_.emplace_back(std::in_place_type<Closed>, Closed{reason, updated});
}

const Pop3Server::Message* Pop3Server::message(std::string_view arg) const {
  const std::optional<std::uint64_t> n = parse_number(arg);
  if (!n || *n == 0 || *n > messages_.size()) return nullptr;
  return &messages_[*n - 1];
}

std::size_t Pop3Server::live_count() const {
  return std::count_if(messages_.begin(), messages_.end(), [](const Message& m) { return !m.deleted; });
}

std::uint64_t Pop3Server::live_octets() const {
  std::uint64_t sum = 0;
  for (const Message& m : messages_)
    if (!m.deleted) sum += m.size;
  return sum;
}

Pop3Server::Reply Pop3Server::enter_transaction(const std::string& user) {
  if (!maildrop_.lock(user)) {
    events_.push_back(InUse{user});
    return {false, "IN-USE", "unable to lock maildrop: in use by another session"};
  }
  locked_ = true;
  user_ = user;
  try {
    for (MaildropEntry& e : maildrop_.load(user)) {
      std::string uid = valid_uid(e);
      messages_.push_back({e.id, std::move(uid), e.size});
    }
  } catch (const std::exception&) {
    messages_.clear();
    locked_ = false;
    maildrop_.unlock(user);
    return {false, "SYS/TEMP", "unable to open maildrop"};
  }
  state_ = State::Transaction;
  events_.push_back(LoggedIn{user});
  return {true, {}, "maildrop has " + std::to_string(live_count()) + " messages (" +
                        std::to_string(live_octets()) + " octets)"};
}

// ---- guards ----

std::optional<Pop3Server::Reply> Pop3Server::guard_none(const Args&) const { return std::nullopt; }

std::optional<Pop3Server::Reply> Pop3Server::guard_pass(const Args&) const {
  if (!pending_user_) return Reply{false, {}, "no USER given"};
  return std::nullopt;
}

std::optional<Pop3Server::Reply> Pop3Server::guard_apop(const Args&) const {
  if (config_.apop_timestamp.empty()) return Reply{false, {}, "APOP not supported"};
  return std::nullopt;
}

std::optional<Pop3Server::Reply> Pop3Server::guard_message(const Args& a) const {
  if (a.n == 0) return std::nullopt;  // LIST/UIDL without argument
  const Message* m = message(a.v[0]);
  if (!m) return Reply{false, {}, "no such message"};
  if (m->deleted) return Reply{false, {}, "message " + number(a.v[0]) + " already deleted"};
  return std::nullopt;
}

std::optional<Pop3Server::Reply> Pop3Server::guard_top(const Args& a) const {
  if (std::optional<Reply> r = guard_message(a)) return r;
  if (!parse_number(a.v[1])) return Reply{false, {}, "invalid number of lines"};
  return std::nullopt;
}

// ---- handlers (their guard has passed) ----

Pop3Server::Reply Pop3Server::do_user(const Args& a) {
  pending_user_ = std::string(a.v[0]);
  return {true, {}, "send PASS"};  // same answer for every name: existence is not revealed
}

Pop3Server::Reply Pop3Server::do_pass(const Args& a) {
  const std::string user = std::exchange(pending_user_, std::nullopt).value();
  if (!maildrop_.check_password(user, a.v[0])) {
    return auth_failed(user);
  }
  return enter_transaction(user);
}

// Every wrong login ends here: counted per connection, and the last one allowed hangs up.
Pop3Server::Reply Pop3Server::auth_failed(const std::string& user) {
  ++auth_failures_;
  const bool last = config_.max_auth_failures > 0 && auth_failures_ >= config_.max_auth_failures;
  events_.push_back(AuthFailed{user, auth_failures_, last});
  if (!last) return {false, "AUTH", "invalid user name or password"};
  hang_up_after_reply_ = true;
  return {false, "AUTH", "invalid user name or password; too many failures, closing connection"};
}

Pop3Server::Reply Pop3Server::do_apop(const Args& a) {
  pending_user_.reset();
  const std::string user(a.v[0]);
  const std::optional<std::string> secret = maildrop_.secret(user);
  Md5 h;
  h.update(config_.apop_timestamp);
  h.update(secret.value_or(""));
  const std::string want = to_hex(h.finish());  // computed either way: same work for unknown users
  if (!secret || !same_digest(a.v[1], want)) {
    return auth_failed(user);
  }
  return enter_transaction(user);
}

Pop3Server::Reply Pop3Server::do_quit(const Args&) {
  const std::string bye = config_.hostname.empty() ? "POP3 server signing off"
                                                   : config_.hostname + " POP3 server signing off";
  if (state_ == State::Authorization) {
    end_session(Closed::Reason::Quit, false);
    return {true, {}, bye};
  }
  state_ = State::Update;
  std::vector<std::uint64_t> ids;
  for (const Message& m : messages_)
    if (m.deleted) ids.push_back(m.id);
  try {
    if (!ids.empty()) maildrop_.remove(user_, ids);
  } catch (const std::exception&) {
    end_session(Closed::Reason::Quit, false);
    return {false, "SYS/TEMP", "some deleted messages not removed"};
  }
  for (std::uint64_t id : ids) events_.push_back(Deleted{user_, id});
  end_session(Closed::Reason::Quit, true);
  const std::size_t left = live_count();
  return {true, {}, bye + (left == 0 ? " (maildrop empty)" : " (" + std::to_string(left) + " messages left)")};
}

Pop3Server::Reply Pop3Server::do_stat(const Args&) {
  return {true, {}, std::to_string(live_count()) + " " + std::to_string(live_octets())};
}

Pop3Server::Reply Pop3Server::do_list(const Args& a) {
  if (a.n == 1) return {true, {}, number(a.v[0]) + " " + std::to_string(message(a.v[0])->size)};
  Reply r{true, {}, std::to_string(live_count()) + " messages (" + std::to_string(live_octets()) + " octets)"};
  r.multiline = true;
  for (std::size_t i = 0; i < messages_.size(); ++i)
    if (!messages_[i].deleted) r.lines.push_back(std::to_string(i + 1) + " " + std::to_string(messages_[i].size));
  return r;
}

// A message as RETR and TOP send it: CRLF line ends, copied only when the store's are not.
std::string Pop3Server::canonical_content(std::uint64_t id) {
  std::string content = maildrop_.content(user_, id);
  if (is_canonical_crlf(content)) return content;  // moved out, not copied
  return canonical_crlf(content);
}

Pop3Server::Reply Pop3Server::do_retr(const Args& a) {
  const Message& m = *message(a.v[0]);
  std::string content = canonical_content(m.id);  // may throw: no effect then
  events_.push_back(Retrieved{user_, m.id, content.size()});
  Reply r{true, {}, std::to_string(content.size()) + " octets"};
  r.content = std::move(content);
  r.multiline = true;
  return r;
}

Pop3Server::Reply Pop3Server::do_dele(const Args& a) {
  const std::uint64_t n = *parse_number(a.v[0]);
  messages_[n - 1].deleted = true;
  return {true, {}, "message " + std::to_string(n) + " deleted"};
}

Pop3Server::Reply Pop3Server::do_noop(const Args&) { return {true, {}, {}}; }

Pop3Server::Reply Pop3Server::do_rset(const Args&) {
  for (Message& m : messages_) m.deleted = false;
  return {true, {}, "maildrop has " + std::to_string(live_count()) + " messages (" +
                        std::to_string(live_octets()) + " octets)"};
}

Pop3Server::Reply Pop3Server::do_top(const Args& a) {
  const std::string content = canonical_content(message(a.v[0])->id);
  const std::string_view c = content;
  const std::uint64_t want = *parse_number(a.v[1]);
  // Header lines, the blank separator, then up to `want` body lines (RFC 1939 s7).
  std::size_t pos = 0;
  bool in_body = false;
  std::uint64_t body_lines = 0;
  while (pos < c.size()) {
    if (in_body && body_lines++ == want) break;
    const std::size_t end = c.find('\n', pos) + 1;  // canonical content: every line ends in CRLF
    if (!in_body && end - pos == 2) in_body = true;
    pos = end;
  }
  Reply r{true, {}, "top of message follows"};
  r.content = std::string(c.substr(0, pos));
  r.multiline = true;
  return r;
}

Pop3Server::Reply Pop3Server::do_uidl(const Args& a) {
  if (a.n == 1) return {true, {}, number(a.v[0]) + " " + message(a.v[0])->uid};
  Reply r{true, {}, "unique-id listing follows"};
  r.multiline = true;
  for (std::size_t i = 0; i < messages_.size(); ++i)
    if (!messages_[i].deleted) r.lines.push_back(std::to_string(i + 1) + " " + messages_[i].uid);
  return r;
}

Pop3Server::Reply Pop3Server::do_capa(const Args&) {
  Reply r{true, {}, "Capability list follows"};
  r.lines = {"TOP", "USER", "UIDL", "RESP-CODES", "AUTH-RESP-CODE", "PIPELINING", "IMPLEMENTATION mailsim"};
  r.multiline = true;
  return r;
}

}  // namespace mailsim::pop3
