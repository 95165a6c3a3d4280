// POP3 server and client cores: any bytes, in any chunking; the server against an in-memory
// maildrop (the first input byte chooses the side).
#include <map>
#include <stdexcept>

#include "agents/pop3/client.hpp"
#include "agents/pop3/server.hpp"
#include "fuzz_input.hpp"

using namespace mailsim::pop3;

namespace {
class Drop : public Maildrop {
 public:
  bool check_password(std::string_view user, std::string_view password) override {
    return user == "bob" && password == "secret";
  }
  std::optional<std::string> secret(std::string_view user) override {
    if (user == "bob") return std::string("secret");
    return std::nullopt;
  }
  bool lock(std::string_view) override { return !locked_ && (locked_ = true); }
  void unlock(std::string_view) override { locked_ = false; }
  std::vector<MaildropEntry> load(std::string_view user) override {
    if (user != "bob") throw std::runtime_error("store failure");
    return {{1, "u1", content(user, 1).size()}, {2, "u2", content(user, 2).size()}};
  }
  std::string content(std::string_view, std::uint64_t id) override {
    if (id == 1) return "Subject: one\r\n\r\nfirst\r\n.dot\r\n";
    return "Subject: two\r\n\r\n" + std::string(3000, 'x') + "\r\n";
  }
  void remove(std::string_view, const std::vector<std::uint64_t>&) override {}

 private:
  bool locked_ = false;
};
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::Input in(data, size);
  const std::uint8_t flags = in.byte();
  const std::uint8_t chunking = in.byte();
  if (flags & 1) {
    Drop drop;
    ServerConfig config;
    config.hostname = "mail.example.com";
    if (flags & 2) config.apop_timestamp = "<1896.697170952@mail.example.com>";
    Pop3Server s(config, drop);
    s.start();
    in.feed_chunked(chunking, [&](std::string_view bytes) {
      s.receive(bytes);
      FUZZ_CHECK(s.buffered() <= 64 * 1024);
      s.take_output();
      s.take_events();
    });
    if (flags & 4) s.timeout();
    else s.connection_lost();
    s.take_events();
  } else {
    ClientConfig config;
    config.user = "bob";
    config.password = "secret";
    config.delete_after_retrieve = flags & 2;
    config.use_apop = flags & 4;
    config.use_uidl = flags & 8;
    config.known_uids = {"u1"};
    config.max_message_octets = 4096;
    Pop3Client c(config);
    in.feed_chunked(chunking, [&](std::string_view bytes) {
      c.receive(bytes);
      c.take_output();
    });
    c.connection_lost();
    c.take_output();
  }
  return 0;
}
