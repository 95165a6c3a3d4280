#pragma once
// The discrete-event engine: a binary heap of (time, sequence) keys over a slot table of
// actions. Events at the same time run in the order they were scheduled. Cancelling is
// O(1): the slot is freed at once and its heap key is skipped when it surfaces.
//
// Events are "work" or "background". A run ends when no work is left; background events
// (periodic polls) run only while the keep-alive predicate says the world is unsettled.
#include <cstdint>
#include <functional>
#include <string_view>
#include <vector>

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
  using Action = std::function<void()>;

  explicit Engine(std::uint64_t seed = 1) : seed_(seed) {}
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  Time now() const { return now_; }
  std::uint64_t seed() const { return seed_; }
  Rng rng(std::string_view stream) const { return Rng(seed_, stream); }

  // Schedules `action` at absolute time `when` (never before now).
  TimerId at(Time when, Action action, EventKind kind = EventKind::Work);
  TimerId after(Time delay, Action action, EventKind kind = EventKind::Work) {
    return at(now_ + delay, std::move(action), kind);
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

  std::size_t pending_work() const { return work_pending_; }
  std::size_t pending_total() const { return live_; }
  std::uint64_t events_run() const { return events_run_; }
  // Time of the next live event, or kForever.
  Time next_time();

 private:
  struct Key {
    Time time;
    std::uint64_t seq;
    std::uint32_t slot;
  };
  struct Slot {
    Action action;
    std::uint64_t seq = 0;  // 0 when free
    EventKind kind = EventKind::Work;
  };
  static bool later(const Key& a, const Key& b) {
    return a.time != b.time ? a.time > b.time : a.seq > b.seq;
  }
  void release(std::uint32_t slot);
  void drop_dead_keys();

  std::uint64_t seed_;
  Time now_ = 0;
  std::uint64_t next_seq_ = 1;
  std::vector<Key> heap_;
  std::vector<Slot> slots_;
  std::vector<std::uint32_t> free_slots_;
  std::size_t live_ = 0;
  std::size_t work_pending_ = 0;
  std::uint64_t events_run_ = 0;
  bool stopped_ = false;
  std::function<bool()> keep_alive_;
};

}  // namespace mailsim::sim
