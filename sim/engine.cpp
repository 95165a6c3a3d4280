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
  return true;
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
  const std::size_t n = heap_.size();
  if (n == 0) return;
  std::size_t i = 0;
  for (;;) {
    const std::size_t first = 4 * i + 1;
    if (first >= n) break;
    std::size_t best = first;
    const std::size_t end = std::min(first + 4, n);
    for (std::size_t c = first + 1; c < end; ++c)
      if (earlier(heap_[c], heap_[best])) best = c;
    if (!earlier(heap_[best], last)) break;
    heap_[i] = heap_[best];
    i = best;
  }
  heap_[i] = last;
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
