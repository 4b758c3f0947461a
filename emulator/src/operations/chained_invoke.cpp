// CHAINED_INVOKE: START records the target and input (STARTED, ChainedInvokeStarted); CANCEL
// stops it. Running the target is the job of a later component that reads OpRecord's
// invoke_options/invoke_input.
#include "operations/operation_processor.hpp"

namespace durable::emulator::detail {
namespace {

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
      ctx.exec.history.append(
          make_op_event(EventType::ChainedInvokeStarted, rec.op, ctx.now, std::move(details)));
      return;
    }
    OpRecord& rec = *ctx.exec.ops.find(u.id);
    rec.op.status = OperationStatus::Stopped;
    rec.op.end_timestamp = ctx.now;
    if (u.error) rec.op.chained_invoke_details->error = u.error;
    ctx.exec.ops.touch(rec);
    ErrorDetails details;
    if (u.error) details.error = EventError{u.error, {}};
    ctx.exec.history.append(
        make_op_event(EventType::ChainedInvokeStopped, rec.op, ctx.now, std::move(details)));
  }
};

}  // namespace

const OperationProcessor& chained_invoke_processor() {
  static const ChainedInvokeProcessor kProcessor;
  return kProcessor;
}

}  // namespace durable::emulator::detail
