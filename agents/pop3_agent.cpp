#include "agents/pop3_agent.hpp"

#include "agents/wire_trace.hpp"

namespace mailsim::agents {

namespace {
// POP3 user names may be the full address or the local part.
std::string canonical(const MailServerConfig& config, std::string_view user) {
  for (const auto& u : config.users)
    if (u.address == user || u.address.substr(0, u.address.find('@')) == user) return u.address;
  return std::string(user);
}
}  // namespace


class Pop3Agent::Session : public sim::StreamHandler {
 public:
  Session(Pop3Agent& agent, sim::SocketId sock, std::string apop)
      : agent_(agent), sock_(sock), core_(pop3::ServerConfig{agent.config_.host, std::move(apop)}, agent) {
    Context& ctx = agent_.ctx_;
    const auto peer = ctx.transport.peer_host_of(sock);
    party_.self = trace::Actor{trace::Agent::POP3, agent_.config_.host};
    party_.peer = trace::Actor{trace::Agent::MUA, ctx.net.host(peer).name};
    party_.step = trace::Step::Retrieve;
    party_.protocol = trace::Protocol::POP3;
    party_.direction = trace::Direction::Response;
    party_.conn = sock.conn;
  }
  // Pop3Agent::stop() (a crash) destroys open sessions: their timer must not fire later.
  ~Session() override { agent_.ctx_.engine.cancel(idle_); }
  void on_open(sim::SocketId) override {
    core_.start();
    flush();
  }
  void on_data(sim::SocketId, std::string_view bytes) override {
    core_.receive(bytes);
    flush();
  }
  void on_peer_closed(sim::SocketId) override {
    core_.connection_lost();
    finish();
  }
  void on_error(sim::SocketId, sim::NetError) override {
    core_.connection_lost();
    closed_ = true;
    agent_.end(sock_.conn);
  }

 private:
  void flush() {
    Context& ctx = agent_.ctx_;
    auto outs = core_.take_output();
    // The server knows which stored record each RETR sent: that is what tags the copy.
    std::vector<std::string> retrieved;
    for (auto& ev : core_.take_events()) {
      if (auto* r = std::get_if<pop3::Retrieved>(&ev)) {
        const std::string& msg = ctx.correlation.message_of_record(agent_.config_.host, static_cast<std::int64_t>(r->id));
        retrieved.push_back(msg);
        state(ctx, party_.self, msg, trace::Retrieved{canonical(agent_.config_, r->user), static_cast<std::int64_t>(r->id), static_cast<std::int64_t>(r->octets)},
              sock_.conn);
      } else if (auto* d = std::get_if<pop3::Deleted>(&ev)) {
        state(ctx, party_.self, ctx.correlation.message_of_record(agent_.config_.host, static_cast<std::int64_t>(d->id)),
              trace::Deleted{canonical(agent_.config_, d->user), static_cast<std::int64_t>(d->id)}, sock_.conn);
      }
    }
    std::size_t k = 0;
    for (std::size_t i = 0; i < outs.size(); ++i) {
      WireParty p = party_;
      // A RETR's content (a TOP's has no Retrieved event) belongs to that message.
      if (outs[i].kind == pop3::Output::Kind::Content && k < retrieved.size()) p.msg = retrieved[k++];
      trace_outputs(ctx, p, std::vector<pop3::Output>{outs[i]});
    }
    const std::string bytes = text::output_bytes(outs);
    if (!bytes.empty()) ctx.transport.send(sock_, bytes);
    ctx.engine.cancel(idle_);
    if (core_.wants_close()) return finish();
    idle_ = ctx.engine.after(ctx.timeouts.pop3_autologout, [this] {
      core_.timeout();
      flush();
      finish();
    });
  }
  void finish() {
    if (closed_) return;
    closed_ = true;
    agent_.ctx_.engine.cancel(idle_);
    agent_.ctx_.transport.close(sock_);
    agent_.end(sock_.conn);
  }

  Pop3Agent& agent_;
  sim::SocketId sock_;
  pop3::Pop3Server core_;
  WireParty party_;
  sim::TimerId idle_;
  bool closed_ = false;
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
  for (const auto& u : config_.users)
    if (u.address == user || u.address.substr(0, u.address.find('@')) == user) return u.password == password;
  return false;
}

std::optional<std::string> Pop3Agent::secret(std::string_view user) {
  for (const auto& u : config_.users)
    if (u.address == user || u.address.substr(0, u.address.find('@')) == user) return u.password;
  return std::nullopt;
}

bool Pop3Agent::lock(std::string_view user) { return locked_.insert(canonical(config_, user)).second; }
void Pop3Agent::unlock(std::string_view user) { locked_.erase(canonical(config_, user)); }

std::vector<pop3::MaildropEntry> Pop3Agent::load(std::string_view user) {
  std::vector<pop3::MaildropEntry> out;
  for (auto& m : store_.list(canonical(config_, user)))
    out.push_back(pop3::MaildropEntry{static_cast<std::uint64_t>(m.id), m.uid, std::move(m.content)});
  return out;
}

void Pop3Agent::remove(std::string_view, const std::vector<std::uint64_t>& ids) {
  std::vector<std::int64_t> v(ids.begin(), ids.end());
  store_.remove(v);
}

}  // namespace mailsim::agents
