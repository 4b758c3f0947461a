// The seam between the conformance driver and whatever executes a handler: the DurableRunner
// in-process (DurableRunnerBackend), or a fake in the driver's own tests.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "durable/model/json.hpp"
#include "durable/testing/conformance/handler_registry.hpp"
#include "durable/testing/conformance/requirement.hpp"

namespace durable::testing::conformance {

// What one requirement's execution produced, in the service's wire vocabulary.
struct ExecutionOutcome {
  std::string status;                 // SUCCEEDED, FAILED, TIMED_OUT, STOPPED, RUNNING
  std::optional<std::string> result;  // the execution's Result JSON text, when it has one
  Json history = Json::array();       // GetDurableExecutionHistory(IncludeExecutionData=true)
  std::vector<std::string> logs;      // the SDK's log lines, in emission order
  bool logs_captured = false;         // false: `logs` means nothing
  std::string timeline;               // human-readable account for verbose reports (may be "")
};

class ExecutionBackend {
 public:
  virtual ~ExecutionBackend() = default;
  // Runs `handler` for `requirement` with the already-substituted `input` until the execution is
  // terminal, applying `requirement.callback_actions` if it supports callbacks. Throws
  // std::exception with a readable message when the execution cannot be completed (stuck,
  // timed out in wall time).
  virtual ExecutionOutcome execute(const Requirement& requirement, const RegisteredHandler& handler,
                                   const Json& input) = 0;
  // Whether execute() can carry out CallbackActions.
  virtual bool supports_callbacks() const = 0;
};

// Executes with a fresh durable::testing::DurableRunner per requirement (virtual clock, log
// capture on). The runner has no callback API yet, so supports_callbacks() is false.
class DurableRunnerBackend : public ExecutionBackend {
 public:
  ExecutionOutcome execute(const Requirement& requirement, const RegisteredHandler& handler,
                           const Json& input) override;
  bool supports_callbacks() const override { return false; }
};

}  // namespace durable::testing::conformance
