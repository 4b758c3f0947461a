// EXECUTION updates: a handler finishing the execution through a checkpoint (large results,
// PROTOCOL.md §2.2). The update's Id is not the execution's; it is accepted as sent and no
// operation is created for it.
#include "execution_lifecycle.hpp"
#include "operations/operation_processor.hpp"

namespace durable::emulator::detail {
namespace {

constexpr const char* kMissingFailureDetails =
    "There is no error details but EXECUTION checkpoint action is not SUCCEED.";

class ExecutionProcessor final : public OperationProcessor {
 public:
  void validate(const OperationUpdate& u, const OpView*) const override {
    if (u.action != OperationAction::Succeed && u.action != OperationAction::Fail) {
      reject("Invalid action for the given operation type.");
    }
    if (u.action == OperationAction::Succeed && u.error) {
      reject("Cannot provide an Error for SUCCEED action.");
    }
    if (u.action == OperationAction::Fail && u.payload) {
      reject("Cannot provide a Payload for FAIL action.");
    }
  }

  void apply(const OperationUpdate& u, ApplyContext& ctx) const override {
    if (u.action == OperationAction::Succeed) {
      finish_execution(ctx.exec, ExecutionStatus::Succeeded, u.payload, std::nullopt, ctx.now,
                       ctx.scheduler);
      return;
    }
    ErrorObject error = u.error.value_or(ErrorObject{});
    if (!u.error) error.error_message = kMissingFailureDetails;
    finish_execution(ctx.exec, ExecutionStatus::Failed, std::nullopt, std::move(error), ctx.now,
                     ctx.scheduler);
  }
};

}  // namespace

const OperationProcessor& execution_processor() {
  static const ExecutionProcessor kProcessor;
  return kProcessor;
}

}  // namespace durable::emulator::detail
