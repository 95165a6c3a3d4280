#pragma once
// MD5 (RFC 1321), needed only for the APOP digest (RFC 1939 section 7). MD5 is broken as a
// general-purpose hash; APOP uses it because the protocol says so, nothing else should.
#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace mailsim::pop3 {

using Md5Digest = std::array<std::uint8_t, 16>;

// Incremental form, so a caller can hash timestamp and secret without concatenating.
class Md5 {
 public:
  void update(std::string_view bytes);
  Md5Digest finish();  // the object must not be reused afterwards

 private:
  void block(const unsigned char* p);
  std::uint32_t state_[4] = {0x67452301u, 0xefcdab89u, 0x98badcfeu, 0x10325476u};
  std::uint64_t length_ = 0;  // bytes hashed so far
  unsigned char buffer_[64] = {};
  std::size_t buffered_ = 0;
};

Md5Digest md5(std::string_view bytes);
// Lower-case hex, the form APOP puts on the wire.
std::string md5_hex(std::string_view bytes);
std::string to_hex(const Md5Digest& digest);

}  // namespace mailsim::pop3
