// SMTP client core: any server replies, in any chunking, end in a decided outcome with
// bounded buffers; the client never sends a malformed command line.
#include "agents/smtp/client.hpp"
#include "fuzz_input.hpp"

using namespace mailsim::smtp;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::Input in(data, size);
  const std::uint8_t flags = in.byte();
  ClientConfig config;
  config.helo_name = "mail.example.org";
  config.pipelining = flags & 1;
  config.declare_size = flags & 2;
  if (flags & 4) config.auth = std::make_pair(std::string("alice"), std::string("secret"));
  Transaction t;
  t.mail_from = flags & 8 ? "" : "alice@example.org";
  t.rcpt_to = {"bob@example.com", "carol@example.com"};
  if (flags & 16) t.rcpt_to.push_back("dave@example.net");
  t.content = "Subject: hi\r\n\r\nbody\r\n.leading dot\r\n";
  SmtpClient c(config, t);
  in.feed_chunked(in.byte(), [&](std::string_view bytes) {
    c.receive(bytes);
    FUZZ_CHECK(c.buffered_bytes() <= 64 * 1024);
    for (const Output& o : c.take_output())
      if (o.kind == Output::Kind::Line) FUZZ_CHECK(o.text.find_first_of("\r\n") == std::string::npos && o.text.size() <= 1000);
  });
  if (flags & 32) c.timeout();
  else c.connection_lost();
  c.take_output();
  return 0;
}
