#include "durable/duration.hpp"

#include <cmath>
#include <ostream>
#include <sstream>
#include <stdexcept>

namespace durable {
namespace {

constexpr std::int64_t kMsPerSecond = 1000;
constexpr std::int64_t kMsPerMinute = 60 * kMsPerSecond;
constexpr std::int64_t kMsPerHour = 60 * kMsPerMinute;
constexpr std::int64_t kMsPerDay = 24 * kMsPerHour;

// 2^63: the first millisecond count that does not fit in int64 (exactly representable).
constexpr long double kMsLimit = 9223372036854775808.0L;

std::string format_input(long double value) {
  std::ostringstream os;
  os.precision(17);
  os << value;
  return os.str();
}

[[noreturn]] void reject(const char* function, long double input, const char* why) {
  throw std::invalid_argument(std::string(function) + ": " + why + " (got " + format_input(input) +
                              ")");
}

Duration from_scaled(double value, long double ms_per_unit, const char* function) {
  const long double ms = static_cast<long double>(value) * ms_per_unit;
  // Checked here (not only in checked_milliseconds) so the message shows the caller's unit.
  if (std::isnan(value)) reject(function, value, "value must not be NaN");
  if (std::isinf(value)) reject(function, value, "value must be finite");
  if (value < 0) reject(function, value, "value must not be negative");
  if (std::round(ms) >= kMsLimit) reject(function, value, "value is too large for a Duration");
  return Duration(std::chrono::milliseconds(std::llround(ms)));
}

}  // namespace

std::int64_t Duration::checked_milliseconds(long double ms, bool round, const char* function,
                                            long double input) {
  if (std::isnan(ms)) reject(function, input, "value must not be NaN");
  if (std::isinf(ms)) reject(function, input, "value must be finite");
  if (ms < 0) reject(function, input, "value must not be negative");
  const long double whole = round ? std::round(ms) : std::trunc(ms);
  if (whole >= kMsLimit) reject(function, input, "value is too large for a Duration");
  return static_cast<std::int64_t>(whole);
}

Duration Duration::from_milliseconds(std::int64_t ms) {
  if (ms < 0) {
    reject("Duration::from_milliseconds", static_cast<long double>(ms),
           "value must not be negative");
  }
  return Duration(std::chrono::milliseconds(ms));
}

Duration Duration::from_seconds(double seconds) {
  return from_scaled(seconds, kMsPerSecond, "Duration::from_seconds");
}

Duration Duration::from_minutes(double minutes) {
  return from_scaled(minutes, kMsPerMinute, "Duration::from_minutes");
}

Duration Duration::from_hours(double hours) {
  return from_scaled(hours, kMsPerHour, "Duration::from_hours");
}

Duration Duration::from_days(double days) {
  return from_scaled(days, kMsPerDay, "Duration::from_days");
}

std::string Duration::to_string() const {
  if (ms_ == 0) return "0s";
  struct Unit {
    std::int64_t ms;
    const char* suffix;
  };
  static constexpr Unit kUnits[] = {
      {kMsPerDay, "d"}, {kMsPerHour, "h"}, {kMsPerMinute, "m"}, {kMsPerSecond, "s"}, {1, "ms"}};
  std::string out;
  std::int64_t rest = ms_;
  for (const Unit& unit : kUnits) {
    const std::int64_t count = rest / unit.ms;
    rest %= unit.ms;
    if (count == 0) continue;
    if (!out.empty()) out += ' ';
    out += std::to_string(count);
    out += unit.suffix;
  }
  return out;
}

Duration operator+(Duration a, Duration b) {
  a += b;
  return a;
}

Duration& Duration::operator+=(Duration other) {
  // Both operands are non-negative, so only the upper bound can be crossed.
  if (ms_ > std::numeric_limits<std::int64_t>::max() - other.ms_) {
    throw std::invalid_argument("Duration::operator+: sum of " + to_string() + " and " +
                                other.to_string() + " overflows");
  }
  ms_ += other.ms_;
  return *this;
}

std::ostream& operator<<(std::ostream& os, Duration d) { return os << d.to_string(); }

}  // namespace durable
