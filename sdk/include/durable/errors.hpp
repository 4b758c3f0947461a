// The SDK's error types (DESIGN.md §5, SDK-SEMANTICS.md §6).
//
// Failures of durable operations are checkpointed as an ErrorObject and re-thrown as a typed
// CallableRuntimeError rebuilt from that checkpointed ErrorObject, on the first run and on replay
// alike, so both paths surface identical errors. SuspendExecution is not an error at all: it is
// how the SDK unwinds the handler when the execution must wait.
#pragma once

#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "durable/model/error_object.hpp"

namespace durable {

// Thrown by the SDK where the handler must stop and wait (a wait, a retry delay, a pending step).
// Deliberately derived from nothing, so `catch (const std::exception&)` does not see it. It is
// sticky: once an execution has suspended, every further SDK call on it throws SuspendExecution
// again, so a `catch (...)` in user code cannot hide the suspension. Only the SDK's invocation
// boundary (run_invocation) catches it and answers {"Status":"PENDING"}.
struct SuspendExecution {};

// Base of every failure rebuilt from a checkpointed ErrorObject. what() is the error message.
class CallableRuntimeError : public std::runtime_error {
 public:
  explicit CallableRuntimeError(ErrorObject error);

  // The original error's type name, e.g. "TransientError" ("" when the checkpoint had none).
  const std::string& error_type() const noexcept { return error_type_; }
  const std::string& error_message() const noexcept { return error_message_; }
  const std::optional<std::string>& error_data() const noexcept { return error_.error_data; }
  const std::vector<std::string>& stack_trace() const noexcept { return stack_trace_; }
  // The ErrorObject this error was rebuilt from, unchanged.
  const ErrorObject& error_object() const noexcept { return error_; }

 private:
  ErrorObject error_;
  std::string error_type_;
  std::string error_message_;
  std::vector<std::string> stack_trace_;
};

// A step failed for good (its retry strategy declined another attempt).
class StepError : public CallableRuntimeError {
 public:
  using CallableRuntimeError::CallableRuntimeError;
};

// A child context's body failed; error_type() is the type of the error that escaped the body.
class ChildContextError : public CallableRuntimeError {
 public:
  using CallableRuntimeError::CallableRuntimeError;
};

// ErrorType of the InvokeError thrown when InvokeConfig::timeout elapses before the invoked
// function finishes (also the default type when the service reports the invoke TIMED_OUT
// without an error of its own).
inline constexpr const char* kInvokeTimeoutErrorType = "InvokeTimeoutError";
// ErrorTypes the service puts on a TIMED_OUT callback (PROTOCOL.md §8.1).
inline constexpr const char* kCallbackTimeoutErrorType = "Callback.Timeout";
inline constexpr const char* kCallbackHeartbeatErrorType = "Callback.Heartbeat";

// A chained invoke failed, timed out or was stopped. error_type() is the invoked function's error
// type, or kInvokeTimeoutErrorType when it timed out; what() then contains "timed out".
class InvokeError : public CallableRuntimeError {
 public:
  using CallableRuntimeError::CallableRuntimeError;
};

// A callback failed, timed out or its submitter failed. The subclasses tell which.
class CallbackError : public CallableRuntimeError {
 public:
  using CallableRuntimeError::CallableRuntimeError;
};

// The callback timed out: no answer within CallbackConfig::timeout (error_type()
// "Callback.Timeout"), or no heartbeat within heartbeat_timeout ("Callback.Heartbeat").
class CallbackTimeoutError : public CallbackError {
 public:
  using CallbackError::CallbackError;
  bool is_heartbeat_timeout() const noexcept {
    return error_type() == kCallbackHeartbeatErrorType;
  }
};

// The external system completed the callback with a failure (or it was cancelled/stopped); the
// error carries the ErrorType, ErrorMessage, ErrorData and StackTrace that system sent.
class CallbackExternalError : public CallbackError {
 public:
  using CallbackError::CallbackError;
};

// The submitter of a wait_for_callback failed for good (its retry strategy declined another
// attempt); the error is the submitter's own.
class CallbackSubmitterError : public CallbackError {
 public:
  using CallbackError::CallbackError;
};

// A wait-for-condition check failed or ran out of attempts.
class WaitForConditionError : public CallableRuntimeError {
 public:
  using CallableRuntimeError::CallableRuntimeError;
};

// What an AT_MOST_ONCE_PER_RETRY step's retry strategy sees when the previous attempt started
// but never finished (the invocation died mid-attempt). Its error type on the wire is
// "StepInterruptedError".
class StepInterruptedError : public std::runtime_error {
 public:
  explicit StepInterruptedError(const std::string& message) : std::runtime_error(message) {}
};

// Bad arguments to an SDK call (invalid operation name, sub-second wait, ...). Thrown before
// anything is checkpointed; not sticky, so user code may catch it.
class ValidationError : public std::invalid_argument {
 public:
  explicit ValidationError(const std::string& message) : std::invalid_argument(message) {}
};

// A durable operation was called while a step body (or wait_for_condition check) of the same
// invocation was running: from inside the body on any context, or from another thread on the
// context running the step. Fatal: the execution fails with it (ErrorType
// "OperationMisuseError") even if user code catches it. The message names the operation and the
// step. A std::logic_error because it is a programming error, never a runtime condition.
class OperationMisuseError : public std::logic_error {
 public:
  explicit OperationMisuseError(const std::string& message) : std::logic_error(message) {}
};

// Replay met a checkpoint whose type, name or sub-type differs from the operation the handler is
// now calling at the same position. Fatal: the invocation answers FAILED, and the SDK keeps
// throwing this on every later call even if user code catches it.
class NonDeterministicExecutionError : public std::runtime_error {
 public:
  explicit NonDeterministicExecutionError(const std::string& message)
      : std::runtime_error(message) {}
};

// A SerDes could not serialize or deserialize a value. Fatal like NonDeterministicExecutionError:
// never retried, the invocation answers FAILED.
class SerDesError : public std::runtime_error {
 public:
  explicit SerDesError(const std::string& message) : std::runtime_error(message) {}
};

// The service refused a checkpoint for a reason retrying cannot fix (a 4xx other than 429 or a
// stale token). Fatal: the invocation answers FAILED with ErrorType = the service's error code.
// Retryable service failures are not wrapped: the original ApiError (or transport exception)
// propagates out of run_invocation so that Lambda retries the invocation.
class CheckpointError : public std::runtime_error {
 public:
  CheckpointError(std::string code, const std::string& message)
      : std::runtime_error(message), code_(std::move(code)) {}
  const std::string& code() const noexcept { return code_; }

 private:
  std::string code_;
};

}  // namespace durable
