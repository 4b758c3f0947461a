#include "durable/testing/operations_from_history.hpp"

#include <chrono>
#include <map>
#include <string>
#include <variant>

namespace durable::testing {
namespace {

std::optional<OperationType> type_of(EventType t) {
  switch (t) {
    case EventType::ExecutionStarted:
    case EventType::ExecutionSucceeded:
    case EventType::ExecutionFailed:
    case EventType::ExecutionTimedOut:
    case EventType::ExecutionStopped:
      return OperationType::Execution;
    case EventType::ContextStarted:
    case EventType::ContextSucceeded:
    case EventType::ContextFailed:
      return OperationType::Context;
    case EventType::WaitStarted:
    case EventType::WaitSucceeded:
    case EventType::WaitCancelled:
      return OperationType::Wait;
    case EventType::StepStarted:
    case EventType::StepSucceeded:
    case EventType::StepFailed:
      return OperationType::Step;
    case EventType::ChainedInvokeStarted:
    case EventType::ChainedInvokeSucceeded:
    case EventType::ChainedInvokeFailed:
    case EventType::ChainedInvokeTimedOut:
    case EventType::ChainedInvokeStopped:
      return OperationType::ChainedInvoke;
    case EventType::CallbackStarted:
    case EventType::CallbackSucceeded:
    case EventType::CallbackFailed:
    case EventType::CallbackTimedOut:
      return OperationType::Callback;
    case EventType::InvocationCompleted:
      return std::nullopt;
  }
  return std::nullopt;
}

OperationStatus status_of(EventType t) {
  switch (t) {
    case EventType::ExecutionSucceeded:
    case EventType::ContextSucceeded:
    case EventType::WaitSucceeded:
    case EventType::StepSucceeded:
    case EventType::ChainedInvokeSucceeded:
    case EventType::CallbackSucceeded:
      return OperationStatus::Succeeded;
    case EventType::ExecutionFailed:
    case EventType::ContextFailed:
    case EventType::StepFailed:
    case EventType::ChainedInvokeFailed:
    case EventType::CallbackFailed:
      return OperationStatus::Failed;
    case EventType::ExecutionTimedOut:
    case EventType::ChainedInvokeTimedOut:
    case EventType::CallbackTimedOut:
      return OperationStatus::TimedOut;
    case EventType::ExecutionStopped:
    case EventType::ChainedInvokeStopped:
      return OperationStatus::Stopped;
    case EventType::WaitCancelled:
      return OperationStatus::Cancelled;
    default:
      return OperationStatus::Started;
  }
}

std::optional<ErrorObject> error_of(const std::optional<EventError>& error) {
  if (!error) return std::nullopt;
  return error->payload;
}

// Puts a result or an error into the details of the operation's type.
void set_outcome(Operation& op, const std::optional<std::string>& result,
                 const std::optional<ErrorObject>& error) {
  switch (op.type) {
    case OperationType::Context: {
      auto& d = op.context_details ? *op.context_details : op.context_details.emplace();
      if (result) d.result = result;
      if (error) d.error = error;
      break;
    }
    case OperationType::Step: {
      auto& d = op.step_details ? *op.step_details : op.step_details.emplace();
      if (result) d.result = result;
      if (error) d.error = error;
      break;
    }
    case OperationType::Callback: {
      auto& d = op.callback_details ? *op.callback_details : op.callback_details.emplace();
      if (result) d.result = result;
      if (error) d.error = error;
      break;
    }
    case OperationType::ChainedInvoke: {
      auto& d =
          op.chained_invoke_details ? *op.chained_invoke_details : op.chained_invoke_details.emplace();
      if (result) d.result = result;
      if (error) d.error = error;
      break;
    }
    default:
      break;
  }
}

}  // namespace

std::string execution_operation_id(const std::string& arn) {
  const auto slash = arn.rfind('/');
  return slash == std::string::npos ? arn : arn.substr(slash + 1);
}

std::vector<Operation> operations_from_history(const std::vector<Event>& events,
                                               const std::string& execution_id) {
  std::vector<Operation> ops;
  std::map<std::string, std::size_t> index;
  for (const auto& event : events) {
    const auto type = type_of(event.event_type);
    if (!type) continue;
    std::string id = event.id.value_or("");
    if (id.empty() && *type == OperationType::Execution) id = execution_id;
    if (id.empty()) continue;
    auto [it, created] = index.try_emplace(id, ops.size());
    if (created) {
      Operation op;
      op.id = id;
      op.type = *type;
      op.start_timestamp = event.event_timestamp;
      ops.push_back(std::move(op));
    }
    Operation& op = ops[it->second];
    if (event.parent_id) op.parent_id = event.parent_id;
    if (event.name) op.name = event.name;
    if (event.sub_type) op.sub_type = event.sub_type;
    op.status = status_of(event.event_type);
    if (is_terminal(op.status)) op.end_timestamp = event.event_timestamp;

    std::visit(
        [&](const auto& d) {
          using D = std::decay_t<decltype(d)>;
          if constexpr (std::is_same_v<D, ExecutionStartedDetails>) {
            op.execution_details = ExecutionDetails{d.input.payload};
          } else if constexpr (std::is_same_v<D, ResultDetails> || std::is_same_v<D, ErrorDetails>) {
            if (op.type != OperationType::Execution) {
              if constexpr (std::is_same_v<D, ResultDetails>) {
                set_outcome(op, d.result.payload, std::nullopt);
              } else {
                set_outcome(op, std::nullopt, d.error ? error_of(d.error) : std::nullopt);
              }
            }
          } else if constexpr (std::is_same_v<D, WaitStartedDetails>) {
            op.wait_details = WaitDetails{d.scheduled_end_timestamp};
          } else if constexpr (std::is_same_v<D, StepSucceededDetails>) {
            set_outcome(op, d.result.payload, std::nullopt);
            if (d.retry_details.current_attempt) {
              op.step_details->attempt = d.retry_details.current_attempt;
            }
            op.step_details->next_attempt_timestamp = std::nullopt;
          } else if constexpr (std::is_same_v<D, StepFailedDetails>) {
            set_outcome(op, std::nullopt, d.error.payload);
            auto& step = *op.step_details;
            if (d.retry_details.current_attempt) step.attempt = d.retry_details.current_attempt;
            if (d.retry_details.next_attempt_delay_seconds) {
              // Another attempt is scheduled: the service keeps the step PENDING until then.
              op.status = OperationStatus::Pending;
              op.end_timestamp = std::nullopt;
              step.next_attempt_timestamp =
                  event.event_timestamp +
                  std::chrono::seconds(*d.retry_details.next_attempt_delay_seconds);
            } else {
              step.next_attempt_timestamp = std::nullopt;
            }
          } else if constexpr (std::is_same_v<D, CallbackStartedDetails>) {
            auto& cb = op.callback_details ? *op.callback_details : op.callback_details.emplace();
            cb.callback_id = d.callback_id;
          } else if constexpr (std::is_same_v<D, ChainedInvokeStartedDetails>) {
            if (!op.chained_invoke_details) op.chained_invoke_details.emplace();
          }
        },
        event.details);
    if (op.type == OperationType::Step && !op.step_details) op.step_details.emplace();
    if (op.type == OperationType::Step && event.event_type == EventType::StepStarted) {
      // A new attempt starts: the previous attempt's error is history.
      op.step_details->error = std::nullopt;
      op.step_details->next_attempt_timestamp = std::nullopt;
    }
  }
  return ops;
}

}  // namespace durable::testing
