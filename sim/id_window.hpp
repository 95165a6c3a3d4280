#pragma once
// Objects keyed by ids that count up by one (connections), where most objects end young:
// a window of slots from the oldest id still held to the newest. A lookup is an index where
// a hash map costs two cache misses (bucket, then node), and iteration is in id order.
// Memory is one pointer per id between the oldest live object and the newest.
#include <cstdint>
#include <deque>
#include <memory>
#include <stdexcept>

namespace mailsim::sim {

template <class T>
class IdWindow {
 public:
  // Ids start at 1 and must be added in order, each one once: the next id is base + size.
  std::uint64_t next_id() const { return base_ + slots_.size(); }
  T& add(std::unique_ptr<T> object) {
    slots_.push_back(std::move(object));
    return *slots_.back();
  }
  T* find(std::uint64_t id) const {
    const std::uint64_t i = id - base_;  // wraps around (and misses) for an id below the window
    return i < slots_.size() ? slots_[i].get() : nullptr;
  }
  T& at(std::uint64_t id) const {
    if (T* t = find(id)) return *t;
    throw std::out_of_range("IdWindow::at: no object with this id");
  }
  void erase(std::uint64_t id) {
    const std::uint64_t i = id - base_;
    if (i >= slots_.size()) return;
    slots_[i].reset();
    while (!slots_.empty() && !slots_.front()) {
      slots_.pop_front();
      ++base_;
    }
  }
  template <class F>
  void for_each(F&& f) const {  // f(id, object), in id order
    std::uint64_t id = base_;
    for (const auto& s : slots_) {
      if (s) f(id, *s);
      ++id;
    }
  }

 private:
  std::deque<std::unique_ptr<T>> slots_;
  std::uint64_t base_ = 1;
};

}  // namespace mailsim::sim
