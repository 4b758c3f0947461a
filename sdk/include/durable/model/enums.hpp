// The enumerations of the durable execution API, with their exact wire spellings.
#pragma once

#include <optional>
#include <string_view>

#include "durable/model/print.hpp"

namespace durable {

enum class OperationType { Execution, Context, Step, Wait, Callback, ChainedInvoke };
enum class OperationStatus { Started, Pending, Ready, Succeeded, Failed, Cancelled, TimedOut, Stopped };
enum class OperationAction { Start, Succeed, Fail, Retry, Cancel };
enum class ExecutionStatus { Running, Succeeded, Failed, TimedOut, Stopped };
// Status a durable handler returns in its invocation output (PROTOCOL.md §2.2).
enum class InvocationStatus { Succeeded, Failed, Pending };
enum class EventType {
  ExecutionStarted, ExecutionSucceeded, ExecutionFailed, ExecutionTimedOut, ExecutionStopped,
  ContextStarted, ContextSucceeded, ContextFailed,
  WaitStarted, WaitSucceeded, WaitCancelled,
  StepStarted, StepSucceeded, StepFailed,
  ChainedInvokeStarted, ChainedInvokeSucceeded, ChainedInvokeFailed, ChainedInvokeTimedOut,
  ChainedInvokeStopped,
  CallbackStarted, CallbackSucceeded, CallbackFailed, CallbackTimedOut,
  InvocationCompleted,
};

// Wire spelling, e.g. "CHAINED_INVOKE", "TIMED_OUT", "StepSucceeded".
std::string_view to_string(OperationType v);
std::string_view to_string(OperationStatus v);
std::string_view to_string(OperationAction v);
std::string_view to_string(ExecutionStatus v);
std::string_view to_string(InvocationStatus v);
std::string_view to_string(EventType v);

// Parse a wire spelling; std::nullopt when the text is not a member of the enum.
template <class E>
std::optional<E> enum_from_string(std::string_view text);

template <> std::optional<OperationType> enum_from_string<OperationType>(std::string_view);
template <> std::optional<OperationStatus> enum_from_string<OperationStatus>(std::string_view);
template <> std::optional<OperationAction> enum_from_string<OperationAction>(std::string_view);
template <> std::optional<ExecutionStatus> enum_from_string<ExecutionStatus>(std::string_view);
template <> std::optional<InvocationStatus> enum_from_string<InvocationStatus>(std::string_view);
template <> std::optional<EventType> enum_from_string<EventType>(std::string_view);

// SUCCEEDED, FAILED, CANCELLED, TIMED_OUT, STOPPED.
bool is_terminal(OperationStatus s);
bool is_terminal(ExecutionStatus s);

// SubType values the SDK writes (PROTOCOL.md §3.2).
namespace subtype {
inline constexpr std::string_view kStep = "Step";
inline constexpr std::string_view kWaitForCondition = "WaitForCondition";
inline constexpr std::string_view kWait = "Wait";
inline constexpr std::string_view kCallback = "Callback";
inline constexpr std::string_view kChainedInvoke = "ChainedInvoke";
inline constexpr std::string_view kRunInChildContext = "RunInChildContext";
inline constexpr std::string_view kWaitForCallback = "WaitForCallback";
inline constexpr std::string_view kMap = "Map";
inline constexpr std::string_view kMapIteration = "MapIteration";
inline constexpr std::string_view kParallel = "Parallel";
inline constexpr std::string_view kParallelBranch = "ParallelBranch";
}  // namespace subtype

}  // namespace durable
