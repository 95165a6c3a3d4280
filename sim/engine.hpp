#pragma once
// The discrete-event engine: a 4-ary heap of (time, sequence) keys over a slot table of
// actions. Events at the same time run in the order they were scheduled. Cancelling is
// O(1): the slot is freed at once and its heap key is skipped when it surfaces. Slots live
// in fixed chunks, so an action runs in place while it schedules more events, and a small
// action (InlineAction) is stored without allocating.
//
// Events are "work" or "background". A run ends when no work is left; background events
// (periodic polls) run only while the keep-alive predicate says the world is unsettled.
#include <cstdint>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string_view>
#include <vector>

#include "sim/inline_action.hpp"
#include "sim/rng.hpp"
#include "sim/time.hpp"

namespace mailsim::sim {

struct TimerId {
  std::uint32_t slot = UINT32_MAX;
  std::uint64_t seq = 0;
  bool valid() const { return seq != 0; }
  friend bool operator==(TimerId, TimerId) = default;
};

enum class EventKind : std::uint8_t { Work, Background };

class Engine {
 public:
  using Action = InlineAction;  // no allocation for small captures

  explicit Engine(std::uint64_t seed = 1) : seed_(seed) {}
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  Time now() const { return now_; }
  std::uint64_t seed() const { return seed_; }
  Rng rng(std::string_view stream) const { return Rng(seed_, stream); }

  // Schedules `action` (any void() callable) at absolute time `when` (never before now).
  // Inline, so that the callable is built straight into its slot.
  template <class F>
  TimerId at(Time when, F&& action, EventKind kind = EventKind::Work) {
    if (when < now_) throw std::logic_error("event scheduled in the past");
    const std::uint32_t i = free_slots_.empty() ? new_slot() : pop_free_slot();
    const std::uint64_t seq = next_seq_++;
    if (seq >> (64 - kSlotBits)) [[unlikely]] throw std::length_error("event sequence numbers exhausted");
    Slot& s = slot(i);
    s.action.emplace(std::forward<F>(action));
    s.seq = seq;
    s.kind = kind;
    heap_push(Key{when, seq << kSlotBits | i});
    ++live_;
    if (kind == EventKind::Work) ++work_pending_;
    return TimerId{i, seq};
  }
  template <class F>
  TimerId after(Time delay, F&& action, EventKind kind = EventKind::Work) {
    return at(now_ + delay, std::forward<F>(action), kind);
  }
  // Returns false when the timer already fired or was cancelled.
  bool cancel(TimerId id);
  bool pending(TimerId id) const;

  // Runs one event; false when nothing is left to run.
  bool step();
  // Runs until no work events remain (and keep_alive() is false), stop() is called, or
  // the next event lies beyond `until`; then time advances to min(until, last event).
  void run(Time until = kForever);
  void stop() { stopped_ = true; }
  void set_keep_alive(std::function<bool()> keep_alive) { keep_alive_ = std::move(keep_alive); }
  // Called every few thousand events from run() (progress display); null for none.
  void set_progress(std::function<void()> hook) { progress_ = std::move(hook); }

  std::size_t pending_work() const { return work_pending_; }
  std::size_t pending_total() const { return live_; }
  std::uint64_t events_run() const { return events_run_; }
  // Keys in the heap, cancelled ones not yet dropped included: bounded by about twice the
  // pending events, however many timers a run cancels.
  std::size_t queued_keys() const { return heap_.size(); }
  // Time of the next live event, or kForever.
  Time next_time();

 private:
  // 16 octets: the sequence number in the high bits, the slot in the low kSlotBits, so one
  // integer comparison orders equal times by scheduling order.
  static constexpr int kSlotBits = 24;
  struct Key {
    // time (never negative) in the high 64 bits, sequence and slot below: one 128-bit
    // comparison orders the heap.
    unsigned __int128 v;
    Key(Time time, std::uint64_t seq_slot)
        : v(static_cast<unsigned __int128>(static_cast<std::uint64_t>(time)) << 64 | seq_slot) {}
    Time time() const { return static_cast<Time>(static_cast<std::uint64_t>(v >> 64)); }
    std::uint64_t seq_slot() const { return static_cast<std::uint64_t>(v); }
    std::uint32_t slot() const { return static_cast<std::uint32_t>(seq_slot() & ((1u << kSlotBits) - 1)); }
    std::uint64_t seq() const { return seq_slot() >> kSlotBits; }
  };
  struct Slot {
    Action action;
    std::uint64_t seq = 0;  // 0 when free (or running)
    EventKind kind = EventKind::Work;
  };
  static constexpr std::uint32_t kChunkBits = 12;  // 4096 slots per chunk
  static bool earlier(const Key& a, const Key& b) { return a.v < b.v; }
  Slot& slot(std::uint32_t i) { return chunks_[i >> kChunkBits][i & ((1u << kChunkBits) - 1)]; }
  const Slot& slot(std::uint32_t i) const { return chunks_[i >> kChunkBits][i & ((1u << kChunkBits) - 1)]; }
  std::uint32_t new_slot();  // a slot never used before
  std::uint32_t pop_free_slot() {
    const std::uint32_t i = free_slots_.back();
    free_slots_.pop_back();
    return i;
  }
  void forget(Slot& s);  // the bookkeeping of an event that will not run (or is running)
  void heap_push(Key k) {  // 4-ary heap with a moving hole
    std::size_t i = heap_.size();
    heap_.push_back(k);
    while (i > 0) {
      const std::size_t parent = (i - 1) / 4;
      if (!earlier(k, heap_[parent])) break;
      heap_[i] = heap_[parent];
      i = parent;
    }
    heap_[i] = k;
  }
  void heap_pop();
  void sift_down(std::size_t i, Key k);
  void compact_heap();  // drops cancelled keys and restores the heap order
  void drop_dead_keys();

  std::uint64_t seed_;
  Time now_ = 0;
  std::uint64_t next_seq_ = 1;
  std::vector<Key> heap_;
  std::vector<std::unique_ptr<Slot[]>> chunks_;
  std::uint32_t slot_count_ = 0;
  std::vector<std::uint32_t> free_slots_;
  std::size_t live_ = 0;
  std::size_t work_pending_ = 0;
  std::uint64_t events_run_ = 0;
  bool stopped_ = false;
  std::function<bool()> keep_alive_;
  std::function<void()> progress_;
};

}  // namespace mailsim::sim
