#include "agents/smtp_listener.hpp"

#include <algorithm>
#include <cctype>

#include "agents/dns/message.hpp"
#include "agents/mime/headers.hpp"
#include "agents/mime/message.hpp"
#include "agents/smtp/server.hpp"
#include "agents/wire_trace.hpp"

namespace mailsim::agents {

namespace {
std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}
std::string strip_angles(std::string s) {
  while (!s.empty() && (s.front() == '<' || s.front() == ' ')) s.erase(s.begin());
  while (!s.empty() && (s.back() == '>' || s.back() == ' ')) s.pop_back();
  return s;
}
}  // namespace

bool domain_in(const std::vector<std::string>& domains, const std::string& domain) {
  const std::string d = lower(domain);
  return std::any_of(domains.begin(), domains.end(), [&](const std::string& x) { return lower(x) == d; });
}

class SmtpListener::Session : public sim::StreamHandler, private smtp::ServerPolicy {
 public:
  Session(SmtpListener& agent, sim::SocketId sock)
      : agent_(agent), sock_(sock), core_(make_config(agent, sock), *this) {
    Context& ctx = agent_.ctx_;
    peer_host_ = ctx.transport.peer_host_of(sock);
    peer_addr_ = ctx.transport.peer_address_of(sock);
    party_.self = sim::Actor{agent_.submission_ ? "MSA" : "MTA", agent_.config_.host};
    party_.peer = sim::Actor{agent_.submission_ ? "MUA" : "MTA", ctx.net.host(peer_host_).name};
    party_.step = agent_.submission_ ? sim::Step::Submit : sim::Step::Accept;
    party_.protocol = "SMTP";
    party_.direction = sim::Direction::Response;
    party_.conn = sock.conn;
  }
  // SmtpListener::stop() (a crash) destroys open sessions: their timer must not fire later.
  ~Session() override { agent_.ctx_.engine.cancel(idle_); }
  void on_open(sim::SocketId) override {
    core_.start();
    flush();
  }
  void on_data(sim::SocketId, std::string_view bytes) override {
    core_.receive(bytes);
    flush();
  }
  void on_peer_closed(sim::SocketId) override { finish(); }
  void on_error(sim::SocketId, sim::NetError) override {
    closed_ = true;
    agent_.ctx_.engine.cancel(idle_);
    agent_.end(sock_.conn);
  }

 private:
  static smtp::ServerConfig make_config(SmtpListener& agent, sim::SocketId sock) {
    smtp::ServerConfig c;
    c.hostname = agent.config_.host;
    c.submission = agent.submission_;
    c.offer_auth = agent.submission_;
    c.max_recipients = agent.config_.policy.max_recipients;
    c.max_message_size = agent.config_.policy.max_message_size;
    c.id_prefix = std::to_string(sock.conn) + "Q";
    return c;
  }

  void flush() {
    Context& ctx = agent_.ctx_;
    party_.msg = ctx.trace.message_of_connection(sock_.conn);
    // Replies about mail this server only forwards belong to the relay step.
    if (!agent_.submission_) party_.step = relaying_ ? sim::Step::Relay : sim::Step::Accept;
    send_outputs(ctx, sock_, party_, core_.take_output());
    for (auto& a : core_.take_accepted()) hand_to_queue(std::move(a));
    ctx.engine.cancel(idle_);
    if (core_.wants_close()) return finish();
    const sim::Time limit =
        core_.phase() == smtp::SmtpServer::Phase::DataBlock ? ctx.timeouts.smtp_data_block : ctx.timeouts.smtp_server_idle;
    idle_ = ctx.engine.after(limit, [this] {
      core_.timeout();
      flush();
    });
  }

  void finish() {
    if (closed_) return;
    closed_ = true;
    agent_.ctx_.engine.cancel(idle_);
    agent_.ctx_.transport.close(sock_);
    agent_.end(sock_.conn);
  }

  void hand_to_queue(smtp::Accepted a) {
    Context& ctx = agent_.ctx_;
    std::string msg = ctx.trace.message_of_connection(sock_.conn);
    if (msg.empty()) {  // a real client in live mode: find the message by its Message-ID
      const auto parsed = mime::parse(std::string_view(a.content).substr(0, mime_header_end(a.content)));
      if (auto id = parsed.header("Message-ID")) msg = ctx.ledger.id_for_message_id(strip_angles(*id));
      if (msg.empty()) msg = register_live_message(a, parsed);
    }
    mime::ReceivedInfo info;
    info.helo = a.envelope.helo;
    info.client_host = ctx.net.host(peer_host_).name;
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
    q.content = mime::prepend_header(a.content, "Received", mime::received_header(info));
    q.arrived = ctx.engine.now();
    trace_note(ctx, party_.step, party_.self, msg,
               std::string(agent_.submission_ ? "accepted the submission" : "accepted the message") + " from " +
                   (q.mail_from.empty() ? "<>" : q.mail_from) + " for " + std::to_string(q.rcpts.size()) +
                   " recipient(s), added a Received: field and queued it as " + q.queue_id);
    ctx.engine.after(ctx.processing_delay, [&queue = agent_.queue_, q = std::move(q)]() mutable {
      queue.enqueue(std::move(q));
    });
  }

  // Mail from a real client has no scenario id: the ledger accounts for it as live-N.
  std::string register_live_message(const smtp::Accepted& a, const mime::Message& parsed) {
    Context& ctx = agent_.ctx_;
    int n = 1;
    while (ctx.ledger.find("live-" + std::to_string(n))) ++n;
    MessageRecord rec;
    rec.id = "live-" + std::to_string(n);
    rec.from = lower(a.envelope.mail_from.str());
    rec.subject = mime::decode_header_value(parsed.header("Subject").value_or(""));
    rec.message_id = strip_angles(parsed.header("Message-ID").value_or(""));
    rec.planned_us = ctx.engine.now();
    for (const auto& r : a.envelope.rcpt_to) {
      RcptRecord rr;
      rr.address = lower(r.str());
      if (std::none_of(rec.rcpts.begin(), rec.rcpts.end(), [&](const RcptRecord& x) { return x.address == rr.address; }))
        rec.rcpts.push_back(rr);
    }
    const std::string id = rec.id;
    ctx.ledger.plan(std::move(rec));
    ctx.ledger.submitted(id, ctx.engine.now());
    ctx.trace.tag_connection(sock_.conn, id);
    return id;
  }

  static std::size_t mime_header_end(std::string_view content) {
    const auto p = content.find("\r\n\r\n");
    return p == std::string_view::npos ? content.size() : p + 4;
  }

  // smtp::ServerPolicy
  smtp::Reply check_recipient(const smtp::Envelope& env, const smtp::Path& rcpt) override {
    const MailServerConfig& cfg = agent_.config_;
    const std::string address = lower(rcpt.str());
    const bool local = rcpt.domain.empty() || domain_in(cfg.domains, rcpt.domain);
    if (local) {
      const std::string full = rcpt.domain.empty() ? address + "@" + (cfg.domains.empty() ? cfg.host : cfg.domains[0])
                                                   : address;
      const UserAccount* user = nullptr;
      for (const auto& u : cfg.users)
        if (u.address == full || (rcpt.domain.empty() && u.address.rfind("postmaster@", 0) == 0)) user = &u;
      if (!user && !(rcpt.domain.empty() || lower(rcpt.local) == "postmaster"))
        return smtp::Reply::make(550, "5.1.1", "<" + address + ">: Recipient address rejected: User unknown in local recipient table");
      if (user && user->quota_octets && agent_.store_.octets(user->address) >= user->quota_octets) {
        if (cfg.policy.quota_full_is_permanent)
          return smtp::Reply::make(552, "5.2.2", "<" + address + ">: Mailbox full");
        return smtp::Reply::make(452, "4.2.2", "<" + address + ">: Mailbox full, try again later");
      }
      if (cfg.policy.greylisting && env.auth_user.empty()) {
        auto key = std::make_tuple(peer_addr_, lower(env.mail_from.str()), address);
        auto [it, first] = agent_.greylist_.emplace(key, agent_.ctx_.engine.now());
        if (first || agent_.ctx_.engine.now() - it->second < cfg.policy.greylist_delay)
          return smtp::Reply::make(451, "4.7.1", "<" + address + ">: Recipient address rejected: Greylisted, please try again later");
      }
      return smtp::Reply::make(250, "2.1.5", "Ok");
    }
    const bool trusted_client = std::find(cfg.relay_clients.begin(), cfg.relay_clients.end(),
                                          agent_.ctx_.net.host(peer_host_).name) != cfg.relay_clients.end();
    if (!env.auth_user.empty() || trusted_client || domain_in(cfg.relay_domains, rcpt.domain)) {
      relaying_ = true;
      return smtp::Reply::make(250, "2.1.5", "Ok");
    }
    return smtp::Reply::make(554, "5.7.1", "<" + address + ">: Relay access denied");
  }

  smtp::Reply check_message(const smtp::Envelope&, std::string_view content) override {
    const std::string& pattern = agent_.config_.policy.reject_subject;
    if (!pattern.empty()) {
      const auto msg = mime::parse(content.substr(0, mime_header_end(content)));
      const std::string subject = mime::decode_header_value(msg.header("Subject").value_or(""));
      if (lower(subject).find(lower(pattern)) != std::string::npos)
        return smtp::Reply::make(554, "5.7.1", "Message rejected: content policy (subject matches \"" + pattern + "\")");
    }
    return smtp::Reply::make(250, "2.0.0", "Ok");
  }

  bool authenticate(std::string_view user, std::string_view password) override {
    for (const auto& u : agent_.config_.users)
      if (u.address == user || u.address.substr(0, u.address.find('@')) == user) return u.password == password;
    return false;
  }

  std::optional<std::string> verify(std::string_view who) override {
    const std::string w = lower(std::string(who));
    for (const auto& u : agent_.config_.users)
      if (u.address == w || u.address.substr(0, u.address.find('@')) == w) return u.address;
    return std::nullopt;
  }

  SmtpListener& agent_;
  sim::SocketId sock_;
  smtp::SmtpServer core_;
  WireParty party_;
  sim::HostId peer_host_ = 0;
  std::uint32_t peer_addr_ = 0;
  sim::TimerId idle_;
  bool closed_ = false;
  bool relaying_ = false;
};

SmtpListener::SmtpListener(Context& ctx, sim::HostId host, const MailServerConfig& config, bool submission,
                           QueueSink& queue, const store::MailboxStore& store)
    : ctx_(ctx), host_(host), config_(config), submission_(submission), queue_(queue), store_(store) {}

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
