#include "agents/mua.hpp"

#include "agents/client_sessions.hpp"
#include "agents/mime/message.hpp"

namespace mailsim::agents {

std::string planned_message_id(const std::string& id, const std::string& from, std::int64_t start_epoch,
                               sim::Time at) {
  const auto at_sign = from.rfind('@');
  const std::string domain = at_sign == std::string::npos ? "localhost" : from.substr(at_sign + 1);
  return std::to_string(start_epoch + at / sim::kSecond) + "." + id + "@" + domain;
}

Mua::Mua(Context& ctx, sim::HostId host, MuaConfig config) : ctx_(ctx), host_(host), config_(std::move(config)) {}

sim::Actor Mua::self() const { return sim::Actor{"MUA", ctx_.net.host(host_).name}; }

void Mua::schedule(PlannedMessage m) {
  ctx_.engine.at(m.at, [this, m = std::move(m)] { compose_and_submit(m); });
}

void Mua::compose_and_submit(const PlannedMessage& m) {
  mime::Draft d = m.draft;
  d.date = sim::rfc5322_date(ctx_.start_epoch, ctx_.engine.now());
  const std::string content = mime::compose(d);
  std::string who;
  for (const auto& t : d.to) who += (who.empty() ? "" : ", ") + t;
  trace_note(ctx_, sim::Step::Compose, self(), m.id,
             config_.address + " composes a message to " + who + " (\"" + d.subject + "\", " +
                 std::to_string(content.size()) + " octets" +
                 (d.attachments.empty() ? "" : ", " + std::to_string(d.attachments.size()) + " attachment(s)") + ")");
  WireParty party;
  party.self = self();
  party.peer = sim::Actor{"MSA", config_.server_host};
  party.step = sim::Step::Submit;
  party.msg = m.id;
  smtp::ClientConfig cc;
  cc.helo_name = ctx_.net.host(host_).name;
  cc.auth = std::make_pair(config_.address, config_.password);
  smtp::Transaction txn;
  txn.mail_from = d.from;
  txn.rcpt_to = d.to;
  txn.rcpt_to.insert(txn.rcpt_to.end(), d.cc.begin(), d.cc.end());
  txn.content = content;
  for (unsigned char c : content)
    if (c >= 0x80) {
      txn.body_8bit = true;
      break;
    }
  const std::string id = m.id;
  start_smtp_session(ctx_, host_, config_.server_address, kPortSubmission, party, OnOwnHostCrash::KeepWaiting,
                     std::move(cc), std::move(txn),
                     [this, id](SmtpOutcome o) {
                       using O = smtp::ClientResult::Outcome;
                       ctx_.ledger.submitted(id, ctx_.engine.now());
                       if (o.net_error) {
                         const std::string why = std::string("could not reach the submission server: ") +
                                                 sim::to_string(*o.net_error);
                         ctx_.ledger.rejected(id, "", why);
                         trace_note(ctx_, sim::Step::Submit, self(), id, why, sim::Alert::Permanent);
                         return;
                       }
                       const auto& r = o.result;
                       for (const auto& rr : r.recipients)
                         if (!rr.reply.positive()) ctx_.ledger.rejected(id, rr.rcpt, rr.reply.summary());
                       if (r.outcome != O::Delivered) {
                         ctx_.ledger.rejected(id, "", r.last_reply.summary());
                         trace_note(ctx_, sim::Step::Submit, self(), id,
                                    "submission failed at " + r.stage + ": " + r.last_reply.summary(),
                                    sim::Alert::Permanent);
                       }
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
  party.peer = sim::Actor{"POP3", config_.server_host};
  party.step = sim::Step::Retrieve;
  pop3::ClientConfig pc;
  pc.user = config_.address;
  pc.password = config_.password;
  pc.delete_after_retrieve = !config_.keep_on_server;
  start_pop3_session(ctx_, host_, config_.server_address, kPortPop3, party, OnOwnHostCrash::KeepWaiting,
                     std::move(pc), [this](Pop3Outcome o) {
    polling_now_ = false;
    std::string only_msg;
    for (const auto& m : o.result.messages) {
      const auto id = local_.add(config_.address, m.content, ctx_.engine.now());
      const auto parsed = mime::parse(m.content);
      std::string mid = parsed.header("Message-ID").value_or("");
      while (!mid.empty() && (mid.front() == '<' || mid.front() == ' ')) mid.erase(mid.begin());
      while (!mid.empty() && (mid.back() == '>' || mid.back() == ' ')) mid.pop_back();
      const std::string msg = ctx_.ledger.id_for_message_id(mid);
      ctx_.ledger.retrieved(msg, config_.address, ctx_.engine.now());
      only_msg = o.result.messages.size() == 1 ? msg : std::string();
      trace_note(ctx_, sim::Step::Retrieve, self(), msg,
                 config_.address + "'s MUA keeps a local copy of \"" +
                     mime::decode_header_value(parsed.header("Subject").value_or("")) + "\" (local record " +
                     std::to_string(id) + ", " + std::to_string(m.content.size()) + " octets)");
    }
    ctx_.trace.backfill_message(o.conn, only_msg);
    if (o.net_error || o.result.outcome != pop3::ClientResult::Outcome::Ok) {
      trace_note(ctx_, sim::Step::Retrieve, self(), "",
                 "retrieval failed: " + (o.net_error ? std::string(sim::to_string(*o.net_error)) : o.result.error),
                 sim::Alert::Transient);
    }
  });
}

}  // namespace mailsim::agents
