#include "durable/invocation.hpp"

#include <chrono>

#include "context_factory.hpp"
#include "durable/durable_context.hpp"
#include "durable/errors.hpp"
#include "error_conversion.hpp"
#include "execution_state.hpp"
#include "plugin_dispatcher.hpp"

namespace durable {
namespace {

using detail::ExecutionState;
using detail::Termination;

DurableExecutionInvocationOutput failed(ErrorObject error) {
  DurableExecutionInvocationOutput out;
  out.status = InvocationStatus::Failed;
  out.error = std::move(error);
  return out;
}

DurableExecutionInvocationOutput failed(std::string type, std::string message) {
  return failed(ErrorObject{std::move(type), std::move(message), std::nullopt, std::nullopt});
}

// After a service call failed: FAILED for non-retryable rejections, otherwise the failure
// leaves the invocation so that Lambda retries it.
DurableExecutionInvocationOutput service_failure(const ExecutionState& state) {
  if (state.termination() == Termination::Failed) return failed(state.failure());
  std::rethrow_exception(state.sticky_exception() ? state.sticky_exception()
                                                  : std::current_exception());
}

// Sends what is still queued; `done` is the output to return when that succeeds.
DurableExecutionInvocationOutput flush_then(ExecutionState& state,
                                            DurableExecutionInvocationOutput done) {
  try {
    state.flush();
  } catch (...) {
    return service_failure(state);
  }
  return done;
}

const Operation* execution_operation(const ExecutionState& state, const std::string& arn) {
  const auto slash = arn.rfind('/');
  if (slash != std::string::npos && slash + 1 < arn.size()) {
    const Operation* op = state.find(arn.substr(slash + 1));
    if (op && op->type == OperationType::Execution) return op;
  }
  return state.initial_execution();
}

bool is_blank(const std::string& text) {
  return text.find_first_not_of(" \t\r\n") == std::string::npos;
}

// The invocation once its state is loaded: runs the handler and settles the output.
DurableExecutionInvocationOutput execute(const Handler& handler,
                                         const DurableExecutionInvocationInput& input,
                                         const std::shared_ptr<ExecutionState>& state,
                                         const InvocationOptions& options) {
  Json event = Json::object();
  if (const Operation* exec = execution_operation(*state, input.durable_execution_arn)) {
    const auto& details = exec->execution_details;
    if (details && details->input_payload && !is_blank(*details->input_payload)) {
      try {
        event = Json::parse(*details->input_payload);
      } catch (const Json::exception& e) {
        return failed("SerDesError",
                      std::string("cannot parse the execution input (ExecutionDetails."
                                  "InputPayload of operation ") +
                          exec->id + ") as JSON: " + e.what());
      }
    }
  }

  // From here on this thread holds the SDK lock whenever it runs SDK code (see
  // ExecutionState::stop_background); the background flusher ends before the output returns.
  std::unique_lock<std::mutex> sdk_lock(state->sdk_mutex());
  struct LockScope {
    ExecutionState& state;
    std::unique_lock<std::mutex>& lock;
    std::unique_lock<std::mutex>* previous;
    ~LockScope() {
      state.stop_background(lock);
      detail::current_sdk_lock() = previous;
    }
  } lock_scope{*state, sdk_lock, detail::current_sdk_lock()};
  detail::current_sdk_lock() = &sdk_lock;
  state->set_flush_window(options.checkpoint_flush_window);

  std::optional<Json> result;
  std::exception_ptr user_error;
  {
    std::unique_ptr<DurableContext> root = detail::ContextFactory::make_root(state);
    try {
      result = handler(event, *root);
    } catch (const SuspendExecution&) {
      // Recorded on the state; handled below together with swallowed suspensions.
    } catch (...) {
      user_error = std::current_exception();
    }
  }

  // A recorded termination wins over whatever the handler did afterwards: a suspension or
  // fatal error the user caught and ignored still ends the invocation that way, and so does a
  // durable operation misused inside a step body whose failure never reached a body's end.
  state->record_misuse_failure();
  switch (state->termination()) {
    case Termination::InvocationError:
      std::rethrow_exception(state->sticky_exception());
    case Termination::Failed:
      return failed(state->failure());
    case Termination::Suspended:
      return flush_then(*state, DurableExecutionInvocationOutput{InvocationStatus::Pending,
                                                                 std::nullopt, std::nullopt});
    case Termination::None:
      break;
  }

  if (user_error) return flush_then(*state, failed(detail::error_object_from(user_error)));

  std::string text;
  try {
    text = result->dump();
  } catch (const Json::exception& e) {
    return flush_then(*state,
                      failed("SerDesError",
                             std::string("cannot serialize the handler's result: ") + e.what()));
  }

  if (text.size() > options.max_response_result_bytes) {
    // Too large for the Lambda response: the service takes the result from an EXECUTION
    // checkpoint instead, and the response carries an empty Result.
    const auto now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                            std::chrono::system_clock::now().time_since_epoch())
                            .count();
    OperationUpdate update;
    update.id = "execution-result-" + std::to_string(now_ms);
    update.type = OperationType::Execution;
    update.action = OperationAction::Succeed;
    update.payload = std::move(text);
    state->enqueue(std::move(update));
    return flush_then(*state, DurableExecutionInvocationOutput{InvocationStatus::Succeeded,
                                                               std::string(), std::nullopt});
  }
  return flush_then(*state, DurableExecutionInvocationOutput{InvocationStatus::Succeeded,
                                                             std::move(text), std::nullopt});
}

PluginInvocationStatus plugin_status(InvocationStatus status) {
  switch (status) {
    case InvocationStatus::Succeeded: return PluginInvocationStatus::Succeeded;
    case InvocationStatus::Failed: return PluginInvocationStatus::Failed;
    case InvocationStatus::Pending: return PluginInvocationStatus::Pending;
  }
  return PluginInvocationStatus::Failed;
}

}  // namespace

DurableExecutionInvocationOutput run_invocation(const Handler& handler,
                                                const DurableExecutionInvocationInput& input,
                                                CheckpointClient& client,
                                                const InvocationOptions& options) {
  if (!handler) return failed("ValidationError", "run_invocation was given an empty handler");
  if (input.durable_execution_arn.empty()) {
    return failed("InvalidEnvelopeError", "invocation envelope has an empty DurableExecutionArn");
  }
  if (options.checkpoint_flush_window.count() < 0) {
    return failed("ValidationError", "invalid InvocationOptions: checkpoint_flush_window must not "
                                     "be negative, got " +
                                         std::to_string(options.checkpoint_flush_window.count()) +
                                         " ms");
  }
  std::shared_ptr<ExecutionState> state;
  try {
    state = std::make_shared<ExecutionState>(input.durable_execution_arn, input.checkpoint_token,
                                             client, options);
  } catch (const std::invalid_argument& e) {
    return failed("ValidationError", std::string("invalid InvocationOptions: ") + e.what());
  }
  try {
    state->load_initial_state(input.initial_execution_state);
  } catch (...) {
    return service_failure(*state);
  }
  if (options.plugins.empty()) return execute(handler, input, state, options);

  auto plugins = std::make_shared<detail::PluginDispatcher>(options.plugins, state->log_core());
  state->set_plugins(plugins);
  plugins->invocation_start(*state, options.request_id,
                            input.updated_operation_ids.value_or(std::vector<std::string>{}));
  DurableExecutionInvocationOutput out;
  try {
    out = execute(handler, input, state, options);
  } catch (...) {
    // The Lambda invocation fails and is retried: the plugins see RETRY, the runtime the error.
    plugins->invocation_end(*state, PluginInvocationStatus::Retry,
                            detail::error_object_from(std::current_exception()));
    throw;
  }
  plugins->invocation_end(*state, plugin_status(out.status), out.error);
  return out;
}

namespace {

Json output_json(const DurableExecutionInvocationOutput& out) { return Json(out); }

Json envelope_failure(const std::string& message) {
  return output_json(failed("InvalidEnvelopeError", message));
}

}  // namespace

Json run_invocation(const Handler& handler, const Json& envelope, CheckpointClient& client,
                    const InvocationOptions& options) {
  Json parsed;
  const Json* doc = &envelope;
  if (envelope.is_string()) {
    try {
      parsed = Json::parse(envelope.get_ref<const std::string&>());
    } catch (const Json::parse_error& e) {
      return envelope_failure(std::string("invocation envelope is not valid JSON: ") + e.what());
    }
    doc = &parsed;
  }
  if (!doc->is_object()) {
    return envelope_failure(std::string("invocation envelope must be a JSON object, got ") +
                            doc->type_name());
  }
  if (!doc->contains("DurableExecutionArn")) {
    return envelope_failure(
        "invocation envelope is missing DurableExecutionArn (is this function invoked as a "
        "durable execution?)");
  }
  DurableExecutionInvocationInput input;
  try {
    input = doc->get<DurableExecutionInvocationInput>();
  } catch (const ModelError& e) {
    return envelope_failure("invalid invocation envelope, field " + e.field() + ": " + e.what());
  } catch (const Json::exception& e) {
    return envelope_failure(std::string("invalid invocation envelope: ") + e.what());
  }
  return output_json(run_invocation(handler, input, client, options));
}

std::string run_invocation_text(const Handler& handler, std::string_view envelope_json,
                                CheckpointClient& client, const InvocationOptions& options) {
  Json envelope;
  try {
    envelope = Json::parse(envelope_json);
  } catch (const Json::parse_error& e) {
    return envelope_failure(std::string("invocation envelope is not valid JSON: ") + e.what())
        .dump();
  }
  return run_invocation(handler, envelope, client, options).dump();
}

}  // namespace durable
