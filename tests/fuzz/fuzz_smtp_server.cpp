// SMTP server core: any byte stream, in any chunking, gives bounded buffers and well-formed
// reply lines, and the same replies whole or chunked.
#include <stdexcept>

#include "agents/smtp/server.hpp"
#include "fuzz_input.hpp"

using namespace mailsim::smtp;

namespace {
class Policy : public ServerPolicy {
 public:
  Reply check_recipient(const Envelope& env, const Path& rcpt) override {
    if (rcpt.local == "bob" || rcpt.domain.empty()) return Reply::make(250, "2.1.5", "Ok");
    if (rcpt.local == "busy") return Reply::make(452, "4.2.2", "Mailbox full");
    if (!env.auth_user.empty()) return Reply::make(250, "2.1.5", "Ok");
    return Reply::make(550, "5.1.1", "User unknown");
  }
  Reply check_message(const Envelope&, std::string_view content) override {
    if (content.find("VIRUS") != std::string_view::npos) throw std::runtime_error("policy failure");
    return Reply::make(250, "2.0.0", "Ok");
  }
  bool authenticate(std::string_view user, std::string_view password) override {
    return user == "alice" && password == "secret";
  }
};

std::vector<Output> run(const ServerConfig& config, fuzz::Input in, std::uint8_t chunking, std::size_t& accepted) {
  Policy policy;
  SmtpServer s(config, policy);
  s.start();
  std::vector<Output> out = s.take_output();
  in.feed_chunked(chunking, [&](std::string_view bytes) {
    s.receive(bytes);
    FUZZ_CHECK(s.buffered_bytes() <= config.max_message_size + 4096);
    for (auto& o : s.take_output()) out.push_back(std::move(o));
  });
  accepted = s.take_accepted().size();
  return out;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::Input in(data, size);
  ServerConfig config;
  config.hostname = "mx.example.com";
  const std::uint8_t flags = in.byte();
  config.submission = flags & 1;
  config.offer_auth = flags & 2;
  config.pipelining = flags & 4;
  config.smtputf8 = flags & 8;
  config.max_recipients = 1 + (flags >> 4);
  config.max_message_size = 256 + in.byte() * 64;
  const std::uint8_t chunking = in.byte();
  std::size_t whole_accepted = 0, chunked_accepted = 0;
  const auto whole = run(config, in, 0, whole_accepted);
  const auto chunked = run(config, in, chunking | 1, chunked_accepted);
  FUZZ_CHECK(whole == chunked);
  FUZZ_CHECK(whole_accepted == chunked_accepted);
  for (const Output& o : whole)
    if (o.kind == Output::Kind::Line) FUZZ_CHECK(o.text.size() <= 512 && o.text.find_first_of("\r\n") == std::string::npos);
  return 0;
}
