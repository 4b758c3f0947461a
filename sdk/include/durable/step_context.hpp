// StepContext: what a step body receives. It deliberately offers no durable operations: a step
// is one unit of work that is either checkpointed as a whole or retried as a whole.
#pragma once

#include <string>

#include "durable/logger.hpp"

namespace durable {

class StepContext {
 public:
  // Built by the SDK for one attempt of one step.
  StepContext(std::string operation_id, int attempt, Logger logger)
      : operation_id_(std::move(operation_id)), attempt_(attempt), logger_(std::move(logger)) {}
  StepContext(const StepContext&) = delete;
  StepContext& operator=(const StepContext&) = delete;

  // Logger whose lines carry this step's operationId, operationName and attempt. Never
  // suppressed: the body only runs when the step really executes.
  Logger& logger() { return logger_; }
  // 1-based number of the attempt now running (checkpointed StepDetails.Attempt + 1).
  int attempt() const { return attempt_; }
  // The step's operation id; stable across attempts and replays (usable as an idempotency key).
  const std::string& operation_id() const { return operation_id_; }

 private:
  std::string operation_id_;
  int attempt_;
  Logger logger_;
};

}  // namespace durable
