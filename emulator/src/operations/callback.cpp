// CALLBACK: START mints a routable CallbackId and arms the timeout and heartbeat timers; an
// external system completes the callback later through the callback API (complete_callback,
// heartbeat_callback), or a timer times it out.
#include <chrono>

#include "operations/operation_processor.hpp"
#include "tokens.hpp"

namespace durable::emulator::detail {
namespace {

class CallbackProcessor final : public OperationProcessor {
 public:
  void validate(const OperationUpdate& u, const OpView* current) const override {
    if (u.action != OperationAction::Start) reject("Invalid action for the given operation type.");
    if (current != nullptr) reject("Cannot start a CALLBACK that already exist.");
  }

  void apply(const OperationUpdate& u, ApplyContext& ctx) const override {
    OpRecord& rec = create_operation(ctx.exec, u, ctx.now);
    std::string callback_id = make_callback_id(ctx.exec.arn, rec.op.id);
    rec.op.callback_details = CallbackDetails{};
    rec.op.callback_details->callback_id = callback_id;
    CallbackStartedDetails details;
    details.callback_id = callback_id;
    if (u.callback_options) {
      details.timeout = u.callback_options->timeout_seconds;
      details.heartbeat_timeout = u.callback_options->heartbeat_timeout_seconds;
      // Zero means "no timeout" on the real service.
      std::int64_t timeout = u.callback_options->timeout_seconds.value_or(0);
      if (timeout > 0) {
        ctx.scheduler.timers().arm(ctx.exec, TimerKind::kCallbackTimeout, rec.op.id,
                                   ctx.now + std::chrono::seconds(timeout));
      }
      rec.heartbeat_seconds = u.callback_options->heartbeat_timeout_seconds.value_or(0);
      if (rec.heartbeat_seconds > 0) {
        ctx.scheduler.timers().arm(ctx.exec, TimerKind::kCallbackHeartbeat, rec.op.id,
                                   ctx.now + std::chrono::seconds(rec.heartbeat_seconds));
      }
    }
    ctx.exec.history.append(EventType::CallbackStarted, rec, ctx.now, std::move(details));
  }
};

}  // namespace

const OperationProcessor& callback_processor() {
  static const CallbackProcessor kProcessor;
  return kProcessor;
}

bool fire_callback_timeout(ExecutionRecord& exec, Scheduler& scheduler, const std::string& op_id,
                           bool heartbeat, Timestamp now) {
  OpRecord* rec = exec.ops.find(op_id);
  if (rec == nullptr || rec->op.status != OperationStatus::Started) return false;
  exec.mark_changed();
  ErrorObject error;
  error.error_type = heartbeat ? "Callback.Heartbeat" : "Callback.Timeout";
  error.error_message = heartbeat ? "Callback timed out on heartbeat" : "Callback timed out";
  rec->op.status = OperationStatus::TimedOut;
  rec->op.end_timestamp = now;
  rec->op.callback_details->error = error;
  exec.ops.touch(*rec);
  scheduler.timers().cancel(exec, heartbeat ? TimerKind::kCallbackTimeout
                                            : TimerKind::kCallbackHeartbeat,
                            op_id);
  exec.history.append(EventType::CallbackTimedOut, *rec, now,
                                    ErrorDetails{EventError{error, {}}});
  return true;
}

void complete_callback(ExecutionRecord& exec, Scheduler& scheduler, OpRecord& rec,
                       OperationStatus status, std::optional<std::string> result,
                       std::optional<ErrorObject> error, Timestamp now) {
  exec.mark_changed();
  rec.op.status = status;
  rec.op.end_timestamp = now;
  EventDetails details;
  if (status == OperationStatus::Succeeded) {
    rec.op.callback_details->result = result;
    details = ResultDetails{EventResult{std::move(result), {}}};
  } else {
    // The failure body may be empty: the event still carries an (empty) error object.
    ErrorObject e = error.value_or(ErrorObject{});
    rec.op.callback_details->error = e;
    details = ErrorDetails{EventError{std::move(e), {}}};
  }
  exec.ops.touch(rec);
  scheduler.timers().cancel(exec, TimerKind::kCallbackTimeout, rec.op.id);
  scheduler.timers().cancel(exec, TimerKind::kCallbackHeartbeat, rec.op.id);
  exec.history.append(status == OperationStatus::Succeeded
                                        ? EventType::CallbackSucceeded
                                        : EventType::CallbackFailed,
                                    rec, now, std::move(details));
  exec.note_updated(rec.op.id);
  scheduler.request_invocation(exec);
}

void heartbeat_callback(ExecutionRecord& exec, Scheduler& scheduler, OpRecord& rec,
                        Timestamp now) {
  if (rec.heartbeat_seconds <= 0) return;
  scheduler.timers().arm(exec, TimerKind::kCallbackHeartbeat, rec.op.id,
                         now + std::chrono::seconds(rec.heartbeat_seconds));
}

}  // namespace durable::emulator::detail
