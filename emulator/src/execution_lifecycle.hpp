// The execution-level transitions shared by checkpoints, the output rules, stop and timers.
#pragma once

#include <optional>
#include <string>

#include "durable/model/error_object.hpp"
#include "execution_record.hpp"
#include "scheduler.hpp"

namespace durable::emulator::detail {

// Ends a running `exec` with the terminal `status`: records result/error and end time, moves the
// EXECUTION operation to the matching status, appends the terminal event (ExecutionSucceeded,
// -Failed, -TimedOut or -Stopped), cancels every timer and invalidates the current checkpoint
// token, so later checkpoints are rejected. An invocation in flight keeps running; its
// completion is still recorded. When `exec` is the durable target of a chained invoke, the
// caller's CHAINED_INVOKE ends with the matching status and the caller is re-invoked.
void finish_execution(ExecutionRecord& exec, ExecutionStatus status,
                      std::optional<std::string> result, std::optional<ErrorObject> error,
                      Timestamp now, Scheduler& scheduler);

// Issues the next checkpoint token of the invocation in flight (the sequence advances).
void rotate_token(ExecutionRecord& exec);

}  // namespace durable::emulator::detail
