// CONTEXT: child contexts (run_in_child_context, map, parallel and their items). A context that
// succeeds with ReplayChildren keeps its children visible in state (see state_view.hpp).
#include "operations/operation_processor.hpp"

namespace durable::emulator::detail {
namespace {

class ContextProcessor final : public OperationProcessor {
 public:
  void validate(const OperationUpdate& u, const OpView* current) const override {
    switch (u.action) {
      case OperationAction::Start:
        if (current != nullptr) reject("Cannot start a CONTEXT that already exist.");
        return;
      case OperationAction::Succeed:
      case OperationAction::Fail:
        if (current != nullptr && current->status != OperationStatus::Started) {
          reject("Invalid current CONTEXT state to close.");
        }
        if (u.action == OperationAction::Fail && u.payload) {
          reject("Cannot provide a Payload for FAIL action.");
        }
        if (u.action == OperationAction::Succeed && u.error) {
          reject("Cannot provide an Error for SUCCEED action.");
        }
        return;
      default:
        reject("Invalid action for the given operation type.");
    }
  }

  void apply(const OperationUpdate& u, ApplyContext& ctx) const override {
    std::optional<bool> replay_children;
    if (u.context_options) replay_children = u.context_options->replay_children;
    if (u.action == OperationAction::Start) {
      OpRecord& rec = create_operation(ctx.exec, u, ctx.now);
      rec.op.context_details = ContextDetails{};
      rec.op.context_details->replay_children = replay_children.value_or(false);
      ctx.exec.history.append(EventType::ContextStarted, rec, ctx.now, EmptyDetails{});
      return;
    }
    OpRecord* rec = ctx.exec.ops.find(u.id);
    if (rec == nullptr) {
      rec = &create_operation(ctx.exec, u, ctx.now);
      rec->op.context_details = ContextDetails{};
    }
    Operation& op = rec->op;
    ContextDetails& details = *op.context_details;
    // An absent ContextOptions keeps what START recorded.
    if (replay_children) details.replay_children = *replay_children;
    if (!details.replay_children) details.replay_children = false;
    op.end_timestamp = ctx.now;
    ctx.exec.ops.touch(*rec);
    if (u.action == OperationAction::Succeed) {
      op.status = OperationStatus::Succeeded;
      details.result = u.payload;
      ctx.exec.history.append(EventType::ContextSucceeded, *rec, ctx.now,
                                            ResultDetails{EventResult{u.payload, {}}});
    } else {
      op.status = OperationStatus::Failed;
      details.error = u.error;
      ctx.exec.history.append(EventType::ContextFailed, *rec, ctx.now,
                        ErrorDetails{EventError{u.error.value_or(ErrorObject{}), {}}});
    }
  }
};

}  // namespace

const OperationProcessor& context_processor() {
  static const ContextProcessor kProcessor;
  return kProcessor;
}

}  // namespace durable::emulator::detail
