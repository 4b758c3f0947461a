// StepConfig: per-step options (SDK-SEMANTICS.md §4).
#pragma once

#include <memory>

#include "durable/retry_strategy.hpp"
#include "durable/serdes.hpp"

namespace durable {

enum class StepSemantics {
  // START is checkpointed asynchronously (it rides with the next synchronous checkpoint); a step
  // found STARTED on replay is run again. The body may run more than once per attempt.
  AtLeastOncePerRetry,
  // START is checkpointed synchronously before the body runs; a step found STARTED on replay was
  // interrupted: StepInterruptedError goes through the retry strategy and the body is not re-run
  // for that attempt.
  AtMostOncePerRetry,
};

template <class T = Json>
struct StepConfig {
  // Empty: retry_presets::default_strategy() (6 attempts, exponential from 5 s).
  RetryStrategy retry_strategy{};
  StepSemantics step_semantics = StepSemantics::AtLeastOncePerRetry;
  // Empty: JsonSerDes<T>.
  std::shared_ptr<SerDes<T>> serdes{};
};

}  // namespace durable
