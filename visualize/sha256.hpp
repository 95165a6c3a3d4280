#pragma once
// SHA-256 (FIPS 180-4), for the viewer's Content-Security-Policy script hash.
#include <array>
#include <cstdint>
#include <string_view>

namespace mailsim::viz {

std::array<std::uint8_t, 32> sha256(std::string_view data);

}  // namespace mailsim::viz
