// WaitForConditionConfig: options of DurableContext::wait_for_condition (SDK-SEMANTICS.md §3.6,
// §4).
#pragma once

#include <memory>

#include "durable/serdes.hpp"
#include "durable/wait_strategy.hpp"

namespace durable {

template <class S = Json>
struct WaitForConditionConfig {
  // Required: decides after each check whether to poll again (see create_wait_strategy).
  WaitStrategy<S> wait_strategy{};
  // Required: the state handed to the first check.
  S initial_state{};
  // Encodes the state checkpointed between polls and the final result. Empty: JsonSerDes<S>.
  std::shared_ptr<SerDes<S>> serdes{};
};

}  // namespace durable
