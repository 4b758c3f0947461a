// Duration: a non-negative span of time with millisecond precision, used for waits, timeouts and
// retry delays (SDK-SEMANTICS.md §4).
#pragma once

#include <chrono>
#include <compare>
#include <cstdint>
#include <iosfwd>
#include <limits>
#include <ratio>
#include <string>
#include <type_traits>

namespace durable {

// A value type; copying is cheap and every operation is thread-safe on distinct or const objects.
// Every factory rejects negative, NaN, infinite or overflowing input with std::invalid_argument
// whose message names the function and the offending value (the SDK reports it as a
// ValidationError before anything is checkpointed). The service works in whole seconds; callers
// that send a Duration to it decide how to round (see whole_seconds()).
class Duration {
 public:
  // Zero.
  constexpr Duration() = default;

  // Converts any std::chrono::duration. Sub-millisecond parts of integral durations are
  // truncated toward zero; floating-point durations are rounded to the nearest millisecond.
  // Implicit so that `std::chrono::seconds(5)` or `5s` can be passed wherever a Duration is taken.
  template <class Rep, class Period>
  Duration(std::chrono::duration<Rep, Period> d)  // NOLINT(google-explicit-constructor)
      : ms_(from_chrono(d)) {}

  static Duration from_milliseconds(std::int64_t ms);
  // Fractional inputs are allowed and rounded to the nearest millisecond.
  static Duration from_seconds(double seconds);
  static Duration from_minutes(double minutes);
  static Duration from_hours(double hours);
  static Duration from_days(double days);

  std::chrono::milliseconds as_milliseconds() const { return std::chrono::milliseconds(ms_); }
  // Whole seconds, truncating (1999 ms → 1).
  std::int64_t whole_seconds() const { return ms_ / 1000; }
  bool is_zero() const { return ms_ == 0; }

  // Human-readable form: non-zero units from days down to milliseconds separated by spaces,
  // e.g. "1h 30m", "45s", "500ms", "2d 3s"; zero is "0s".
  std::string to_string() const;

  // Throws std::invalid_argument if the sum overflows.
  friend Duration operator+(Duration a, Duration b);
  Duration& operator+=(Duration other);

  friend bool operator==(Duration, Duration) = default;
  friend auto operator<=>(Duration, Duration) = default;

 private:
  // Validates a (possibly fractional) millisecond count and rounds it to nearest (`round`) or
  // toward zero; `function` and `input` only feed the error message.
  static std::int64_t checked_milliseconds(long double ms, bool round, const char* function,
                                           long double input);

  template <class Rep, class Period>
  static std::int64_t from_chrono(std::chrono::duration<Rep, Period> d) {
    static_assert(std::is_arithmetic_v<Rep>,
                  "Duration: the chrono duration's Rep must be arithmetic");
    using ToMs = std::ratio_divide<Period, std::milli>;
    constexpr const char* kFunction = "Duration(std::chrono::duration)";
    const auto count = static_cast<long double>(d.count());
    const long double approx_ms =
        count * static_cast<long double>(ToMs::num) / static_cast<long double>(ToMs::den);
    if constexpr (std::is_floating_point_v<Rep>) {
      return checked_milliseconds(approx_ms, /*round=*/true, kFunction, count);
    } else {
      // The long double estimate rejects negative and out-of-range values first; the exact
      // integer conversion is used whenever its intermediate product cannot overflow.
      const std::int64_t estimate =
          checked_milliseconds(approx_ms, /*round=*/false, kFunction, count);
      const auto c = static_cast<std::int64_t>(d.count());
      if (c <= std::numeric_limits<std::int64_t>::max() / ToMs::num) {
        return c * ToMs::num / ToMs::den;
      }
      return estimate;
    }
  }

  std::int64_t ms_ = 0;
};

// Writes to_string(); lets test frameworks print Durations.
std::ostream& operator<<(std::ostream& os, Duration d);

}  // namespace durable
