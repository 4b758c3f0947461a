// WaitForConditionCheckContext: what the check function of wait_for_condition receives. Like a
// step body, a check is one unit of work and offers no durable operations.
#pragma once

#include <string>
#include <utility>

#include "durable/logger.hpp"

namespace durable {

class WaitForConditionCheckContext {
 public:
  // Built by the SDK for one check.
  WaitForConditionCheckContext(std::string operation_id, int attempt, Logger logger)
      : operation_id_(std::move(operation_id)), attempt_(attempt), logger_(std::move(logger)) {}
  WaitForConditionCheckContext(const WaitForConditionCheckContext&) = delete;
  WaitForConditionCheckContext& operator=(const WaitForConditionCheckContext&) = delete;

  // Logger whose lines carry the operation's id, name and attempt; never suppressed (a check only
  // runs when it really executes).
  Logger& logger() { return logger_; }
  // 1-based number of this check (StepDetails.Attempt + 1).
  int attempt() const { return attempt_; }
  // The wait_for_condition operation's id; stable across checks and replays.
  const std::string& operation_id() const { return operation_id_; }

 private:
  std::string operation_id_;
  int attempt_;
  Logger logger_;
};

}  // namespace durable
