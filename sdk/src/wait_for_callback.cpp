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

// The service hides a completed context's children, so a replay of a failed WaitForCallback
// context sees only the context's own ErrorObject. The error class that escaped the body is
// therefore written into that ErrorObject: an external failure or a submitter failure gets a
// class tag in front of its ErrorType ("CallbackExternalError:<type>"); timeouts are already
// told apart by their own ErrorType ("Callback.Timeout", "Callback.Heartbeat"). The user's
// error keeps its original type: the tag is removed before the error is thrown.
constexpr std::string_view kExternalTag = "CallbackExternalError:";
constexpr std::string_view kSubmitterTag = "CallbackSubmitterError:";

ErrorObject tagged(std::string_view tag, ErrorObject error) {
  error.error_type = std::string(tag) + error.error_type.value_or("");
  return error;
}

// Removes `tag` from the error's type; false when the error does not carry it.
bool untag(std::string_view tag, ErrorObject& error) {
  if (!error.error_type || !error.error_type->starts_with(tag)) return false;
  std::string original = error.error_type->substr(tag.size());
  if (original.empty()) {
    error.error_type.reset();
  } else {
    error.error_type = std::move(original);
  }
  return true;
}

// Throws the CallbackError subclass for a failed WaitForCallback context. The class comes from
// the tag when there is one (this SDK always writes it); an ErrorObject without a tag (a history
// written by another SDK) is classified by the children when the state still holds them, then by
// the timeout error types, and otherwise surfaces as the base CallbackError.
[[noreturn]] void throw_wait_for_callback_failure(const detail::ExecutionState& state,
                                                  const std::string& context_id,
                                                  ErrorObject error) {
  if (untag(kExternalTag, error)) throw CallbackExternalError(std::move(error));
  if (untag(kSubmitterTag, error)) throw CallbackSubmitterError(std::move(error));
  if (error.error_type == kCallbackTimeoutErrorType ||
      error.error_type == kCallbackHeartbeatErrorType) {
    throw CallbackTimeoutError(std::move(error));
  }
  const Operation* callback = state.find(operation_id(context_id, 1));
  const Operation* submitter = state.find(operation_id(context_id, 2));
  if (submitter && submitter->status == OperationStatus::Failed) {
    throw CallbackSubmitterError(std::move(error));
  }
  if (callback) {
    switch (callback->status) {
      case OperationStatus::TimedOut:
        throw CallbackTimeoutError(std::move(error));
      case OperationStatus::Failed:
      case OperationStatus::Cancelled:
      case OperationStatus::Stopped:
        throw CallbackExternalError(std::move(error));
      default:
        break;
    }
  }
  throw CallbackError(std::move(error));
}

}  // namespace

detail::RawResult DurableContext::wait_for_callback_raw(
    OperationName name, Duration timeout, Duration heartbeat_timeout, RetryStrategy retry_strategy,
    const detail::Submitter& submitter, const detail::CallbackTranscoder& transcode) {
  enter_operation("wait_for_callback");
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
        try {
          child.step_raw(detail::derived_name(outer, kSubmitterSuffix), retry_strategy,
                         StepSemantics::AtLeastOncePerRetry,
                         [&](StepContext& step) -> std::optional<std::string> {
                           WaitForCallbackContext context(step);
                           submitter(callback.callback_id(), context);
                           return std::nullopt;
                         });
        } catch (const StepError& e) {
          throw CallbackSubmitterError(tagged(kSubmitterTag, e.error_object()));
        }
        std::optional<std::string> payload;
        try {
          payload = callback.result_payload();
        } catch (const CallbackExternalError& e) {
          throw CallbackExternalError(tagged(kExternalTag, e.error_object()));
        }
        return detail::ChildOutput{transcode(payload, callback.operation_id()), std::nullopt};
      },
      subtype::kWaitForCallback,
      [this](const std::string& context_id, const ErrorObject& error) {
        throw_wait_for_callback_failure(*state_, context_id, error);
      });
}

}  // namespace durable
