// OperationObservations: what the DurableRunner saw pass through the checkpoint seam for the
// operations of one execution, beyond what the service stores on each operation: the chained
// invoke requests (the service keeps FunctionName and Payload only in the history) and how many
// times each step body ran.
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace durable::testing {

struct OperationObservations {
  struct InvokeStart {
    std::string function_name;
    std::optional<std::string> tenant_id;
    std::optional<std::string> payload;  // the START's Payload (JSON text with the default SerDes)
  };
  // CHAINED_INVOKE operation id → its START as the service accepted it.
  std::map<std::string, InvokeStart> invoke_starts;
  // STEP operation id → body runs. A run is counted when the SDK reports its end (SUCCEED, RETRY
  // or FAIL of the step) to the checkpoint seam, whether or not the service then accepts it —
  // a body whose result was lost in a crash did run. The SDK's own StepInterruptedError verdict
  // on an at-most-once step found STARTED runs no body and is not counted.
  std::map<std::string, std::size_t> step_runs;
  // STEP operation id → START updates the SDK sent as the last update of a request holding no end
  // of that step. The SDK flushes a START on its own, before the body, only for an
  // at-most-once-per-retry step (an at-least-once START travels with the step's end), so these
  // are that step's started attempts; steps absent here are at-least-once.
  std::map<std::string, std::size_t> at_most_once_starts;
  // (operation id, name) of every step seen in step_runs, in first-seen order: a step whose every
  // run was lost in a crash has no operation to find it by name.
  std::vector<std::pair<std::string, std::string>> step_names;
};

}  // namespace durable::testing
