#include "execution_lifecycle.hpp"

#include "operations/operation_processor.hpp"
#include "tokens.hpp"

namespace durable::emulator::detail {
namespace {

OperationStatus op_status_for(ExecutionStatus s) {
  switch (s) {
    case ExecutionStatus::Succeeded: return OperationStatus::Succeeded;
    case ExecutionStatus::Failed: return OperationStatus::Failed;
    case ExecutionStatus::TimedOut: return OperationStatus::TimedOut;
    case ExecutionStatus::Stopped: return OperationStatus::Stopped;
    case ExecutionStatus::Running: break;
  }
  return OperationStatus::Started;
}

EventType event_for(ExecutionStatus s) {
  switch (s) {
    case ExecutionStatus::Succeeded: return EventType::ExecutionSucceeded;
    case ExecutionStatus::TimedOut: return EventType::ExecutionTimedOut;
    case ExecutionStatus::Stopped: return EventType::ExecutionStopped;
    case ExecutionStatus::Failed:
    case ExecutionStatus::Running: break;
  }
  return EventType::ExecutionFailed;
}

}  // namespace

void finish_execution(ExecutionRecord& exec, ExecutionStatus status,
                      std::optional<std::string> result, std::optional<ErrorObject> error,
                      Timestamp now, Scheduler& scheduler) {
  if (exec.terminal() || status == ExecutionStatus::Running) return;
  exec.mark_changed();
  exec.status = status;
  exec.end_timestamp = now;
  exec.result = std::move(result);
  exec.error = std::move(error);
  if (exec.ops.size() > 0) {
    OpRecord& root = exec.ops.at(0);
    root.op.status = op_status_for(status);
    root.op.end_timestamp = now;
    exec.ops.touch(root);
  }
  EventDetails details;
  if (status == ExecutionStatus::Succeeded) {
    details = ResultDetails{EventResult{exec.result, std::nullopt}};
  } else {
    details = ErrorDetails{EventError{exec.error.value_or(ErrorObject{}), std::nullopt}};
  }
  exec.history.append(make_event(event_for(status), now, std::move(details)));
  scheduler.timers().cancel_all(exec);
  scheduler.note_finished(exec);
  exec.current_token.clear();
  if (exec.parent != nullptr) {
    complete_chained_invoke(*exec.parent, scheduler, exec.parent_op_id, op_status_for(status),
                            exec.result, exec.error, now);
  }
}

void rotate_token(ExecutionRecord& exec) {
  exec.mark_changed();
  ++exec.token_sequence;
  if (!exec.in_flight || exec.terminal()) {
    exec.current_token.clear();
    return;
  }
  InvocationInFlight& invocation = *exec.in_flight;
  if (invocation.token_prefix.empty()) {
    // A new secret per invocation: the request id alone is visible in the History.
    invocation.token_prefix =
        checkpoint_token_prefix(exec.arn, invocation.invocation_id, new_token_key());
    invocation.token_head = encode_token_head(invocation.token_prefix);
  }
  exec.current_token =
      make_checkpoint_token(invocation.token_prefix, invocation.token_head, exec.token_sequence);
}

}  // namespace durable::emulator::detail
