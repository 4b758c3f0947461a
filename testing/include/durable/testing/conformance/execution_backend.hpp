// The seam between the conformance driver and whatever executes a handler: the DurableRunner
// in-process (DurableRunnerBackend), a function behind the Lambda API (RemoteBackend,
// remote_backend.hpp), or a fake in the driver's own tests.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "durable/model/json.hpp"
#include "durable/testing/conformance/bindings.hpp"
#include "durable/testing/conformance/handler_registry.hpp"
#include "durable/testing/conformance/requirement.hpp"

namespace durable::testing::conformance {

// What one requirement's execution produced, in the service's wire vocabulary.
struct ExecutionOutcome {
  std::string status;                 // SUCCEEDED, FAILED, TIMED_OUT, STOPPED, RUNNING
  std::optional<std::string> result;  // the execution's Result JSON text, when it has one
  // The GetDurableExecutionHistory(IncludeExecutionData=true) response body with every page
  // merged: an object {"Events": [event, ...]} in event order, events in the service's wire
  // shape (what --dump writes and what match_history reads).
  Json history = Json{{"Events", Json::array()}};
  std::vector<std::string> logs;      // the SDK's log lines, in emission order
  bool logs_captured = false;         // false: `logs` means nothing
  std::string timeline;               // human-readable account for verbose reports (may be "")
};

class ExecutionBackend {
 public:
  virtual ~ExecutionBackend() = default;
  // Runs `handler` for `requirement` with the already-substituted `input` until the execution is
  // terminal, applying `requirement.callback_actions` if it supports callbacks (`bindings`
  // substitutes their names and payloads; it must outlive the call). Throws std::exception with
  // a readable message when the execution cannot be completed (stuck, timed out in wall time, a
  // callback action the service refused).
  virtual ExecutionOutcome execute(const Requirement& requirement, const RegisteredHandler& handler,
                                   const Json& input, const Bindings& bindings) = 0;
  // Whether execute() can carry out CallbackActions.
  virtual bool supports_callbacks() const = 0;
  // Whether execute() fills ExecutionOutcome::logs; when false the driver skips requirements
  // with ExpectedLogs (saying why) instead of failing them.
  virtual bool captures_logs() const { return true; }
};

// Executes with a fresh durable::testing::DurableRunner per requirement (virtual clock, log
// capture on), registering the requirement's extra functions and checkpoint faults first.
//
// The execution is driven step by step, the way the official runner polls a deployed function:
// run every ready invocation; if the execution is not terminal, plan CallbackActions for the
// callbacks that appeared in the history since the last look (CallbackActionPlanner) and
// schedule each at "now + Delay" on the VIRTUAL clock; then move the clock to whichever comes
// first, the earliest scheduled action (sent through the emulator's callback API) or the
// earliest armed timer (fired; a timer due at the same instant as an action fires first). With
// no actions, callbacks stay open and their timeout timers fire on the virtual clock.
// Stuck executions (nothing to run, no action scheduled, no timer before the execution timeout)
// and runs over 60 s of wall time throw std::runtime_error with the emulator's account.
class DurableRunnerBackend : public ExecutionBackend {
 public:
  ExecutionOutcome execute(const Requirement& requirement, const RegisteredHandler& handler,
                           const Json& input, const Bindings& bindings) override;
  bool supports_callbacks() const override { return true; }
};

}  // namespace durable::testing::conformance
