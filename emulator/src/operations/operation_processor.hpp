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
struct OpView {
  OperationType type = OperationType::Step;
  OperationStatus status = OperationStatus::Started;
  std::optional<std::string> sub_type;
  std::optional<std::string> name;
  std::optional<std::string> parent_id;
};

struct ApplyContext {
  ExecutionRecord& exec;
  Scheduler& scheduler;
  Timestamp now;
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

// Creates the operation of `update` in the store (STARTED, StartTimestamp now).
OpRecord& create_operation(ExecutionRecord& exec, const OperationUpdate& update, Timestamp now);

const OperationProcessor& execution_processor();
const OperationProcessor& context_processor();
const OperationProcessor& step_processor();
const OperationProcessor& wait_processor();
const OperationProcessor& callback_processor();
const OperationProcessor& chained_invoke_processor();

}  // namespace durable::emulator::detail
