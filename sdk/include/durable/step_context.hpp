// StepContext: what a step body receives. It deliberately offers no durable operations: a step
// is one unit of work that is either checkpointed as a whole or retried as a whole.
#pragma once

#include <stop_token>
#include <string>

#include "durable/logger.hpp"

namespace durable {

class StepContext {
 public:
  // Built by the SDK for one attempt of one step.
  StepContext(std::string operation_id, int attempt, Logger logger,
              std::stop_token stop = {})
      : operation_id_(std::move(operation_id)),
        attempt_(attempt),
        logger_(std::move(logger)),
        stop_(std::move(stop)) {}
  StepContext(const StepContext&) = delete;
  StepContext& operator=(const StepContext&) = delete;

  // Logger whose lines carry this step's operationId, operationName and attempt. Never
  // suppressed: the body only runs when the step really executes.
  Logger& logger() { return logger_; }
  // 1-based number of the attempt now running (checkpointed StepDetails.Attempt + 1).
  int attempt() const { return attempt_; }
  // The step's operation id; stable across attempts and replays (usable as an idempotency key).
  const std::string& operation_id() const { return operation_id_; }
  // Cooperative cancellation: requested when the step runs in a parallel branch / map item whose
  // batch completed early. The step's outcome is then discarded (nothing more is checkpointed for
  // the branch), so a long body may return early. Never requested outside parallel/map.
  std::stop_token stop_token() const { return stop_; }
  bool stop_requested() const { return stop_.stop_requested(); }

 private:
  std::string operation_id_;
  int attempt_;
  Logger logger_;
  std::stop_token stop_;
};

}  // namespace durable
