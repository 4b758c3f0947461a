// WaitForCallbackContext: what the submitter of wait_for_callback receives besides the callback
// id. The submitter runs as a step, so it offers the step's logger and attempt number but no
// durable operations.
#pragma once

#include <string>

#include "durable/logger.hpp"
#include "durable/step_context.hpp"

namespace durable {

class WaitForCallbackContext {
 public:
  // Built by the SDK around the submitter step's context for one attempt.
  explicit WaitForCallbackContext(StepContext& step) : step_(step) {}
  WaitForCallbackContext(const WaitForCallbackContext&) = delete;
  WaitForCallbackContext& operator=(const WaitForCallbackContext&) = delete;

  // Logger whose lines carry the submitter step's id, name and attempt.
  Logger& logger() { return step_.logger(); }
  // 1-based attempt of the submitter (it is retried with WaitForCallbackConfig::retry_strategy).
  int attempt() const { return step_.attempt(); }
  // The submitter step's operation id; stable across attempts (usable as an idempotency key).
  const std::string& operation_id() const { return step_.operation_id(); }

 private:
  StepContext& step_;
};

}  // namespace durable
