#include "durable/retry_strategy.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace durable {
namespace {

using ::testing::AllOf;
using ::testing::ElementsAreArray;
using ::testing::HasSubstr;

ErrorObject error(std::string type, std::string message) {
  ErrorObject e;
  e.error_type = std::move(type);
  e.error_message = std::move(message);
  return e;
}

const ErrorObject kAnyError = error("StepError", "boom");

// Delays in whole seconds for attempts 1.. until the strategy stops; -1 marks "stopped".
std::vector<std::int64_t> delays(const RetryStrategy& strategy, int attempts,
                                 const ErrorObject& e = kAnyError) {
  std::vector<std::int64_t> out;
  for (int n = 1; n <= attempts; ++n) {
    const RetryDecision d = strategy(e, n);
    out.push_back(d.should_retry ? d.delay.whole_seconds() : -1);
  }
  return out;
}

template <class Fn>
void expect_invalid(Fn fn, const std::string& fragment1, const std::string& fragment2 = "") {
  try {
    fn();
    ADD_FAILURE() << "expected std::invalid_argument mentioning " << fragment1;
  } catch (const std::invalid_argument& e) {
    EXPECT_THAT(e.what(), AllOf(HasSubstr(fragment1), HasSubstr(fragment2)));
  }
}

// Builds a config by assignment: g++ 12 warns (-Wmissing-field-initializers) about designated
// initializers that omit members.
template <class Config, class Fill>
Config with(Fill fill) {
  Config c;
  fill(c);
  return c;
}

std::function<double()> constant(double u) {
  return [u] { return u; };
}

TEST(RetryDecisionTest, Factories) {
  const RetryDecision r = RetryDecision::retry(Duration::from_seconds(3));
  EXPECT_TRUE(r.should_retry);
  EXPECT_EQ(r.delay, Duration::from_seconds(3));
  EXPECT_FALSE(RetryDecision::no_retry().should_retry);
}

TEST(RetryStrategyTest, DefaultConfigIsThreeAttemptsFiveSecondsDoubling) {
  RetryStrategyConfig cfg;
  EXPECT_EQ(cfg.max_attempts, 3);
  EXPECT_EQ(cfg.initial_delay, Duration::from_seconds(5));
  EXPECT_EQ(cfg.max_delay, Duration::from_seconds(300));
  EXPECT_EQ(cfg.backoff_rate, 2.0);
  EXPECT_EQ(cfg.jitter, JitterStrategy::Full);
  cfg.jitter = JitterStrategy::None;
  EXPECT_THAT(delays(create_retry_strategy(cfg), 4), ElementsAreArray({5, 10, -1, -1}));
}

TEST(RetryStrategyTest, ExponentialCapsAtMaxDelay) {
  const auto s = create_retry_strategy(with<RetryStrategyConfig>([&](auto& c) {
    c.max_attempts = 8;
    c.initial_delay = Duration::from_seconds(2);
    c.max_delay = Duration::from_seconds(20);
    c.backoff_rate = 3.0;
    c.jitter = JitterStrategy::None;
  }));
  EXPECT_THAT(delays(s, 8), ElementsAreArray({2, 6, 18, 20, 20, 20, 20, -1}));
}

TEST(RetryStrategyTest, HugeExponentStaysAtMaxDelay) {
  const auto s = create_retry_strategy(with<RetryStrategyConfig>([&](auto& c) {
    c.max_attempts = std::numeric_limits<int>::max();
    c.max_delay = Duration::from_seconds(60);
    c.backoff_rate = 10.0;
    c.jitter = JitterStrategy::None;
  }));
  EXPECT_EQ(s(kAnyError, 5000).delay, Duration::from_seconds(60));
}

TEST(RetryStrategyTest, ZeroInitialDelayIsFlooredToOneSecond) {
  const auto s = create_retry_strategy(with<RetryStrategyConfig>([&](auto& c) {
    c.max_attempts = 5000;
    c.initial_delay = Duration();
    c.jitter = JitterStrategy::None;
  }));
  EXPECT_EQ(s(kAnyError, 1).delay, Duration::from_seconds(1));
  EXPECT_EQ(s(kAnyError, 4000).delay, Duration::from_seconds(1));  // 0 × overflowed power
}

TEST(RetryStrategyTest, FractionalSecondsAreCeiled) {
  const auto s = create_retry_strategy(with<RetryStrategyConfig>([&](auto& c) {
    c.max_attempts = 10;
    c.initial_delay = Duration::from_milliseconds(1200);
    c.backoff_rate = 1.5;
    c.jitter = JitterStrategy::None;
  }));
  // 1.2, 1.8, 2.7, 4.05 s → 2, 2, 3, 5
  EXPECT_THAT(delays(s, 4), ElementsAreArray({2, 2, 3, 5}));
}

TEST(RetryStrategyTest, FullJitterUsesRandomTimesBase) {
  RetryStrategyConfig cfg = with<RetryStrategyConfig>([&](auto& c) {
    c.max_attempts = 5;
    c.jitter = JitterStrategy::Full;
  });
  cfg.random = constant(0.5);
  EXPECT_THAT(delays(create_retry_strategy(cfg), 5),
              ElementsAreArray({3, 5, 10, 20, -1}));  // 2.5→3
  cfg.random = constant(0.0);
  EXPECT_THAT(delays(create_retry_strategy(cfg), 2), ElementsAreArray({1, 1}));  // floor of 1 s
  cfg.random = constant(0.999);
  EXPECT_THAT(delays(create_retry_strategy(cfg), 2), ElementsAreArray({5, 10}));
}

TEST(RetryStrategyTest, HalfJitterUsesUpperHalf) {
  RetryStrategyConfig cfg = with<RetryStrategyConfig>([&](auto& c) {
    c.max_attempts = 5;
    c.jitter = JitterStrategy::Half;
  });
  cfg.random = constant(0.0);
  EXPECT_THAT(delays(create_retry_strategy(cfg), 3), ElementsAreArray({3, 5, 10}));  // 2.5→3
  cfg.random = constant(0.5);
  EXPECT_THAT(delays(create_retry_strategy(cfg), 3), ElementsAreArray({4, 8, 15}));  // 3.75→4
}

TEST(RetryStrategyTest, FullJitterStaysWithinOneSecondAndBase) {
  set_jitter_seed(42);
  const auto s = create_retry_strategy(with<RetryStrategyConfig>([&](auto& c) {
    c.max_attempts = 100;
    c.initial_delay = Duration::from_seconds(40);
    c.jitter = JitterStrategy::Full;
  }));
  std::int64_t lowest = 1000, highest = 0;
  for (int i = 0; i < 500; ++i) {
    const std::int64_t d = s(kAnyError, 1).delay.whole_seconds();
    EXPECT_GE(d, 1);
    EXPECT_LE(d, 40);
    lowest = std::min(lowest, d);
    highest = std::max(highest, d);
  }
  // 500 uniform draws spread over the whole range (would fail if jitter were ignored).
  EXPECT_LE(lowest, 5);
  EXPECT_GE(highest, 36);
}

TEST(RetryStrategyTest, HalfJitterStaysWithinHalfBaseAndBase) {
  set_jitter_seed(7);
  const auto s = create_retry_strategy(with<RetryStrategyConfig>([&](auto& c) {
    c.max_attempts = 100;
    c.initial_delay = Duration::from_seconds(40);
    c.jitter = JitterStrategy::Half;
  }));
  std::int64_t lowest = 1000, highest = 0;
  for (int i = 0; i < 500; ++i) {
    const std::int64_t d = s(kAnyError, 1).delay.whole_seconds();
    EXPECT_GE(d, 20);
    EXPECT_LE(d, 40);
    lowest = std::min(lowest, d);
    highest = std::max(highest, d);
  }
  EXPECT_LE(lowest, 22);
  EXPECT_GE(highest, 38);
}

TEST(RetryStrategyTest, SeedMakesDefaultJitterReproducible) {
  const auto s = retry_presets::default_strategy();
  set_jitter_seed(123);
  const auto first = delays(s, 6);
  set_jitter_seed(123);
  EXPECT_EQ(delays(s, 6), first);
}

TEST(RetryStrategyTest, DefaultJitterIsSafeAcrossThreads) {
  const auto s = retry_presets::resource_availability();
  std::vector<std::thread> threads;
  std::vector<int> out_of_range(4, 0);
  for (std::size_t t = 0; t < out_of_range.size(); ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 1000; ++i) {
        const auto d = s(kAnyError, 2).delay.whole_seconds();  // base 10 s
        if (d < 1 || d > 10) ++out_of_range[t];
      }
    });
  }
  for (auto& th : threads) th.join();
  for (int n : out_of_range) EXPECT_EQ(n, 0);
}

TEST(RetryStrategyTest, RandomSourceOutsideUnitIntervalThrows) {
  RetryStrategyConfig cfg;
  cfg.random = constant(1.0);
  const auto s = create_retry_strategy(cfg);
  EXPECT_THROW(s(kAnyError, 1), std::out_of_range);
}

TEST(RetryStrategyTest, AttemptsMadeBelowOneThrows) {
  expect_invalid([] { retry_presets::critical()(kAnyError, 0); }, "attempts_made", "0");
  expect_invalid([] { retry_presets::linear()(kAnyError, -1); }, "attempts_made", "-1");
}

// --- Error filters ---------------------------------------------------------------------------

RetryStrategy filtered(std::vector<std::string> messages, std::vector<std::string> types) {
  return create_retry_strategy(with<RetryStrategyConfig>([&](auto& c) {
    c.max_attempts = 3;
    c.jitter = JitterStrategy::None;
    c.retryable_errors = std::move(messages);
    c.retryable_error_types = std::move(types);
  }));
}

TEST(RetryFilterTest, NoFiltersRetryEverything) {
  const auto s = filtered({}, {});
  EXPECT_TRUE(s(error("Anything", "whatever"), 1).should_retry);
  EXPECT_TRUE(s(ErrorObject{}, 1).should_retry);
}

TEST(RetryFilterTest, MessageSubstring) {
  const auto s = filtered({"timeout"}, {});
  EXPECT_TRUE(s(error("X", "connection timeout after 3s"), 1).should_retry);
  EXPECT_FALSE(s(error("X", "Timeout"), 1).should_retry);        // case-sensitive
  EXPECT_FALSE(s(error("timeout", "refused"), 1).should_retry);  // type is not the message
  EXPECT_FALSE(s(ErrorObject{}, 1).should_retry);
}

TEST(RetryFilterTest, MessageRegex) {
  const auto s = filtered({"/^HTTP 5\\d\\d/"}, {});
  EXPECT_TRUE(s(error("X", "HTTP 503 Service Unavailable"), 1).should_retry);
  EXPECT_FALSE(s(error("X", "HTTP 404 Not Found"), 1).should_retry);
  EXPECT_FALSE(s(error("X", "got HTTP 500"), 1).should_retry);  // anchored
  // Without slashes the same text is a literal substring.
  const auto literal = filtered({"5\\d\\d"}, {});
  EXPECT_FALSE(literal(error("X", "HTTP 503"), 1).should_retry);
  EXPECT_TRUE(literal(error("X", "pattern 5\\d\\d"), 1).should_retry);
}

TEST(RetryFilterTest, ErrorTypeIsExact) {
  const auto s = filtered({}, {"ThrottlingError"});
  EXPECT_TRUE(s(error("ThrottlingError", "slow down"), 1).should_retry);
  EXPECT_FALSE(s(error("ThrottlingErrorX", "slow down"), 1).should_retry);
  EXPECT_FALSE(s(error("Other", "ThrottlingError"), 1).should_retry);
  EXPECT_FALSE(s(ErrorObject{}, 1).should_retry);
}

TEST(RetryFilterTest, MessageOrTypeWhenBothSet) {
  const auto s = filtered({"transient", "/rate ?limit/"}, {"ThrottlingError"});
  EXPECT_TRUE(s(error("Other", "a transient glitch"), 1).should_retry);
  EXPECT_TRUE(s(error("Other", "ratelimit hit"), 1).should_retry);
  EXPECT_TRUE(s(error("ThrottlingError", "nothing matching"), 1).should_retry);
  EXPECT_FALSE(s(error("Other", "permanent"), 1).should_retry);
}

TEST(RetryFilterTest, MatchingErrorStillStopsAtMaxAttempts) {
  const auto s = filtered({"boom"}, {});
  EXPECT_FALSE(s(kAnyError, 3).should_retry);
}

TEST(RetryFilterTest, LinearStrategyHonoursFilters) {
  const auto s = create_linear_retry_strategy(with<LinearRetryStrategyConfig>([&](auto& c) {
    c.jitter = JitterStrategy::None;
    c.retryable_error_types = {"Retryable"};
  }));
  EXPECT_TRUE(s(error("Retryable", ""), 1).should_retry);
  EXPECT_FALSE(s(error("Fatal", ""), 1).should_retry);
}

// --- Linear ----------------------------------------------------------------------------------

TEST(LinearRetryStrategyTest, DefaultsAndGrowth) {
  LinearRetryStrategyConfig cfg;
  EXPECT_EQ(cfg.max_attempts, 6);
  EXPECT_EQ(cfg.jitter, JitterStrategy::Full);
  cfg.initial_delay = Duration::from_seconds(2);
  cfg.increment = Duration::from_seconds(3);
  cfg.max_delay = Duration::from_seconds(10);
  cfg.jitter = JitterStrategy::None;
  EXPECT_THAT(delays(create_linear_retry_strategy(cfg), 6),
              ElementsAreArray({2, 5, 8, 10, 10, -1}));
}

TEST(LinearRetryStrategyTest, JitterApplies) {
  LinearRetryStrategyConfig cfg;
  cfg.random = constant(0.5);
  EXPECT_THAT(delays(create_linear_retry_strategy(cfg), 4), ElementsAreArray({1, 1, 2, 2}));
}

// --- Presets ---------------------------------------------------------------------------------

TEST(RetryPresetsTest, NoneNeverRetries) {
  EXPECT_THAT(delays(retry_presets::none(), 2), ElementsAreArray({-1, -1}));
}

TEST(RetryPresetsTest, DefaultStrategyBoundsWithSeededJitter) {
  set_jitter_seed(99);
  const auto got = delays(retry_presets::default_strategy(), 7);
  const std::int64_t bases[] = {5, 10, 20, 40, 60};
  for (int i = 0; i < 5; ++i) {
    EXPECT_GE(got[i], 1) << "attempt " << i + 1;
    EXPECT_LE(got[i], bases[i]) << "attempt " << i + 1;
  }
  EXPECT_EQ(got[5], -1);
  EXPECT_EQ(got[6], -1);
}

TEST(RetryPresetsTest, TransientUsesHalfJitter) {
  set_jitter_seed(5);
  const auto got = delays(retry_presets::transient(), 3);
  EXPECT_GE(got[0], 3);  // ceil(2.5)
  EXPECT_LE(got[0], 5);
  EXPECT_GE(got[1], 5);
  EXPECT_LE(got[1], 10);
  EXPECT_EQ(got[2], -1);
}

TEST(RetryPresetsTest, ResourceAvailabilityBounds) {
  set_jitter_seed(11);
  const auto got = delays(retry_presets::resource_availability(), 5);
  const std::int64_t bases[] = {5, 10, 20, 40};
  for (int i = 0; i < 4; ++i) {
    EXPECT_GE(got[i], 1);
    EXPECT_LE(got[i], bases[i]);
  }
  EXPECT_EQ(got[4], -1);
}

TEST(RetryPresetsTest, CriticalIsDeterministic) {
  // 1, 1.5, 2.25, 3.375, 5.0625, 7.59375, 11.39, 17.09, 25.63 → ceil
  EXPECT_THAT(delays(retry_presets::critical(), 10),
              ElementsAreArray({1, 2, 3, 4, 6, 8, 12, 18, 26, -1}));
}

TEST(RetryPresetsTest, LinearIsDeterministic) {
  EXPECT_THAT(delays(retry_presets::linear(), 6), ElementsAreArray({1, 2, 3, 4, 5, -1}));
}

TEST(RetryPresetsTest, FixedIsConstant) {
  EXPECT_THAT(delays(retry_presets::fixed(), 5), ElementsAreArray({5, 5, 5, 5, -1}));
  EXPECT_THAT(delays(retry_presets::fixed(Duration::from_minutes(10)), 2),
              ElementsAreArray({600, 600}));
  EXPECT_THAT(delays(retry_presets::fixed(Duration()), 2), ElementsAreArray({1, 1}));
}

// --- Invalid configuration -------------------------------------------------------------------

TEST(RetryConfigValidationTest, MaxAttemptsBelowOne) {
  expect_invalid(
      [] {
        create_retry_strategy(with<RetryStrategyConfig>([&](auto& c) { c.max_attempts = 0; }));
      },
      "RetryStrategyConfig.max_attempts", "0");
  expect_invalid(
      [] {
        create_linear_retry_strategy(
            with<LinearRetryStrategyConfig>([&](auto& c) { c.max_attempts = -2; }));
      },
      "LinearRetryStrategyConfig.max_attempts", "-2");
}

TEST(RetryConfigValidationTest, BackoffRate) {
  expect_invalid(
      [] {
        create_retry_strategy(with<RetryStrategyConfig>([&](auto& c) { c.backoff_rate = 0.5; }));
      },
      "RetryStrategyConfig.backoff_rate", "0.5");
  expect_invalid(
      [] {
        create_retry_strategy(with<RetryStrategyConfig>(
            [&](auto& c) { c.backoff_rate = std::numeric_limits<double>::quiet_NaN(); }));
      },
      "RetryStrategyConfig.backoff_rate", "nan");
  expect_invalid(
      [] {
        create_retry_strategy(with<RetryStrategyConfig>(
            [&](auto& c) { c.backoff_rate = std::numeric_limits<double>::infinity(); }));
      },
      "RetryStrategyConfig.backoff_rate", "inf");
}

TEST(RetryConfigValidationTest, MaxDelayBelowInitialDelay) {
  expect_invalid(
      [] {
        create_retry_strategy(with<RetryStrategyConfig>([&](auto& c) {
          c.initial_delay = Duration::from_seconds(10);
          c.max_delay = Duration::from_seconds(5);
        }));
      },
      "RetryStrategyConfig.max_delay", "initial_delay");
  expect_invalid(
      [] {
        create_linear_retry_strategy(with<LinearRetryStrategyConfig>([&](auto& c) {
          c.initial_delay = Duration::from_seconds(10);
          c.max_delay = Duration::from_seconds(5);
        }));
      },
      "LinearRetryStrategyConfig.max_delay", "10s");
}

TEST(RetryConfigValidationTest, NegativeDelayCannotBeBuilt) {
  // Negative delays are rejected by Duration itself, before any config exists.
  expect_invalid(
      [] {
        (void)with<RetryStrategyConfig>(
            [&](auto& c) { c.initial_delay = Duration::from_seconds(-1); });
      },
      "Duration::from_seconds", "negative");
}

TEST(RetryConfigValidationTest, InvalidRegex) {
  expect_invalid(
      [] {
        create_retry_strategy(with<RetryStrategyConfig>([&](auto& c) {
          c.retryable_errors = {"ok", "/([a-z/"};
        }));
      },
      "RetryStrategyConfig.retryable_errors[1]", "invalid regex");
  expect_invalid(
      [] {
        create_linear_retry_strategy(
            with<LinearRetryStrategyConfig>([&](auto& c) { c.retryable_errors = {"/*/"}; }));
      },
      "LinearRetryStrategyConfig.retryable_errors[0]", "/*/");
}

}  // namespace
}  // namespace durable
