#include "durable/model/enums.hpp"

#include <array>
#include <utility>

namespace durable {
namespace {

template <class E, std::size_t N>
using Table = std::array<std::pair<E, std::string_view>, N>;

constexpr Table<OperationType, 6> kOperationTypes{{
    {OperationType::Execution, "EXECUTION"},
    {OperationType::Context, "CONTEXT"},
    {OperationType::Step, "STEP"},
    {OperationType::Wait, "WAIT"},
    {OperationType::Callback, "CALLBACK"},
    {OperationType::ChainedInvoke, "CHAINED_INVOKE"},
}};
constexpr Table<OperationStatus, 8> kOperationStatuses{{
    {OperationStatus::Started, "STARTED"},
    {OperationStatus::Pending, "PENDING"},
    {OperationStatus::Ready, "READY"},
    {OperationStatus::Succeeded, "SUCCEEDED"},
    {OperationStatus::Failed, "FAILED"},
    {OperationStatus::Cancelled, "CANCELLED"},
    {OperationStatus::TimedOut, "TIMED_OUT"},
    {OperationStatus::Stopped, "STOPPED"},
}};
constexpr Table<OperationAction, 5> kOperationActions{{
    {OperationAction::Start, "START"},
    {OperationAction::Succeed, "SUCCEED"},
    {OperationAction::Fail, "FAIL"},
    {OperationAction::Retry, "RETRY"},
    {OperationAction::Cancel, "CANCEL"},
}};
constexpr Table<ExecutionStatus, 5> kExecutionStatuses{{
    {ExecutionStatus::Running, "RUNNING"},
    {ExecutionStatus::Succeeded, "SUCCEEDED"},
    {ExecutionStatus::Failed, "FAILED"},
    {ExecutionStatus::TimedOut, "TIMED_OUT"},
    {ExecutionStatus::Stopped, "STOPPED"},
}};
constexpr Table<InvocationStatus, 3> kInvocationStatuses{{
    {InvocationStatus::Succeeded, "SUCCEEDED"},
    {InvocationStatus::Failed, "FAILED"},
    {InvocationStatus::Pending, "PENDING"},
}};
constexpr Table<EventType, 24> kEventTypes{{
    {EventType::ExecutionStarted, "ExecutionStarted"},
    {EventType::ExecutionSucceeded, "ExecutionSucceeded"},
    {EventType::ExecutionFailed, "ExecutionFailed"},
    {EventType::ExecutionTimedOut, "ExecutionTimedOut"},
    {EventType::ExecutionStopped, "ExecutionStopped"},
    {EventType::ContextStarted, "ContextStarted"},
    {EventType::ContextSucceeded, "ContextSucceeded"},
    {EventType::ContextFailed, "ContextFailed"},
    {EventType::WaitStarted, "WaitStarted"},
    {EventType::WaitSucceeded, "WaitSucceeded"},
    {EventType::WaitCancelled, "WaitCancelled"},
    {EventType::StepStarted, "StepStarted"},
    {EventType::StepSucceeded, "StepSucceeded"},
    {EventType::StepFailed, "StepFailed"},
    {EventType::ChainedInvokeStarted, "ChainedInvokeStarted"},
    {EventType::ChainedInvokeSucceeded, "ChainedInvokeSucceeded"},
    {EventType::ChainedInvokeFailed, "ChainedInvokeFailed"},
    {EventType::ChainedInvokeTimedOut, "ChainedInvokeTimedOut"},
    {EventType::ChainedInvokeStopped, "ChainedInvokeStopped"},
    {EventType::CallbackStarted, "CallbackStarted"},
    {EventType::CallbackSucceeded, "CallbackSucceeded"},
    {EventType::CallbackFailed, "CallbackFailed"},
    {EventType::CallbackTimedOut, "CallbackTimedOut"},
    {EventType::InvocationCompleted, "InvocationCompleted"},
}};

template <class E, std::size_t N>
std::string_view lookup(const Table<E, N>& table, E v) {
  for (const auto& [e, s] : table) {
    if (e == v) return s;
  }
  return "UNKNOWN";
}

template <class E, std::size_t N>
std::optional<E> parse(const Table<E, N>& table, std::string_view text) {
  for (const auto& [e, s] : table) {
    if (s == text) return e;
  }
  return std::nullopt;
}

}  // namespace

std::string_view to_string(OperationType v) { return lookup(kOperationTypes, v); }
std::string_view to_string(OperationStatus v) { return lookup(kOperationStatuses, v); }
std::string_view to_string(OperationAction v) { return lookup(kOperationActions, v); }
std::string_view to_string(ExecutionStatus v) { return lookup(kExecutionStatuses, v); }
std::string_view to_string(InvocationStatus v) { return lookup(kInvocationStatuses, v); }
std::string_view to_string(EventType v) { return lookup(kEventTypes, v); }

template <>
std::optional<OperationType> enum_from_string<OperationType>(std::string_view t) {
  return parse(kOperationTypes, t);
}
template <>
std::optional<OperationStatus> enum_from_string<OperationStatus>(std::string_view t) {
  return parse(kOperationStatuses, t);
}
template <>
std::optional<OperationAction> enum_from_string<OperationAction>(std::string_view t) {
  return parse(kOperationActions, t);
}
template <>
std::optional<ExecutionStatus> enum_from_string<ExecutionStatus>(std::string_view t) {
  return parse(kExecutionStatuses, t);
}
template <>
std::optional<InvocationStatus> enum_from_string<InvocationStatus>(std::string_view t) {
  return parse(kInvocationStatuses, t);
}
template <>
std::optional<EventType> enum_from_string<EventType>(std::string_view t) {
  return parse(kEventTypes, t);
}

bool is_terminal(OperationStatus s) {
  switch (s) {
    case OperationStatus::Succeeded:
    case OperationStatus::Failed:
    case OperationStatus::Cancelled:
    case OperationStatus::TimedOut:
    case OperationStatus::Stopped:
      return true;
    default:
      return false;
  }
}

bool is_terminal(ExecutionStatus s) { return s != ExecutionStatus::Running; }

}  // namespace durable
