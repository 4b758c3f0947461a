// OperationProcessor: the service's rules for one operation type — which actions it accepts and
// from which states (PROTOCOL.md §5.2), what an accepted update writes and which event it records
// (§5.3, §6.2), and what its timers do when they fire. One implementation per type, each in its
// own file (execution.cpp, step.cpp, wait.cpp, context.cpp, callback.cpp, chained_invoke.cpp).
#pragma once

#include <optional>
#include <string>

#include "durable/model/api_error.hpp"
#include "durable/model/operation_update.hpp"
#include "execution_record.hpp"
#include "scheduler.hpp"

namespace durable::emulator::detail {

// What validation needs to know of an operation: the stored one, or what an earlier update of
// the same batch will have made of it.
// Views into the stored operation or the request being validated, both alive while it is.
struct OpView {
  OperationType type = OperationType::Step;
  OperationStatus status = OperationStatus::Started;
  std::optional<std::string_view> sub_type;
  std::optional<std::string_view> name;
  std::optional<std::string_view> parent_id;
};

// What the CHAINED_INVOKE processor needs from the service to run targets: the registry and the
// ability to start or stop executions live in the Service. Called under the Service's lock.
class InvokeTargets {
 public:
  virtual ~InvokeTargets() = default;
  // Launches the target of `rec` (just STARTED by `caller`): a durable target becomes its own
  // execution now; a plain or unknown target gets a kInvokeTarget timer. Fills ExecutedVersion
  // and, for a durable target, DurableExecutionArn of `details`.
  virtual void start(ExecutionRecord& caller, OpRecord& rec, ChainedInvokeStartedDetails& details,
                     Timestamp now) = 0;
  // Stops the target of `rec` after CANCEL moved it to STOPPED: a running durable target
  // execution is stopped, a pending plain call is dropped.
  virtual void cancel(ExecutionRecord& caller, OpRecord& rec, Timestamp now) = 0;
};

struct ApplyContext {
  ExecutionRecord& exec;
  Scheduler& scheduler;
  Timestamp now;
  InvokeTargets* targets = nullptr;  // nullptr: targets are recorded but never run
};

class OperationProcessor {
 public:
  virtual ~OperationProcessor() = default;
  // Throws ApiError 400 with the service's exact message when `update` may not be applied to
  // `current` (nullptr: no such operation yet). Checks the action first, then the state.
  virtual void validate(const OperationUpdate& update, const OpView* current) const = 0;
  // Applies a validated `update`: writes the operation, appends its event, arms its timers.
  virtual void apply(const OperationUpdate& update, ApplyContext& ctx) const = 0;
};

const OperationProcessor& processor_for(OperationType type);

// The status an accepted `update` leaves its operation in (used to validate later updates of
// the same batch against it).
OperationStatus status_after(const OperationUpdate& update);

// Throws the 400 every processor uses when an action is not one its type supports.
[[noreturn]] void reject(const char* message);

// Timer effects, called by the Service when a timer fires (at checkpoint time or asynchronously).
// Each returns true when it changed the operation (false: it was no longer waiting).
bool fire_wait_end(ExecutionRecord& exec, const std::string& op_id, Timestamp now);
bool fire_step_retry(ExecutionRecord& exec, const std::string& op_id);
bool fire_callback_timeout(ExecutionRecord& exec, Scheduler& scheduler, const std::string& op_id,
                           bool heartbeat, Timestamp now);

// Ends the STARTED CHAINED_INVOKE `op_id` of `exec` with `status` (SUCCEEDED with `result`;
// FAILED, TIMED_OUT or STOPPED with `error`), appends ChainedInvokeSucceeded/-Failed/-TimedOut/
// -Stopped and re-invokes `exec` (queued behind an invocation in flight). Returns false and
// changes nothing when the operation is gone, no longer STARTED, or `exec` has ended.
bool complete_chained_invoke(ExecutionRecord& exec, Scheduler& scheduler, const std::string& op_id,
                             OperationStatus status, const std::optional<std::string>& result,
                             const std::optional<ErrorObject>& error, Timestamp now);

// External completion of the STARTED CALLBACK `rec` (success: `result`, failure: `error`):
// stores it, cancels its timers, appends CallbackSucceeded / CallbackFailed and re-invokes.
void complete_callback(ExecutionRecord& exec, Scheduler& scheduler, OpRecord& rec,
                       OperationStatus status, std::optional<std::string> result,
                       std::optional<ErrorObject> error, Timestamp now);
// Heartbeat of the STARTED CALLBACK `rec`: re-arms its heartbeat timer from `now` (when it has
// one). No event, no re-invocation.
void heartbeat_callback(ExecutionRecord& exec, Scheduler& scheduler, OpRecord& rec, Timestamp now);

// Creates the operation of `update` in the store (STARTED, StartTimestamp now).
OpRecord& create_operation(ExecutionRecord& exec, const OperationUpdate& update, Timestamp now);

const OperationProcessor& execution_processor();
const OperationProcessor& context_processor();
const OperationProcessor& step_processor();
const OperationProcessor& wait_processor();
const OperationProcessor& callback_processor();
const OperationProcessor& chained_invoke_processor();

}  // namespace durable::emulator::detail
