#include "cli/lib/live.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <variant>
#include <stdexcept>

#include "agents/wire_trace.hpp"
#include "cli/lib/live_socket.hpp"

namespace mailsim::app {

using namespace live_socket;

namespace {

constexpr std::size_t kMaxBuffered = 1u << 20;    // stop reading a socket beyond this
constexpr std::size_t kChunkToSim = 64u << 10;    // per connection and loop turn
constexpr std::size_t kMaxConnections = 1024;

volatile std::sig_atomic_t g_stop = 0;
extern "C" void on_stop_signal(int) { g_stop = 1; }

}  // namespace

const volatile std::sig_atomic_t* install_stop_signals() {
  struct sigaction sa{};
  sa.sa_handler = on_stop_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  struct sigaction ign{};
  ign.sa_handler = SIG_IGN;
  sigemptyset(&ign.sa_mask);
  sigaction(SIGPIPE, &ign, nullptr);
  return &g_stop;
}

int live_port_for(int base, std::size_t server_index, std::uint16_t sim_port) {
  return base + 100 * static_cast<int>(server_index) + sim_port % 100;
}

// One bridged connection: a real socket on one side, a simulated stream on the other.
class LiveBridge::Conn : public sim::StreamHandler {
 public:
  Conn(LiveBridge& b, std::uint64_t id, int fd, bool outbound) : bridge(b), id(id), fd(fd), outbound(outbound) {}
  ~Conn() override {
    if (fd >= 0) ::close(fd);
  }

  void on_open(sim::SocketId) override {}
  // The simulated side's bytes: its agent traced its own lines as it sent them.
  void on_data(sim::SocketId, std::string_view bytes) override {
    if (fd >= 0 && !real_failed) to_real.append(bytes);
  }
  void on_peer_closed(sim::SocketId) override { sim_eof = true; }
  void on_error(sim::SocketId, sim::NetError) override {
    sim_eof = true;
    sim_open = false;  // the transport forgot this end: no close() needed
  }

  LiveBridge& bridge;
  std::uint64_t id;
  int fd;
  bool outbound;             // simulated client -> real server
  bool sim_started = false;  // the simulated end exists
  bool sim_open = false;     // our simulated end is open (close() not yet called)
  bool sim_eof = false;      // the simulated peer closed or failed
  bool real_eof = false;     // the real peer finished sending (or failed)
  bool real_failed = false;  // the real socket is unusable: drop what is buffered for it
  bool connecting = false;   // outbound: the real connect is in progress
  sim::SocketId sock;
  sim::HostId server_host = sim::kNoHost;  // inbound: the server the client wants
  std::uint16_t sim_port = 0;
  std::string to_real, to_sim;
  std::string address;  // inbound: the real client's address, as the gate counts it
};

LiveBridge::LiveBridge(World& world) : world_(world) {
  agents::Context& ctx = world_.context();
  // Failed logins are counted per real client address (the servers only see live-gateway).
  world_.trace().observe_facts([self = self_](const trace::TraceEvent& e) {
    if (*self && e.fact && std::holds_alternative<trace::AuthFailed>(*e.fact)) (*self)->on_failed_login(e.conn);
  });
  for (const auto& ext : world_.externals()) {
    // The simulated host answers on port 25 with whatever the real server says.
    ctx.transport.listen(ext.host, agents::kPortSmtp, [this, ext](sim::SocketId s) -> sim::StreamHandler* {
      const SockAddr addr = loopback_addr(ext.address, ext.port);  // validated when loading
      const int fd = ::socket(addr.family, SOCK_STREAM, 0);
      if (fd < 0) return nullptr;
      set_nonblocking(fd);
      auto conn = std::make_unique<Conn>(*this, next_id_++, fd, true);
      conn->sock = s;
      conn->sim_started = conn->sim_open = true;
      conn->server_host = ext.host;
      conn->sim_port = agents::kPortSmtp;
      const int rc = ::connect(fd, reinterpret_cast<const sockaddr*>(&addr.ss), addr.len);
      if (rc != 0 && errno != EINPROGRESS) {
        conn->real_failed = conn->real_eof = true;
      } else {
        conn->connecting = rc != 0;
      }
      Conn* raw = conn.get();
      conns_[raw->id] = std::move(conn);
      return raw;
    });
  }
}

LiveBridge::~LiveBridge() {
  *self_ = nullptr;
  close_all();
}

void LiveBridge::close_all() {
  for (auto& l : listeners_)
    if (l.fd >= 0) ::close(l.fd);
  listeners_.clear();
  agents::Context& ctx = world_.context();
  for (const auto& ext : world_.externals()) ctx.transport.unlisten(ext.host, agents::kPortSmtp);
  for (auto& [id, c] : conns_) {
    if (c->sim_open) ctx.transport.close(c->sock);
    c->sim_open = false;
  }
  conns_.clear();
}

std::vector<LiveEndpoint> LiveBridge::listen(const std::string& bind_address, int base_port) {
  std::vector<LiveEndpoint> out;
  const auto& scenario_servers = world_.scenario().servers;
  for (std::size_t k = 0; k < scenario_servers.size(); ++k) {
    const auto& cfg = scenario_servers[k];
    if (cfg.external) continue;
    const std::pair<const char*, std::uint16_t> services[] = {
        {cfg.smtp ? "smtp" : nullptr, agents::kPortSmtp},
        {cfg.submission ? "submission" : nullptr, agents::kPortSubmission},
        {cfg.pop3 ? "pop3" : nullptr, agents::kPortPop3}};
    for (const auto& [name, sim_port] : services) {
      if (!name) continue;
      const int want = base_port ? live_port_for(base_port, k, sim_port) : 0;
      if (want < 0 || want > 65535) throw std::runtime_error("port " + std::to_string(want) + " is out of range");
      const SockAddr addr = loopback_addr(bind_address, static_cast<std::uint16_t>(want));
      const int fd = ::socket(addr.family, SOCK_STREAM, 0);
      if (fd < 0) throw std::runtime_error(std::string("socket: ") + std::strerror(errno));
      const int one = 1;
      setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
      if (::bind(fd, reinterpret_cast<const sockaddr*>(&addr.ss), addr.len) != 0 || ::listen(fd, 256) != 0) {
        const std::string err = std::strerror(errno);
        ::close(fd);
        throw std::runtime_error("cannot listen on " + bind_address + " port " + std::to_string(want) + ": " + err);
      }
      set_nonblocking(fd);
      sockaddr_storage got{};
      socklen_t len = sizeof got;
      getsockname(fd, reinterpret_cast<sockaddr*>(&got), &len);
      const std::uint16_t real_port = ntohs(got.ss_family == AF_INET6 ? reinterpret_cast<sockaddr_in6*>(&got)->sin6_port
                                                                       : reinterpret_cast<sockaddr_in*>(&got)->sin_port);
      listeners_.push_back(Listener{fd, *world_.network().find_host(cfg.host), sim_port, cfg.host});
      out.push_back(LiveEndpoint{cfg.host, name, sim_port, real_port});
    }
  }
  return out;
}

sim::Time LiveBridge::target() const {
  return sim0_ + static_cast<sim::Time>(static_cast<double>(wall_us() - wall0_us_) * speed_);
}

void LiveBridge::anchor() {
  wall0_us_ = wall_us();
  sim0_ = world_.engine().now();
}

void LiveBridge::accept_from(const Listener& l) {
  for (;;) {
    sockaddr_storage peer{};
    socklen_t len = sizeof peer;
    const int fd = ::accept(l.fd, reinterpret_cast<sockaddr*>(&peer), &len);
    if (fd < 0) return;  // EAGAIN or a transient error
    if (conns_.size() >= kMaxConnections || world_.gateway() == sim::kNoHost) {
      ::close(fd);
      continue;
    }
    set_nonblocking(fd);
    const std::string address = address_text(peer);
    const LiveGate::Verdict verdict = gate_.admit(address, world_.engine().now());
    if (verdict != LiveGate::Verdict::Admit) {
      refuse(fd, l, address, verdict);
      continue;
    }
    gate_.opened(address);
    auto conn = std::make_unique<Conn>(*this, next_id_++, fd, false);
    conn->server_host = l.host;
    conn->sim_port = l.sim_port;
    conn->address = address;
    conns_[conn->id] = std::move(conn);
  }
}

namespace {
trace::Actor server_actor(const std::string& host, std::uint16_t sim_port) {
  using trace::Agent;
  return trace::Actor{sim_port == agents::kPortPop3         ? Agent::POP3
                      : sim_port == agents::kPortSubmission ? Agent::MSA
                                                            : Agent::MTA,
                      host};
}
}  // namespace

// A client over a limit gets one line in its protocol, as postscreen or anvil would answer,
// and the connection is closed; the simulation never sees it.
void LiveBridge::refuse(int fd, const Listener& l, const std::string& address, LiveGate::Verdict why) {
  const bool blocked = why == LiveGate::Verdict::Blocked;
  const std::string reason = blocked ? "too many failed logins from " + address + ", try again later"
                                     : "too many connections from " + address;
  const std::string line = l.sim_port == agents::kPortPop3 ? "-ERR [SYS/TEMP] " + reason + "\r\n"
                                                           : "421 4.7.0 " + l.server + " Error: " + reason + "\r\n";
  [[maybe_unused]] const ssize_t n = ::send(fd, line.data(), line.size(), MSG_NOSIGNAL);
  ::close(fd);
  if (blocked) return;  // stated once, when the block began
  trace::ClientThrottled f;
  f.address = address;
  f.port = l.sim_port;
  f.reason = trace::Throttle::TooManyConnections;
  f.count = gate_.open(address);
  f.limit = gate_.limits().connections_per_address;
  agents::Context& ctx = world_.context();
  agents::state(ctx, server_actor(l.server, l.sim_port), "", std::move(f));
}

// Called while the fact is being stated: the block itself happens in an event of its own,
// so that its fact follows the failure in the trace.
void LiveBridge::on_failed_login(std::uint64_t sim_conn) {
  for (auto& [id, c] : conns_) {
    if (c->outbound || !c->sim_started || c->sock.conn != sim_conn || c->address.empty()) continue;
    sim::Engine& engine = world_.engine();
    if (!gate_.failed_login(c->address, engine.now())) return;
    const std::string address = c->address;
    const trace::Actor actor = server_actor(world_.network().host(c->server_host).name, c->sim_port);
    const int port = c->sim_port;
    engine.after(0, [this, self = self_, address, actor, port] {
      if (!*self) return;
      trace::ClientThrottled f;
      f.address = address;
      f.port = port;
      f.reason = trace::Throttle::TooManyAuthFailures;
      f.count = gate_.limits().auth_failures;
      f.limit = gate_.limits().auth_failures;
      f.until_us = gate_.blocked_until(address);
      agents::state(world_.context(), actor, "", std::move(f));
      for (auto& [cid, other] : conns_)  // every open connection of that address ends now
        if (other->address == address) {
          other->real_failed = other->real_eof = true;
          other->to_real.clear();
        }
    });
    return;
  }
}

bool LiveBridge::wants_sim_work(const Conn& c) const {
  if (!c.sim_started) return true;
  if (!c.sim_open) return false;
  return !c.to_sim.empty() || (c.real_eof && c.to_sim.empty()) || c.sim_eof;
}

void LiveBridge::schedule_sim_work() {
  if (sim_work_scheduled_) return;
  bool any = false;
  for (auto& [id, c] : conns_) any = any || wants_sim_work(*c);
  if (!any) return;
  sim_work_scheduled_ = true;
  sim::Engine& engine = world_.engine();
  engine.at(std::max(engine.now(), target()), [this] { sim_work(); });
}

// Runs as an engine event, at the simulated time the real bytes arrived.
void LiveBridge::sim_work() {
  sim_work_scheduled_ = false;
  agents::Context& ctx = world_.context();
  std::vector<Conn*> list;
  for (auto& [id, c] : conns_) list.push_back(c.get());
  for (Conn* c : list) {
    if (!c->sim_started) {
      c->sim_started = c->sim_open = true;
      const std::uint32_t to = ctx.net.host(c->server_host).address;
      c->sock = ctx.transport.connect(world_.gateway(), to, c->sim_port, c);
    }
    if (!c->sim_open) continue;
    if (!c->to_sim.empty()) {
      const std::size_t n = std::min(c->to_sim.size(), kChunkToSim);
      const std::string chunk = c->to_sim.substr(0, n);
      c->to_sim.erase(0, n);
      ctx.transport.send(c->sock, chunk);
      if (!c->sim_open) continue;
    }
    // Either side closing closes the other: the real side once its bytes are in, the
    // simulated side at once (what it sent is already waiting for the real socket).
    if ((c->real_eof && c->to_sim.empty()) || c->sim_eof) {
      if (c->sim_open) ctx.transport.close(c->sock);
      c->sim_open = false;
    }
  }
}

void LiveBridge::reap() {
  bool erased = false;
  for (auto it = conns_.begin(); it != conns_.end();) {
    Conn& c = *it->second;
    if (c.fd >= 0) {
      const bool real_done = c.real_failed || (c.sim_eof && c.to_real.empty()) ||
                             (c.real_eof && c.sim_started && !c.sim_open && c.to_real.empty());
      if (real_done) {
        ::close(c.fd);
        c.fd = -1;
      }
    }
    if (c.fd < 0 && c.sim_open && c.sim_started) {
      c.real_eof = true;  // let sim_work close the simulated end
      c.to_sim.clear();
    }
    if (c.fd < 0 && c.sim_started && !c.sim_open) {
      if (!c.address.empty()) gate_.closed(c.address);
      it = conns_.erase(it);
      erased = true;
    }
    else
      ++it;
  }
#ifdef __GLIBC__
  // A session that carried a large message freed megabytes that glibc keeps in its heap;
  // hand them back, at most once a second, so that a server running for days stays small.
  static std::int64_t last_trim_us = 0;
  if (erased && wall_us() - last_trim_us > 1'000'000) {
    last_trim_us = wall_us();
    malloc_trim(0);
  }
#else
  (void)erased;
#endif
}

void LiveBridge::iterate(int max_wait_ms) {
  sim::Engine& engine = world_.engine();
  reap();
  schedule_sim_work();
  const sim::Time now_target = target();
  while (engine.next_time() <= now_target) engine.step();
  reap();

  std::vector<pollfd> fds;
  std::vector<std::uint64_t> owners;  // 0 for listeners
  for (const auto& l : listeners_) {
    fds.push_back(pollfd{l.fd, POLLIN, 0});
    owners.push_back(0);
  }
  bool sim_work_waiting = false;
  for (auto& [id, c] : conns_) {
    sim_work_waiting = sim_work_waiting || wants_sim_work(*c);
    if (c->fd < 0) continue;
    short ev = 0;
    if (c->connecting) {
      ev = POLLOUT;
    } else {
      if (!c->real_eof && c->to_sim.size() < kMaxBuffered && c->to_real.size() < kMaxBuffered) ev |= POLLIN;
      if (!c->to_real.empty()) ev |= POLLOUT;
    }
    fds.push_back(pollfd{c->fd, ev, 0});
    owners.push_back(id);
  }
  int wait_ms = max_wait_ms;
  const sim::Time next = engine.next_time();
  if (sim_work_waiting) {
    wait_ms = 0;
  } else if (next != sim::kForever) {
    const double wall = static_cast<double>(next - target()) / speed_ / 1000.0;
    wait_ms = std::clamp(static_cast<int>(wall + 0.999), 0, max_wait_ms);
  }
  if (::poll(fds.data(), fds.size(), wait_ms) <= 0) return;  // timeout, or EINTR (a signal)

  for (std::size_t i = 0; i < fds.size(); ++i) {
    if (!fds[i].revents) continue;
    if (owners[i] == 0) {
      for (const auto& l : listeners_)
        if (l.fd == fds[i].fd) accept_from(l);
      continue;
    }
    auto it = conns_.find(owners[i]);
    if (it == conns_.end()) continue;
    Conn& c = *it->second;
    if (c.connecting) {
      int err = 0;
      socklen_t len = sizeof err;
      getsockopt(c.fd, SOL_SOCKET, SO_ERROR, &err, &len);
      if (err != 0) {
        c.real_failed = c.real_eof = true;  // the simulated client sees the connection close
      }
      c.connecting = false;
      continue;
    }
    if (fds[i].revents & (POLLERR | POLLHUP) && c.real_eof) {  // gone both ways: nothing more to do
      c.real_failed = true;
      c.to_real.clear();
      continue;
    }
    if (fds[i].revents & POLLOUT && !c.to_real.empty()) {
      const ssize_t n = ::send(c.fd, c.to_real.data(), c.to_real.size(), MSG_NOSIGNAL);
      if (n > 0) {
        c.to_real.erase(0, static_cast<std::size_t>(n));
      } else if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
        c.real_failed = c.real_eof = true;
        c.to_real.clear();
      }
    }
    if (fds[i].revents & (POLLIN | POLLHUP | POLLERR) && !c.real_eof) {
      char buf[64 * 1024];
      const ssize_t n = ::recv(c.fd, buf, sizeof buf, 0);
      if (n > 0) {
        c.to_sim.append(buf, static_cast<std::size_t>(n));
      } else if (n == 0) {
        c.real_eof = true;
      } else if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
        c.real_failed = c.real_eof = true;
        c.to_real.clear();
      }
    }
  }
}

void LiveBridge::serve(double speed, double for_seconds, const volatile std::sig_atomic_t* stop) {
  speed_ = speed;
  anchor();
  const std::int64_t deadline = for_seconds > 0 ? wall_us() + static_cast<std::int64_t>(for_seconds * 1e6) : 0;
  while (!(stop && *stop)) {
    if (deadline && wall_us() >= deadline) break;
    iterate(50);
  }
}

void LiveBridge::run(sim::Time until, const volatile std::sig_atomic_t* stop) {
  sim::Engine& engine = world_.engine();
  speed_ = 1.0;
  while (!(stop && *stop)) {
    if (conns_.empty()) {
      // Nothing real is open: as fast as possible, exactly as Engine::run.
      if (engine.pending_work() == 0 && !(engine.pending_total() > 0 && !world_.ledger().settled())) break;
      const sim::Time next = engine.next_time();
      if (next == sim::kForever || next > until) break;
      engine.step();
      if (!conns_.empty()) anchor();  // a simulated client reached a real server: real time
      continue;
    }
    iterate(50);
  }
}

}  // namespace mailsim::app
