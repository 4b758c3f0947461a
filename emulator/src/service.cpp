#include "durable/emulator/service.hpp"

#include <algorithm>
#include <ostream>
#include <mutex>
#include <random>
#include <sstream>
#include <tuple>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include "checkpoint_processor.hpp"
#include "durable/emulator/clock.hpp"
#include "execution_lifecycle.hpp"
#include "field_validation.hpp"
#include "function_names.hpp"
#include "history.hpp"
#include "invocation_output.hpp"
#include "operations/operation_processor.hpp"
#include "plain_call.hpp"
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
constexpr std::int64_t kDefaultTargetTimeoutSeconds = 86400;
constexpr std::size_t kMaxCallbackIdChars = 1024;
constexpr std::size_t kMaxCallbackResultBytes = 262144;
constexpr const char* kCallbackClosed =
    "the callback ID token has either expired or the callback associated with the token has "
    "already been closed";

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

std::string describe_time(Timestamp t) { return std::to_string(t.time_since_epoch().count()); }

const char* timer_kind_name(TimerKind kind) {
  switch (kind) {
    case TimerKind::kWaitEnd: return "wait end";
    case TimerKind::kStepRetry: return "step retry";
    case TimerKind::kCallbackTimeout: return "callback timeout";
    case TimerKind::kCallbackHeartbeat: return "callback heartbeat timeout";
    case TimerKind::kExecutionTimeout: return "execution timeout";
    case TimerKind::kInvocationRetry: return "invocation retry";
    case TimerKind::kInvokeTarget: return "chained invoke target";
  }
  return "timer";
}

}  // namespace

// A plain (or unknown) chained-invoke target due to run, collected under the lock and run
// without it.
struct TargetCall {
  ExecutionRecord* exec = nullptr;
  std::string op_id;
  std::string function_name;
  std::string payload;
  std::optional<RegisteredFunction> fn;
  std::optional<std::int64_t> times_out_after;
};

struct FaultRule {
  std::string arn;       // empty: every execution (of `function`, when that is set)
  std::string function;  // bare function name; empty: any function
  std::uint64_t k = 0;
  CheckpointFaultKind kind = CheckpointFaultKind::kServiceError;
};

struct Service::Impl final : detail::InvokeTargets {
  Impl(std::shared_ptr<Clock> c, ServiceOptions o) : clock(std::move(c)), options(std::move(o)) {
    if (!clock) throw std::invalid_argument("Service: clock must not be null");
    if (options.initial_state_page_size == 0) options.initial_state_page_size = 1;
    std::random_device rd;
    rng.seed((static_cast<std::uint64_t>(rd()) << 32) ^ rd());
    store = options.store;
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
  std::optional<FunctionRegistry> registry;
  std::vector<FaultRule> faults;
  // Plain chained-invoke targets running outside the lock (fire_due_timers) hold raw execution
  // pointers; nothing is evicted while any runs.
  std::size_t target_calls_outside = 0;

  // Persistence (all empty without a store): the records changed and the executions evicted
  // since the last batch, and the ticket of the last batch submitted.
  std::shared_ptr<ExecutionStore> store;
  detail::ChangeLog changes;
  std::vector<std::uint64_t> removed;
  std::uint64_t last_ticket = 0;

  // Hands every change made since the last call to the store as one batch; returns the ticket
  // that makes everything submitted so far durable (0 without a store). Under the lock.
  std::uint64_t persist_changes() {
    if (!store) return 0;
    if (changes.empty() && removed.empty()) return last_ticket;
    StoreBatch batch;
    for (ExecutionRecord* exec : changes) {
      exec->persist.listed = false;
      save(*exec, batch);
    }
    changes.clear();
    batch.removed_executions = std::move(removed);
    removed.clear();
    batch.clock_now = clock->now();
    batch.next_key = next_key;
    last_ticket = store->submit(std::move(batch));
    return last_ticket;
  }

  // Waits, without the lock, until `ticket` is durable. A store that failed to write turns into
  // the service's 500: the change was made in memory but cannot be promised to survive.
  void wait_durable(std::uint64_t ticket) {
    if (ticket == 0) return;
    try {
      store->wait_durable(ticket);
    } catch (const StoreError& e) {
      throw ApiError::service(std::string("The emulator could not save this change: ") + e.what());
    }
  }

  // Adds what changed of `exec` to `batch`.
  void save(ExecutionRecord& exec, StoreBatch& batch) {
    StoredExecution row;
    row.key = exec.key;
    if (!exec.persist.saved) {
      row.is_new = true;
      row.arn = exec.arn;
      row.name = exec.name;
      row.execution_op_id = exec.execution_op_id;
      row.function_name = exec.function_name;
      row.qualifier = exec.qualifier;
      row.function_arn = exec.function_arn;
      row.input = exec.input;
      row.timeout_seconds = exec.timeout_seconds;
      row.start_timestamp = exec.start_timestamp;
      exec.persist.saved = true;
    }
    row.status = exec.status;
    row.end_timestamp = exec.end_timestamp;
    row.result = exec.result;
    row.error = exec.error;
    if (exec.parent != nullptr) row.parent_arn = exec.parent->arn;
    row.parent_op_id = exec.parent_op_id;
    row.token_sequence = exec.token_sequence;
    row.invocations_started = exec.invocations_started;
    row.checkpoint_calls = exec.checkpoint_calls;
    row.consecutive_failures = exec.consecutive_failures;
    row.invocation_wanted = exec.queued || exec.reinvoke_after_current || exec.awaiting_caller;
    if (exec.in_flight) {
      row.in_flight = StoredInvocation{exec.in_flight->request_id, exec.in_flight->start};
    }
    row.updated_operation_ids = exec.updated_operation_ids;
    batch.executions.push_back(std::move(row));

    for (std::size_t index : exec.ops.take_unsaved()) {
      const detail::OpRecord& rec = exec.ops.at(index);
      StoredOperation op;
      op.execution_key = exec.key;
      op.index = index;
      op.op = rec.op;
      op.wait_seconds = rec.wait_seconds;
      op.heartbeat_seconds = rec.heartbeat_seconds;
      op.invoke_options = rec.invoke_options;
      op.invoke_input = rec.invoke_input;
      op.invoke_times_out_after = rec.invoke_times_out_after;
      batch.operations.push_back(std::move(op));
    }
    const std::size_t event_count = exec.history.size();
    for (std::size_t i = exec.persist.saved_events; i < event_count; ++i) {
      batch.events.push_back(StoredEvent{exec.key, exec.history.at(i)});
    }
    exec.persist.saved_events = event_count;
    if (exec.persist.timers_unsaved) {
      exec.persist.timers_unsaved = false;
      batch.timer_executions.push_back(exec.key);
      for (const auto& t : scheduler.timers().armed_for(exec)) {
        batch.timers.push_back(StoredTimer{exec.key, detail::timer_kind_id(t.kind), t.op_id, t.due});
      }
    }
    if (exec.persist.client_token_unsaved && exec.last_client_token) {
      exec.persist.client_token_unsaved = false;
      const auto& entry = *exec.last_client_token;
      batch.client_tokens.push_back(
          StoredClientToken{exec.key, entry.client_token, entry.checkpoint_token, entry.response});
    }
  }

  // One API call's hold of the lock. commit() hands what changed to the store, lets go of the
  // lock and waits until the change (and everything the call could see) is durable; release()
  // does not wait (the dispatcher's calls: nothing is acknowledged by them). A call that throws
  // still hands its changes over, without waiting, so the next batch never misses them.
  class Txn {
   public:
    explicit Txn(Impl& im) : im_(im), lock_(im.mu) {}
    ~Txn() {
      if (!lock_.owns_lock()) return;
      try {
        im_.persist_changes();
      } catch (...) {
        // Out of memory while copying the batch: the next call submits the records again.
      }
    }
    Txn(const Txn&) = delete;
    Txn& operator=(const Txn&) = delete;
    void commit() {
      const std::uint64_t ticket = im_.persist_changes();
      lock_.unlock();
      im_.wait_durable(ticket);
    }
    void release() {
      im_.persist_changes();
      lock_.unlock();
    }

   private:
    Impl& im_;
    std::unique_lock<std::mutex> lock_;
  };

  // Starts tracking changes of a new or restored record.
  void track(ExecutionRecord& exec) {
    if (!store) return;
    exec.persist.log = &changes;
    exec.ops.track_unsaved();
  }

  // Rebuilds the working set from what the store holds, then recovers (see the constructor's
  // contract in service.hpp). Before any other thread can see the Service.
  void restore(StoredState state);

  // Evicts terminal executions, the earliest ended first, until at most
  // options.retain_executions remain. One still reporting its last invocation is kept until that
  // report (the order is kept: eviction waits for it). Under the lock.
  void evict_excess() {
    const std::size_t keep = std::max<std::size_t>(options.retain_executions, 1);
    auto& finished = scheduler.finished();
    while (finished.size() > keep && target_calls_outside == 0) {
      ExecutionRecord* exec = finished.front();
      if (exec->in_flight || exec->queued) return;
      finished.pop_front();
      evict(*exec);
    }
  }

  void evict(ExecutionRecord& exec) {
    // Unlink chained-invoke partners: their pointers would otherwise dangle.
    if (exec.parent != nullptr) {
      if (auto* rec = exec.parent->ops.find(exec.parent_op_id); rec && rec->invoke_child == &exec) {
        rec->invoke_child = nullptr;
      }
    }
    for (std::size_t i = 0; i < exec.ops.size(); ++i) {
      if (auto* child = exec.ops.at(i).invoke_child; child != nullptr && child->parent == &exec) {
        child->parent = nullptr;
      }
    }
    scheduler.timers().cancel_all(exec);
    scheduler.forget(exec);
    if (store) {
      if (exec.persist.listed) std::erase(changes, &exec);
      removed.push_back(exec.key);
    }
    used_names.erase(exec.function_name + "/" + exec.name);
    std::erase(in_order, &exec);
    by_arn.erase(exec.arn);  // destroys the record
  }

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

  // Creates and schedules an execution from a validated `request` (`input` already normalised).
  ExecutionRecord& start_locked(const StartExecutionRequest& request, const std::string& input) {
    std::string name = request.execution_name.value_or(uuid());
    std::string function = detail::bare_function_name(request.function_name);
    if (!used_names.insert(function + "/" + name).second) {
      throw ApiError("DurableExecutionAlreadyStartedException", 409,
                     "Durable execution " + name + " already exists for function " + function);
    }
    auto exec = std::make_unique<ExecutionRecord>();
    exec->key = next_key++;
    exec->name = name;
    exec->execution_op_id = request.invocation_id.value_or(uuid());
    exec->function_name = function;
    exec->qualifier = request.qualifier;
    exec->function_arn =
        "arn:aws:lambda:" + options.region + ":" + options.account_id + ":function:" + function;
    exec->arn = exec->function_arn + ":" + request.qualifier + "/durable-execution/" + name + "/" +
                exec->execution_op_id;
    if (by_arn.contains(exec->arn)) {
      throw ApiError("DurableExecutionAlreadyStartedException", 409,
                     "Durable execution " + exec->arn + " already exists");
    }
    track(*exec);
    exec->mark_changed();
    exec->input = input;
    exec->timeout_seconds = request.execution_timeout_seconds;
    Timestamp now = clock->now();
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
    in_order.push_back(&rec);
    by_arn.emplace(rec.arn, std::move(exec));
    scheduler.timers().arm(rec, TimerKind::kExecutionTimeout, "",
                              now + std::chrono::seconds(request.execution_timeout_seconds));
    scheduler.request_invocation(rec);
    return rec;
  }

  // The earliest armed timer of any non-terminal execution with a callback in STARTED status
  // (std::nullopt when there is none): skip-time may jump only to a timer due strictly before it,
  // so that only an execution whose callback someone outside may still answer holds virtual time
  // back. Under the lock.
  std::optional<Timestamp> next_timer_due_with_open_callback() const {
    std::optional<Timestamp> earliest;
    for (const ExecutionRecord* exec : in_order) {
      if (exec->terminal()) continue;
      bool open = false;
      for (std::size_t i = 0; i < exec->ops.size() && !open; ++i) {
        const Operation& op = exec->ops.at(i).op;
        open = op.type == OperationType::Callback && op.status == OperationStatus::Started;
      }
      if (!open) continue;
      const auto timers = scheduler.timers().armed_for(*exec);
      if (!timers.empty() && (!earliest || timers.front().due < *earliest)) {
        earliest = timers.front().due;
      }
    }
    return earliest;
  }

  // --- InvokeTargets: running the targets of CHAINED_INVOKE operations (under the lock) ---

  void start(ExecutionRecord& caller, detail::OpRecord& rec, ChainedInvokeStartedDetails& details,
             Timestamp now) override {
    const std::string& target = rec.invoke_options->function_name;
    details.executed_version = detail::function_qualifier(target);
    std::optional<RegisteredFunction> fn;
    if (registry) fn = registry->lookup(target);
    if (fn && fn->is_durable()) {
      StartExecutionRequest request;
      request.function_name = detail::bare_function_name(target);
      request.qualifier = *details.executed_version;
      request.input = rec.invoke_input.value_or("{}");
      if (!Json::accept(request.input)) request.input = Json(request.input).dump();
      request.execution_timeout_seconds =
          fn->options.timeout ? fn->options.timeout->count() : kDefaultTargetTimeoutSeconds;
      ExecutionRecord& child = start_locked(request, request.input);
      child.parent = &caller;
      child.parent_op_id = rec.op.id;
      // Started (and wanted) above, before it knew its caller: it waits for the caller's
      // invocation in flight like any later request (Scheduler::request_invocation).
      if (caller.in_flight) scheduler.await_caller(child);
      rec.invoke_child = &child;
      details.durable_execution_arn = child.arn;
      return;
    }
    // Plain or unknown: the call (or the not-found failure) happens after the caller's
    // checkpoint, on a timer, because user code must never run under the service's lock.
    Timestamp due = now;
    if (fn) {
      due = now + fn->options.delay;
      if (fn->options.timeout && fn->options.delay >= *fn->options.timeout) {
        rec.invoke_times_out_after = fn->options.timeout->count();
        due = now + *fn->options.timeout;
      }
    }
    scheduler.timers().arm(caller, TimerKind::kInvokeTarget, rec.op.id, due);
  }

  void cancel(ExecutionRecord& caller, detail::OpRecord& rec, Timestamp now) override {
    scheduler.timers().cancel(caller, TimerKind::kInvokeTarget, rec.op.id);
    ExecutionRecord* child = rec.invoke_child;
    rec.invoke_child = nullptr;
    if (child == nullptr) return;
    // Unlinked first: the caller's operation is already STOPPED and must not be touched again.
    child->parent = nullptr;
    ErrorObject error;
    error.error_message =
        "Execution stopped because its caller cancelled chained invoke " + rec.op.id;
    detail::finish_execution(*child, ExecutionStatus::Stopped, std::nullopt, std::move(error), now,
                             scheduler);
  }

  // Turns a due kInvokeTarget timer into a call to make outside the lock; std::nullopt when the
  // operation no longer waits for it.
  std::optional<TargetCall> prepare_target_call(const detail::TimerRef& ref) {
    ExecutionRecord& exec = *ref.exec;
    if (exec.terminal()) return std::nullopt;
    const detail::OpRecord* rec = exec.ops.find(ref.op_id);
    if (rec == nullptr || rec->op.status != OperationStatus::Started || !rec->invoke_options) {
      return std::nullopt;
    }
    TargetCall call;
    call.exec = &exec;
    call.op_id = ref.op_id;
    call.function_name = rec->invoke_options->function_name;
    call.payload = rec->invoke_input.value_or("{}");
    call.times_out_after = rec->invoke_times_out_after;
    if (registry) call.fn = registry->lookup(call.function_name);
    return call;
  }

  // Applies what a target call produced (under the lock).
  void finish_target_call(const TargetCall& call, const detail::PlainCallOutcome& outcome,
                          Timestamp now) {
    OperationStatus status = OperationStatus::Failed;
    std::optional<ErrorObject> error = outcome.error;
    if (call.times_out_after) {
      status = OperationStatus::TimedOut;
      error = ErrorObject{};
      error->error_type = "Sandbox.Timedout";
      error->error_message = "Function " + call.function_name + " timed out after " +
                             std::to_string(*call.times_out_after) + " seconds";
    } else if (outcome.result) {
      status = OperationStatus::Succeeded;
    }
    detail::complete_chained_invoke(*call.exec, scheduler, call.op_id, status, outcome.result,
                                    error, now);
  }

  // --- Callbacks ---

  // The STARTED CALLBACK `callback_id` routes to, after the checks documented on Service.
  std::pair<ExecutionRecord*, detail::OpRecord*> find_open_callback(const std::string& callback_id,
                                                                    const char* api) const {
    auto ref = detail::parse_callback_id(callback_id);
    if (!ref) {
      throw ApiError::invalid_parameter("Invalid value for CallbackId: " + callback_id +
                                        " is not a callback id issued by this service (" + api +
                                        ").");
    }
    auto it = by_arn.find(ref->durable_execution_arn);
    if (it == by_arn.end()) {
      throw ApiError::not_found("Callback " + ref->operation_id + " not found: execution " +
                                ref->durable_execution_arn + " does not exist (" + api + ").");
    }
    ExecutionRecord& exec = *it->second;
    detail::OpRecord* rec = exec.ops.find(ref->operation_id);
    if (rec == nullptr || rec->op.type != OperationType::Callback) {
      throw ApiError::not_found("Callback " + ref->operation_id + " not found in execution " +
                                exec.arn + " (" + api + ").");
    }
    // The id's shape names the operation; only the id issued for it (with its random key) counts.
    if (!rec->op.callback_details || !rec->op.callback_details->callback_id ||
        !detail::secrets_equal(callback_id, *rec->op.callback_details->callback_id)) {
      throw ApiError::invalid_parameter("Invalid value for CallbackId: " + callback_id +
                                        " is not a callback id issued by this service (" + api +
                                        ").");
    }
    if (rec->op.status != OperationStatus::Started || exec.terminal()) {
      std::string state = exec.terminal() && rec->op.status == OperationStatus::Started
                              ? "its execution is " + std::string(to_string(exec.status))
                              : "it is " + std::string(to_string(rec->op.status));
      throw ApiError("CallbackTimeoutException", 400,
                     "Callback " + ref->operation_id + " is closed (" + state + "): " +
                         kCallbackClosed + " (" + api + ").");
    }
    return {&exec, rec};
  }

  // --- Faults ---

  std::optional<CheckpointFaultKind> fault_for(const ExecutionRecord& exec) const {
    for (const auto& rule : faults) {
      if (rule.k == exec.checkpoint_calls && (rule.arn.empty() || rule.arn == exec.arn) &&
          (rule.function.empty() || rule.function == exec.function_name)) {
        return rule.kind;
      }
    }
    return std::nullopt;
  }

  // Marks the invocation in flight as lost at the current checkpoint call.
  void crash_invocation(ExecutionRecord& exec) {
    if (exec.in_flight) exec.in_flight->crashed_at_checkpoint = exec.checkpoint_calls;
    exec.current_token.clear();
  }

  ExecutionRecord& find(const std::string& arn) const {
    auto it = by_arn.find(arn);
    if (it == by_arn.end()) throw ApiError::not_found("Execution " + arn + " not found");
    return *it->second;
  }

  void check_token(const ExecutionRecord& exec, const std::string& token) const {
    if (exec.current_token.empty() || !detail::secrets_equal(token, exec.current_token)) {
      throw ApiError::invalid_parameter(kInvalidToken);
    }
  }

  // Applies the effect of a timer. `at_checkpoint`: fired while answering a checkpoint, so the
  // change reaches the handler in that response and needs no re-invocation of its own.
  void fire(const TimerRef& ref, Timestamp now, bool at_checkpoint) {
    ExecutionRecord& exec = *ref.exec;
    if (exec.terminal()) return;
    exec.mark_changed();
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
                                 now, scheduler);
        return;
      }
      case TimerKind::kInvocationRetry:
        scheduler.request_invocation(exec);
        return;
      case TimerKind::kInvokeTarget:
        return;  // fire_due_timers() runs these without the lock
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

void Service::Impl::restore(StoredState state) {
  const std::string where = store->describe();
  auto corrupt = [&](const std::string& what) {
    return StoreError(where + " is corrupt: " + what);
  };
  std::sort(state.executions.begin(), state.executions.end(),
            [](const auto& a, const auto& b) { return a.key < b.key; });
  std::unordered_map<std::uint64_t, ExecutionRecord*> by_key;
  for (auto& row : state.executions) {
    auto exec = std::make_unique<ExecutionRecord>();
    exec->key = row.key;
    exec->arn = std::move(row.arn);
    exec->name = std::move(row.name);
    exec->execution_op_id = std::move(row.execution_op_id);
    exec->function_name = std::move(row.function_name);
    exec->qualifier = std::move(row.qualifier);
    exec->function_arn = std::move(row.function_arn);
    exec->input = std::move(row.input);
    exec->timeout_seconds = row.timeout_seconds;
    exec->start_timestamp = row.start_timestamp;
    exec->status = row.status;
    exec->end_timestamp = row.end_timestamp;
    exec->result = std::move(row.result);
    exec->error = std::move(row.error);
    exec->parent_op_id = std::move(row.parent_op_id);
    exec->token_sequence = row.token_sequence;
    exec->invocations_started = row.invocations_started;
    exec->checkpoint_calls = row.checkpoint_calls;
    exec->consecutive_failures = row.consecutive_failures;
    for (auto& id : row.updated_operation_ids) exec->note_updated(id);
    if (exec->terminal() && !exec->end_timestamp) {
      throw corrupt("execution " + exec->arn + " has ended but has no end time");
    }
    if (!used_names.insert(exec->function_name + "/" + exec->name).second ||
        by_arn.contains(exec->arn)) {
      throw corrupt("execution " + exec->arn + " is stored twice");
    }
    exec->persist.saved = true;
    ExecutionRecord& rec = *exec;
    by_key[rec.key] = &rec;
    in_order.push_back(&rec);
    by_arn.emplace(rec.arn, std::move(exec));
    next_key = std::max(next_key, rec.key + 1);
  }
  next_key = std::max(next_key, state.next_key);
  auto owner = [&](std::uint64_t key, const char* what) -> ExecutionRecord& {
    auto it = by_key.find(key);
    if (it == by_key.end()) {
      throw corrupt(std::string(what) + " of execution key " + std::to_string(key) +
                    ", which is not stored");
    }
    return *it->second;
  };

  std::sort(state.operations.begin(), state.operations.end(), [](const auto& a, const auto& b) {
    return std::tie(a.execution_key, a.index) < std::tie(b.execution_key, b.index);
  });
  for (auto& row : state.operations) {
    ExecutionRecord& exec = owner(row.execution_key, "an operation");
    if (row.index != exec.ops.size() || exec.ops.find(row.op.id) != nullptr) {
      throw corrupt("execution " + exec.arn + ": operation " + row.op.id + " at position " +
                    std::to_string(row.index) + " does not follow the " +
                    std::to_string(exec.ops.size()) + " before it");
    }
    detail::OpRecord& rec = exec.ops.create(std::move(row.op));
    rec.wait_seconds = row.wait_seconds;
    rec.heartbeat_seconds = row.heartbeat_seconds;
    rec.invoke_options = std::move(row.invoke_options);
    rec.invoke_input = std::move(row.invoke_input);
    rec.invoke_times_out_after = row.invoke_times_out_after;
  }

  std::sort(state.events.begin(), state.events.end(), [](const auto& a, const auto& b) {
    return std::tie(a.execution_key, a.event.event_id) <
           std::tie(b.execution_key, b.event.event_id);
  });
  for (auto& row : state.events) {
    ExecutionRecord& exec = owner(row.execution_key, "a history event");
    const auto expected = static_cast<std::int64_t>(exec.history.size()) + 1;
    if (row.event.event_id != expected) {
      throw corrupt("execution " + exec.arn + ": history event " + std::to_string(expected) +
                    " is missing");
    }
    exec.history.append(std::move(row.event));
  }

  for (auto& row : state.timers) {
    ExecutionRecord& exec = owner(row.execution_key, "a timer");
    auto kind = detail::timer_kind_from_id(row.kind);
    if (!kind) throw corrupt("execution " + exec.arn + ": unknown timer kind '" + row.kind + "'");
    scheduler.timers().arm(exec, *kind, row.op_id, row.due);
  }
  for (auto& row : state.client_tokens) {
    ExecutionRecord& exec = owner(row.execution_key, "a ClientToken record");
    exec.last_client_token = detail::ClientTokenEntry{
        std::move(row.client_token), std::move(row.checkpoint_token), std::move(row.response)};
  }

  // Chained invokes: a durable target names its caller; the caller's operation points back to
  // the target while it still waits for it.
  for (const auto& row : state.executions) {
    if (!row.parent_arn) continue;
    ExecutionRecord& child = *by_key.at(row.key);
    auto it = by_arn.find(*row.parent_arn);
    if (it == by_arn.end()) continue;  // the caller was evicted
    child.parent = it->second.get();
    if (auto* rec = child.parent->ops.find(child.parent_op_id);
        rec != nullptr && rec->op.type == OperationType::ChainedInvoke &&
        rec->op.status == OperationStatus::Started) {
      rec->invoke_child = &child;
    }
  }

  // Terminal executions are evicted in the order they ended.
  std::vector<ExecutionRecord*> finished;
  for (ExecutionRecord* exec : in_order) {
    if (exec->terminal()) finished.push_back(exec);
  }
  std::stable_sort(finished.begin(), finished.end(), [](const auto* a, const auto* b) {
    return *a->end_timestamp < *b->end_timestamp;
  });
  for (ExecutionRecord* exec : finished) scheduler.note_finished(*exec);

  if (state.clock_now && clock->is_virtual()) {
    if (auto virtual_clock = std::dynamic_pointer_cast<VirtualClock>(clock)) {
      virtual_clock->advance_to(*state.clock_now);
    }
  }

  // From here on changes are written back: the recovery below is itself a change.
  const Timestamp now = clock->now();
  for (ExecutionRecord* exec : in_order) {
    exec->persist.saved_events = exec->history.size();
    track(*exec);
    exec->ops.take_unsaved();
    exec->ops.clear_changed();
  }
  for (const auto& row : state.executions) {
    ExecutionRecord& exec = *by_key.at(row.key);
    if (row.in_flight) {
      // The invocation died with the process that ran it (or that was to hand it out). Not
      // counted as a failure of the function: the emulator lost it.
      exec.mark_changed();
      ErrorObject error;
      error.error_type = "Runtime.ExitError";
      error.error_message = "RequestId: " + row.in_flight->request_id +
                            " Error: the emulator restarted while this invocation was in "
                            "flight; the execution is invoked again";
      detail::InvocationInFlight lost{row.in_flight->request_id, row.in_flight->request_id, {},
                                      row.in_flight->start, std::nullopt};
      record_invocation_completed(exec, lost, now, error);
      scheduler.request_invocation(exec);  // no-op once the execution has ended
    } else if (row.invocation_wanted) {
      scheduler.request_invocation(exec);
    }
  }
  evict_excess();
}

Service::Service(std::shared_ptr<Clock> clock, ServiceOptions options)
    : impl_(std::make_unique<Impl>(std::move(clock), std::move(options))) {
  auto& im = *impl_;
  if (!im.store) return;
  im.restore(im.store->load());
  std::uint64_t ticket = 0;
  {
    std::lock_guard lock(im.mu);
    ticket = im.persist_changes();
  }
  im.store->wait_durable(ticket);
}

Service::~Service() = default;

const Clock& Service::clock() const { return *impl_->clock; }
std::shared_ptr<Clock> Service::shared_clock() const { return impl_->clock; }
const ServiceOptions& Service::options() const { return impl_->options; }

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
  Impl::Txn tx(im);
  std::string arn = im.start_locked(request, input).arn;
  tx.commit();
  return {std::move(arn)};
}

CheckpointDurableExecutionResponse Service::checkpoint(
    const CheckpointDurableExecutionRequest& request) {
  // Field formats come first: the service rejects a malformed request before reading state.
  detail::validate_update_fields(request.updates);
  if (request.client_token) detail::validate_client_token(*request.client_token);

  auto& im = *impl_;
  Impl::Txn tx(im);
  ExecutionRecord& exec = im.find(request.durable_execution_arn);
  if (request.client_token && exec.last_client_token &&
      exec.last_client_token->client_token == *request.client_token &&
      exec.last_client_token->checkpoint_token == request.checkpoint_token) {
    CheckpointDurableExecutionResponse replay = exec.last_client_token->response;
    tx.commit();
    return replay;
  }
  ++exec.checkpoint_calls;
  exec.mark_changed();
  const auto fault = im.fault_for(exec);
  if (fault) {
    const std::string which = "checkpoint " + std::to_string(exec.checkpoint_calls) + " of " +
                              exec.arn + " (injected fault)";
    switch (*fault) {
      case CheckpointFaultKind::kServiceError:
        throw ApiError::service("Simulated service error on " + which);
      case CheckpointFaultKind::kThrottle:
        throw ApiError::too_many_requests("Rate exceeded: simulated throttle on " + which);
      case CheckpointFaultKind::kStaleToken:
        // The exact message: SDKs recognise a stale token by it.
        throw ApiError::invalid_parameter(kInvalidToken);
      case CheckpointFaultKind::kCrashBeforeSend:
        im.crash_invocation(exec);
        throw ApiError::service("Simulated crash: the invocation was lost before " + which +
                                " reached the service");
      case CheckpointFaultKind::kCrashAfterApply:
        break;
    }
  }
  im.check_token(exec, request.checkpoint_token);
  detail::validate_batch(exec, request.updates);

  Timestamp now = im.clock->now();
  detail::ApplyContext ctx{exec, im.scheduler, now, &im};
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
    exec.persist.client_token_unsaved = true;
  }
  // The response still reaches the handler, holding a token that is already dead: the process
  // "crashed" right after the service applied the batch.
  if (fault == CheckpointFaultKind::kCrashAfterApply) im.crash_invocation(exec);
  im.evict_excess();
  tx.commit();
  return response;
}

GetDurableExecutionStateResponse Service::get_state(const GetDurableExecutionStateRequest& request) {
  auto& im = *impl_;
  Impl::Txn tx(im);
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
  tx.commit();
  return {std::move(page.operations), std::move(page.next_marker)};
}

GetDurableExecutionResponse Service::get_execution(const GetDurableExecutionRequest& request) {
  Impl::Txn tx(*impl_);
  auto response = impl_->describe(impl_->find(request.durable_execution_arn));
  tx.commit();
  return response;
}

GetDurableExecutionHistoryResponse Service::get_history(
    const GetDurableExecutionHistoryRequest& request) {
  Impl::Txn tx(*impl_);
  auto page = detail::page_history(impl_->find(request.durable_execution_arn).history, request);
  tx.commit();
  return page;
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
  std::string function = detail::bare_function_name(request.function_name);
  std::string qualifier = request.qualifier.value_or("$LATEST");

  auto& im = *impl_;
  Impl::Txn tx(im);
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
  tx.commit();
  return response;
}

Service::ExecutionList Service::list_all_executions(const std::optional<std::string>& function_name,
                                                   const std::vector<ExecutionStatus>& statuses,
                                                   std::size_t max_items) {
  const std::optional<std::string> function =
      function_name ? std::optional(detail::bare_function_name(*function_name)) : std::nullopt;
  auto& im = *impl_;
  Impl::Txn tx(im);
  std::vector<const ExecutionRecord*> matches;
  for (const ExecutionRecord* exec : im.in_order) {
    if (function && exec->function_name != *function) continue;
    if (!statuses.empty() &&
        std::find(statuses.begin(), statuses.end(), exec->status) == statuses.end()) {
      continue;
    }
    matches.push_back(exec);
  }
  std::sort(matches.begin(), matches.end(), [](const ExecutionRecord* a, const ExecutionRecord* b) {
    return std::tie(b->start_timestamp, b->arn) < std::tie(a->start_timestamp, a->arn);
  });
  ExecutionList list;
  list.truncated = matches.size() > max_items;
  if (list.truncated) matches.resize(max_items);
  for (const ExecutionRecord* e : matches) {
    list.executions.push_back(ExecutionSummary{e->arn, e->name, e->function_arn, e->status,
                                               e->start_timestamp, e->end_timestamp});
  }
  tx.commit();
  return list;
}

void PrintTo(const Service::ExecutionList& list, std::ostream* os) {
  const Json j = {{"DurableExecutions", list.executions}, {"Truncated", list.truncated}};
  *os << "ExecutionList" << j.dump(-1, ' ', false, Json::error_handler_t::replace);
}

StopDurableExecutionResponse Service::stop(const StopDurableExecutionRequest& request) {
  auto& im = *impl_;
  Impl::Txn tx(im);
  ExecutionRecord& exec = im.find(request.durable_execution_arn);
  // Stopping an execution that already ended changes nothing and reports when it ended.
  if (exec.terminal()) {
    const Timestamp ended = *exec.end_timestamp;
    tx.commit();
    return {ended};
  }
  ErrorObject error = request.error.value_or(ErrorObject{});
  if (!request.error) error.error_message = kStoppedMessage;
  Timestamp now = im.clock->now();
  detail::finish_execution(exec, ExecutionStatus::Stopped, std::nullopt, std::move(error), now,
                           im.scheduler);
  im.evict_excess();
  tx.commit();
  return {now};
}

std::optional<PendingInvocation> Service::take_ready_invocation() {
  auto& im = *impl_;
  Impl::Txn tx(im);
  ExecutionRecord* exec = im.scheduler.take_ready();
  if (exec == nullptr) {
    tx.release();
    return std::nullopt;
  }
  im.scheduler.timers().cancel(*exec, TimerKind::kInvocationRetry, "");
  std::string request_id = im.uuid();
  exec->in_flight = detail::InvocationInFlight{request_id, request_id, {}, im.clock->now()};
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
  // Not waited for: nothing is acknowledged here. Should the process die before the batch is
  // durable, the store still has the execution queued, and it is invoked again.
  tx.release();
  return pending;
}

void Service::complete_invocation(const std::string& arn, const std::string& request_id,
                                  const InvocationOutcome& outcome) {
  auto& im = *impl_;
  Impl::Txn tx(im);
  complete_invocation_locked(arn, request_id, outcome);
  im.evict_excess();
  tx.commit();
}

void Service::complete_invocation_locked(const std::string& arn, const std::string& request_id,
                                         const InvocationOutcome& outcome) {
  auto& im = *impl_;
  ExecutionRecord& exec = im.find(arn);
  if (!exec.in_flight || exec.in_flight->request_id != request_id) {
    throw ApiError::invalid_parameter("No invocation " + request_id +
                                      " is in flight for execution " + arn);
  }
  Timestamp now = im.clock->now();
  detail::InvocationInFlight inv = *exec.in_flight;
  exec.in_flight.reset();
  exec.mark_changed();
  --im.in_flight_count;
  exec.current_token.clear();
  // The durable targets this invocation started may run now (Scheduler::request_invocation).
  // Queued under the lock, so they start after this invocation's InvocationCompleted below.
  for (const std::string& target_arn : std::exchange(exec.targets_awaiting_invocation_end, {})) {
    auto it = im.by_arn.find(target_arn);
    if (it == im.by_arn.end()) continue;  // evicted after a stop
    it->second->awaiting_caller = false;
    im.scheduler.request_invocation(*it->second);
  }

  // A lost invocation's output never reached the service; what the service saw is the
  // process exiting.
  InvocationOutcome effective = outcome;
  if (inv.crashed_at_checkpoint) {
    effective.output.reset();
    effective.error = ErrorObject{};
    effective.error->error_type = "Runtime.ExitError";
    effective.error->error_message =
        "RequestId: " + request_id +
        " Error: Runtime exited without providing a reason (simulated crash at checkpoint " +
        std::to_string(*inv.crashed_at_checkpoint) + ")";
  }
  // Ended during the invocation (EXECUTION checkpoint, stop, timeout): the output is ignored.
  if (exec.terminal()) {
    im.record_invocation_completed(exec, inv, now, effective.error);
    return;
  }
  // The host gave the invocation up while shutting down: not the function's failure, so no
  // back-off and no step towards max_consecutive_invocation_failures.
  if (outcome.abandoned_by_host && !inv.crashed_at_checkpoint) {
    im.record_invocation_completed(exec, inv, now, effective.error);
    exec.reinvoke_after_current = false;
    im.scheduler.request_invocation(exec);
    return;
  }
  auto verdict = detail::judge_invocation(exec, effective);
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
                                 im.scheduler);
      } else {
        im.scheduler.timers().arm(exec, TimerKind::kInvocationRetry, "",
                                  now + im.options.invocation_retry_delay);
      }
      return;
    case Kind::kSucceeded:
      exec.consecutive_failures = 0;
      detail::finish_execution(exec, ExecutionStatus::Succeeded, verdict.result, std::nullopt,
                               now, im.scheduler);
      return;
    case Kind::kFailed:
      exec.consecutive_failures = 0;
      detail::finish_execution(exec, ExecutionStatus::Failed, std::nullopt, verdict.error, now,
                               im.scheduler);
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
  std::vector<TargetCall> calls;
  std::size_t fired = 0;
  {
    Impl::Txn tx(im);
    Timestamp now = im.clock->now();
    auto due = im.scheduler.timers().pop_due(now);
    fired = due.size();
    for (const auto& ref : due) {
      if (ref.kind == TimerKind::kInvokeTarget) {
        if (auto call = im.prepare_target_call(ref)) calls.push_back(std::move(*call));
      } else {
        im.fire(ref, now, /*at_checkpoint=*/false);
      }
    }
    if (calls.empty()) {
      im.evict_excess();
      tx.release();
      return fired;
    }
    ++im.target_calls_outside;
    tx.release();
  }
  // Plain targets are user code: they run on this thread with no lock held, and may call the
  // service themselves.
  for (const auto& call : calls) {
    detail::PlainCallOutcome outcome;
    if (!call.fn || call.fn->is_durable()) {
      outcome.error = ErrorObject{};
      outcome.error->error_type = "ResourceNotFoundException";
      outcome.error->error_message = "Function not found: " + call.function_name;
    } else {
      outcome = detail::call_plain_function(call.fn->plain, call.function_name, call.payload);
    }
    Impl::Txn tx(im);
    im.finish_target_call(call, outcome, im.clock->now());
    tx.release();
  }
  Impl::Txn tx(im);
  --im.target_calls_outside;
  im.evict_excess();
  tx.release();
  return fired;
}

bool Service::has_invocation_work() const {
  std::lock_guard lock(impl_->mu);
  return impl_->in_flight_count > 0 || impl_->scheduler.has_ready();
}

std::optional<std::string> Service::in_flight_request_id(const std::string& arn) const {
  std::lock_guard lock(impl_->mu);
  auto it = impl_->by_arn.find(arn);
  if (it == impl_->by_arn.end() || !it->second->in_flight) return std::nullopt;
  return it->second->in_flight->request_id;
}

std::size_t Service::skip_virtual_time(std::chrono::milliseconds real_elapsed) {
  auto& im = *impl_;
  auto* clock = dynamic_cast<VirtualClock*>(im.clock.get());
  if (clock == nullptr) return fire_due_timers();
  {
    std::lock_guard lock(im.mu);
    // Decided and done under one hold of the lock: an execution started after an "idle" answer
    // but before the jump would otherwise make its own timeout the next timer, and be jumped to.
    if (im.in_flight_count > 0 || im.scheduler.has_ready()) return 0;
    const auto due = im.scheduler.timers().next_due();
    const auto held = im.next_timer_due_with_open_callback();
    if (due && (!held || *due < *held)) {
      clock->advance_to(*due);
    } else if (held) {
      clock->advance(real_elapsed);
    } else {
      return 0;
    }
  }
  return fire_due_timers();
}

std::size_t Service::execution_count() const {
  std::lock_guard lock(impl_->mu);
  return impl_->by_arn.size();
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
  Impl::Txn tx(*impl_);
  auto ops = impl_->find(arn).ops.snapshot();
  tx.commit();
  return ops;
}

std::vector<Operation> Service::visible_operations(const std::string& arn) const {
  std::lock_guard lock(impl_->mu);
  std::vector<Operation> out;
  for (const Operation* op : detail::visible_operations(impl_->find(arn).ops)) out.push_back(*op);
  return out;
}

void Service::set_function_registry(FunctionRegistry registry) {
  std::lock_guard lock(impl_->mu);
  impl_->registry = std::move(registry);
}

namespace {

void validate_callback_id(const std::string& callback_id) {
  if (callback_id.empty()) {
    throw ApiError::invalid_parameter("Invalid value for CallbackId: must not be empty.");
  }
  if (callback_id.size() > kMaxCallbackIdChars) {
    throw ApiError::invalid_parameter("Invalid value for CallbackId: must be at most 1024 "
                                      "characters, got " +
                                      std::to_string(callback_id.size()) + ".");
  }
}

}  // namespace

void Service::send_callback_success(const SendDurableExecutionCallbackSuccessRequest& request) {
  validate_callback_id(request.callback_id);
  if (request.result.size() > kMaxCallbackResultBytes) {
    throw ApiError::invalid_parameter("Invalid value for Result: must be at most 262144 bytes, "
                                      "got " +
                                      std::to_string(request.result.size()) + ".");
  }
  auto& im = *impl_;
  Impl::Txn tx(im);
  auto [exec, rec] = im.find_open_callback(request.callback_id, "SendDurableExecutionCallbackSuccess");
  detail::complete_callback(*exec, im.scheduler, *rec, OperationStatus::Succeeded, request.result,
                            std::nullopt, im.clock->now());
  tx.commit();
}

void Service::send_callback_failure(const SendDurableExecutionCallbackFailureRequest& request) {
  validate_callback_id(request.callback_id);
  auto& im = *impl_;
  Impl::Txn tx(im);
  auto [exec, rec] = im.find_open_callback(request.callback_id, "SendDurableExecutionCallbackFailure");
  detail::complete_callback(*exec, im.scheduler, *rec, OperationStatus::Failed, std::nullopt,
                            request.error, im.clock->now());
  tx.commit();
}

void Service::send_callback_heartbeat(const SendDurableExecutionCallbackHeartbeatRequest& request) {
  validate_callback_id(request.callback_id);
  auto& im = *impl_;
  Impl::Txn tx(im);
  auto [exec, rec] =
      im.find_open_callback(request.callback_id, "SendDurableExecutionCallbackHeartbeat");
  detail::heartbeat_callback(*exec, im.scheduler, *rec, im.clock->now());
  tx.commit();
}

std::vector<CallbackInfo> Service::callbacks(const std::string& arn) const {
  std::lock_guard lock(impl_->mu);
  const ExecutionRecord& exec = impl_->find(arn);
  std::vector<CallbackInfo> out;
  for (std::size_t i = 0; i < exec.ops.size(); ++i) {
    const Operation& op = exec.ops.at(i).op;
    if (op.type != OperationType::Callback) continue;
    CallbackInfo info;
    if (op.callback_details && op.callback_details->callback_id) {
      info.callback_id = *op.callback_details->callback_id;
    }
    info.operation_id = op.id;
    info.name = op.name;
    info.parent_id = op.parent_id;
    if (op.parent_id) {
      if (const auto* parent = exec.ops.find(*op.parent_id)) {
        info.parent_name = parent->op.name;
        info.parent_sub_type = parent->op.sub_type;
      }
    }
    info.status = op.status;
    out.push_back(std::move(info));
  }
  return out;
}

void Service::inject_checkpoint_fault(const std::string& arn, std::uint64_t k,
                                      CheckpointFaultKind kind) {
  if (k == 0) {
    throw std::invalid_argument("inject_checkpoint_fault: k counts checkpoint calls from 1, got 0");
  }
  std::lock_guard lock(impl_->mu);
  if (!arn.empty()) (void)impl_->find(arn);
  impl_->faults.push_back(FaultRule{arn, {}, k, kind});
}

void Service::inject_function_checkpoint_fault(const std::string& function_name, std::uint64_t k,
                                               CheckpointFaultKind kind) {
  if (function_name.empty()) {
    throw std::invalid_argument("inject_function_checkpoint_fault: the function name is empty");
  }
  if (k == 0) {
    throw std::invalid_argument(
        "inject_function_checkpoint_fault: k counts checkpoint calls from 1, got 0");
  }
  // Executions record the bare name, so "fn:$LATEST" or an ARN must name the same rule.
  const std::string function = detail::bare_function_name(function_name);
  std::lock_guard lock(impl_->mu);
  impl_->faults.push_back(FaultRule{{}, function, k, kind});
}

void Service::clear_checkpoint_faults() {
  std::lock_guard lock(impl_->mu);
  impl_->faults.clear();
}

}  // namespace durable::emulator
