#include "durable/durable_context.hpp"

#include <algorithm>
#include <chrono>
#include <utility>

#include "context_factory.hpp"
#include "durable/operation_id.hpp"
#include "error_conversion.hpp"
#include "execution_state.hpp"
#include "operation_support.hpp"
#include "plugin_dispatcher.hpp"

namespace durable {
namespace {

using detail::check_replay;
using detail::kMaxDelaySeconds;
using detail::make_update;
using detail::normalized;
using detail::OpSite;
using detail::stored_or;
using detail::validate_name;

const RetryStrategy& default_retry_strategy() {
  static const RetryStrategy strategy = retry_presets::default_strategy();
  return strategy;
}

// The failed context's error as the caller sees it: ChildContextError unless the operation
// (wait_for_callback) maps it to its own error type.
[[noreturn]] void throw_child_failure(const std::string& context_id, ErrorObject error,
                                      const detail::ChildFailure& on_failure) {
  if (on_failure) on_failure(context_id, error);
  throw ChildContextError(std::move(error));
}

}  // namespace

namespace detail {

std::unique_ptr<DurableContext> ContextFactory::make_root(std::shared_ptr<ExecutionState> state) {
  const bool replaying = state->existed_at_start(operation_id(std::nullopt, 1));
  return std::unique_ptr<DurableContext>(
      new DurableContext(std::move(state), std::nullopt, std::nullopt, replaying));
}

}  // namespace detail

DurableContext::DurableContext(std::shared_ptr<detail::ExecutionState> state,
                               std::optional<std::string> context_id,
                               std::optional<std::string> context_name, bool replaying)
    : state_(std::move(state)),
      context_id_(std::move(context_id)),
      context_name_(std::move(context_name)),
      replaying_(replaying),
      logger_(state_->log_core(), context_id_, context_name_, std::nullopt,
              [this] { return replaying_; }) {}

DurableContext::~DurableContext() = default;

void DurableContext::enter_operation(const char* operation) {
  // This thread runs a step body of this invocation: any context of it is off limits.
  for (const detail::StepBodyMark* m = detail::current_step_body(); m != nullptr; m = m->outer) {
    if (m->state == state_.get()) misused(operation, *m);
  }
  // Another thread runs a step body of this very context.
  if (running_body_.load(std::memory_order_acquire) != nullptr) {
    std::unique_lock<std::mutex> guard(body_mutex_);
    if (const detail::StepBodyMark* m = running_body_.load(std::memory_order_relaxed)) {
      misused(operation, *m);  // builds the message while the lock keeps the mark alive
    }
  }
  state_->enter();
}

void DurableContext::misused(const char* operation, const detail::StepBodyMark& body) {
  std::string step = body.step_name && *body.step_name
                         ? "step '" + **body.step_name + "' (" + *body.step_id + ")"
                         : "unnamed step " + *body.step_id;
  const OperationMisuseError error(
      std::string("durable operation ") + operation + " called while the body of " + step +
      " is running: a step body must not use a DurableContext (run the operations in a child "
      "context instead, or pass their results into the step)");
  state_->record_misuse(std::make_exception_ptr(error));
  throw error;
}

Logger& DurableContext::logger() {
  state_->enter();
  return logger_;
}

bool DurableContext::is_replaying() const { return replaying_; }

const std::string& DurableContext::execution_arn() const { return state_->execution_arn(); }

void DurableContext::advance_replay() {
  if (!replaying_ || pinned_replay_) return;
  if (next_id_.empty()) next_id_ = operation_id(context_id_, counter_ + 1);
  if (!state_->existed_at_start(next_id_)) replaying_ = false;
}

std::string DurableContext::next_operation_id() {
  ++counter_;
  if (next_id_.empty()) return operation_id(context_id_, counter_);
  return std::exchange(next_id_, std::string());
}

void DurableContext::fail_deserialization(const std::string& operation_id, const char* what) {
  const std::string message =
      "cannot deserialize the result of operation " + operation_id + ": " + what;
  state_->fail(ErrorObject{"SerDesError", message, std::nullopt, std::nullopt},
               std::make_exception_ptr(SerDesError(message)));
}

detail::RawResult DurableContext::step_raw(OperationName name, RetryStrategy strategy,
                                           StepSemantics semantics,
                                           const detail::StepBody& body) {
  enter_operation("step");
  validate_name(name);
  // Not const: its id moves into the result on the way out (one copy of a 64-character id less
  // per step run or replayed).
  OpSite site{next_operation_id(), normalized(name)};


  auto fail_attempt = [&](const ErrorObject& error, int attempt) -> detail::RawResult {
    const RetryStrategy& decide = strategy ? strategy : default_retry_strategy();
    const RetryDecision decision = decide(error, attempt);
    if (decision.should_retry) {
      OperationUpdate retry =
          make_update(site, context_id_, OperationType::Step, OperationAction::Retry, subtype::kStep);
      retry.error = error;
      retry.step_options = StepOptions{
          std::clamp<std::int64_t>(decision.delay.whole_seconds(), 1, kMaxDelaySeconds)};
      state_->checkpoint(std::move(retry));
      state_->suspend();
    }
    OperationUpdate fail =
        make_update(site, context_id_, OperationType::Step, OperationAction::Fail, subtype::kStep);
    fail.error = error;
    state_->checkpoint(std::move(fail));
    const Operation* after = state_->find(site.id);
    advance_replay();
    throw StepError(stored_or(after && after->step_details ? after->step_details->error
                                                           : std::nullopt,
                              error));
  };

  int attempt = 1;
  bool send_start = true;
  if (const Operation* op = state_->find(site.id)) {
    check_replay(*state_, *op, OperationType::Step, site.name, subtype::kStep);
    if (op->step_details && op->step_details->attempt) {
      attempt = static_cast<int>(*op->step_details->attempt) + 1;
    }
    switch (op->status) {
      case OperationStatus::Succeeded: {
        std::optional<std::string> result = op->step_details ? op->step_details->result
                                                             : std::nullopt;
        advance_replay();
        return {std::move(site.id), std::move(result)};
      }
      case OperationStatus::Pending:
        // The retry delay has not elapsed; the service re-invokes once the step is READY.
        state_->suspend();
      case OperationStatus::Ready:
        break;
      case OperationStatus::Started:
        if (semantics == StepSemantics::AtMostOncePerRetry) {
          // START was persisted before the body ran, so that attempt began and never finished.
          replaying_ = false;
          const StepInterruptedError interrupted(
              "step " + site.id + " attempt " + std::to_string(attempt) +
              " started but did not finish (the invocation ended while it ran)");
          return fail_attempt(detail::error_object_from(std::make_exception_ptr(interrupted)),
                              attempt);
        }
        send_start = false;
        break;
      default: {
        ErrorObject fallback{"StepError", "step ended with status " +
                                              std::string(to_string(op->status)),
                             std::nullopt, std::nullopt};
        ErrorObject error =
            stored_or(op->step_details ? op->step_details->error : std::nullopt, fallback);
        advance_replay();
        throw StepError(std::move(error));
      }
    }
  }

  replaying_ = false;
  if (send_start) {
    OperationUpdate start =
        make_update(site, context_id_, OperationType::Step, OperationAction::Start, subtype::kStep);
    detail::notify_operation_start(*state_, start);
    if (semantics == StepSemantics::AtMostOncePerRetry) {
      state_->checkpoint(std::move(start));
    } else {
      state_->enqueue(std::move(start));
    }
  }

  std::optional<std::string> payload;
  {
    StepContext step_context(site.id, attempt,
                             Logger(state_->log_core(), site.id, site.name, attempt, {}),
                             detail::current_stop_token());
    detail::UserFunctionRun run(*state_, site.id, OperationType::Step, subtype::kStep, site.name,
                                context_id_, attempt, false);
    try {
      detail::StepBodyScope running(*this, *state_, site.id, site.name);
      // Other branches' SDK code may run while this body does (parallel/map).
      detail::SdkLockRelease unlocked(*state_);
      payload = body(step_context);
    } catch (...) {
      // A suspension or fatal error raised through another context inside the body wins.
      return fail_attempt(detail::user_code_failed(*state_, run), attempt);
    }
    state_->fail_if_misused();
    run.succeeded();
  }

  OperationUpdate succeed =
      make_update(site, context_id_, OperationType::Step, OperationAction::Succeed, subtype::kStep);
  succeed.payload = payload;
  state_->checkpoint(std::move(succeed));
  return {std::move(site.id), std::move(payload)};
}

void DurableContext::wait(Duration duration, OperationName name) {
  enter_operation("wait");
  validate_name(name);
  if (duration < Duration::from_seconds(1)) {
    throw ValidationError("wait duration must be at least 1 second, got " + duration.to_string());
  }
  const OpSite site{next_operation_id(), normalized(name)};
  if (const Operation* op = state_->find(site.id)) {
    check_replay(*state_, *op, OperationType::Wait, site.name, subtype::kWait);
    if (is_terminal(op->status)) {
      advance_replay();
      return;
    }
    state_->suspend();
  }
  replaying_ = false;
  OperationUpdate start =
      make_update(site, context_id_, OperationType::Wait, OperationAction::Start, subtype::kWait);
  detail::notify_operation_start(*state_, start);
  start.wait_options = WaitOptions{std::min(duration.whole_seconds(), kMaxDelaySeconds)};
  state_->checkpoint(std::move(start));
  if (const Operation* op = state_->find(site.id); op && is_terminal(op->status)) return;
  state_->suspend();
}

detail::RawResult DurableContext::child_raw(OperationName name, const detail::ChildBody& body,
                                            std::string_view sub_type,
                                            const detail::ChildFailure& on_failure) {
  enter_operation(sub_type == subtype::kRunInChildContext ? "run_in_child_context"
                                                          : "a child context");
  validate_name(name);
  const OpSite site{next_operation_id(), normalized(name)};
  return child_raw_at(site, body, sub_type, on_failure);
}

detail::RawResult DurableContext::child_raw_at(const OpSite& site, const detail::ChildBody& body,
                                               std::string_view sub_type,
                                               const detail::ChildFailure& on_failure) {
  bool rebuild = false;  // SUCCEEDED with ReplayChildren: re-run the body, checkpoint nothing
  bool child_replaying = false;
  if (const Operation* op = state_->find(site.id)) {
    check_replay(*state_, *op, OperationType::Context, site.name, sub_type);
    const auto& details = op->context_details;
    if (op->status == OperationStatus::Succeeded) {
      if (!(details && details->replay_children.value_or(false))) {
        std::optional<std::string> result = details ? details->result : std::nullopt;
        advance_replay();
        return {site.id, std::move(result)};
      }
      rebuild = true;
      child_replaying = true;
    } else if (is_terminal(op->status)) {
      ErrorObject fallback{"ChildContextError",
                           "child context ended with status " + std::string(to_string(op->status)),
                           std::nullopt, std::nullopt};
      ErrorObject error = stored_or(details ? details->error : std::nullopt, fallback);
      advance_replay();
      throw_child_failure(site.id, std::move(error), on_failure);
    } else {
      // STARTED: an earlier invocation suspended inside; the body resumes from its checkpoints.
      child_replaying = state_->existed_at_start(operation_id(site.id, 1));
    }
  } else {
    replaying_ = false;
    OperationUpdate start =
        make_update(site, context_id_, OperationType::Context, OperationAction::Start, sub_type);
    detail::notify_operation_start(*state_, start);
    state_->enqueue(std::move(start));
  }

  DurableContext child(state_, site.id, site.name, child_replaying);
  child.pinned_replay_ = rebuild;
  detail::ChildOutput out;
  detail::UserFunctionRun run(*state_, site.id, OperationType::Context, sub_type, site.name,
                              context_id_, std::nullopt, child_replaying);
  try {
    out = body(child);
  } catch (...) {
    const ErrorObject error = detail::user_code_failed(*state_, run);
    if (rebuild) throw;  // the context already succeeded; nothing may be checkpointed for it
    OperationUpdate fail = make_update(site, context_id_, OperationType::Context,
                                       OperationAction::Fail, sub_type);
    fail.error = error;
    state_->checkpoint(std::move(fail));
    const Operation* after = state_->find(site.id);
    advance_replay();
    throw_child_failure(site.id,
                        stored_or(after && after->context_details ? after->context_details->error
                                                                  : std::nullopt,
                                  error),
                        on_failure);
  }

  run.succeeded();
  if (rebuild) {
    advance_replay();
    return {site.id, std::move(out.payload)};
  }
  OperationUpdate succeed = make_update(site, context_id_, OperationType::Context,
                                        OperationAction::Succeed, sub_type);
  if (out.payload && out.payload->size() > detail::kChildResultInlineLimit) {
    succeed.payload = out.summary.value_or("");
    succeed.context_options = ContextOptions{true};
  } else {
    succeed.payload = out.payload;
  }
  if (sub_type == subtype::kMapIteration || sub_type == subtype::kParallelBranch) {
    // A batch item's SUCCEED is queued, as the TypeScript SDK does (it does not await a child
    // context's SUCCEED): the next synchronous checkpoint carries it (another item's step, the
    // batch's own SUCCEED, or the background flusher), so short items cost one request each,
    // not two. Nothing reads it back: the result returned is the local one. Lost in a crash, it
    // only makes the item replay from its checkpointed operations.
    state_->enqueue(std::move(succeed));
  } else {
    state_->checkpoint(std::move(succeed));
  }
  // A context resumed from STARTED leaves the parent in replay mode until here.
  advance_replay();
  return {site.id, std::move(out.payload)};
}

}  // namespace durable
