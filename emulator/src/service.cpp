#include "durable/emulator/service.hpp"

#include <mutex>
#include <random>
#include <sstream>
#include <unordered_map>
#include <unordered_set>

#include "checkpoint_processor.hpp"
#include "execution_lifecycle.hpp"
#include "field_validation.hpp"
#include "history.hpp"
#include "invocation_output.hpp"
#include "operations/operation_processor.hpp"
#include "scheduler.hpp"
#include "state_view.hpp"
#include "tokens.hpp"

namespace durable::emulator {

using detail::ExecutionRecord;
using detail::TimerKind;
using detail::TimerRef;

namespace {

constexpr const char* kInvalidToken = "Invalid checkpoint token";
constexpr const char* kInvalidMarker = "Invalid marker";
constexpr const char* kStoppedMessage = "Execution stopped by user request";
constexpr std::int64_t kMaxExecutionTimeoutSeconds = 31622400;
constexpr std::size_t kMaxStatusFilters = 10;

bool is_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_';
}

bool is_valid_execution_name(const std::string& name) {
  if (name.empty() || name.size() > 64) return false;
  for (char c : name) {
    if (!is_name_char(c)) return false;
  }
  return true;
}

// The function name alone, for ARNs and qualified names given to list_executions.
std::string bare_function_name(std::string name) {
  constexpr std::string_view kMarker = ":function:";
  if (name.starts_with("arn:")) {
    auto pos = name.find(kMarker);
    if (pos != std::string::npos) name = name.substr(pos + kMarker.size());
  }
  if (auto colon = name.find(':'); colon != std::string::npos) name.resize(colon);
  return name;
}

std::string describe_time(Timestamp t) { return std::to_string(t.time_since_epoch().count()); }

const char* timer_kind_name(TimerKind kind) {
  switch (kind) {
    case TimerKind::kWaitEnd: return "wait end";
    case TimerKind::kStepRetry: return "step retry";
    case TimerKind::kCallbackTimeout: return "callback timeout";
    case TimerKind::kCallbackHeartbeat: return "callback heartbeat timeout";
    case TimerKind::kExecutionTimeout: return "execution timeout";
    case TimerKind::kInvocationRetry: return "invocation retry";
  }
  return "timer";
}

}  // namespace

struct Service::Impl {
  Impl(std::shared_ptr<Clock> c, ServiceOptions o) : clock(std::move(c)), options(std::move(o)) {
    if (!clock) throw std::invalid_argument("Service: clock must not be null");
    if (options.initial_state_page_size == 0) options.initial_state_page_size = 1;
    std::random_device rd;
    rng.seed((static_cast<std::uint64_t>(rd()) << 32) ^ rd());
  }

  std::shared_ptr<Clock> clock;
  ServiceOptions options;
  mutable std::mutex mu;
  std::unordered_map<std::string, std::unique_ptr<ExecutionRecord>> by_arn;
  std::vector<ExecutionRecord*> in_order;
  std::unordered_set<std::string> used_names;  // "<function>/<name>"
  detail::Scheduler scheduler;
  std::uint64_t next_key = 0;
  std::size_t in_flight_count = 0;
  std::mt19937_64 rng;

  std::string uuid() {
    std::uniform_int_distribution<std::uint64_t> dist;
    std::uint64_t hi = dist(rng);
    std::uint64_t lo = dist(rng);
    hi = (hi & 0xFFFFFFFFFFFF0FFFULL) | 0x0000000000004000ULL;  // version 4
    lo = (lo & 0x3FFFFFFFFFFFFFFFULL) | 0x8000000000000000ULL;  // RFC 4122 variant
    char buf[37];
    std::snprintf(buf, sizeof buf, "%08x-%04x-%04x-%04x-%012llx",
                  static_cast<unsigned>(hi >> 32), static_cast<unsigned>((hi >> 16) & 0xFFFF),
                  static_cast<unsigned>(hi & 0xFFFF), static_cast<unsigned>(lo >> 48),
                  static_cast<unsigned long long>(lo & 0xFFFFFFFFFFFFULL));
    return buf;
  }

  ExecutionRecord& find(const std::string& arn) const {
    auto it = by_arn.find(arn);
    if (it == by_arn.end()) throw ApiError::not_found("Execution " + arn + " not found");
    return *it->second;
  }

  void check_token(const ExecutionRecord& exec, const std::string& token) const {
    if (exec.current_token.empty() || token != exec.current_token) {
      throw ApiError::invalid_parameter(kInvalidToken);
    }
  }

  // Applies the effect of a timer. `at_checkpoint`: fired while answering a checkpoint, so the
  // change reaches the handler in that response and needs no re-invocation of its own.
  void fire(const TimerRef& ref, Timestamp now, bool at_checkpoint) {
    ExecutionRecord& exec = *ref.exec;
    if (exec.terminal()) return;
    bool changed = false;
    switch (ref.kind) {
      case TimerKind::kWaitEnd: changed = detail::fire_wait_end(exec, ref.op_id, now); break;
      case TimerKind::kStepRetry: changed = detail::fire_step_retry(exec, ref.op_id); break;
      case TimerKind::kCallbackTimeout:
      case TimerKind::kCallbackHeartbeat:
        changed = detail::fire_callback_timeout(exec, scheduler, ref.op_id,
                                                ref.kind == TimerKind::kCallbackHeartbeat, now);
        break;
      case TimerKind::kExecutionTimeout: {
        ErrorObject error;
        error.error_message =
            "Execution timed out after " + std::to_string(exec.timeout_seconds) + " seconds.";
        detail::finish_execution(exec, ExecutionStatus::TimedOut, std::nullopt, std::move(error),
                                 now, scheduler.timers());
        return;
      }
      case TimerKind::kInvocationRetry:
        scheduler.request_invocation(exec);
        return;
    }
    if (changed && !at_checkpoint) {
      exec.note_updated(ref.op_id);
      scheduler.request_invocation(exec);
    }
  }

  void record_invocation_completed(ExecutionRecord& exec, const detail::InvocationInFlight& inv,
                                   Timestamp now, const std::optional<ErrorObject>& error) {
    InvocationCompletedDetails details;
    details.start_timestamp = inv.start;
    details.end_timestamp = now;
    details.request_id = inv.request_id;
    if (error) details.error = EventError{error, std::nullopt};
    exec.history.append(detail::make_event(EventType::InvocationCompleted, now, details));
  }

  GetDurableExecutionResponse describe(const ExecutionRecord& exec) const {
    GetDurableExecutionResponse r;
    r.durable_execution_arn = exec.arn;
    r.durable_execution_name = exec.name;
    r.function_arn = exec.function_arn;
    r.input_payload = exec.input;
    r.start_timestamp = exec.start_timestamp;
    r.status = exec.status;
    r.end_timestamp = exec.end_timestamp;
    r.version = exec.qualifier;
    if (exec.status == ExecutionStatus::Succeeded) r.result = exec.result;
    if (exec.status != ExecutionStatus::Succeeded && exec.terminal()) r.error = exec.error;
    return r;
  }
};

Service::Service(std::shared_ptr<Clock> clock, ServiceOptions options)
    : impl_(std::make_unique<Impl>(std::move(clock), std::move(options))) {}

Service::~Service() = default;

const Clock& Service::clock() const { return *impl_->clock; }
std::shared_ptr<Clock> Service::shared_clock() const { return impl_->clock; }

StartExecutionResponse Service::start_execution(const StartExecutionRequest& request) {
  if (request.function_name.empty()) {
    throw ApiError::invalid_parameter("Invalid value for FunctionName: must not be empty.");
  }
  if (request.qualifier.empty()) {
    throw ApiError::invalid_parameter("Invalid value for Qualifier: must not be empty.");
  }
  if (request.execution_name && !is_valid_execution_name(*request.execution_name)) {
    throw ApiError::invalid_parameter(
        "Invalid value for DurableExecutionName: must be 1 to 64 characters of [a-zA-Z0-9-_].");
  }
  if (request.execution_timeout_seconds < 1 ||
      request.execution_timeout_seconds > kMaxExecutionTimeoutSeconds) {
    throw ApiError::invalid_parameter(
        "Invalid value for ExecutionTimeout: must be between 1 and 31622400 seconds, got " +
        std::to_string(request.execution_timeout_seconds) + ".");
  }
  if (request.invocation_id && !detail::is_valid_operation_id(*request.invocation_id)) {
    throw ApiError::invalid_parameter(
        "Invalid value for InvocationId: must be 1 to 64 characters of [a-zA-Z0-9-_].");
  }
  // Input that is not JSON is stored as a JSON string, as the service does.
  std::string input = request.input;
  if (!Json::accept(input)) input = Json(input).dump();

  auto& im = *impl_;
  std::lock_guard lock(im.mu);
  std::string name = request.execution_name.value_or(im.uuid());
  std::string function = bare_function_name(request.function_name);
  if (!im.used_names.insert(function + "/" + name).second) {
    throw ApiError("DurableExecutionAlreadyStartedException", 409,
                   "Durable execution " + name + " already exists for function " + function);
  }
  auto exec = std::make_unique<ExecutionRecord>();
  exec->key = im.next_key++;
  exec->name = name;
  exec->execution_op_id = request.invocation_id.value_or(im.uuid());
  exec->function_name = function;
  exec->qualifier = request.qualifier;
  exec->function_arn =
      "arn:aws:lambda:" + im.options.region + ":" + im.options.account_id + ":function:" + function;
  exec->arn = exec->function_arn + ":" + request.qualifier + "/durable-execution/" + name + "/" +
              exec->execution_op_id;
  if (im.by_arn.contains(exec->arn)) {
    throw ApiError("DurableExecutionAlreadyStartedException", 409,
                   "Durable execution " + exec->arn + " already exists");
  }
  exec->input = input;
  exec->timeout_seconds = request.execution_timeout_seconds;
  Timestamp now = im.clock->now();
  exec->start_timestamp = now;

  Operation root;
  root.id = exec->execution_op_id;
  root.name = name;
  root.type = OperationType::Execution;
  root.start_timestamp = now;
  root.status = OperationStatus::Started;
  root.execution_details = ExecutionDetails{input};
  exec->ops.create(std::move(root));

  ExecutionStartedDetails started;
  started.input = EventInput{input, std::nullopt};
  started.execution_timeout = request.execution_timeout_seconds;
  exec->history.append(detail::make_event(EventType::ExecutionStarted, now, started));

  ExecutionRecord& rec = *exec;
  im.in_order.push_back(&rec);
  im.by_arn.emplace(rec.arn, std::move(exec));
  im.scheduler.timers().arm(rec, TimerKind::kExecutionTimeout, "",
                            now + std::chrono::seconds(request.execution_timeout_seconds));
  im.scheduler.request_invocation(rec);
  return {rec.arn};
}

CheckpointDurableExecutionResponse Service::checkpoint(
    const CheckpointDurableExecutionRequest& request) {
  // Field formats come first: the service rejects a malformed request before reading state.
  detail::validate_update_fields(request.updates);
  if (request.client_token) detail::validate_client_token(*request.client_token);

  auto& im = *impl_;
  std::lock_guard lock(im.mu);
  ExecutionRecord& exec = im.find(request.durable_execution_arn);
  if (request.client_token && exec.last_client_token &&
      exec.last_client_token->client_token == *request.client_token &&
      exec.last_client_token->checkpoint_token == request.checkpoint_token) {
    return exec.last_client_token->response;
  }
  im.check_token(exec, request.checkpoint_token);
  detail::validate_batch(exec, request.updates);

  Timestamp now = im.clock->now();
  detail::ApplyContext ctx{exec, im.scheduler, now};
  detail::apply_batch(request.updates, ctx);
  detail::rotate_token(exec);
  if (!exec.terminal()) {
    for (const auto& ref : im.scheduler.timers().pop_due_operation_timers(exec, now)) {
      im.fire(ref, now, /*at_checkpoint=*/true);
    }
  }

  CheckpointDurableExecutionResponse response;
  response.new_execution_state.operations = exec.ops.take_changed();
  if (!exec.terminal()) response.checkpoint_token = exec.current_token;
  if (request.client_token) {
    exec.last_client_token =
        detail::ClientTokenEntry{*request.client_token, request.checkpoint_token, response};
  }
  return response;
}

GetDurableExecutionStateResponse Service::get_state(const GetDurableExecutionStateRequest& request) {
  auto& im = *impl_;
  std::lock_guard lock(im.mu);
  ExecutionRecord& exec = im.find(request.durable_execution_arn);
  im.check_token(exec, request.checkpoint_token);
  std::size_t limit = detail::resolve_max_items(request.max_items, "MaxItems");
  std::size_t start = 0;
  if (request.marker) {
    auto index = detail::parse_state_marker(*request.marker, exec.token_sequence);
    if (!index) throw ApiError::invalid_parameter(kInvalidMarker);
    start = *index;
  }
  auto page = detail::page_state(exec.ops, start, limit, exec.token_sequence);
  return {std::move(page.operations), std::move(page.next_marker)};
}

GetDurableExecutionResponse Service::get_execution(const GetDurableExecutionRequest& request) {
  std::lock_guard lock(impl_->mu);
  return impl_->describe(impl_->find(request.durable_execution_arn));
}

GetDurableExecutionHistoryResponse Service::get_history(
    const GetDurableExecutionHistoryRequest& request) {
  std::lock_guard lock(impl_->mu);
  return detail::page_history(impl_->find(request.durable_execution_arn).history, request);
}

ListDurableExecutionsByFunctionResponse Service::list_executions(
    const ListDurableExecutionsByFunctionRequest& request) {
  if (request.function_name.empty()) {
    throw ApiError::invalid_parameter("Invalid value for FunctionName: must not be empty.");
  }
  if (request.statuses.size() > kMaxStatusFilters) {
    throw ApiError::invalid_parameter("Invalid value for Statuses: at most 10 statuses.");
  }
  std::size_t limit = detail::resolve_max_items(request.max_items, "MaxItems");
  std::size_t start = 0;
  if (request.marker) {
    auto index = detail::parse_index_marker(*request.marker);
    if (!index) throw ApiError::invalid_parameter(kInvalidMarker);
    start = *index;
  }
  std::string function = bare_function_name(request.function_name);
  std::string qualifier = request.qualifier.value_or("$LATEST");

  auto& im = *impl_;
  std::lock_guard lock(im.mu);
  std::vector<const ExecutionRecord*> matches;
  for (const ExecutionRecord* exec : im.in_order) {
    if (exec->function_name != function || exec->qualifier != qualifier) continue;
    if (request.durable_execution_name && exec->name != *request.durable_execution_name) continue;
    if (!request.statuses.empty() &&
        std::find(request.statuses.begin(), request.statuses.end(), exec->status) ==
            request.statuses.end()) {
      continue;
    }
    if (request.started_after && exec->start_timestamp < *request.started_after) continue;
    if (request.started_before && exec->start_timestamp > *request.started_before) continue;
    matches.push_back(exec);
  }
  if (request.reverse_order.value_or(false)) std::reverse(matches.begin(), matches.end());
  if (start > matches.size()) throw ApiError::invalid_parameter(kInvalidMarker);
  ListDurableExecutionsByFunctionResponse response;
  std::size_t end = std::min(matches.size(), start + limit);
  for (std::size_t i = start; i < end; ++i) {
    const ExecutionRecord& e = *matches[i];
    response.durable_executions.push_back(ExecutionSummary{
        e.arn, e.name, e.function_arn, e.status, e.start_timestamp, e.end_timestamp});
  }
  if (end < matches.size()) response.next_marker = std::to_string(end);
  return response;
}

StopDurableExecutionResponse Service::stop(const StopDurableExecutionRequest& request) {
  auto& im = *impl_;
  std::lock_guard lock(im.mu);
  ExecutionRecord& exec = im.find(request.durable_execution_arn);
  // Stopping an execution that already ended changes nothing and reports when it ended.
  if (exec.terminal()) return {*exec.end_timestamp};
  ErrorObject error = request.error.value_or(ErrorObject{});
  if (!request.error) error.error_message = kStoppedMessage;
  Timestamp now = im.clock->now();
  detail::finish_execution(exec, ExecutionStatus::Stopped, std::nullopt, std::move(error), now,
                           im.scheduler.timers());
  return {now};
}

std::optional<PendingInvocation> Service::take_ready_invocation() {
  auto& im = *impl_;
  std::lock_guard lock(im.mu);
  ExecutionRecord* exec = im.scheduler.take_ready();
  if (exec == nullptr) return std::nullopt;
  im.scheduler.timers().cancel(*exec, TimerKind::kInvocationRetry, "");
  std::string request_id = im.uuid();
  exec->in_flight = detail::InvocationInFlight{request_id, request_id, im.clock->now()};
  ++exec->invocations_started;
  ++im.in_flight_count;
  exec->reinvoke_after_current = false;
  detail::rotate_token(*exec);
  // The handler receives the whole state now; the next checkpoint reports changes from here.
  exec->ops.clear_changed();

  PendingInvocation pending;
  pending.durable_execution_arn = exec->arn;
  pending.function_name = exec->function_name;
  pending.request_id = request_id;
  pending.input.durable_execution_arn = exec->arn;
  pending.input.checkpoint_token = exec->current_token;
  auto page =
      detail::page_state(exec->ops, 0, im.options.initial_state_page_size, exec->token_sequence);
  pending.input.initial_execution_state.operations = std::move(page.operations);
  pending.input.initial_execution_state.next_marker = std::move(page.next_marker);
  if (!exec->updated_operation_ids.empty()) {
    pending.input.updated_operation_ids = std::move(exec->updated_operation_ids);
  }
  exec->updated_operation_ids.clear();
  exec->updated_operation_id_set.clear();
  return pending;
}

void Service::complete_invocation(const std::string& arn, const std::string& request_id,
                                  const InvocationOutcome& outcome) {
  auto& im = *impl_;
  std::lock_guard lock(im.mu);
  ExecutionRecord& exec = im.find(arn);
  if (!exec.in_flight || exec.in_flight->request_id != request_id) {
    throw ApiError::invalid_parameter("No invocation " + request_id +
                                      " is in flight for execution " + arn);
  }
  Timestamp now = im.clock->now();
  detail::InvocationInFlight inv = *exec.in_flight;
  exec.in_flight.reset();
  --im.in_flight_count;
  exec.current_token.clear();

  // Ended during the invocation (EXECUTION checkpoint, stop, timeout): the output is ignored.
  if (exec.terminal()) {
    im.record_invocation_completed(exec, inv, now, outcome.error);
    return;
  }
  auto verdict = detail::judge_invocation(exec, outcome);
  using Kind = detail::InvocationVerdict::Kind;
  im.record_invocation_completed(
      exec, inv, now,
      verdict.kind == Kind::kInvocationFailed ? verdict.error : std::optional<ErrorObject>{});
  switch (verdict.kind) {
    case Kind::kInvocationFailed:
      ++exec.consecutive_failures;
      exec.reinvoke_after_current = false;  // the retry below covers any trigger
      if (exec.consecutive_failures >= im.options.max_consecutive_invocation_failures) {
        detail::finish_execution(exec, ExecutionStatus::Failed, std::nullopt, verdict.error, now,
                                 im.scheduler.timers());
      } else {
        im.scheduler.timers().arm(exec, TimerKind::kInvocationRetry, "",
                                  now + im.options.invocation_retry_delay);
      }
      return;
    case Kind::kSucceeded:
      exec.consecutive_failures = 0;
      detail::finish_execution(exec, ExecutionStatus::Succeeded, verdict.result, std::nullopt,
                               now, im.scheduler.timers());
      return;
    case Kind::kFailed:
      exec.consecutive_failures = 0;
      detail::finish_execution(exec, ExecutionStatus::Failed, std::nullopt, verdict.error, now,
                               im.scheduler.timers());
      return;
    case Kind::kPending:
      exec.consecutive_failures = 0;
      if (exec.reinvoke_after_current) {
        exec.reinvoke_after_current = false;
        im.scheduler.request_invocation(exec);
      }
      return;
  }
}

std::optional<Timestamp> Service::next_timer_due() const {
  std::lock_guard lock(impl_->mu);
  return impl_->scheduler.timers().next_due();
}

std::size_t Service::fire_due_timers() {
  auto& im = *impl_;
  std::lock_guard lock(im.mu);
  Timestamp now = im.clock->now();
  auto due = im.scheduler.timers().pop_due(now);
  for (const auto& ref : due) im.fire(ref, now, /*at_checkpoint=*/false);
  return due.size();
}

bool Service::has_invocation_work() const {
  std::lock_guard lock(impl_->mu);
  return impl_->in_flight_count > 0 || impl_->scheduler.has_ready();
}

std::string Service::describe_waiting(const std::string& arn) const {
  auto& im = *impl_;
  std::lock_guard lock(im.mu);
  const ExecutionRecord& exec = im.find(arn);
  std::ostringstream out;
  out << "execution " << exec.name << " is " << to_string(exec.status);
  if (exec.terminal()) return out.str();
  if (exec.in_flight) out << "; invocation " << exec.in_flight->request_id << " in flight";
  if (exec.queued) out << "; invocation queued";
  std::vector<std::string> pending;
  for (std::size_t i = 0; i < exec.ops.size(); ++i) {
    const Operation& op = exec.ops.at(i).op;
    if (op.type == OperationType::Execution || op.type == OperationType::Context) continue;
    if (is_terminal(op.status)) continue;
    std::string line = std::string(to_string(op.type)) + " " + op.id;
    if (op.name) line += " \"" + *op.name + "\"";
    line += " " + std::string(to_string(op.status));
    if (op.wait_details && op.wait_details->scheduled_end_timestamp) {
      line += " until " + describe_time(*op.wait_details->scheduled_end_timestamp);
    }
    if (op.step_details && op.step_details->next_attempt_timestamp) {
      line += " next attempt at " + describe_time(*op.step_details->next_attempt_timestamp);
    }
    if (op.callback_details && op.callback_details->callback_id) {
      line += " callback id " + *op.callback_details->callback_id;
    }
    if (op.type == OperationType::ChainedInvoke && exec.ops.at(i).invoke_options) {
      line += " target " + exec.ops.at(i).invoke_options->function_name;
    }
    pending.push_back(std::move(line));
  }
  out << "; waiting for: ";
  if (pending.empty()) out << "no pending operation";
  for (std::size_t i = 0; i < pending.size(); ++i) out << (i ? ", " : "") << pending[i];
  out << "; timers:";
  auto timers = im.scheduler.timers().armed_for(exec);
  if (timers.empty()) out << " none";
  for (const auto& t : timers) {
    out << " " << timer_kind_name(t.kind);
    if (!t.op_id.empty()) out << " of " << t.op_id;
    out << " at " << describe_time(t.due) << ";";
  }
  return out.str();
}

std::vector<Operation> Service::operations(const std::string& arn) const {
  std::lock_guard lock(impl_->mu);
  return impl_->find(arn).ops.snapshot();
}

}  // namespace durable::emulator
