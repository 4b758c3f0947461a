// DurableContext::wait_for_callback: a WaitForCallback context around a callback and the step
// that submits its id (PROTOCOL.md §7.1, §10.3).
#include "durable/durable_context.hpp"
#include "durable/operation_id.hpp"
#include "execution_state.hpp"
#include "operation_support.hpp"

namespace durable {
namespace {

constexpr std::string_view kCallbackSuffix = "create callback id";
constexpr std::string_view kSubmitterSuffix = "submitter";

// A failed WaitForCallback context stores the ErrorObject that escaped its body; which inner
// operation produced it decides the error class. The children are in the state on the first run
// and on every replay, so both paths throw the same class.
[[noreturn]] void throw_wait_for_callback_failure(const detail::ExecutionState& state,
                                                  const std::string& context_id,
                                                  const ErrorObject& error) {
  const Operation* callback = state.find(operation_id(context_id, 1));
  const Operation* submitter = state.find(operation_id(context_id, 2));
  const auto step_error = [&]() -> std::optional<ErrorObject> {
    if (submitter && submitter->status == OperationStatus::Failed && submitter->step_details) {
      return submitter->step_details->error;
    }
    return std::nullopt;
  }();
  if (step_error && *step_error == error) throw CallbackSubmitterError(error);
  if (callback) {
    switch (callback->status) {
      case OperationStatus::TimedOut:
        throw CallbackTimeoutError(error);
      case OperationStatus::Failed:
      case OperationStatus::Cancelled:
      case OperationStatus::Stopped:
        throw CallbackExternalError(error);
      default:
        break;
    }
  }
  if (submitter && submitter->status == OperationStatus::Failed) {
    throw CallbackSubmitterError(error);
  }
  throw CallbackError(error);
}

}  // namespace

detail::RawResult DurableContext::wait_for_callback_raw(
    OperationName name, Duration timeout, Duration heartbeat_timeout, RetryStrategy retry_strategy,
    const detail::Submitter& submitter, const detail::CallbackTranscoder& transcode) {
  state_->enter();
  // Everything is validated before the context exists: a ValidationError inside its body would
  // be checkpointed as the context's failure.
  detail::validate_name(name);
  detail::validate_callback_timeouts(timeout, heartbeat_timeout);
  const std::optional<std::string> outer = detail::normalized(name);

  return child_raw(
      std::move(name),
      [&](DurableContext& child) -> detail::ChildOutput {
        detail::CallbackHandle callback = child.callback_raw(
            detail::derived_name(outer, kCallbackSuffix), timeout, heartbeat_timeout);
        child.step_raw(detail::derived_name(outer, kSubmitterSuffix), retry_strategy,
                       StepSemantics::AtLeastOncePerRetry,
                       [&](StepContext& step) -> std::optional<std::string> {
                         WaitForCallbackContext context(step);
                         submitter(callback.callback_id(), context);
                         return std::nullopt;
                       });
        return detail::ChildOutput{transcode(callback.result_payload(), callback.operation_id()),
                                   std::nullopt};
      },
      subtype::kWaitForCallback,
      [this](const std::string& context_id, const ErrorObject& error) {
        throw_wait_for_callback_failure(*state_, context_id, error);
      });
}

}  // namespace durable
