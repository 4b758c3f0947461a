// Test helpers over a TestResult's history, shared by the runner's fault tests.
#pragma once

#include <optional>
#include <variant>
#include <vector>

#include "durable/testing.hpp"

namespace durable::testing::test_support {

// The event types of the history without the execution's own start/end events.
inline std::vector<EventType> event_types(const TestResult& result) {
  std::vector<EventType> out;
  for (const auto& e : result.history()) {
    if (e.event_type == EventType::ExecutionStarted || e.event_type == EventType::ExecutionFailed ||
        e.event_type == EventType::ExecutionSucceeded) {
      continue;
    }
    out.push_back(e.event_type);
  }
  return out;
}

// The error an InvocationCompleted event carries, if any.
inline std::optional<ErrorObject> invocation_error(const Event& e) {
  const auto* d = std::get_if<InvocationCompletedDetails>(&e.details);
  if (d == nullptr || !d->error) return std::nullopt;
  return d->error->payload;
}

}  // namespace durable::testing::test_support
