// DurableContext::invoke: a chained invoke of another Lambda function, with the optional
// companion timer that implements InvokeConfig::timeout (DESIGN.md §4).
#include <algorithm>
#include <cctype>

#include "durable/durable_context.hpp"
#include "durable/operation_id.hpp"
#include "execution_state.hpp"
#include "operation_support.hpp"
#include "plugin_dispatcher.hpp"

namespace durable {
namespace {

using detail::OpSite;

void validate_request(const detail::InvokeRequest& request) {
  if (request.function_name.empty()) {
    throw ValidationError("invoke: function_name must not be empty");
  }
  if (request.function_name.size() > detail::kMaxNameLength) {
    throw ValidationError("invoke: function_name is " +
                          std::to_string(request.function_name.size()) +
                          " characters long; at most 256 are allowed");
  }
  if (request.timeout && *request.timeout < Duration::from_seconds(1)) {
    throw ValidationError("invoke of function '" + request.function_name +
                          "': timeout must be at least 1 second, got " +
                          request.timeout->to_string());
  }
  if (request.tenant_id) {
    const std::string& tenant = *request.tenant_id;
    if (tenant.empty() || tenant.size() > detail::kMaxNameLength) {
      throw ValidationError("invoke of function '" + request.function_name +
                            "': tenant_id must be 1..256 characters long, got " +
                            std::to_string(tenant.size()));
    }
    constexpr std::string_view kTenantPunctuation = "._:/=+-@ ";
    for (char c : tenant) {
      const bool ok = std::isalnum(static_cast<unsigned char>(c)) != 0 ||
                      kTenantPunctuation.find(c) != std::string_view::npos;
      if (!ok) {
        throw ValidationError("invoke of function '" + request.function_name + "': tenant_id \"" +
                              tenant + "\" contains '" + std::string(1, c) +
                              "'; only letters, digits, space and ._:/=+-@ are allowed");
      }
    }
  }
}

bool contains_timed_out(const std::string& text) {
  std::string lower(text);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return lower.find("timed out") != std::string::npos;
}

ErrorObject timer_error(const detail::InvokeRequest& request, std::int64_t seconds) {
  return ErrorObject{kInvokeTimeoutErrorType,
                     "invoke of function '" + request.function_name + "' timed out after " +
                         std::to_string(seconds) + " seconds",
                     std::nullopt, std::nullopt};
}

// The error a finished, unsuccessful invoke surfaces as.
ErrorObject invoke_failure(const Operation& op, const detail::InvokeRequest& request) {
  std::optional<ErrorObject> stored =
      op.chained_invoke_details ? op.chained_invoke_details->error : std::nullopt;
  const std::string target = "invoke of function '" + request.function_name + "'";
  if (op.status == OperationStatus::TimedOut) {
    ErrorObject error = stored.value_or(ErrorObject{});
    if (!error.error_type) error.error_type = kInvokeTimeoutErrorType;
    const std::string message = error.error_message.value_or("");
    // Callers recognise timeouts by the words "timed out" in the message (invoke documentation).
    if (!contains_timed_out(message)) {
      error.error_message = target + " timed out" + (message.empty() ? "" : ": " + message);
    }
    return error;
  }
  const std::string what =
      op.status == OperationStatus::Failed ? " failed" : " ended with status " +
                                                             std::string(to_string(op.status));
  return detail::stored_or(stored, ErrorObject{"InvokeError", target + what, std::nullopt,
                                               std::nullopt});
}

bool is_own_timeout_cancel(const Operation& invoke) {
  return invoke.status == OperationStatus::Stopped && invoke.chained_invoke_details &&
         invoke.chained_invoke_details->error &&
         invoke.chained_invoke_details->error->error_type == kInvokeTimeoutErrorType;
}

enum class Winner { None, Invoke, Timer };

// Who won the race between the invoke and its timer, from the current state alone, so that
// every replay reaches the same verdict.
Winner decide(const Operation& invoke, const Operation* timer) {
  const bool invoke_done = is_terminal(invoke.status);
  const bool timer_done = timer && timer->status == OperationStatus::Succeeded;
  if (invoke_done && timer_done) {
    if (is_own_timeout_cancel(invoke)) return Winner::Timer;
    if (invoke.end_timestamp && timer->end_timestamp &&
        *timer->end_timestamp < *invoke.end_timestamp) {
      return Winner::Timer;
    }
    return Winner::Invoke;
  }
  if (invoke_done) return Winner::Invoke;
  if (timer_done) return Winner::Timer;
  return Winner::None;
}

}  // namespace

detail::RawResult DurableContext::invoke_raw(OperationName name,
                                             const detail::InvokeRequest& request,
                                             const detail::PayloadEncoder& encode_payload) {
  enter_operation("invoke");
  detail::validate_name(name);
  validate_request(request);
  const OpSite site{next_operation_id(), detail::normalized(name)};
  const std::int64_t timeout_seconds =
      request.timeout ? std::min(request.timeout->whole_seconds(), detail::kMaxDelaySeconds) : 0;
  const OpSite timer_site{operation_id(site.id, 1), detail::derived_name(site.name, "timeout")};

  if (const Operation* op = state_->find(site.id)) {
    detail::check_replay(*state_, *op, OperationType::ChainedInvoke, site.name,
                         subtype::kChainedInvoke);
    if (const Operation* timer = request.timeout ? state_->find(timer_site.id) : nullptr) {
      detail::check_replay(*state_, *timer, OperationType::Wait, timer_site.name, subtype::kWait);
    }
  } else {
    std::string payload;
    try {
      payload = encode_payload(site.id);
    } catch (const SerDesError& e) {
      state_->fail(ErrorObject{"SerDesError", e.what(), std::nullopt, std::nullopt},
                   std::current_exception());
    }
    replaying_ = false;
    OperationUpdate start = detail::make_update(site, context_id_, OperationType::ChainedInvoke,
                                                OperationAction::Start, subtype::kChainedInvoke);
    start.payload = std::move(payload);
    start.chained_invoke_options = ChainedInvokeOptions{request.function_name, request.tenant_id};
    detail::notify_operation_start(*state_, start);
    state_->enqueue(std::move(start));
    if (request.timeout) {
      OperationUpdate timer = detail::make_update(timer_site, context_id_, OperationType::Wait,
                                                  OperationAction::Start, subtype::kWait);
      timer.wait_options = WaitOptions{timeout_seconds};
      detail::notify_operation_start(*state_, timer);
      state_->enqueue(std::move(timer));
    }
    state_->flush();
  }

  const Operation* op = state_->find(site.id);
  if (op == nullptr) state_->suspend();  // the service has not recorded it yet
  const Operation* timer = request.timeout ? state_->find(timer_site.id) : nullptr;
  switch (decide(*op, timer)) {
    case Winner::None:
      state_->suspend();
    case Winner::Timer: {
      const ErrorObject error = timer_error(request, timeout_seconds);
      if (op->status == OperationStatus::Started) {
        OperationUpdate cancel = detail::make_update(site, context_id_, OperationType::ChainedInvoke,
                                                     OperationAction::Cancel,
                                                     subtype::kChainedInvoke);
        cancel.error = error;
        state_->checkpoint(std::move(cancel));
        op = state_->find(site.id);
      }
      advance_replay();
      throw InvokeError(is_own_timeout_cancel(*op) ? *op->chained_invoke_details->error : error);
    }
    case Winner::Invoke:
      break;
  }
  if (timer && timer->status == OperationStatus::Started) {
    state_->enqueue(detail::make_update(timer_site, context_id_, OperationType::Wait,
                                        OperationAction::Cancel, subtype::kWait));
  }
  advance_replay();
  if (op->status != OperationStatus::Succeeded) throw InvokeError(invoke_failure(*op, request));
  return {site.id, op->chained_invoke_details ? op->chained_invoke_details->result : std::nullopt};
}

}  // namespace durable
