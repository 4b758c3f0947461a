// Wait strategies of wait_for_condition (SDK-SEMANTICS.md §4, PROTOCOL.md §10.2): given the
// state the check just produced and the number of checks made so far, decide whether to poll
// again and after what delay.
#pragma once

#include <functional>
#include <stdexcept>
#include <string>

#include "durable/duration.hpp"
#include "durable/errors.hpp"
#include "durable/retry_strategy.hpp"

namespace durable {

struct WaitForConditionDecision {
  bool should_continue = false;
  Duration delay;  // meaningful only when should_continue; sent as whole seconds, at least 1

  static WaitForConditionDecision continue_waiting(Duration d) { return {true, d}; }
  static WaitForConditionDecision stop_polling() { return {}; }

  friend bool operator==(const WaitForConditionDecision&,
                         const WaitForConditionDecision&) = default;
};

// attempt: 1-based number of the check that produced `state` (StepDetails.Attempt + 1). Called
// on the handler's thread right after each check that really runs, never on replay. Whatever it
// throws fails the operation (STEP FAIL) and surfaces as WaitForConditionError.
template <class S>
using WaitStrategy = std::function<WaitForConditionDecision(const S& state, int attempt)>;

template <class S>
struct WaitStrategyConfig {
  // Required: true while the condition is not met yet (keep polling).
  std::function<bool(const S& state)> should_continue_polling{};
  int max_attempts = 60;
  Duration initial_delay = Duration::from_seconds(5);
  Duration max_delay = Duration::from_seconds(300);
  double backoff_rate = 1.5;
  JitterStrategy jitter = JitterStrategy::Full;
  // Source of U[0,1) draws for jitter; empty: the shared default source (see set_jitter_seed).
  std::function<double()> random{};
};

namespace detail {
// delay(attempt) = max(1 s, ceil(jitter(min(initial × rate^(attempt−1), max)))), the formula of
// the exponential retry strategy, which shares this implementation. Validates the timing fields
// and throws std::invalid_argument naming `config_name`.<field> when one is out of range.
std::function<Duration(int attempt)> exponential_backoff(const char* config_name, int max_attempts,
                                                         Duration initial_delay, Duration max_delay,
                                                         double backoff_rate, JitterStrategy jitter,
                                                         std::function<double()> random);
}  // namespace detail

// The standard wait strategy: stop as soon as should_continue_polling(state) is false (a met
// condition wins even on the last attempt); otherwise, if `attempt` reached max_attempts, throw
// WaitForConditionError (error_type() "WaitForConditionError", message naming the limit);
// otherwise continue after the exponential backoff delay of `attempt`.
// Throws ValidationError (a std::invalid_argument) when should_continue_polling is empty,
// max_attempts < 1, backoff_rate < 1 or not finite, or max_delay < initial_delay.
template <class S>
WaitStrategy<S> create_wait_strategy(WaitStrategyConfig<S> cfg) {
  if (!cfg.should_continue_polling) {
    throw ValidationError("WaitStrategyConfig.should_continue_polling is required");
  }
  std::function<Duration(int)> backoff;
  try {
    backoff = detail::exponential_backoff("WaitStrategyConfig", cfg.max_attempts,
                                          cfg.initial_delay, cfg.max_delay, cfg.backoff_rate,
                                          cfg.jitter, std::move(cfg.random));
  } catch (const std::invalid_argument& e) {
    throw ValidationError(e.what());
  }
  return [keep_polling = std::move(cfg.should_continue_polling), backoff = std::move(backoff),
          max_attempts = cfg.max_attempts](const S& state, int attempt) {
    if (!keep_polling(state)) return WaitForConditionDecision::stop_polling();
    if (attempt >= max_attempts) {
      throw WaitForConditionError(ErrorObject{
          "WaitForConditionError",
          "wait_for_condition gave up: the condition was still not met after " +
              std::to_string(attempt) + " attempts (max_attempts = " +
              std::to_string(max_attempts) + ")",
          std::nullopt, std::nullopt});
    }
    return WaitForConditionDecision::continue_waiting(backoff(attempt));
  };
}

}  // namespace durable
