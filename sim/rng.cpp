#include "sim/rng.hpp"

#include <cmath>

namespace mailsim::sim {
namespace {
std::uint64_t splitmix64(std::uint64_t& x) {
  std::uint64_t z = (x += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}
std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
}  // namespace

Rng::Rng(std::uint64_t seed, std::string_view stream) {
  std::uint64_t h = 0xCBF29CE484222325ull;  // FNV-1a of the stream name
  for (unsigned char c : stream) { h ^= c; h *= 0x100000001B3ull; }
  std::uint64_t x = seed ^ h;
  for (auto& s : s_) s = splitmix64(x);
}

std::uint64_t Rng::next() {
  const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
  const std::uint64_t t = s_[1] << 17;
  s_[2] ^= s_[0]; s_[3] ^= s_[1]; s_[1] ^= s_[2]; s_[0] ^= s_[3];
  s_[2] ^= t; s_[3] = rotl(s_[3], 45);
  return result;
}

double Rng::uniform01() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }

std::uint64_t Rng::below(std::uint64_t n) {
  // Rejection sampling: unbiased and platform independent.
  const std::uint64_t limit = UINT64_MAX - UINT64_MAX % n;
  std::uint64_t v;
  do { v = next(); } while (v >= limit);
  return v % n;
}

bool Rng::chance(double p) { return p > 0 && uniform01() < p; }

double Rng::exponential(double mean) { return -mean * std::log1p(-uniform01()); }

}  // namespace mailsim::sim
