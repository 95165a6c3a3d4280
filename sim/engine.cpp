#include "sim/engine.hpp"

#include <algorithm>
#include <stdexcept>

namespace mailsim::sim {

TimerId Engine::at(Time when, Action action, EventKind kind) {
  if (when < now_) throw std::logic_error("event scheduled in the past");
  std::uint32_t slot;
  if (!free_slots_.empty()) {
    slot = free_slots_.back();
    free_slots_.pop_back();
  } else {
    slot = static_cast<std::uint32_t>(slots_.size());
    slots_.emplace_back();
  }
  const std::uint64_t seq = next_seq_++;
  slots_[slot].action = std::move(action);
  slots_[slot].seq = seq;
  slots_[slot].kind = kind;
  heap_.push_back(Key{when, seq, slot});
  std::push_heap(heap_.begin(), heap_.end(), later);
  ++live_;
  if (kind == EventKind::Work) ++work_pending_;
  return TimerId{slot, seq};
}

bool Engine::pending(TimerId id) const {
  return id.valid() && id.slot < slots_.size() && slots_[id.slot].seq == id.seq;
}

bool Engine::cancel(TimerId id) {
  if (!pending(id)) return false;
  release(id.slot);
  return true;
}

void Engine::release(std::uint32_t slot) {
  Slot& s = slots_[slot];
  if (s.kind == EventKind::Work) --work_pending_;
  --live_;
  s.seq = 0;
  s.action = nullptr;
  free_slots_.push_back(slot);
}

void Engine::drop_dead_keys() {
  while (!heap_.empty() && slots_[heap_.front().slot].seq != heap_.front().seq) {
    std::pop_heap(heap_.begin(), heap_.end(), later);
    heap_.pop_back();
  }
}

Time Engine::next_time() {
  drop_dead_keys();
  return heap_.empty() ? kForever : heap_.front().time;
}

bool Engine::step() {
  drop_dead_keys();
  if (heap_.empty()) return false;
  const Key key = heap_.front();
  std::pop_heap(heap_.begin(), heap_.end(), later);
  heap_.pop_back();
  Action action = std::move(slots_[key.slot].action);
  release(key.slot);
  now_ = key.time;
  ++events_run_;
  action();
  return true;
}

void Engine::run(Time until) {
  stopped_ = false;
  while (!stopped_) {
    if (work_pending_ == 0 && !(keep_alive_ && live_ > 0 && keep_alive_())) break;
    const Time next = next_time();
    if (next == kForever) break;
    if (next > until) {
      now_ = until;
      break;
    }
    step();
  }
}

}  // namespace mailsim::sim
