#include "invocation_output.hpp"

namespace durable::emulator::detail {
namespace {

// The ErrorType of output-rule violations: the service rejects the output the way it rejects a
// bad API parameter.
constexpr const char* kRuleErrorType = "InvalidParameterValueException";

InvocationVerdict invocation_failed(std::string type, std::string message) {
  InvocationVerdict v;
  v.kind = InvocationVerdict::Kind::kInvocationFailed;
  v.error = ErrorObject{};
  v.error->error_type = std::move(type);
  v.error->error_message = std::move(message);
  return v;
}

}  // namespace

bool has_pending_work(const ExecutionRecord& exec) {
  if (exec.reinvoke_after_current) return true;
  for (std::size_t i = 0; i < exec.ops.size(); ++i) {
    const Operation& op = exec.ops.at(i).op;
    switch (op.type) {
      case OperationType::Step:
        if (op.status == OperationStatus::Pending || op.status == OperationStatus::Ready) {
          return true;
        }
        break;
      case OperationType::Wait:
      case OperationType::Callback:
      case OperationType::ChainedInvoke:
        if (op.status == OperationStatus::Started) return true;
        break;
      case OperationType::Execution:
      case OperationType::Context:
        break;
    }
  }
  return false;
}

InvocationVerdict judge_invocation(const ExecutionRecord& exec, const InvocationOutcome& outcome) {
  if (outcome.error) {
    InvocationVerdict v;
    v.kind = InvocationVerdict::Kind::kInvocationFailed;
    v.error = outcome.error;
    return v;
  }
  if (!outcome.output) {
    return invocation_failed("Runtime.InvalidResponse",
                             "The invocation returned neither an output nor an error.");
  }
  const DurableExecutionInvocationOutput& out = *outcome.output;
  InvocationVerdict v;
  switch (out.status) {
    case InvocationStatus::Succeeded:
      if (out.error) {
        return invocation_failed(kRuleErrorType, "Cannot provide an Error for SUCCEEDED status.");
      }
      v.kind = InvocationVerdict::Kind::kSucceeded;
      v.result = out.result;
      return v;
    case InvocationStatus::Failed:
      if (out.result) {
        return invocation_failed(kRuleErrorType, "Cannot provide a Result for FAILED status.");
      }
      v.kind = InvocationVerdict::Kind::kFailed;
      v.error = out.error.value_or(ErrorObject{});
      return v;
    case InvocationStatus::Pending:
      if (!has_pending_work(exec)) {
        return invocation_failed(kRuleErrorType,
                                 "Cannot return PENDING status with no pending operations.");
      }
      v.kind = InvocationVerdict::Kind::kPending;
      return v;
  }
  return invocation_failed(kRuleErrorType, "Response status is required");
}

}  // namespace durable::emulator::detail
