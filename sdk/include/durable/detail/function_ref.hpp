// Internal to the SDK: a non-owning reference to a callable, the form in which DurableContext's
// templates hand a step body, child body or encoder to the library for the duration of one call.
//
// Why not std::function: every lambda turned into a std::function makes a translation unit
// compile its manager, invoker, heap-or-local storage and copy logic (about ten functions per
// operation call site, and the library never stores these bodies). A FunctionRef is two pointers
// and one small thunk per callable type, and calling it never allocates.
//
// Contract: the callable must outlive every call through the reference. That holds for every use
// here: the body is a lambda in the caller's frame (or a temporary of the full-expression making
// the call), and the library calls it only before the call that received it returns. Copies
// refer to the same callable. A default-constructed FunctionRef is empty (operator bool false)
// and must not be called. Thread-safety: as the referenced callable's.
#pragma once

#include <memory>
#include <type_traits>
#include <utility>

namespace durable::detail {

template <class Signature>
class FunctionRef;

template <class R, class... Args>
class FunctionRef<R(Args...)> {
 public:
  FunctionRef() noexcept = default;

  template <class F>
    requires(!std::is_same_v<std::remove_cvref_t<F>, FunctionRef> &&
             std::is_invocable_r_v<R, F&, Args...>)
  FunctionRef(F&& callable) noexcept  // NOLINT(google-explicit-constructor): used as a parameter
      : object_(const_cast<void*>(static_cast<const void*>(std::addressof(callable)))),
        thunk_(&call<std::remove_reference_t<F>>) {}

  R operator()(Args... args) const { return thunk_(object_, std::forward<Args>(args)...); }

  explicit operator bool() const noexcept { return thunk_ != nullptr; }

 private:
  template <class F>
  static R call(void* object, Args... args) {
    if constexpr (std::is_void_v<R>) {
      (*static_cast<F*>(object))(std::forward<Args>(args)...);
    } else {
      return (*static_cast<F*>(object))(std::forward<Args>(args)...);
    }
  }

  void* object_ = nullptr;
  R (*thunk_)(void*, Args...) = nullptr;
};

}  // namespace durable::detail
