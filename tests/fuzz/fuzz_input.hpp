#pragma once
// Helpers shared by the fuzz targets: take configuration bits and chunk sizes from the
// front of the input, so one input decides both the bytes and how they arrive.
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace fuzz {

class Input {
 public:
  Input(const std::uint8_t* data, std::size_t size) : data_(reinterpret_cast<const char*>(data)), size_(size) {}
  std::uint8_t byte() { return pos_ < size_ ? static_cast<std::uint8_t>(data_[pos_++]) : 0; }
  bool bit() { return (byte() & 1) != 0; }
  std::string_view rest() const { return {data_ + pos_, size_ - pos_}; }
  // Feeds the rest to `feed` in chunks whose sizes come from `sizes` (1..64, cycling).
  template <typename F>
  void feed_chunked(std::uint8_t seed, F&& feed) const {
    const std::string_view r = rest();
    std::size_t step = seed;
    for (std::size_t pos = 0; pos < r.size();) {
      step = step * 1103515245u + 12345u;
      const std::size_t n = seed == 0 ? r.size() : 1 + (step >> 8) % 64;
      feed(r.substr(pos, n));
      pos += n;
    }
  }

 private:
  const char* data_;
  std::size_t size_;
  std::size_t pos_ = 0;
};

}  // namespace fuzz

#define FUZZ_CHECK(cond) \
  do {                   \
    if (!(cond)) __builtin_trap(); \
  } while (0)
