// Boxed<T>: an optional value kept on the heap, with std::optional's interface.
//
// An Operation carries one details struct of six possible ones; held inline as std::optionals
// they made every Operation over a kilobyte, and the service, the SDK and the test harness each
// keep a copy of every operation. Boxed keeps the absent ones at the size of a pointer. It
// converts to and from std::optional<T>, so code written against optionals keeps working.
// Copies are deep; a moved-from Boxed is empty. Not thread-safe beyond what T is.
#pragma once

#include <memory>
#include <optional>
#include <type_traits>
#include <utility>

namespace durable {

template <class T>
class Boxed {
 public:
  using value_type = T;

  Boxed() noexcept = default;
  Boxed(std::nullopt_t) noexcept {}  // NOLINT(google-explicit-constructor): as std::optional
  Boxed(const T& value) : ptr_(std::make_unique<T>(value)) {}  // NOLINT
  Boxed(T&& value) : ptr_(std::make_unique<T>(std::move(value))) {}  // NOLINT
  Boxed(const std::optional<T>& value)  // NOLINT
      : ptr_(value ? std::make_unique<T>(*value) : nullptr) {}
  Boxed(std::optional<T>&& value)  // NOLINT
      : ptr_(value ? std::make_unique<T>(std::move(*value)) : nullptr) {}
  Boxed(const Boxed& other) : ptr_(other.ptr_ ? std::make_unique<T>(*other.ptr_) : nullptr) {}
  Boxed(Boxed&& other) noexcept = default;
  ~Boxed() = default;

  Boxed& operator=(const Boxed& other) {
    if (this != &other) assign(other.ptr_.get());
    return *this;
  }
  Boxed& operator=(Boxed&& other) noexcept = default;
  Boxed& operator=(std::nullopt_t) noexcept {
    ptr_.reset();
    return *this;
  }
  // Templates, as std::optional's are, so that `boxed = {}` picks the move assignment from an
  // empty Boxed (it empties the value) instead of being ambiguous.
  template <class U>
    requires std::is_same_v<std::remove_cvref_t<U>, T>
  Boxed& operator=(U&& value) {
    if (ptr_) {
      *ptr_ = std::forward<U>(value);
    } else {
      ptr_ = std::make_unique<T>(std::forward<U>(value));
    }
    return *this;
  }
  template <class O>
    requires std::is_same_v<std::remove_cvref_t<O>, std::optional<T>>
  Boxed& operator=(O&& value) {
    if (!value) {
      ptr_.reset();
      return *this;
    }
    return *this = *std::forward<O>(value);
  }

  template <class... Args>
  T& emplace(Args&&... args) {
    ptr_ = std::make_unique<T>(std::forward<Args>(args)...);
    return *ptr_;
  }
  void reset() noexcept { ptr_.reset(); }

  bool has_value() const noexcept { return ptr_ != nullptr; }
  explicit operator bool() const noexcept { return ptr_ != nullptr; }
  T& operator*() & { return *ptr_; }
  const T& operator*() const& { return *ptr_; }
  T&& operator*() && { return std::move(*ptr_); }
  T* operator->() { return ptr_.get(); }
  const T* operator->() const { return ptr_.get(); }
  T& value() {
    if (!ptr_) throw std::bad_optional_access();
    return *ptr_;
  }
  const T& value() const {
    if (!ptr_) throw std::bad_optional_access();
    return *ptr_;
  }
  template <class U>
  T value_or(U&& fallback) const& {
    return ptr_ ? *ptr_ : static_cast<T>(std::forward<U>(fallback));
  }
  template <class U>
  T value_or(U&& fallback) && {
    return ptr_ ? std::move(*ptr_) : static_cast<T>(std::forward<U>(fallback));
  }

  // The value as a std::optional (a copy).
  operator std::optional<T>() const {  // NOLINT(google-explicit-constructor)
    return ptr_ ? std::optional<T>(*ptr_) : std::nullopt;
  }

  friend bool operator==(const Boxed& a, const Boxed& b) {
    return a.ptr_ ? (b.ptr_ && *a.ptr_ == *b.ptr_) : !b.ptr_;
  }
  friend bool operator==(const Boxed& a, std::nullopt_t) { return !a.ptr_; }
  friend bool operator==(const Boxed& a, const std::optional<T>& b) {
    return a.ptr_ ? (b && *a.ptr_ == *b) : !b;
  }
  friend bool operator==(const Boxed& a, const T& b) { return a.ptr_ && *a.ptr_ == b; }

 private:
  void assign(const T* value) {
    if (value == nullptr) {
      ptr_.reset();
    } else if (ptr_) {
      *ptr_ = *value;
    } else {
      ptr_ = std::make_unique<T>(*value);
    }
  }

  std::unique_ptr<T> ptr_;
};

}  // namespace durable
