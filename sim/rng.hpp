#pragma once
// Deterministic random streams. One root seed; each named stream gets its own generator
// derived from (seed, name), so adding a stream never shifts the numbers of another.
// Our own generator and distributions keep traces identical across standard libraries.
#include <cstdint>
#include <string_view>

namespace mailsim::sim {

class Rng {
 public:
  Rng(std::uint64_t seed, std::string_view stream);

  std::uint64_t next();                      // xoshiro256**
  double uniform01();                        // [0, 1)
  std::uint64_t below(std::uint64_t n);      // [0, n), n > 0
  bool chance(double p);                     // true with probability p
  double exponential(double mean);           // for Poisson arrivals

 private:
  std::uint64_t s_[4];
};

}  // namespace mailsim::sim
