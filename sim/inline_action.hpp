#pragma once
// A move-only `void()` callable that keeps small callables (up to kInline octets: every
// lambda the simulator schedules per packet or timer) inside itself, so scheduling an event
// allocates nothing. Larger callables go to the heap, as std::function would put them.
#include <cstddef>
#include <new>
#include <type_traits>
#include <utility>

namespace mailsim::sim {

class InlineAction {
 public:
  static constexpr std::size_t kInline = 48;

  InlineAction() noexcept = default;
  InlineAction(std::nullptr_t) noexcept {}

  template <class F, class D = std::decay_t<F>,
            class = std::enable_if_t<!std::is_same_v<D, InlineAction> && std::is_invocable_r_v<void, D&>>>
  InlineAction(F&& f) {  // NOLINT: implicit, like std::function
    construct<D>(std::forward<F>(f));
  }

  InlineAction(InlineAction&& other) noexcept { take(other); }

  // Replaces the callable, constructing the new one in place (no temporary to relocate).
  template <class F, class D = std::decay_t<F>>
  void emplace(F&& f) {
    reset();
    if constexpr (std::is_same_v<D, InlineAction>)
      take(f);
    else
      construct<D>(std::forward<F>(f));
  }
  InlineAction& operator=(InlineAction&& other) noexcept {
    if (this != &other) {
      reset();
      take(other);
    }
    return *this;
  }
  InlineAction& operator=(std::nullptr_t) noexcept {
    reset();
    return *this;
  }
  InlineAction(const InlineAction&) = delete;
  InlineAction& operator=(const InlineAction&) = delete;
  ~InlineAction() { reset(); }

  explicit operator bool() const noexcept { return ops_ != nullptr; }
  friend bool operator==(const InlineAction& a, std::nullptr_t) noexcept { return !a; }
  void operator()() { invoke_(buf_); }

 private:
  struct Ops {
    void (*invoke)(void*);
    void (*relocate)(void* to, void* from) noexcept;  // move-construct at `to`, destroy `from`
    void (*destroy)(void*) noexcept;  // null when there is nothing to destroy
  };
  template <class D>
  static constexpr bool fits() {
    return sizeof(D) <= kInline && alignof(D) <= alignof(std::max_align_t) &&
           std::is_nothrow_move_constructible_v<D>;
  }
  template <class D>
  static constexpr Ops kInlineOps{
      [](void* p) { (*static_cast<D*>(p))(); },
      [](void* to, void* from) noexcept {
        ::new (to) D(std::move(*static_cast<D*>(from)));
        static_cast<D*>(from)->~D();
      },
      std::is_trivially_destructible_v<D> ? nullptr : +[](void* p) noexcept { static_cast<D*>(p)->~D(); }};
  template <class D>
  static constexpr Ops kHeapOps{
      [](void* p) { (**static_cast<D**>(p))(); },
      [](void* to, void* from) noexcept { *static_cast<D**>(to) = *static_cast<D**>(from); },
      [](void* p) noexcept { delete *static_cast<D**>(p); }};

  // Builds the callable inside the buffer when it fits, on the heap otherwise (empty *this).
  template <class D, class F>
  void construct(F&& f) {
    if constexpr (fits<D>()) {
      ::new (static_cast<void*>(buf_)) D(std::forward<F>(f));
      ops_ = &kInlineOps<D>;
    } else {
      *reinterpret_cast<D**>(buf_) = new D(std::forward<F>(f));
      ops_ = &kHeapOps<D>;
    }
    invoke_ = ops_->invoke;
  }
  void take(InlineAction& other) noexcept {
    ops_ = std::exchange(other.ops_, nullptr);
    invoke_ = std::exchange(other.invoke_, nullptr);
    if (ops_) ops_->relocate(buf_, other.buf_);
  }
  void reset() noexcept {
    if (ops_) {
      const Ops* ops = std::exchange(ops_, nullptr);
      if (ops->destroy) ops->destroy(buf_);
    }
  }

  alignas(std::max_align_t) unsigned char buf_[kInline];
  const Ops* ops_ = nullptr;
  void (*invoke_)(void*) = nullptr;  // ops_->invoke, one load nearer on the hot path
};

}  // namespace mailsim::sim
