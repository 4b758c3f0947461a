// WAIT: START arms a timer for WaitSeconds; the timer completes it (SUCCEEDED); CANCEL ends it.
#include <chrono>

#include "operations/operation_processor.hpp"

namespace durable::emulator::detail {
namespace {

// The service's default when a WAIT START carries no WaitOptions (PROTOCOL.md §12.19).
constexpr std::int64_t kDefaultWaitSeconds = 1;

class WaitProcessor final : public OperationProcessor {
 public:
  void validate(const OperationUpdate& u, const OpView* current) const override {
    switch (u.action) {
      case OperationAction::Start:
        if (current != nullptr) reject("Cannot start a WAIT that already exist.");
        return;
      case OperationAction::Cancel:
        if (current == nullptr || current->status != OperationStatus::Started) {
          reject("Cannot cancel a WAIT that does not exist or has already completed.");
        }
        return;
      default:
        reject("Invalid action for the given operation type.");
    }
  }

  void apply(const OperationUpdate& u, ApplyContext& ctx) const override {
    if (u.action == OperationAction::Start) {
      OpRecord& rec = create_operation(ctx.exec, u, ctx.now);
      std::int64_t seconds =
          u.wait_options ? u.wait_options->wait_seconds.value_or(kDefaultWaitSeconds)
                         : kDefaultWaitSeconds;
      Timestamp end = ctx.now + std::chrono::seconds(seconds);
      rec.wait_seconds = seconds;
      rec.op.wait_details = WaitDetails{end};
      ctx.scheduler.timers().arm(ctx.exec, TimerKind::kWaitEnd, rec.op.id, end);
      ctx.exec.history.append(EventType::WaitStarted, rec, ctx.now,
                                            WaitStartedDetails{seconds, end});
      return;
    }
    OpRecord& rec = *ctx.exec.ops.find(u.id);
    rec.op.status = OperationStatus::Cancelled;
    rec.op.end_timestamp = ctx.now;
    ctx.exec.ops.touch(rec);
    ctx.scheduler.timers().cancel(ctx.exec, TimerKind::kWaitEnd, rec.op.id);
    ErrorDetails details;
    if (u.error) details.error = EventError{u.error, {}};
    ctx.exec.history.append(EventType::WaitCancelled, rec, ctx.now, details);
  }
};

}  // namespace

const OperationProcessor& wait_processor() {
  static const WaitProcessor kProcessor;
  return kProcessor;
}

bool fire_wait_end(ExecutionRecord& exec, const std::string& op_id, Timestamp now) {
  OpRecord* rec = exec.ops.find(op_id);
  if (rec == nullptr || rec->op.status != OperationStatus::Started) return false;
  exec.mark_changed();
  rec->op.status = OperationStatus::Succeeded;
  rec->op.end_timestamp = now;
  exec.ops.touch(*rec);
  exec.history.append(EventType::WaitSucceeded, *rec, now,
                                    WaitSucceededDetails{rec->wait_seconds});
  return true;
}

}  // namespace durable::emulator::detail
