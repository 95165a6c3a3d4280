// MIME parser: any message bytes parse within the documented bounds, and every helper that
// reads a parsed message works on the result.
#include <functional>

#include "agents/mime/message.hpp"
#include "fuzz_input.hpp"

using namespace mailsim::mime;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view raw(reinterpret_cast<const char*>(data), size);
  const Message m = parse(raw);
  FUZZ_CHECK(m.headers.size() <= kMaxHeaders);
  std::size_t parts = 0;
  std::function<void(const Part&, std::size_t)> walk = [&](const Part& p, std::size_t depth) {
    FUZZ_CHECK(depth <= kMaxDepth + 1);
    ++parts;
    for (const auto& h : p.headers) FUZZ_CHECK(h.value.size() <= kMaxHeaderValue);
    for (const auto& c : p.children) walk(c, depth + 1);
  };
  walk(m.root, 0);
  FUZZ_CHECK(parts <= kMaxParts + 1);
  attachments(m);
  text_body(m);
  for (const auto& h : m.headers) decode_header_value(h.value);
  header_block_end(raw);
  return 0;
}
