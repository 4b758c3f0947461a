// DurableContext::wait_for_condition: one STEP (SubType WaitForCondition) polled through RETRY
// updates that carry the state (PROTOCOL.md §10.2).
#include "durable/durable_context.hpp"
#include "durable/operation_id.hpp"
#include "error_conversion.hpp"
#include "execution_state.hpp"
#include "operation_support.hpp"
#include "plugin_dispatcher.hpp"

namespace durable {

detail::RawResult DurableContext::wait_for_condition_raw(OperationName name,
                                                         bool has_wait_strategy,
                                                         const detail::ConditionBody& body) {
  enter_operation("wait_for_condition");
  detail::validate_name(name);
  if (!has_wait_strategy) {
    throw ValidationError("wait_for_condition: WaitForConditionConfig.wait_strategy is required");
  }
  const detail::OpSite site{next_operation_id(), detail::normalized(name)};
  const auto update = [&](OperationAction action) {
    return detail::make_update(site, context_id_, OperationType::Step, action,
                               subtype::kWaitForCondition);
  };

  int attempt = 1;
  bool send_start = true;
  std::optional<std::string> stored_state;
  if (const Operation* op = state_->find(site.id)) {
    detail::check_replay(*state_, *op, OperationType::Step, site.name,
                         subtype::kWaitForCondition);
    const auto& details = op->step_details;
    if (details && details->attempt) attempt = static_cast<int>(*details->attempt) + 1;
    switch (op->status) {
      case OperationStatus::Succeeded: {
        std::optional<std::string> result = details ? details->result : std::nullopt;
        advance_replay();
        return {site.id, std::move(result)};
      }
      case OperationStatus::Pending:
        // The poll delay has not elapsed; the service re-invokes once the step is READY.
        state_->suspend();
      case OperationStatus::Ready:
        break;
      case OperationStatus::Started:
        // The invocation ended during a check; it runs again without a second START.
        send_start = false;
        break;
      default: {
        ErrorObject fallback{"WaitForConditionError",
                             "wait_for_condition ended with status " +
                                 std::string(to_string(op->status)),
                             std::nullopt, std::nullopt};
        ErrorObject error =
            detail::stored_or(details ? details->error : std::nullopt, fallback);
        advance_replay();
        throw WaitForConditionError(std::move(error));
      }
    }
    if (details) stored_state = details->result;
  }

  replaying_ = false;
  if (send_start) {
    OperationUpdate start = update(OperationAction::Start);
    detail::notify_operation_start(*state_, start);
    state_->enqueue(std::move(start));
  }

  detail::ConditionOutcome outcome;
  {
    WaitForConditionCheckContext check_context(
        site.id, attempt, Logger(state_->log_core(), site.id, site.name, attempt, {}));
    detail::UserFunctionRun run(*state_, site.id, OperationType::Step, subtype::kWaitForCondition,
                                site.name, context_id_, attempt, false);
    try {
      detail::StepBodyScope running(*this, *state_, site.id, site.name);
      // As for a step body: other branches' SDK code may run while the check does.
      detail::SdkLockRelease unlocked(*state_);
      outcome = body(stored_state, check_context);
    } catch (...) {
      // A suspension or fatal error raised through another context inside the check wins.
      const ErrorObject error = detail::user_code_failed(*state_, run);
      OperationUpdate fail = update(OperationAction::Fail);
      fail.error = error;
      state_->checkpoint(std::move(fail));
      const Operation* after = state_->find(site.id);
      advance_replay();
      throw WaitForConditionError(detail::stored_or(
          after && after->step_details ? after->step_details->error : std::nullopt, error));
    }
    state_->fail_if_misused();
    run.succeeded();
  }

  if (outcome.decision.should_continue) {
    OperationUpdate retry = update(OperationAction::Retry);
    retry.payload = outcome.state;
    retry.step_options = StepOptions{detail::clamp_delay_seconds(outcome.decision.delay)};
    state_->checkpoint(std::move(retry));
    state_->suspend();
  }
  OperationUpdate succeed = update(OperationAction::Succeed);
  succeed.payload = outcome.state;
  state_->checkpoint(std::move(succeed));
  return {site.id, std::move(outcome.state)};
}

}  // namespace durable
