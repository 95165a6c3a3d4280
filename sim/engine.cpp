#include "sim/engine.hpp"

#include <stdexcept>

namespace mailsim::sim {

std::uint32_t Engine::new_slot() {
  const std::uint32_t i = slot_count_++;
  if (i >> kSlotBits) throw std::length_error("more than 16 million events pending at once");
  if ((i >> kChunkBits) == chunks_.size()) chunks_.push_back(std::make_unique<Slot[]>(std::size_t{1} << kChunkBits));
  return i;
}

bool Engine::pending(TimerId id) const {
  return id.valid() && id.slot < slot_count_ && slot(id.slot).seq == id.seq;
}

bool Engine::cancel(TimerId id) {
  if (!pending(id)) return false;
  Slot& s = slot(id.slot);
  forget(s);
  s.action = nullptr;
  free_slots_.push_back(id.slot);
  // Cancelled keys stay in the heap until they surface; timers cancelled long before they
  // are due (idle timeouts) would otherwise pile up with the length of a run.
  if (heap_.size() > 2 * live_ + 4096) compact_heap();
  return true;
}

void Engine::compact_heap() {
  std::erase_if(heap_, [this](const Key& k) { return slot(k.slot()).seq != k.seq(); });
  for (std::size_t i = heap_.size() / 4 + 1; i-- > 0;)
    if (i < heap_.size()) sift_down(i, heap_[i]);
}

void Engine::forget(Slot& s) {
  if (s.kind == EventKind::Work) --work_pending_;
  --live_;
  s.seq = 0;
}

// The 4-ary heap (push is in the header): the four children of a node share a cache line.
void Engine::heap_pop() {
  const Key last = heap_.back();
  heap_.pop_back();
  if (!heap_.empty()) sift_down(0, last);
}

// Moves the hole at `i` down until `k` fits there. Bottom-up (as in Wegener's heapsort): the
// hole goes down to a leaf along the earliest children without comparing them with `k`,
// which came from the end of the heap and nearly always belongs near the bottom, and `k`
// then rises from there: one comparison per level fewer.
void Engine::sift_down(std::size_t i, Key k) {
  const std::size_t n = heap_.size();
  const std::size_t top = i;
  for (;;) {
    const std::size_t first = 4 * i + 1;
    if (first >= n) break;
    std::size_t best = first;
    if (first + 4 <= n) {  // all four children: the common case, without a bound per child
      if (earlier(heap_[first + 1], heap_[best])) best = first + 1;
      if (earlier(heap_[first + 2], heap_[best])) best = first + 2;
      if (earlier(heap_[first + 3], heap_[best])) best = first + 3;
    } else {
      for (std::size_t c = first + 1; c < n; ++c)
        if (earlier(heap_[c], heap_[best])) best = c;
    }
    heap_[i] = heap_[best];
    i = best;
  }
  while (i > top) {
    const std::size_t parent = (i - 1) / 4;
    if (!earlier(k, heap_[parent])) break;
    heap_[i] = heap_[parent];
    i = parent;
  }
  heap_[i] = k;
}

void Engine::drop_dead_keys() {
  while (!heap_.empty() && slot(heap_.front().slot()).seq != heap_.front().seq()) heap_pop();
}

Time Engine::next_time() {
  drop_dead_keys();
  return heap_.empty() ? kForever : heap_.front().time();
}

bool Engine::step() {
  drop_dead_keys();
  if (heap_.empty()) return false;
  const Key key = heap_.front();
  heap_pop();
  const std::uint32_t i = key.slot();
  Slot& s = slot(i);  // chunks never move: the action may schedule (and cancel) meanwhile
  forget(s);
  now_ = key.time();
  ++events_run_;
  struct Release {  // frees the slot after the action, even if it throws
    Engine& e;
    Slot& s;
    std::uint32_t i;
    ~Release() {
      s.action = nullptr;
      e.free_slots_.push_back(i);
    }
  } release{*this, s, i};
  s.action();
  return true;
}

void Engine::run(Time until) {
  stopped_ = false;
  while (!stopped_) {
    if (work_pending_ == 0 && !(keep_alive_ && live_ > 0 && keep_alive_())) break;
    drop_dead_keys();
    if (heap_.empty()) break;
    if (heap_.front().time() > until) {
      now_ = until;
      break;
    }
    step();
    if ((events_run_ & 0xfff) == 0 && progress_) progress_();
  }
}

}  // namespace mailsim::sim
