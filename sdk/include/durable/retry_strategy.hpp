// Retry strategies for steps (SDK-SEMANTICS.md §4, PROTOCOL.md §10.1): given the error of the
// attempt that just failed and how many attempts have been made, decide whether to retry and after
// what delay. The SDK checkpoints a STEP RETRY with NextAttemptDelaySeconds = delay.whole_seconds()
// when should_retry, else a STEP FAIL.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "durable/duration.hpp"
#include "durable/model/error_object.hpp"

namespace durable {

struct RetryDecision {
  bool should_retry = false;
  Duration delay;  // meaningful only when should_retry

  static RetryDecision retry(Duration d) { return RetryDecision{true, d}; }
  static RetryDecision no_retry() { return RetryDecision{}; }

  friend bool operator==(const RetryDecision&, const RetryDecision&) = default;
};

// attempts_made: 1-based number of the attempt that just failed (StepDetails.Attempt + 1).
// Called by the SDK on the thread running the step, only on first execution of a failed attempt,
// never on replay (a replayed RETRY/FAIL is read back from the checkpoint). Strategies made by the
// functions below are safe to call concurrently from several threads.
using RetryStrategy = std::function<RetryDecision(const ErrorObject& error, int attempts_made)>;

enum class JitterStrategy {
  None,  // delay = base
  Full,  // delay = U[0,1) × base
  Half,  // delay = base/2 + U[0,1) × base/2
};

// Filters shared by both strategy kinds. If both lists are empty every error is retryable; if
// either is set, an error is retryable when its message matches OR its type matches.
//  * retryable_errors: each entry is a substring searched for in ErrorObject.error_message, or,
//    when written as "/pattern/", an ECMAScript regex searched for in it (an absent message is
//    treated as "").
//  * retryable_error_types: exact matches of ErrorObject.error_type.
//
// random: source of U[0,1) draws for jitter; empty means the shared default source (a mutex-guarded
// PRNG, see set_jitter_seed). A custom source must be thread-safe if the strategy is shared and
// must return values in [0, 1) (otherwise the strategy throws std::out_of_range).
struct RetryStrategyConfig {
  int max_attempts = 3;
  Duration initial_delay = Duration::from_seconds(5);
  Duration max_delay = Duration::from_seconds(300);
  double backoff_rate = 2.0;
  JitterStrategy jitter = JitterStrategy::Full;
  std::vector<std::string> retryable_errors;
  std::vector<std::string> retryable_error_types;
  std::function<double()> random;
};

struct LinearRetryStrategyConfig {
  int max_attempts = 6;
  Duration initial_delay = Duration::from_seconds(1);
  Duration increment = Duration::from_seconds(1);
  Duration max_delay = Duration::from_seconds(300);
  JitterStrategy jitter = JitterStrategy::Full;
  std::vector<std::string> retryable_errors;
  std::vector<std::string> retryable_error_types;
  std::function<double()> random;
};

// Exponential backoff. For attempt n (1-based, the one that just failed): stop if
// n >= max_attempts or the error does not pass the filters; otherwise
// base = min(initial_delay × backoff_rate^(n−1), max_delay), jitter applied, and the delay is
// max(1 s, ceil(jittered seconds)) whole seconds.
// Throws std::invalid_argument naming the field for: max_attempts < 1, backoff_rate < 1 or not
// finite, max_delay < initial_delay, or a "/regex/" entry that does not compile.
// The returned strategy throws std::invalid_argument if called with attempts_made < 1.
RetryStrategy create_retry_strategy(RetryStrategyConfig cfg = {});

// Linear backoff: base = min(initial_delay + increment × (n−1), max_delay); otherwise as above.
// Throws std::invalid_argument for max_attempts < 1, max_delay < initial_delay or a bad regex.
RetryStrategy create_linear_retry_strategy(LinearRetryStrategyConfig cfg = {});

// Reseeds the shared default jitter source so tests get reproducible delays. Thread-safe; affects
// every strategy built without a custom `random`, including the presets.
void set_jitter_seed(std::uint64_t seed);

namespace retry_presets {
RetryStrategy none();                   // 1 attempt: never retries
RetryStrategy default_strategy();       // 6 attempts, 5 s, max 60 s, ×2, Full (steps' default)
RetryStrategy transient();              // 3 attempts, 5 s, max 300 s, ×2, Half
RetryStrategy resource_availability();  // 5 attempts, 5 s, max 300 s, ×2, Full
RetryStrategy critical();               // 10 attempts, 1 s, max 60 s, ×1.5, None
RetryStrategy linear();                 // 6 attempts, 1 s + 1 s per attempt, max 300 s, None
// 5 attempts, constant `interval` (at least 1 s once applied), None.
RetryStrategy fixed(Duration interval = Duration::from_seconds(5));
}  // namespace retry_presets

}  // namespace durable
