// Rebuilds an execution's operations from its history events, for runners that see only what
// GetDurableExecutionHistory (IncludeExecutionData=true) returns — a function deployed on Lambda
// or served by durable-emulator — so their TestResult offers the same operations() as the
// in-process DurableRunner's.
#pragma once

#include <string>
#include <vector>

#include "durable/model/event.hpp"
#include "durable/model/operation.hpp"

namespace durable::testing {

// One Operation per event Id, in order of first appearance (creation order), with parent, name,
// type, SubType, start/end timestamps and status (a StepFailed that schedules another attempt
// leaves the step PENDING with its next attempt time), and the details events carry: execution
// input, step attempt/result/error, wait end, callback id/result/error, invoke and context
// result/error. InvocationCompleted events (no Id) are skipped. What the history does not
// record (ContextDetails.ReplayChildren, Truncated payloads' full text) stays unset. The
// Execution* events carry no Id: they make the EXECUTION operation `execution_id` (the ARN's last
// '/' segment, see execution_operation_id), or none when it is empty; its Name (the execution's
// name) is not in the history, GetDurableExecution has it. Pure.
std::vector<Operation> operations_from_history(const std::vector<Event>& events,
                                               const std::string& execution_id = {});
// The EXECUTION operation's Id of execution `arn`: its last '/' segment.
std::string execution_operation_id(const std::string& arn);

}  // namespace durable::testing
