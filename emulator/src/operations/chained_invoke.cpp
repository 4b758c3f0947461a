// CHAINED_INVOKE: START records the target and input (STARTED, ChainedInvokeStarted) and hands
// the target to the service's InvokeTargets, which runs it; the target's end completes the
// operation (complete_chained_invoke). CANCEL — sent by an SDK whose own invoke timeout won —
// makes it STOPPED (ChainedInvokeStopped, carrying the update's Error when one was sent) and
// stops the target; the caller is not re-invoked, since it asked for this itself.
#include "history.hpp"
#include "operations/operation_processor.hpp"

namespace durable::emulator::detail {
namespace {

EventType event_for(OperationStatus status) {
  switch (status) {
    case OperationStatus::Succeeded: return EventType::ChainedInvokeSucceeded;
    case OperationStatus::TimedOut: return EventType::ChainedInvokeTimedOut;
    case OperationStatus::Stopped: return EventType::ChainedInvokeStopped;
    default: return EventType::ChainedInvokeFailed;
  }
}

class ChainedInvokeProcessor final : public OperationProcessor {
 public:
  void validate(const OperationUpdate& u, const OpView* current) const override {
    switch (u.action) {
      case OperationAction::Start:
        if (current != nullptr) reject("Cannot start an INVOKE that already exist.");
        if (!u.chained_invoke_options) {
          reject("ChainedInvokeOptions is required to START a CHAINED_INVOKE.");
        }
        return;
      case OperationAction::Cancel:
        if (current == nullptr || current->status != OperationStatus::Started) {
          reject("Cannot cancel an INVOKE that does not exist or has already completed.");
        }
        return;
      default:
        reject("Invalid action for the given operation type.");
    }
  }

  void apply(const OperationUpdate& u, ApplyContext& ctx) const override {
    if (u.action == OperationAction::Start) {
      OpRecord& rec = create_operation(ctx.exec, u, ctx.now);
      rec.op.chained_invoke_details = ChainedInvokeDetails{};
      rec.invoke_options = *u.chained_invoke_options;
      rec.invoke_input = u.payload;
      ChainedInvokeStartedDetails details;
      details.function_name = u.chained_invoke_options->function_name;
      details.tenant_id = u.chained_invoke_options->tenant_id;
      details.input = EventInput{u.payload, {}};
      if (ctx.targets != nullptr) ctx.targets->start(ctx.exec, rec, details, ctx.now);
      ctx.exec.history.append(EventType::ChainedInvokeStarted, rec, ctx.now, std::move(details));
      return;
    }
    OpRecord& rec = *ctx.exec.ops.find(u.id);
    rec.op.status = OperationStatus::Stopped;
    rec.op.end_timestamp = ctx.now;
    if (u.error) rec.op.chained_invoke_details->error = u.error;
    ctx.exec.ops.touch(rec);
    ErrorDetails details;
    if (u.error) details.error = EventError{u.error, {}};
    ctx.exec.history.append(EventType::ChainedInvokeStopped, rec, ctx.now, std::move(details));
    if (ctx.targets != nullptr) ctx.targets->cancel(ctx.exec, rec, ctx.now);
  }
};

}  // namespace

const OperationProcessor& chained_invoke_processor() {
  static const ChainedInvokeProcessor kProcessor;
  return kProcessor;
}

bool complete_chained_invoke(ExecutionRecord& exec, Scheduler& scheduler, const std::string& op_id,
                             OperationStatus status, const std::optional<std::string>& result,
                             const std::optional<ErrorObject>& error, Timestamp now) {
  if (exec.terminal()) return false;
  OpRecord* rec = exec.ops.find(op_id);
  if (rec == nullptr || rec->op.type != OperationType::ChainedInvoke ||
      rec->op.status != OperationStatus::Started) {
    return false;
  }
  exec.mark_changed();
  rec->op.status = status;
  rec->op.end_timestamp = now;
  rec->invoke_child = nullptr;
  scheduler.timers().cancel(exec, TimerKind::kInvokeTarget, op_id);
  EventDetails details;
  if (status == OperationStatus::Succeeded) {
    rec->op.chained_invoke_details->result = result;
    details = ResultDetails{EventResult{result, {}}};
  } else {
    ErrorObject e = error.value_or(ErrorObject{});
    rec->op.chained_invoke_details->error = e;
    details = ErrorDetails{EventError{std::move(e), {}}};
  }
  exec.ops.touch(*rec);
  exec.history.append(event_for(status), *rec, now, std::move(details));
  exec.note_updated(op_id);
  scheduler.request_invocation(exec);
  return true;
}

}  // namespace durable::emulator::detail
