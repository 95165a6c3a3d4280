// The server's input loop, DATA handling and the reply choke point. Commands and their
// transition table are in server_commands.cpp, AUTH in server_auth.cpp.
#include "agents/smtp/server.hpp"

#include <utility>

namespace mailsim::smtp {

namespace {
// Replies that mean "the client did something wrong" and count towards max_errors.
bool is_protocol_error(int code) {
  return code == 500 || code == 501 || code == 502 || code == 503 || code == 504 ||
         code == 535 || code == 555;
}
}  // namespace

SmtpServer::SmtpServer(ServerConfig config, ServerPolicy& policy)
    : config_(std::move(config)), policy_(policy), reader_(kCommandText) {}

void SmtpServer::start() {
  if (started_ || state_ == State::Closed) return;
  started_ = true;
  // RFC 2034: the greeting carries no enhanced code.
  reply(Reply::make(220, "", config_.hostname + " ESMTP mailsim"));
}

void SmtpServer::receive(std::string_view bytes) {
  if (state_ == State::Closed) return;
  try {
    reader_.feed(bytes);
    while (state_ != State::Closed) {
      if (state_ == State::Data) take_plain_data();
      std::optional<LineView> line = reader_.next();
      if (!line) break;
      on_line(*line);
    }
  } catch (...) {
    // Only a bug or an allocation failure gets here; hang up like a server with a local
    // problem instead of taking the simulation down.
    try {
      reply(Reply::make(421, "4.3.0", config_.hostname + " Error: local problem, closing"));
    } catch (...) {
      state_ = State::Closed;
    }
  }
  if (state_ == State::Closed) close();  // drop anything the peer sent after the end
}

void SmtpServer::timeout() {
  if (state_ == State::Closed) return;
  reply(Reply::make(421, "4.4.2", config_.hostname + " Error: timeout exceeded"));
}

std::vector<Output> SmtpServer::take_output() { return std::exchange(output_, {}); }
std::vector<Accepted> SmtpServer::take_accepted() { return std::exchange(accepted_, {}); }

SmtpServer::Phase SmtpServer::phase() const {
  switch (state_) {
    case State::Data: return Phase::DataBlock;
    case State::AuthResponse: return Phase::AuthResponse;
    case State::Closed: return Phase::Closed;
    default: return Phase::Command;
  }
}

std::size_t SmtpServer::buffered_bytes() const { return reader_.buffered() + txn_.content.size(); }

void SmtpServer::on_line(const LineView& line) {
  if (keep_input_ && (state_ != State::Data || line.text == ".")) input_.push_back(line.owned());
  switch (state_) {
    case State::Data: on_data_line(line); return;
    case State::AuthResponse: on_auth_response(line); return;
    case State::Closed: return;
    default: break;
  }
  if (line.overlong) {  // the reader already dropped the rest of the line: never execute it
    reply(Reply::make(500, "5.5.2", "Error: line too long"));
    return;
  }
  dispatch(line.text);
}

void SmtpServer::on_data_line(const LineView& line) {
  MailTransaction& t = txn_;
  // The reader cannot tell how an overlong line ended (its CR was discarded with the rest):
  // count it as CRLF so that a client sending one long line still gets its 500 after the dot.
  const bool crlf = !line.bare_lf || line.overlong;
  if (line.text == "." && crlf && t.previous_line_crlf) {
    finish_data();
    return;
  }
  t.previous_line_crlf = crlf;
  t.bare_lf = t.bare_lf || !crlf;
  t.line_too_long = t.line_too_long || line.overlong;
  std::string_view text = line.text;
  if (!text.empty() && text.front() == '.') text.remove_prefix(1);  // un-stuff
  keep_data(text, "\r\n");
}

// A run of message lines that need nothing but copying (each ends in CRLF, fits the bound,
// does not start with a dot), taken at once: on_data_line would do the same line by line.
void SmtpServer::take_plain_data() {
  const std::string_view run = reader_.plain_run('.');
  if (run.empty()) return;
  txn_.previous_line_crlf = true;
  keep_data(run, {});
}

// Message text (and the line end to put after it) counted against the size limit and kept,
// unless the message will be refused after the dot: then it is no longer held.
void SmtpServer::keep_data(std::string_view text, std::string_view line_end) {
  MailTransaction& t = txn_;
  t.content_size += text.size() + line_end.size();
  t.too_big = t.too_big || t.content_size > config_.max_message_size;
  if (t.too_big || t.line_too_long || t.bare_lf) {
    std::string().swap(t.content);
    return;
  }
  t.content.append(text).append(line_end);
}

// The terminating dot: judge the message, answer once, and end the transaction.
void SmtpServer::finish_data() {
  reader_.set_limit(kCommandText);
  state_ = State::Greeted;
  MailTransaction& t = txn_;
  if (t.too_big) {
    reply(Reply::make(552, "5.3.4", "Error: message file too big"));
  } else if (t.line_too_long) {
    reply(Reply::make(500, "5.5.2", "Error: line too long in message text; message discarded"));
  } else if (t.bare_lf) {
    reply(Reply::make(554, "5.6.0", "Error: bare <LF> in message text; message discarded"));
  } else {
    const Reply verdict = ask_policy([&] { return policy_.check_message(t.envelope, t.content); });
    if (!verdict.positive()) {
      reply(verdict);
    } else {
      std::string id = config_.id_prefix + std::to_string(++queue_counter_);
      reply(Reply::make(250, "2.0.0", "Ok: queued as " + id));
      accepted_.push_back(Accepted{std::move(id), std::move(t.envelope), std::move(t.content)});
      ++accepted_count_;
    }
  }
  reset_transaction();
}

// The one place replies are made: formatted, bounded to 512 octets a line, enhanced codes
// added when enabled (RFC 2034: not on 3yz intermediates), protocol errors counted.
void SmtpServer::reply(Reply r) {
  if (r.code < 200 || r.code > 599)  // a policy bug must not put garbage on the wire
    r = Reply::make(451, "4.3.0", "Error: local problem");
  const bool enhanced = config_.enhanced_status_codes && !r.intermediate();
  for_each_reply_line(r, enhanced, [&](std::string line) {
    output_.push_back(Output{Output::Kind::Line, std::move(line), r.code});
  });
  if (r.code == 421) {
    close();
    return;
  }
  if (is_protocol_error(r.code) && ++errors_ == config_.max_errors)
    reply(Reply::make(421, "4.7.0", config_.hostname + " Error: too many errors"));
}

void SmtpServer::reset_transaction() {
  txn_ = MailTransaction{};
  txn_.envelope.helo = helo_;
  txn_.envelope.auth_user = auth_user_;
}

void SmtpServer::close() {
  state_ = State::Closed;
  txn_ = MailTransaction{};
  reader_ = LineReader(kCommandText);
}

}  // namespace mailsim::smtp
