// Rebuilds an execution's operations from its history events, for runners that see only what
// GetDurableExecutionHistory (IncludeExecutionData=true) returns — a function deployed on Lambda
// or served by durable-emulator — so their TestResult offers the same operations() as the
// in-process DurableRunner's.
#pragma once

#include <vector>

#include "durable/model/event.hpp"
#include "durable/model/operation.hpp"

namespace durable::testing {

// One Operation per event Id, in order of first appearance (creation order), with parent, name,
// type, SubType, start/end timestamps and status (a StepFailed that schedules another attempt
// leaves the step PENDING with its next attempt time), and the details events carry: execution
// input, step attempt/result/error, wait end, callback id/result/error, invoke and context
// result/error. InvocationCompleted events (no Id) are skipped. What the history does not
// record (ContextDetails.ReplayChildren, Truncated payloads' full text) stays unset. Pure.
std::vector<Operation> operations_from_history(const std::vector<Event>& events);

}  // namespace durable::testing
