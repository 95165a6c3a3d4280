#include "agents/pop3_agent.hpp"

#include <span>
#include <stdexcept>

#include "agents/server_session.hpp"
#include "agents/wire_trace.hpp"

namespace mailsim::agents {

namespace {
// POP3 user names may be the full address or the local part.
std::string canonical(const MailServerConfig& config, std::string_view user) {
  const UserAccount* u = config.find_user(user);
  return u ? u->address : std::string(user);
}
}  // namespace


class Pop3Agent::Session : public ServerSession {
 public:
  Session(Pop3Agent& agent, sim::SocketId sock, std::string apop)
      : ServerSession(agent.ctx_, sock, [&agent, conn = sock.conn] { agent.end(conn); }),
        agent_(agent),
        core_(pop3::ServerConfig{agent.config_.host, std::move(apop)}, agent) {
    const auto peer = ctx_.transport.peer_host_of(sock);
    party_.self = trace::Actor{trace::Agent::POP3, agent_.config_.host};
    party_.peer = trace::Actor{trace::Agent::MUA, ctx_.net.host(peer).name};
    party_.step = trace::Step::Retrieve;
    party_.protocol = trace::Protocol::POP3;
    party_.direction = trace::Direction::Response;
    party_.conn = sock.conn;
    real_peer_ = ctx_.real_hosts.count(peer) > 0;
    core_.keep_input(real_peer_);
  }

 private:
  // ServerSession
  void core_start() override { core_.start(); }
  void core_receive(std::string_view bytes) override {
    core_.receive(bytes);
    // A real client (live mode) traces nothing itself: its lines, as the core read them.
    if (real_peer_) trace_peer_lines(ctx_, party_, core_.take_input());
    decide();
  }
  void core_timeout() override { core_.timeout(); }
  void core_lost() override { core_.connection_lost(); }
  bool core_wants_close() const override { return core_.wants_close(); }
  int core_phase() const override { return static_cast<int>(core_.state()); }
  sim::Time core_limit() const override { return ctx_.timeouts.pop3_autologout; }

  // The core's events, as facts, before any reply leaves: a failed login delays the reply.
  void decide() {
    for (auto& ev : core_.take_events()) {
      if (auto* r = std::get_if<pop3::Retrieved>(&ev)) {
        const std::string& msg = ctx_.correlation.message_of_record(agent_.config_.host, static_cast<std::int64_t>(r->id));
        retrieved_.push_back(msg);
        state(ctx_, party_.self, msg,
              trace::Retrieved{canonical(agent_.config_, r->user), static_cast<std::int64_t>(r->id),
                               static_cast<std::int64_t>(r->octets)},
              sock_.conn);
      } else if (auto* d = std::get_if<pop3::Deleted>(&ev)) {
        const auto id = static_cast<std::int64_t>(d->id);
        state(ctx_, party_.self, ctx_.correlation.message_of_record(agent_.config_.host, id),
              trace::Deleted{canonical(agent_.config_, d->user), id}, sock_.conn);
        ctx_.correlation.forget_record(agent_.config_.host, id);  // gone from the mailbox
      } else if (auto* f = std::get_if<pop3::AuthFailed>(&ev)) {
        trace::AuthFailed fact{f->user, f->failures, auth_failure_delay(ctx_.timeouts, f->failures), true, f->disconnect};
        penalize(fact.delay_us);
        state(ctx_, party_.self, "", std::move(fact), sock_.conn);
      }
    }
  }

  bool core_output() override {
    decide();
    core_.take_output(outs_);
    const auto& outs = outs_;
    // The server knows which stored record each RETR sent: that is what tags the copy.
    std::size_t k = 0;
    for (std::size_t i = 0; i < outs.size() && ctx_.trace.wants_lines(); ++i) {
      WireParty p = party_;
      // A RETR's content (a TOP's has no Retrieved event) belongs to that message.
      if (outs[i].kind == pop3::Output::Kind::Content && k < retrieved_.size()) p.msg = retrieved_[k++];
      trace_outputs(ctx_, p, std::span<const pop3::Output>(&outs[i], 1));  // no copy of a body
    }
    retrieved_.clear();
    const bool answered = !outs.empty();
    const std::string bytes = pop3::to_bytes(outs);
    outs_.clear();  // bodies included: nothing sent stays held; the capacity stays
    if (!bytes.empty()) ctx_.transport.send(sock_, bytes);
    return answered;
  }

  Pop3Agent& agent_;
  pop3::Pop3Server core_;
  WireParty party_;
  bool real_peer_ = false;
  std::vector<std::string> retrieved_;  // messages whose content is in the pending output
  std::vector<pop3::Output> outs_;       // the core's output, drained into the same buffer
};

Pop3Agent::Pop3Agent(Context& ctx, sim::HostId host, const MailServerConfig& config, store::MailboxStore& store)
    : ctx_(ctx), host_(host), config_(config), store_(store) {}

Pop3Agent::~Pop3Agent() = default;

void Pop3Agent::start() {
  ctx_.transport.listen(host_, kPortPop3, [this](sim::SocketId s) -> sim::StreamHandler* {
    // An APOP timestamp unique per session (RFC 1939 section 7), from simulated state only.
    std::string stamp = "<" + std::to_string(++apop_counter_) + "." + std::to_string(ctx_.engine.now()) + "@" +
                        config_.host + ">";
    auto session = std::make_unique<Session>(*this, s, std::move(stamp));
    auto* raw = session.get();
    sessions_[s.conn] = std::move(session);
    return raw;
  });
}

void Pop3Agent::stop() {
  ctx_.transport.unlisten(host_, kPortPop3);
  sessions_.clear();
  locked_.clear();
}

void Pop3Agent::end(std::uint64_t conn) {
  // Destroy the session after the current callback has returned.
  ctx_.engine.after(0, [this, conn] { sessions_.erase(conn); });
}

bool Pop3Agent::check_password(std::string_view user, std::string_view password) {
  const UserAccount* u = config_.find_user(user);
  return u && u->password == password;
}

std::optional<std::string> Pop3Agent::secret(std::string_view user) {
  const UserAccount* u = config_.find_user(user);
  return u ? std::optional<std::string>(u->password) : std::nullopt;
}

bool Pop3Agent::lock(std::string_view user) { return locked_.insert(canonical(config_, user)).second; }
void Pop3Agent::unlock(std::string_view user) { locked_.erase(canonical(config_, user)); }

// Sizes only: the MDA stores what SMTP DATA made of the message, every line ending in CRLF,
// so the stored size is already the RFC 1939 one. Bodies are read at RETR.
std::vector<pop3::MaildropEntry> Pop3Agent::load(std::string_view user) {
  std::vector<pop3::MaildropEntry> out;
  for (auto& m : store_.index(canonical(config_, user)))
    out.push_back(pop3::MaildropEntry{static_cast<std::uint64_t>(m.id), std::move(m.uid), m.size});
  return out;
}

std::string Pop3Agent::content(std::string_view, std::uint64_t id) {
  std::optional<std::string> c = store_.content(static_cast<std::int64_t>(id));
  if (!c) throw std::runtime_error("message " + std::to_string(id) + " is no longer in the store");
  return std::move(*c);
}

void Pop3Agent::remove(std::string_view, const std::vector<std::uint64_t>& ids) {
  std::vector<std::int64_t> v(ids.begin(), ids.end());
  store_.remove(v);
}

}  // namespace mailsim::agents
