// STEP: START, RETRY (PENDING until NextAttemptTimestamp, then READY), SUCCEED, FAIL.
// wait_for_condition polls are RETRY updates without an Error.
#include <chrono>

#include "operations/operation_processor.hpp"

namespace durable::emulator::detail {
namespace {

bool startable_or_closable(const OpView* current) {
  return current == nullptr || current->status == OperationStatus::Started ||
         current->status == OperationStatus::Ready;
}

class StepProcessor final : public OperationProcessor {
 public:
  void validate(const OperationUpdate& u, const OpView* current) const override {
    switch (u.action) {
      case OperationAction::Start:
        if (current != nullptr && current->status != OperationStatus::Ready) {
          reject("Invalid current STEP state to start.");
        }
        return;
      case OperationAction::Succeed:
      case OperationAction::Fail:
        if (!startable_or_closable(current)) reject("Invalid current STEP state to close.");
        if (u.action == OperationAction::Fail && u.payload) {
          reject("Cannot provide a Payload for FAIL action.");
        }
        if (u.action == OperationAction::Succeed && u.error) {
          reject("Cannot provide an Error for SUCCEED action.");
        }
        return;
      case OperationAction::Retry:
        if (!startable_or_closable(current)) reject("Invalid current STEP state to re-attempt.");
        if (!u.step_options) reject("Invalid StepOptions for the given action.");
        if (u.error && u.payload) reject("Cannot provide both error and payload to RETRY a STEP.");
        return;
      case OperationAction::Cancel:
        break;
    }
    reject("Invalid action for the given operation type.");
  }

  void apply(const OperationUpdate& u, ApplyContext& ctx) const override {
    OpRecord* rec = ctx.exec.ops.find(u.id);
    if (rec == nullptr) {
      rec = &create_operation(ctx.exec, u, ctx.now);
      rec->op.step_details = StepDetails{};
      rec->op.step_details->attempt = 0;
    }
    Operation& op = rec->op;
    StepDetails& details = *op.step_details;
    ctx.exec.ops.touch(*rec);
    switch (u.action) {
      case OperationAction::Start:
        op.status = OperationStatus::Started;
        details.next_attempt_timestamp.reset();
        ctx.exec.history.append(EventType::StepStarted, *rec, ctx.now, EmptyDetails{});
        return;
      case OperationAction::Retry: {
        std::int64_t delay = u.step_options->next_attempt_delay_seconds.value_or(0);
        Timestamp next = ctx.now + std::chrono::seconds(delay);
        op.status = OperationStatus::Pending;
        op.end_timestamp.reset();
        details.attempt = details.attempt.value_or(0) + 1;
        details.next_attempt_timestamp = next;
        details.result = u.payload;
        details.error = u.error;
        ctx.scheduler.timers().arm(ctx.exec, TimerKind::kStepRetry, op.id, next);
        RetryDetails retry{details.attempt, delay};
        if (u.error) {
          ctx.exec.history.append(EventType::StepFailed, *rec, ctx.now,
                                                StepFailedDetails{EventError{u.error, {}}, retry});
        } else {
          ctx.exec.history.append(
              EventType::StepSucceeded, *rec, ctx.now,
              StepSucceededDetails{EventResult{u.payload, {}}, retry});
        }
        return;
      }
      case OperationAction::Succeed:
      case OperationAction::Fail: {
        bool ok = u.action == OperationAction::Succeed;
        op.status = ok ? OperationStatus::Succeeded : OperationStatus::Failed;
        op.end_timestamp = ctx.now;
        details.attempt = details.attempt.value_or(0) + 1;
        details.next_attempt_timestamp.reset();
        details.result = ok ? u.payload : std::nullopt;
        details.error = ok ? std::nullopt : u.error;
        ctx.scheduler.timers().cancel(ctx.exec, TimerKind::kStepRetry, op.id);
        RetryDetails retry{details.attempt, std::nullopt};
        if (ok) {
          ctx.exec.history.append(
              EventType::StepSucceeded, *rec, ctx.now,
              StepSucceededDetails{EventResult{u.payload, {}}, retry});
        } else {
          ctx.exec.history.append(
              EventType::StepFailed, *rec, ctx.now,
              StepFailedDetails{EventError{u.error.value_or(ErrorObject{}), {}}, retry});
        }
        return;
      }
      case OperationAction::Cancel:
        return;  // rejected by validate()
    }
  }
};

}  // namespace

const OperationProcessor& step_processor() {
  static const StepProcessor kProcessor;
  return kProcessor;
}

bool fire_step_retry(ExecutionRecord& exec, const std::string& op_id) {
  OpRecord* rec = exec.ops.find(op_id);
  if (rec == nullptr || rec->op.status != OperationStatus::Pending) return false;
  exec.mark_changed();
  // PENDING → READY records no history event (PROTOCOL.md §6.2).
  rec->op.status = OperationStatus::Ready;
  if (rec->op.step_details) rec->op.step_details->next_attempt_timestamp.reset();
  exec.ops.touch(*rec);
  return true;
}

}  // namespace durable::emulator::detail
