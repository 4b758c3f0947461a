// Bookkeeping shared by the DurableContext operations (one file per operation in sdk/src):
// name validation, the update skeleton, and the replay determinism check.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "durable/durable_context.hpp"
#include "execution_state.hpp"
#include "durable/model/operation.hpp"
#include "durable/model/operation_update.hpp"

namespace durable::detail {

class ExecutionState;
class UserFunctionRun;

// The service's upper bound for WaitSeconds and NextAttemptDelaySeconds (366 days).
inline constexpr std::int64_t kMaxDelaySeconds = 31'622'400;
// Longest operation name, function name or tenant id the service accepts.
inline constexpr std::size_t kMaxNameLength = 256;

// Throws ValidationError unless `name` is absent, empty, or printable ASCII of at most 256
// characters; the message shows the name with non-printable bytes escaped.
void validate_name(const OperationName& name);

// Absent and empty names both mean "unnamed".
std::optional<std::string> normalized(const OperationName& name);

// `name` + " " + `suffix` when that is still a valid name length, else `suffix` alone; used for
// the inner operations of composite operations (wait_for_callback, the invoke timer).
std::string derived_name(const std::optional<std::string>& name, std::string_view suffix);

ErrorObject stored_or(const std::optional<ErrorObject>& stored, const ErrorObject& fallback);

// Call from a catch (...) handler around user code (a body, a check, a branch) run under `run`:
// reports the failure to the plugins, makes a SerDesError fatal for the invocation, rethrows a
// termination raised meanwhile (suspension, stop, fatal error), and otherwise returns the error
// to record for the operation.
ErrorObject user_code_failed(ExecutionState& state, UserFunctionRun& run);

OperationUpdate make_update(const OpSite& site, const std::optional<std::string>& parent_id,
                            OperationType type, OperationAction action, std::string_view sub_type);

// Replay must meet the same kind of operation it checkpointed at this position; anything else
// means the handler's control flow changed between invocations. On mismatch records a fatal
// NonDeterministicExecutionError on `state` and throws it.
void check_replay(ExecutionState& state, const Operation& op, OperationType type,
                  const std::optional<std::string>& name, std::string_view sub_type);

// Throws ValidationError unless each callback timeout is zero (no limit) or at least 1 second.
// Defined in callback.cpp.
void validate_callback_timeouts(Duration timeout, Duration heartbeat_timeout);

// Marks a step body (or wait_for_condition check) of `context` as running for the object's
// lifetime, for the misuse check of DurableContext::enter_operation: on the calling thread (any
// context of `state`) and on `context` (any thread). Construct it while holding the SDK lock
// (before SdkLockRelease) so it is destroyed after the lock is taken back.
class StepBodyScope {
 public:
  StepBodyScope(DurableContext& context, ExecutionState& state, const std::string& step_id,
                const std::optional<std::string>& step_name);
  ~StepBodyScope();
  StepBodyScope(const StepBodyScope&) = delete;
  StepBodyScope& operator=(const StepBodyScope&) = delete;

 private:
  DurableContext& context_;
  StepBodyMark mark_;
};

// Seconds clamped into the service's accepted delay range [1, kMaxDelaySeconds].
std::int64_t clamp_delay_seconds(Duration delay);

}  // namespace durable::detail
