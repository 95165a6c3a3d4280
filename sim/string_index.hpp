#pragma once
// Strings -> dense indices (0, 1, 2, ... in the order they were added), for a table whose rows
// already hold their keys (the ledger's messages by id). Open addressing with linear probing
// over one array of 8-octet slots: a lookup touches one slot and then the row it names, which
// its caller reads next anyway, where a node-based hash map touches a bucket and a node first.
// A slot keeps 32 bits of the key's hash, so keys are compared only when those agree.
#include <cstdint>
#include <functional>
#include <optional>
#include <string_view>
#include <vector>

namespace mailsim::sim {

class StringIndex {
 public:
  // key_of(i) is the key added with index i.
  template <class KeyOf>
  std::optional<std::uint32_t> find(std::string_view key, const KeyOf& key_of) const {
    if (slots_.empty()) return std::nullopt;
    const std::uint64_t h = hash(key);
    for (std::size_t i = h & mask(); slots_[i] != 0; i = (i + 1) & mask()) {
      const std::uint32_t index = static_cast<std::uint32_t>(slots_[i]) - 1;
      if ((slots_[i] >> 32) == (h >> 32) && key_of(index) == key) return index;
    }
    return std::nullopt;
  }
  // `key` must not be present; `index` is the next one (size()).
  template <class KeyOf>
  void add(std::string_view key, std::uint32_t index, const KeyOf& key_of) {
    if ((size_ + 1) * 2 > slots_.size()) grow(key_of);  // at most half full: short probes
    place(hash(key), index);
    ++size_;
  }
  std::size_t size() const { return size_; }

 private:
  static std::uint64_t hash(std::string_view key) { return std::hash<std::string_view>{}(key); }
  std::size_t mask() const { return slots_.size() - 1; }
  void place(std::uint64_t h, std::uint32_t index) {
    std::size_t i = h & mask();
    while (slots_[i] != 0) i = (i + 1) & mask();
    slots_[i] = (h & 0xffffffff00000000ull) | (std::uint64_t{index} + 1);
  }
  template <class KeyOf>
  void grow(const KeyOf& key_of) {
    slots_.assign(slots_.empty() ? 64 : slots_.size() * 2, 0);
    for (std::uint32_t i = 0; i < size_; ++i) place(hash(key_of(i)), i);
  }

  std::vector<std::uint64_t> slots_;  // 0: empty; else hash's high 32 bits, then index + 1
  std::size_t size_ = 0;
};

}  // namespace mailsim::sim
