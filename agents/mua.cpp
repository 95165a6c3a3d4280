#include "agents/mua.hpp"

#include "agents/client_sessions.hpp"
#include "agents/mime/message.hpp"
#include "sim/text.hpp"

#include <algorithm>
#include <string_view>
#include <vector>

namespace mailsim::agents {

std::string planned_message_id(const std::string& id, const std::string& from, std::int64_t start_epoch,
                               sim::Time at) {
  const auto at_sign = from.rfind('@');
  const std::string domain = at_sign == std::string::npos ? "localhost" : from.substr(at_sign + 1);
  return std::to_string(start_epoch + at / sim::kSecond) + "." + id + "@" + domain;
}

Mua::Mua(Context& ctx, sim::HostId host, MuaConfig config, store::MailboxStore& local)
    : ctx_(ctx), host_(host), config_(std::move(config)), local_(local) {}

trace::Actor Mua::self() const { return trace::Actor{trace::Agent::MUA, ctx_.net.host(host_).name}; }

namespace {
std::optional<trace::NetFailure> net_failure(std::optional<sim::NetError> e) {
  if (!e) return std::nullopt;
  switch (*e) {
    case sim::NetError::Refused: return trace::NetFailure::Refused;
    case sim::NetError::Unreachable: return trace::NetFailure::Unreachable;
    case sim::NetError::TimedOut: return trace::NetFailure::TimedOut;
    case sim::NetError::Reset: return trace::NetFailure::Reset;
  }
  return std::nullopt;
}
trace::PollProblem poll_problem(sim::NetError e) {
  switch (e) {
    case sim::NetError::Refused: return trace::PollProblem::Refused;
    case sim::NetError::Unreachable: return trace::PollProblem::Unreachable;
    case sim::NetError::TimedOut: return trace::PollProblem::TimedOut;
    case sim::NetError::Reset: return trace::PollProblem::Reset;
  }
  return trace::PollProblem::Unreachable;
}
}  // namespace

void Mua::schedule(PlannedMessage m) {
  ctx_.engine.at(m.at, [this, m = std::move(m)] { compose_and_submit(m); });
}

void Mua::compose_and_submit(const PlannedMessage& m) {
  mime::Draft d = m.draft;
  d.date = sim::rfc5322_date(ctx_.start_epoch, ctx_.engine.now());
  const std::string content = mime::compose(d);
  trace::Composed fact;
  fact.from = d.from;
  for (const auto* list : {&d.to, &d.cc})
    for (const auto& a : *list)
      if (std::find(fact.to.begin(), fact.to.end(), a) == fact.to.end()) fact.to.push_back(a);
  fact.subject = d.subject;
  fact.octets = static_cast<std::int64_t>(content.size());
  fact.attachments = static_cast<int>(d.attachments.size());
  fact.message_id = d.message_id;
  ctx_.correlation.tag_message_id(d.message_id, m.id);
  state(ctx_, self(), m.id, std::move(fact));
  WireParty party;
  party.self = self();
  party.peer = trace::Actor{trace::Agent::MSA, config_.server_host};
  party.step = trace::Step::Submit;
  party.msg = m.id;
  smtp::ClientConfig cc;
  cc.helo_name = ctx_.net.host(host_).name;
  cc.auth = std::make_pair(config_.address, config_.password);
  smtp::Transaction txn;
  txn.mail_from = d.from;
  txn.rcpt_to = d.to;
  txn.rcpt_to.insert(txn.rcpt_to.end(), d.cc.begin(), d.cc.end());
  txn.content = content;
  txn.body_8bit = text::has_8bit(content);
  const std::string id = m.id;
  start_smtp_session(ctx_, host_, config_.server_address, kPortSubmission, party, OnOwnHostCrash::KeepWaiting,
                     std::move(cc), std::move(txn),
                     [this, id](SmtpOutcome o) {
                       using O = smtp::ClientResult::Outcome;
                       const auto& r = o.result;
                       if (!o.net_error && r.outcome == O::Delivered) return;
                       // The MUA gives up: whatever the MSA did not accept is lost (its own
                       // recipient refusals were stated by the MSA).
                       trace::SubmissionFailed f;
                       f.server = config_.server_host;
                       f.net_error = net_failure(o.net_error);
                       if (!o.net_error) {
                         f.stage = trace::enum_from<trace::Stage>(r.stage).value_or(trace::Stage::Quit);
                         f.reply = reply_info(r.last_reply);
                       }
                       state(ctx_, self(), id, std::move(f), o.conn);
                     });
}

void Mua::start_polling() {
  if (config_.poll_interval <= 0) return;
  ctx_.engine.after(config_.poll_interval, [this] { poll(); }, sim::EventKind::Background);
}

void Mua::poll() {
  ctx_.engine.after(config_.poll_interval, [this] { poll(); }, sim::EventKind::Background);
  if (polling_now_) return;  // the previous session is still running
  polling_now_ = true;
  WireParty party;
  party.self = self();
  party.peer = trace::Actor{trace::Agent::POP3, config_.server_host};
  party.step = trace::Step::Retrieve;
  pop3::ClientConfig pc;
  pc.user = config_.address;
  pc.password = config_.password;
  pc.delete_after_retrieve = !config_.keep_on_server;
  if (config_.keep_on_server) {
    pc.use_uidl = true;
    pc.known_uids = seen_uids_;
  }
  start_pop3_session(ctx_, host_, config_.server_address, kPortPop3, party, OnOwnHostCrash::KeepWaiting,
                     std::move(pc), [this](Pop3Outcome o) {
    polling_now_ = false;
    // The session's copies go into the local store in one transaction.
    std::vector<std::string_view> contents;
    contents.reserve(o.result.messages.size());
    for (const auto& m : o.result.messages) contents.push_back(m.content);
    const std::vector<std::int64_t> records = local_.add_all(config_.address, contents, ctx_.engine.now());
    for (std::size_t i = 0; i < o.result.messages.size(); ++i) {
      const auto& m = o.result.messages[i];
      const std::int64_t record = records[i];
      if (!m.uid.empty()) seen_uids_.insert(m.uid);
      const auto parsed = mime::parse_headers(m.content, {"Message-ID", "Subject"});
      const std::string msg =
          ctx_.correlation.message_of_message_id(mime::strip_angle_brackets(parsed.header("Message-ID").value_or("")));
      trace::LocalCopyKept f;
      f.user = config_.address;
      f.record = record;
      f.octets = static_cast<std::int64_t>(m.content.size());
      f.subject = mime::decode_header_value(parsed.header("Subject").value_or(""));
      state(ctx_, self(), msg, std::move(f), o.conn);
    }
    using Outcome = pop3::ClientResult::Outcome;
    if (o.net_error || o.result.outcome != Outcome::Ok) {
      trace::PollFailed f;
      f.user = config_.address;
      f.server = config_.server_host;
      if (o.net_error) {
        f.problem = poll_problem(*o.net_error);
      } else {
        f.problem = o.result.outcome == Outcome::AuthFailed       ? trace::PollProblem::AuthFailed
                    : o.result.outcome == Outcome::ConnectionLost ? trace::PollProblem::ConnectionLost
                    : o.result.error.find("[IN-USE]") != std::string::npos ? trace::PollProblem::InUse
                                                                           : trace::PollProblem::ServerError;
        f.reply = o.result.error;
      }
      state(ctx_, self(), "", std::move(f), o.conn);
    } else if (o.result.messages.empty()) {
      state(ctx_, self(), "", trace::PollEmpty{config_.address, config_.server_host}, o.conn);
    }
  });
}

}  // namespace mailsim::agents
