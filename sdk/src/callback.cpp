// DurableContext::create_callback and Callback::result (SDK-SEMANTICS.md §3.4, PROTOCOL.md §8.1).
#include "durable/callback.hpp"

#include "durable/durable_context.hpp"
#include "durable/operation_id.hpp"
#include "execution_state.hpp"
#include "operation_support.hpp"
#include "plugin_dispatcher.hpp"

namespace durable {
namespace detail {
namespace {

void validate_callback_timeout(const char* field, Duration value) {
  if (!value.is_zero() && value < Duration::from_seconds(1)) {
    throw ValidationError(std::string("callback ") + field +
                          " must be zero (no limit) or at least 1 second, got " +
                          value.to_string());
  }
}

}  // namespace

void validate_callback_timeouts(Duration timeout, Duration heartbeat_timeout) {
  validate_callback_timeout("timeout", timeout);
  validate_callback_timeout("heartbeat_timeout", heartbeat_timeout);
}

CallbackHandle::CallbackHandle(std::shared_ptr<ExecutionState> state, std::string operation_id,
                               std::string callback_id)
    : state_(std::move(state)),
      operation_id_(std::move(operation_id)),
      callback_id_(std::move(callback_id)) {}

const std::string& CallbackHandle::execution_arn() const { return state_->execution_arn(); }

std::optional<std::string> CallbackHandle::result_payload() const {
  state_->enter();
  const Operation* op = state_->find(operation_id_);
  if (op == nullptr) state_->suspend();
  const std::optional<ErrorObject> stored =
      op->callback_details ? op->callback_details->error : std::nullopt;
  switch (op->status) {
    case OperationStatus::Succeeded:
      return op->callback_details ? op->callback_details->result : std::nullopt;
    case OperationStatus::TimedOut:
      throw CallbackTimeoutError(stored_or(
          stored, ErrorObject{kCallbackTimeoutErrorType, "Callback timed out", std::nullopt,
                              std::nullopt}));
    case OperationStatus::Failed:
    case OperationStatus::Cancelled:
    case OperationStatus::Stopped: {
      ErrorObject error = stored_or(stored, ErrorObject{});
      // The external system may send a failure without any field; keep the error readable.
      if (!error.error_type) error.error_type = "CallbackExternalError";
      if (!error.error_message) {
        error.error_message = "callback " + callback_id_ + " ended with status " +
                              std::string(to_string(op->status));
      }
      throw CallbackExternalError(std::move(error));
    }
    default:
      state_->suspend();
  }
}

void CallbackHandle::fail_deserialization(const char* what) const {
  const std::string message =
      "cannot deserialize the result of callback " + operation_id_ + ": " + what;
  state_->fail(ErrorObject{"SerDesError", message, std::nullopt, std::nullopt},
               std::make_exception_ptr(SerDesError(message)));
}

}  // namespace detail

detail::CallbackHandle DurableContext::callback_raw(OperationName name, Duration timeout,
                                                    Duration heartbeat_timeout) {
  enter_operation("create_callback");
  detail::validate_name(name);
  detail::validate_callback_timeouts(timeout, heartbeat_timeout);
  const detail::OpSite site{next_operation_id(), detail::normalized(name)};

  if (const Operation* op = state_->find(site.id)) {
    detail::check_replay(*state_, *op, OperationType::Callback, site.name, subtype::kCallback);
  } else {
    replaying_ = false;
    OperationUpdate start = detail::make_update(site, context_id_, OperationType::Callback,
                                                OperationAction::Start, subtype::kCallback);
    if (!timeout.is_zero() || !heartbeat_timeout.is_zero()) {
      CallbackOptions options;
      if (!timeout.is_zero()) {
        options.timeout_seconds = std::min(timeout.whole_seconds(), detail::kMaxDelaySeconds);
      }
      if (!heartbeat_timeout.is_zero()) {
        options.heartbeat_timeout_seconds =
            std::min(heartbeat_timeout.whole_seconds(), detail::kMaxDelaySeconds);
      }
      start.callback_options = options;
    }
    detail::notify_operation_start(*state_, start);
    // Synchronous: the service mints the callback id, which the caller needs right away.
    state_->checkpoint(std::move(start));
  }
  const Operation* op = state_->find(site.id);
  std::string callback_id =
      op && op->callback_details ? op->callback_details->callback_id.value_or("") : "";
  if (callback_id.empty()) {
    const std::string message = "the service returned no CallbackId for callback operation " +
                                site.id;
    state_->fail(ErrorObject{"InvalidStateError", message, std::nullopt, std::nullopt},
                 std::make_exception_ptr(std::runtime_error(message)));
  }
  advance_replay();
  return detail::CallbackHandle(state_, site.id, std::move(callback_id));
}

}  // namespace durable
