// DNS codec: any datagram decodes or is refused without throwing; whatever decodes encodes
// again, and that encoding decodes to the same message.
#include <stdexcept>

#include "agents/dns/message.hpp"
#include "fuzz_input.hpp"

using namespace mailsim::dns;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto m = decode(std::string_view(reinterpret_cast<const char*>(data), size));
  if (!m) return 0;
  describe(*m);
  std::string wire;
  try {
    wire = encode(*m);
  } catch (const std::invalid_argument&) {
    return 0;  // a decoded name that cannot be re-encoded (documented refusal)
  }
  const auto again = decode(wire);
  FUZZ_CHECK(again.has_value());
  FUZZ_CHECK(*again == *m);
  return 0;
}
