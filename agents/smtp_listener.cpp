#include "agents/smtp_listener.hpp"

#include <algorithm>
#include <cctype>
#include <optional>

#include "agents/dns/message.hpp"
#include "agents/mime/encoding.hpp"
#include "agents/mime/headers.hpp"
#include "agents/mime/message.hpp"
#include "agents/smtp/server.hpp"
#include "agents/server_session.hpp"
#include "agents/wire_trace.hpp"
#include "sim/text.hpp"

namespace mailsim::agents {

namespace {
std::string lower(std::string_view s) { return text::to_lower(s); }
}  // namespace

class SmtpListener::Session : public ServerSession, private smtp::ServerPolicy {
 public:
  Session(SmtpListener& agent, sim::SocketId sock)
      : ServerSession(agent.ctx_, sock, [&agent, conn = sock.conn] { agent.end(conn); }),
        agent_(agent),
        core_(make_config(agent, sock), *this) {
    Context& ctx = agent_.ctx_;
    peer_host_ = ctx.transport.peer_host_of(sock);
    peer_addr_ = ctx.transport.peer_address_of(sock);
    using trace::Agent;
    party_.self = trace::Actor{agent_.submission_ ? Agent::MSA : Agent::MTA, agent_.config_.host};
    party_.peer = trace::Actor{agent_.submission_ ? Agent::MUA : Agent::MTA, ctx.net.host(peer_host_).name};
    // The step rule: a submission session is step 2; an MTA-to-MTA session is step 3 as a
    // whole, the receiving server's decisions (facts) are step 4.
    party_.step = agent_.submission_ ? trace::Step::Submit : trace::Step::Relay;
    party_.protocol = trace::Protocol::SMTP;
    party_.direction = trace::Direction::Response;
    party_.conn = sock.conn;
    real_peer_ = ctx.real_hosts.count(peer_host_) > 0;
    core_.keep_input(real_peer_);
  }

  // As Postfix's smtpd: before the greeting, the client's name from its address's PTR record
  // ("unknown" in Received: without one).
  bool greet_later() override {
    Context& ctx = agent_.ctx_;
    agent_.resolver_.resolve_client_name(peer_addr_, ctx.correlation.message_of_connection(sock_.conn),
                                         [&agent = agent_, conn = sock_.conn](std::string name) {
                                           const auto it = agent.sessions_.find(conn);
                                           if (it == agent.sessions_.end()) return;  // gone meanwhile
                                           it->second->client_name_ = std::move(name);
                                           it->second->begin();
                                         });
    return true;
  }

 private:
  static smtp::ServerConfig make_config(SmtpListener& agent, sim::SocketId sock) {
    smtp::ServerConfig c;
    c.hostname = agent.config_.host;
    c.submission = agent.submission_;
    c.offer_auth = agent.submission_;
    c.max_recipients = agent.config_.policy.max_recipients;
    c.max_message_size = agent.config_.policy.max_message_size;
    c.dsn = true;  // as Postfix: the sender may ask what a DSN returns and when it is sent
    c.id_prefix = std::to_string(sock.conn) + "Q";
    return c;
  }

  // ServerSession
  void core_start() override { core_.start(); }
  void core_receive(std::string_view bytes) override {
    core_.receive(bytes);
    if (!real_peer_) return;  // a simulated client traced its own lines when it sent them
    party_.msg = ctx_.correlation.message_of_connection(sock_.conn);
    trace_peer_lines(ctx_, party_, core_.take_input());
  }
  void core_timeout() override { core_.timeout(); }
  bool core_wants_close() const override { return core_.wants_close(); }
  int core_phase() const override { return static_cast<int>(core_.phase()); }
  sim::Time core_limit() const override {
    return core_.phase() == smtp::SmtpServer::Phase::DataBlock ? ctx_.timeouts.smtp_data_block
                                                                : ctx_.timeouts.smtp_server_idle;
  }
  bool core_output() override {
    party_.msg = ctx_.correlation.message_of_connection(sock_.conn);
    core_.take_output(outs_);
    const bool answered = !outs_.empty();
    send_outputs(ctx_, sock_, party_, outs_);
    outs_.clear();  // the lines go now; the capacity stays for the next flush
    for (auto& a : core_.take_accepted()) hand_to_queue(std::move(a));
    return answered;
  }

  void hand_to_queue(smtp::Accepted a) {
    Context& ctx = agent_.ctx_;
    std::string msg = ctx.correlation.message_of_connection(sock_.conn);
    if (msg.empty()) {  // a real client in live mode: find the message by its Message-ID
      const auto parsed = mime::parse(std::string_view(a.content).substr(0, mime::header_block_end(a.content)));
      if (auto id = parsed.header("Message-ID"))
        msg = ctx.correlation.message_of_message_id(mime::strip_angle_brackets(*id));
      if (msg.empty()) msg = register_live_message(a, parsed);
      trace_real_content(msg, a.content);
    }
    mime::ReceivedInfo info;
    info.helo = a.envelope.helo;
    info.client_host = client_name_;  // "" is written "unknown"
    info.client_ip = dns::format_ipv4(peer_addr_);
    info.by_host = agent_.config_.host;
    info.protocol = a.envelope.auth_user.empty() ? "ESMTP" : "ESMTPA";
    info.id = a.queue_id;
    if (a.envelope.rcpt_to.size() == 1) info.for_rcpt = a.envelope.rcpt_to.front().str();
    info.date = sim::rfc5322_date(ctx.start_epoch, ctx.engine.now());
    QueuedMessage q;
    q.queue_id = a.queue_id;
    q.msg = msg;
    q.mail_from = lower(a.envelope.mail_from.str());
    for (const auto& r : a.envelope.rcpt_to) q.rcpts.push_back(lower(r.str()));
    q.dsn_ret = a.envelope.dsn_ret;
    q.envid = a.envelope.envid;
    for (std::size_t i = 0; i < q.rcpts.size() && i < a.envelope.rcpt_dsn.size(); ++i)
      if (a.envelope.rcpt_dsn[i] != smtp::RcptDsn{}) q.rcpt_dsn[q.rcpts[i]] = a.envelope.rcpt_dsn[i];
    // As Postfix's cleanup: the envelope sender is recorded by the MDA alone, so a client's
    // Return-Path: goes (in place); a submission gets the Date: and Message-ID: it lacks.
    // One pass over the header section answers every question asked of it here.
    mime::FieldIndex fields(a.content);
    if (fields.count("Return-Path") > 0) {
      mime::remove_fields(a.content, "Return-Path");
      fields = mime::FieldIndex(a.content);
    }
    std::string missing;
    if (agent_.submission_) missing = missing_submission_fields(fields, a.queue_id, msg);
    q.content = mime::add_fields(a.content, mime::fold_field("Received", mime::received_header(info)), missing,
                                 fields.fields_end());
    q.arrived = ctx.engine.now();
    q.submitted = agent_.submission_;
    if (agent_.submission_) {
      state(ctx, party_.self, msg, trace::SubmissionAccepted{q.queue_id, q.mail_from, q.rcpts, a.envelope.auth_user},
            sock_.conn);
    } else {
      state(ctx, party_.self, msg,
            trace::MessageAccepted{q.queue_id, q.mail_from, q.rcpts, ctx.net.host(peer_host_).name, relaying_},
            sock_.conn);
    }
    ctx.engine.after(ctx.processing_delay, [&queue = agent_.queue_, q = std::move(q)]() mutable {
      queue.enqueue(std::move(q));
    });
  }

  // RFC 6409 section 8: the MSA may complete a submission; Postfix adds Date: and a
  // Message-ID: <date.queue-id@host> when they are missing. Returns the fields to append.
  std::string missing_submission_fields(const mime::FieldIndex& present, const std::string& queue_id,
                                        const std::string& msg) {
    Context& ctx = agent_.ctx_;
    std::string fields;
    if (present.count("Date") == 0)
      mime::append_field(fields, "Date", sim::rfc5322_date(ctx.start_epoch, ctx.engine.now()));
    if (present.count("Message-ID") == 0) {
      const std::string id = std::to_string(ctx.start_epoch + ctx.engine.now() / sim::kSecond) + "." + queue_id +
                             "@" + agent_.config_.host;
      mime::append_field(fields, "Message-ID", "<" + id + ">");
      if (!msg.empty()) ctx.correlation.tag_message_id(id, msg);
    }
    return fields;
  }

  // A real client (live mode) does not trace its own content as simulated clients do: the
  // text the core accepted is traced here, once, instead of being copied by the bridge.
  void trace_real_content(const std::string& msg, const std::string& content) {
    Context& ctx = agent_.ctx_;
    if (!ctx.trace.wants_lines()) return;
    trace::TraceEvent e;
    e.time = ctx.engine.now();
    e.step = party_.step;
    e.kind = trace::Kind::Content;
    e.actor = party_.peer;
    e.peer = party_.self;
    e.protocol = trace::Protocol::SMTP;
    e.direction = trace::Direction::Request;
    e.conn = sock_.conn;
    e.msg = msg;
    e.octets = static_cast<std::int64_t>(content.size());
    e.lines = content_lines(content);
    e.line = describe_content(content.size(), e.lines);
    e.text = content;
    ctx.trace.add(std::move(e));
  }

  // Mail from a real client has no scenario id: the ledger accounts for it as live-N.
  std::string register_live_message(const smtp::Accepted& a, const mime::Message& parsed) {
    Context& ctx = agent_.ctx_;
    int n = 1;
    while (ctx.ledger.contains("live-" + std::to_string(n))) ++n;
    trace::LiveMessage f;
    f.id = "live-" + std::to_string(n);
    f.from = lower(a.envelope.mail_from.str());
    f.subject = mime::decode_header_value(parsed.header("Subject").value_or(""));
    f.message_id = mime::strip_angle_brackets(parsed.header("Message-ID").value_or(""));
    f.submission = agent_.submission_;
    for (const auto& r : a.envelope.rcpt_to) {
      const std::string addr = lower(r.str());
      if (std::find(f.to.begin(), f.to.end(), addr) == f.to.end()) f.to.push_back(addr);
    }
    const std::string id = f.id;
    ctx.correlation.tag_message_id(f.message_id, id);
    ctx.correlation.tag_connection(sock_.conn, id);
    state(ctx, party_.self, id, std::move(f), sock_.conn);
    return id;
  }

  // smtp::ServerPolicy. Every decision is stated as a fact where it is made.
  smtp::Reply check_recipient(const smtp::Envelope& env, const smtp::Path& rcpt) override {
    auto [verdict, reply] = decide_recipient(env, rcpt);
    trace::RecipientChecked f;
    f.rcpt = lower(rcpt.str());
    f.accepted = reply.positive();
    f.verdict = verdict;
    f.reply = reply_info(reply);
    f.submission = agent_.submission_;
    state(agent_.ctx_, party_.self, agent_.ctx_.correlation.message_of_connection(sock_.conn), std::move(f),
          sock_.conn);
    return reply;
  }

  std::pair<trace::Verdict, smtp::Reply> decide_recipient(const smtp::Envelope& env, const smtp::Path& rcpt) {
    using V = trace::Verdict;
    const MailServerConfig& cfg = agent_.config_;
    const std::string address = lower(rcpt.str());
    if (cfg.is_local(address)) {
      const UserAccount* user = cfg.mailbox_for(address);
      // RFC 5321 section 4.5.1: postmaster is always accepted, even with nobody to read it.
      const bool postmaster = rcpt.domain.empty() || text::iequals(rcpt.local, "postmaster");
      if (!user && !postmaster)
        return {V::UnknownUser, smtp::Reply::make(550, "5.1.1", "<" + address + ">: Recipient address rejected: User unknown in local recipient table")};
      if (user && user->quota_octets && agent_.store_.octets(user->address) >= user->quota_octets) {
        if (cfg.policy.quota_full_is_permanent)
          return {V::MailboxFull, smtp::Reply::make(552, "5.2.2", "<" + address + ">: Mailbox full")};
        return {V::MailboxFull, smtp::Reply::make(452, "4.2.2", "<" + address + ">: Mailbox full, try again later")};
      }
      if (cfg.policy.greylisting && env.auth_user.empty()) {
        auto key = std::make_tuple(peer_addr_, lower(env.mail_from.str()), address);
        auto [it, first] = agent_.greylist_.emplace(key, agent_.ctx_.engine.now());
        if (first || agent_.ctx_.engine.now() - it->second < cfg.policy.greylist_delay)
          return {V::Greylisted, smtp::Reply::make(451, "4.7.1", "<" + address + ">: Recipient address rejected: Greylisted, please try again later")};
      }
      return {postmaster ? V::Postmaster : V::LocalUser, smtp::Reply::make(250, "2.1.5", "Ok")};
    }
    const bool trusted_client = std::find(cfg.relay_clients.begin(), cfg.relay_clients.end(),
                                          agent_.ctx_.net.host(peer_host_).name) != cfg.relay_clients.end();
    const V why = !env.auth_user.empty() ? V::Authenticated
                  : trusted_client        ? V::TrustedClient
                  : domain_in(cfg.relay_domains, rcpt.domain) ? V::BackupMx
                                                               : V::RelayDenied;
    if (why != V::RelayDenied) {
      relaying_ = true;
      return {why, smtp::Reply::make(250, "2.1.5", "Ok")};
    }
    return {V::RelayDenied, smtp::Reply::make(554, "5.7.1", "<" + address + ">: Relay access denied")};
  }

  smtp::Reply check_message(const smtp::Envelope&, std::string_view content) override {
    // Mail loop (RFC 5321 section 6.3): each MTA adds one Received: field, so a message that
    // carries more than the limit has gone round in circles. Counted in place, never copied.
    const int limit = agent_.config_.policy.hopcount_limit;
    if (const auto hops = static_cast<int>(mime::count_fields(content, "Received")); hops > limit) {
      auto reply = smtp::Reply::make(554, "5.4.6", "Error: too many hops");
      const std::string msg = agent_.ctx_.correlation.message_of_connection(sock_.conn);
      // The hop count is a fact of relaying (step 4); a submission states the refusal only.
      if (!agent_.submission_) state(agent_.ctx_, party_.self, msg, trace::LoopDetected{hops, limit}, sock_.conn);
      state(agent_.ctx_, party_.self, msg,
            trace::MessageRefused{trace::Refusal::Loop, reply_info(reply), agent_.submission_}, sock_.conn);
      return reply;
    }
    const std::string& pattern = agent_.config_.policy.reject_subject;
    if (!pattern.empty()) {
      const auto msg = mime::parse(content.substr(0, mime::header_block_end(content)));
      const std::string subject = mime::decode_header_value(msg.header("Subject").value_or(""));
      if (lower(subject).find(lower(pattern)) != std::string::npos) {
        auto reply = smtp::Reply::make(554, "5.7.1", "Message rejected: content policy (subject matches \"" + pattern + "\")");
        state(agent_.ctx_, party_.self, agent_.ctx_.correlation.message_of_connection(sock_.conn),
              trace::MessageRefused{trace::Refusal::ContentPolicy, reply_info(reply), agent_.submission_}, sock_.conn);
        return reply;
      }
    }
    return smtp::Reply::make(250, "2.0.0", "Ok");
  }

  bool authenticate(std::string_view user, std::string_view password) override {
    const UserAccount* account = agent_.config_.find_user(user);
    if (account && account->password == password) return true;
    // Stated here, where it is decided; the reply waits (see ServerSession::penalize).
    ++auth_failures_;
    trace::AuthFailed f;
    f.user = std::string(user);
    f.failures = auth_failures_;
    f.delay_us = auth_failure_delay(ctx_.timeouts, auth_failures_);
    f.disconnect = auth_failures_ >= static_cast<int>(smtp::ServerConfig{}.max_auth_failures);
    penalize(f.delay_us);
    state(ctx_, party_.self, ctx_.correlation.message_of_connection(sock_.conn), std::move(f), sock_.conn);
    return false;
  }

  // Submission: a logged-in user sends only as their own address (Postfix's
  // reject_sender_login_mismatch), unless the scenario switches it off for a spoofing lesson.
  smtp::Reply check_sender(const smtp::Envelope& env, const smtp::Path& from) override {
    const smtp::Reply ok = smtp::Reply::make(250, "2.1.0", "Ok");
    if (!agent_.submission_ || env.auth_user.empty() || from.str().empty() ||
        !agent_.config_.policy.reject_sender_login_mismatch)
      return ok;
    const UserAccount* account = agent_.config_.find_user(env.auth_user);
    const std::string sender = lower(from.str());
    if (account && account->address == sender) return ok;
    auto reply = smtp::Reply::make(553, "5.7.1", "<" + sender + ">: Sender address rejected: not owned by user " +
                                                     (account ? account->address : env.auth_user));
    state(ctx_, party_.self, ctx_.correlation.message_of_connection(sock_.conn),
          trace::MessageRefused{trace::Refusal::SenderMismatch, reply_info(reply), true}, sock_.conn);
    return reply;
  }

  std::optional<std::string> verify(std::string_view who) override {
    if (const UserAccount* u = agent_.config_.find_user(who)) return u->address;
    return std::nullopt;
  }

  SmtpListener& agent_;
  smtp::SmtpServer core_;
  std::vector<smtp::Output> outs_;  // the core's output, drained into the same buffer
  WireParty party_;
  sim::HostId peer_host_ = 0;
  std::uint32_t peer_addr_ = 0;
  bool real_peer_ = false;  // a real client (live mode): its lines are traced here
  std::string client_name_;  // by reverse DNS; empty until (unless) the PTR answer names it
  int auth_failures_ = 0;
  bool relaying_ = false;
};

SmtpListener::SmtpListener(Context& ctx, sim::HostId host, const MailServerConfig& config, bool submission,
                           QueueSink& queue, const store::MailboxStore& store, Resolver& resolver)
    : ctx_(ctx), host_(host), config_(config), submission_(submission), queue_(queue), store_(store),
      resolver_(resolver) {}

SmtpListener::~SmtpListener() = default;

std::uint16_t SmtpListener::port() const { return submission_ ? kPortSubmission : kPortSmtp; }

void SmtpListener::start() {
  ctx_.transport.listen(host_, port(), [this](sim::SocketId s) -> sim::StreamHandler* {
    auto session = std::make_unique<Session>(*this, s);
    auto* raw = session.get();
    sessions_[s.conn] = std::move(session);
    return raw;
  });
}

void SmtpListener::stop() {
  ctx_.transport.unlisten(host_, port());
  sessions_.clear();
}

void SmtpListener::end(std::uint64_t conn) {
  ctx_.engine.after(0, [this, conn] { sessions_.erase(conn); });
}

}  // namespace mailsim::agents
