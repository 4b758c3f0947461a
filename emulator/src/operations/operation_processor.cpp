#include "operations/operation_processor.hpp"

namespace durable::emulator::detail {

const OperationProcessor& processor_for(OperationType type) {
  switch (type) {
    case OperationType::Execution: return execution_processor();
    case OperationType::Context: return context_processor();
    case OperationType::Step: return step_processor();
    case OperationType::Wait: return wait_processor();
    case OperationType::Callback: return callback_processor();
    case OperationType::ChainedInvoke: return chained_invoke_processor();
  }
  reject("Unknown operation type.");
}

OperationStatus status_after(const OperationUpdate& update) {
  switch (update.action) {
    case OperationAction::Start: return OperationStatus::Started;
    case OperationAction::Succeed: return OperationStatus::Succeeded;
    case OperationAction::Fail: return OperationStatus::Failed;
    case OperationAction::Retry: return OperationStatus::Pending;
    case OperationAction::Cancel:
      return update.type == OperationType::ChainedInvoke ? OperationStatus::Stopped
                                                         : OperationStatus::Cancelled;
  }
  return OperationStatus::Started;
}

void reject(const char* message) { throw ApiError::invalid_parameter(message); }

OpRecord& create_operation(ExecutionRecord& exec, const OperationUpdate& update, Timestamp now) {
  Operation op;
  op.id = update.id;
  op.parent_id = update.parent_id;
  op.name = update.name;
  op.type = update.type;
  op.sub_type = update.sub_type;
  op.start_timestamp = now;
  op.status = OperationStatus::Started;
  exec.mark_changed();
  return exec.ops.create(std::move(op));
}

}  // namespace durable::emulator::detail
