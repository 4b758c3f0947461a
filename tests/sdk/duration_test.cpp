#include "durable/duration.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <limits>
#include <sstream>
#include <stdexcept>

namespace durable {
namespace {

using namespace std::chrono_literals;
using ::testing::AllOf;
using ::testing::HasSubstr;

// Runs `fn`, expecting std::invalid_argument whose message contains every given fragment.
template <class Fn>
void expect_invalid(Fn fn, const std::string& fragment1, const std::string& fragment2) {
  try {
    fn();
    ADD_FAILURE() << "expected std::invalid_argument mentioning " << fragment1;
  } catch (const std::invalid_argument& e) {
    EXPECT_THAT(e.what(), AllOf(HasSubstr(fragment1), HasSubstr(fragment2)));
  }
}

TEST(DurationTest, DefaultIsZero) {
  Duration d;
  EXPECT_TRUE(d.is_zero());
  EXPECT_EQ(d.as_milliseconds(), 0ms);
  EXPECT_FALSE(Duration::from_milliseconds(1).is_zero());
}

TEST(DurationTest, FactoriesConvertToMilliseconds) {
  EXPECT_EQ(Duration::from_milliseconds(1500).as_milliseconds(), 1500ms);
  EXPECT_EQ(Duration::from_seconds(2).as_milliseconds(), 2000ms);
  EXPECT_EQ(Duration::from_seconds(1.5).as_milliseconds(), 1500ms);
  EXPECT_EQ(Duration::from_seconds(0.001).as_milliseconds(), 1ms);
  EXPECT_EQ(Duration::from_minutes(1.5).as_milliseconds(), 90000ms);
  EXPECT_EQ(Duration::from_hours(2).as_milliseconds(), 7200000ms);
  EXPECT_EQ(Duration::from_days(1).as_milliseconds(), 86400000ms);
  EXPECT_EQ(Duration::from_days(0.5), Duration::from_hours(12));
}

TEST(DurationTest, FractionalInputRoundsToNearestMillisecond) {
  EXPECT_EQ(Duration::from_seconds(0.0004).as_milliseconds(), 0ms);
  EXPECT_EQ(Duration::from_seconds(0.0006).as_milliseconds(), 1ms);
  // 0.3 is not exact in binary; rounding (not truncation) still yields 300 ms.
  EXPECT_EQ(Duration::from_seconds(0.3).as_milliseconds(), 300ms);
}

TEST(DurationTest, ConstructsFromAnyChronoDuration) {
  EXPECT_EQ(Duration(5s).as_milliseconds(), 5000ms);
  EXPECT_EQ(Duration(2min).as_milliseconds(), 120000ms);
  EXPECT_EQ(Duration(std::chrono::hours(1)).as_milliseconds(), 3600000ms);
  EXPECT_EQ(Duration(1999us).as_milliseconds(), 1ms);  // truncated
  EXPECT_EQ(Duration(std::chrono::duration<double>(0.25)).as_milliseconds(), 250ms);
  EXPECT_EQ(Duration(std::chrono::duration<unsigned, std::ratio<1, 3>>(3)).as_milliseconds(),
            1000ms);
  Duration implicit = 3s;  // implicit conversion is intended
  EXPECT_EQ(implicit.whole_seconds(), 3);
}

TEST(DurationTest, WholeSecondsTruncates) {
  EXPECT_EQ(Duration::from_milliseconds(1999).whole_seconds(), 1);
  EXPECT_EQ(Duration::from_milliseconds(999).whole_seconds(), 0);
  EXPECT_EQ(Duration::from_minutes(2).whole_seconds(), 120);
}

TEST(DurationTest, ComparisonsAndAddition) {
  const Duration a = Duration::from_seconds(1);
  const Duration b = Duration::from_milliseconds(1500);
  EXPECT_LT(a, b);
  EXPECT_GT(b, a);
  EXPECT_EQ(a, Duration::from_milliseconds(1000));
  EXPECT_NE(a, b);
  EXPECT_EQ((a + b).as_milliseconds(), 2500ms);
  Duration c = a;
  c += a;
  EXPECT_EQ(c, Duration::from_seconds(2));
}

TEST(DurationTest, AdditionOverflowThrows) {
  const Duration big = Duration::from_milliseconds(std::numeric_limits<std::int64_t>::max());
  expect_invalid([&] { (void)(big + Duration::from_milliseconds(1)); }, "Duration::operator+",
                 "overflows");
}

TEST(DurationTest, ToStringIsReadable) {
  EXPECT_EQ(Duration().to_string(), "0s");
  EXPECT_EQ(Duration::from_milliseconds(500).to_string(), "500ms");
  EXPECT_EQ(Duration::from_seconds(45).to_string(), "45s");
  EXPECT_EQ(Duration::from_minutes(90).to_string(), "1h 30m");
  EXPECT_EQ(Duration::from_days(2).to_string(), "2d");
  EXPECT_EQ(Duration::from_milliseconds(90061001).to_string(), "1d 1h 1m 1s 1ms");
  std::ostringstream os;
  os << Duration::from_seconds(3);
  EXPECT_EQ(os.str(), "3s");
}

TEST(DurationTest, NegativeInputsAreRejectedNamingTheFunction) {
  expect_invalid([] { Duration::from_milliseconds(-1); }, "Duration::from_milliseconds", "-1");
  expect_invalid([] { Duration::from_seconds(-0.5); }, "Duration::from_seconds", "-0.5");
  expect_invalid([] { Duration::from_minutes(-2); }, "Duration::from_minutes", "negative");
  expect_invalid([] { Duration::from_hours(-3); }, "Duration::from_hours", "-3");
  expect_invalid([] { Duration::from_days(-4); }, "Duration::from_days", "-4");
  expect_invalid(
      [] {
        Duration d(-5s);
        (void)d;
      },
      "Duration(std::chrono::duration)", "-5");
}

TEST(DurationTest, NonFiniteInputsAreRejected) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  expect_invalid([&] { Duration::from_seconds(nan); }, "Duration::from_seconds", "NaN");
  expect_invalid([&] { Duration::from_minutes(inf); }, "Duration::from_minutes", "finite");
  expect_invalid([&] { Duration::from_hours(-inf); }, "Duration::from_hours", "finite");
  expect_invalid(
      [&] {
        Duration d{std::chrono::duration<double>(nan)};
        (void)d;
      },
      "Duration(std::chrono::duration)", "NaN");
}

TEST(DurationTest, OverflowingInputsAreRejected) {
  expect_invalid([] { Duration::from_days(1e15); }, "Duration::from_days", "too large");
  expect_invalid([] { Duration::from_seconds(1e17); }, "Duration::from_seconds", "too large");
  expect_invalid(
      [] {
        Duration d(std::chrono::hours(std::numeric_limits<std::int64_t>::max()));
        (void)d;
      },
      "Duration(std::chrono::duration)", "too large");
  // The largest representable value still works.
  EXPECT_EQ(Duration(std::chrono::milliseconds::max()).as_milliseconds(),
            std::chrono::milliseconds::max());
}

}  // namespace
}  // namespace durable
