// DurableContext: the handle through which a durable handler performs checkpointed operations
// (DESIGN.md §5, SDK-SEMANTICS.md §3).
//
// Every durable operation takes the next position of its context (a counter starting at 0,
// incremented before use) and derives its operation id from it (operation_id(prefix, n), prefix =
// the enclosing child context's id, none at the root). On replay the same code reaches the same
// ids and gets the checkpointed outcome back instead of running the work again: results are
// returned, failures re-thrown, pending work suspends again. A checkpoint whose type, name or
// sub-type differs from the call makes the execution fail with NonDeterministicExecutionError.
//
// Suspension: when the handler must wait, the SDK throws SuspendExecution (not a std::exception,
// sticky; see errors.hpp). Let it propagate.
//
// Thread-safety: a DurableContext belongs to the thread that runs its handler (or child body,
// or parallel branch / map item: those run on threads the SDK owns); SDK calls from any other
// thread throw std::logic_error.
//
// Misuse: a step body (or a wait_for_condition check) is plain code, not a durable context.
// Calling a durable operation (step, wait, run_in_child_context, invoke, create_callback,
// wait_for_callback, wait_for_condition, parallel, map) from inside a running body, on any
// context of the invocation, or from another thread on the context whose step body is running,
// throws OperationMisuseError (a std::logic_error) naming the operation and the step, and the
// execution fails with that error even if the body catches it. logger() stays usable. SDK code of one invocation runs under one lock that is released
// only while step bodies run, so step bodies of concurrent branches really run in parallel.
//
// Extension points: further operations (parallel, map) are added as members here that take a
// position with the context counter, and reuse detail::ExecutionState's replay lookup, checkpoint
// queue and suspension; sdk/src has one file per operation (step and wait live in
// durable_context.cpp, then invoke.cpp, callback.cpp, wait_for_callback.cpp,
// wait_for_condition.cpp) and operation_support.hpp holds their shared bookkeeping.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "durable/batch_config.hpp"
#include "durable/batch_result.hpp"
#include "durable/callback.hpp"
#include "durable/callback_config.hpp"
#include "durable/child_config.hpp"
#include "durable/duration.hpp"
#include "durable/errors.hpp"
#include "durable/logger.hpp"
#include "durable/model/enums.hpp"
#include "durable/serdes.hpp"
#include "durable/step_config.hpp"
#include "durable/step_context.hpp"
#include "durable/invoke_config.hpp"
#include "durable/wait_for_callback_context.hpp"
#include "durable/wait_for_condition_check_context.hpp"
#include "durable/wait_for_condition_config.hpp"
#include "durable/detail/operation_bodies.hpp"

namespace durable {

class DurableContext;

// An operation's user-supplied name: printable ASCII (0x20..0x7E), 1..256 characters. Absent or
// empty means unnamed. Anything else is rejected with ValidationError before any checkpoint.
using OperationName = std::optional<std::string>;

namespace detail {

class ExecutionState;
struct ContextFactory;
struct StepBodyMark;
class StepBodyScope;

// parallel/map with the item type erased.
struct BatchSpec {
  std::string_view outer_sub_type;
  std::string_view item_sub_type;
  std::vector<std::string> item_names;  // one per item
  std::optional<std::size_t> max_concurrency;
  CompletionConfig completion;
  NestingType nesting = NestingType::Nested;
};
struct RawBatchItem {
  std::size_t index = 0;
  BatchItemStatus status = BatchItemStatus::Started;
  std::optional<std::string> payload;  // the item context's serialized result
  std::optional<ErrorObject> error;
  std::string operation_id;
};
struct RawBatch {
  std::vector<RawBatchItem> items;  // started items, index order
  CompletionReason reason = CompletionReason::AllCompleted;
};
// Runs item `index` in its item context and returns its serialized result.
using ItemBody = FunctionRef<std::optional<std::string>(DurableContext&, std::size_t index)>;
// Encodes the finished batch as the outer context's output.
using BatchEncoder = FunctionRef<ChildOutput(const RawBatch&)>;

}  // namespace detail

class DurableContext {
 public:
  DurableContext(const DurableContext&) = delete;
  DurableContext& operator=(const DurableContext&) = delete;
  ~DurableContext();

  // Runs `fn(StepContext&)` as a checkpointed step and returns its value as the SerDes round-trip
  // deserialize(serialize(value)), on the first run as on replay.
  // Checkpoints: STEP START (SubType "Step"; queued for AT_LEAST_ONCE, synchronous for
  // AT_MOST_ONCE), then SUCCEED with the payload. If the body throws, the retry strategy sees the
  // error as an ErrorObject (ErrorType = class name without namespace, or error_type() of a
  // CallableRuntimeError) and the attempt number: retry → RETRY with the error and
  // NextAttemptDelaySeconds ≥ 1, then suspend; no retry → FAIL, then StepError is thrown.
  // Replay: SUCCEEDED → stored value; FAILED → StepError; PENDING → suspend; READY → run again;
  // STARTED → re-run (AT_LEAST_ONCE) or treat as interrupted (AT_MOST_ONCE).
  template <class F, class T = std::remove_cvref_t<std::invoke_result_t<F&, StepContext&>>>
  T step(F&& fn, OperationName name = std::nullopt,
         std::type_identity_t<StepConfig<T>> config = {});
  // The same with a StepConfig made for another result type (one config shared by steps of
  // several types): its retry strategy and semantics apply. Its serdes encodes another type, so
  // a set one is a ValidationError naming the step, thrown before anything is checkpointed.
  template <class F, class U, class T = std::remove_cvref_t<std::invoke_result_t<F&, StepContext&>>>
    requires(!std::is_same_v<U, T>)
  T step(F&& fn, OperationName name, const StepConfig<U>& config);

  // Durable timer. `duration` must be at least one second (ValidationError otherwise, before
  // any checkpoint); it is sent as whole seconds. Checkpoints WAIT START (SubType "Wait",
  // WaitOptions.WaitSeconds) synchronously, then suspends. Replay: SUCCEEDED (or otherwise
  // finished) → returns; still waiting → suspends again.
  void wait(Duration duration, OperationName name = std::nullopt);

  // Runs `fn(DurableContext&)` in a child context with its own id namespace (prefix = the child
  // operation's id). Checkpoints: CONTEXT START (SubType "RunInChildContext", queued), then
  // SUCCEED with the payload (synchronous) or FAIL with the error, after which
  // ChildContextError is thrown (error_type() = the escaped error's type). Results over 256 KiB
  // are checkpointed as summary_generator(result) (or "") with ReplayChildren=true.
  // Replay: SUCCEEDED → stored value without running the body; SUCCEEDED with ReplayChildren →
  // the body re-runs, its operations replay from their checkpoints, nothing new is checkpointed
  // for the context; FAILED → ChildContextError; STARTED → the body re-runs.
  // Returns deserialize(serialize(value)) on the first run too.
  template <class F, class T = std::remove_cvref_t<std::invoke_result_t<F&, DurableContext&>>>
  T run_in_child_context(F&& fn, OperationName name = std::nullopt,
                         std::type_identity_t<ChildConfig<T>> config = {});

  // Calls the Lambda function `function_name` (a name, partial or full ARN, qualifier allowed)
  // with `payload` and returns its result.
  // Validation (ValidationError, before anything is checkpointed): function_name 1..256
  // characters; config.timeout at least one second; config.tenant_id 1..256 characters of
  // [a-zA-Z0-9._:/=+-@ ]; the operation name as for every operation. A payload the SerDes cannot
  // encode is a fatal SerDesError (the execution fails; nothing is checkpointed).
  // Checkpoints (synchronously): CHAINED_INVOKE START (SubType "ChainedInvoke", Payload = the
  // encoded payload, ChainedInvokeOptions{FunctionName, TenantId}). With a timeout, a companion
  // WAIT START of the timeout goes in the same batch: its id is operation_id(<invoke id>, 1) (the
  // first position in the invoke's own id namespace, which nothing else uses), ParentId and
  // parent are the invoke's, SubType "Wait", Name "<name> timeout" (just "timeout" if unnamed).
  // Then the invocation suspends until the service re-invokes it.
  // Outcome, identical on first run and replay:
  //  * invoke SUCCEEDED → the Result decoded with serdes_result (absent/empty → R{});
  //  * FAILED / STOPPED → InvokeError rebuilt from the invoked function's ErrorObject;
  //  * TIMED_OUT (the function exceeded its own timeout) → InvokeError whose message says it
  //    timed out (error_type() kInvokeTimeoutErrorType unless the service named one);
  //  * timer and invoke race: whichever finished first wins (end timestamps decide when both
  //    finished while the invocation was suspended; ties go to the invoke). If the timer wins
  //    while the invoke still runs, a CHAINED_INVOKE CANCEL carrying the timeout error is
  //    checkpointed (synchronously) and InvokeError {kInvokeTimeoutErrorType, "invoke of
  //    function 'f' timed out after N seconds"} is thrown; if the invoke wins while the timer
  //    still runs, a WAIT CANCEL is queued. (On the real service a timer can fire between the
  //    SDK's read and its CANCEL; the emulator's virtual clock never races this way.)
  //  * neither finished → suspends again.
  template <class R = Json, class P>
  R invoke(const std::string& function_name, const P& payload, OperationName name = std::nullopt,
           std::type_identity_t<InvokeConfig<detail::invoke_payload_t<P>, R>> config = {});
  // A braced JSON payload, sent as the Json it builds:
  //   context.invoke("validate-order", {{"order_id", id}});
  template <class R = Json>
  R invoke(const std::string& function_name, Json::initializer_list_t payload,
           OperationName name = std::nullopt,
           std::type_identity_t<InvokeConfig<Json, R>> config = {}) {
    return invoke<R>(function_name, Json(payload), std::move(name), std::move(config));
  }
  // A config made for another payload or result type, e.g. one `InvokeConfig config{.timeout =
  // ...}` (InvokeConfig<Json, Json>) reused for every invoke: the payload is converted to CP and
  // encoded with config.serdes_payload; config.serdes_result must be empty unless CR is R
  // (ValidationError otherwise, before anything is checkpointed). Otherwise as above.
  template <class R = Json, class P, class CP, class CR>
    requires(!std::is_same_v<InvokeConfig<CP, CR>, InvokeConfig<detail::invoke_payload_t<P>, R>>)
  R invoke(const std::string& function_name, const P& payload, OperationName name,
           const InvokeConfig<CP, CR>& config);
  template <class R = Json, class CP, class CR>
    requires(!std::is_same_v<InvokeConfig<CP, CR>, InvokeConfig<Json, R>>)
  R invoke(const std::string& function_name, Json::initializer_list_t payload, OperationName name,
           const InvokeConfig<CP, CR>& config) {
    return invoke<R>(function_name, Json(payload), std::move(name), config);
  }

  // Creates a callback an external system completes through the service
  // (SDK-SEMANTICS.md §3.4). Checkpoints CALLBACK START (SubType "Callback") synchronously, with
  // CallbackOptions carrying only the configured timeouts (none → no CallbackOptions), and returns
  // the Callback holding the service-minted id. Validation (ValidationError, before any
  // checkpoint): the name; timeout and heartbeat_timeout zero or at least one second.
  // Replay: returns the same Callback without checkpointing and never throws for the callback's
  // outcome, which Callback::result() reports.
  template <class T = std::string>
  Callback<T> create_callback(OperationName name = std::nullopt,
                              std::type_identity_t<CallbackConfig<T>> config = {});
  // The same with a CallbackConfig made for another value type (one config shared by callbacks
  // of several types): its timeouts apply. Its serdes decodes another type, so a set one is a
  // ValidationError naming the callback, thrown before anything is checkpointed.
  template <class T, class U>
    requires(!std::is_same_v<U, T>)
  Callback<T> create_callback(OperationName name, const CallbackConfig<U>& config);

  // Creates a callback, hands its id to `submitter(callback_id, WaitForCallbackContext&)` and
  // waits for the answer (SDK-SEMANTICS.md §3.5, PROTOCOL.md §7.1, §10.3). Checkpoints a CONTEXT
  // (SubType "WaitForCallback", Name = name; START queued) containing, at positions 1 and 2,
  // CALLBACK "<name> create callback id" and STEP "<name> submitter" (just "create callback id" /
  // "submitter" if unnamed; the submitter is retried with config.retry_strategy), then CONTEXT
  // SUCCEED with the result encoded by config.serdes, or CONTEXT FAIL.
  // Errors (first run and replay alike): CallbackTimeoutError, CallbackExternalError as
  // Callback::result() reports them; CallbackSubmitterError when the submitter failed for good.
  // Validation as create_callback, before anything is checkpointed.
  // Replay: SUCCEEDED → the stored result; STARTED → the body re-runs over its checkpoints (the
  // submitter does not run again once it succeeded) and suspends while the callback is open.
  template <class T = std::string, class F>
  T wait_for_callback(F&& submitter, OperationName name = std::nullopt,
                      std::type_identity_t<WaitForCallbackConfig<T>> config = {});
  // The same with a WaitForCallbackConfig made for another value type: its timeouts and retry
  // strategy apply; a set serdes is a ValidationError naming the operation, thrown before
  // anything is checkpointed.
  template <class T, class F, class U>
    requires(!std::is_same_v<U, T>)
  T wait_for_callback(F&& submitter, OperationName name, const WaitForCallbackConfig<U>& config);

  // Polls `check(state, WaitForConditionCheckContext&) -> S` until config.wait_strategy says
  // stop, and returns the last state (SDK-SEMANTICS.md §3.6, PROTOCOL.md §10.2).
  // One STEP operation, SubType "WaitForCondition": START (queued) before each check that runs;
  // after the check, wait_strategy(new_state, attempt) decides: continue_waiting(d) → STEP RETRY
  // with Payload = the encoded state and NextAttemptDelaySeconds = max(1, d) (no Error), then
  // suspend; stop_polling() → STEP SUCCEED with the encoded state. If check or wait_strategy
  // throws → STEP FAIL and WaitForConditionError (error_type() = the thrown error's type).
  // The state handed to a check is the checkpointed state of the previous poll, else
  // config.initial_state. Validation: the name; wait_strategy must be set (ValidationError).
  // Replay: SUCCEEDED → the stored state; FAILED → WaitForConditionError; PENDING (delay not
  // over) → suspend; READY/STARTED → the next check runs. Returns deserialize(serialize(state)).
  template <class S, class F>
  S wait_for_condition(F&& check, WaitForConditionConfig<S> config,
                       OperationName name = std::nullopt);

  // Runs `branches` concurrently, each in its own child context, and returns their outcomes
  // (SDK-SEMANTICS.md §3.8, §5; PROTOCOL.md §7.1). Checkpoints: CONTEXT START (SubType
  // "Parallel", queued); per started branch i a child CONTEXT with id operation_id(<outer id>, i),
  // ParentId the outer id, SubType "ParallelBranch", Name the branch's name or
  // "parallel-branch-<i>", START/SUCCEED/FAIL like run_in_child_context (payload encoded with
  // config.item_serdes); then the outer CONTEXT SUCCEED with the BatchResult encoded by
  // config.serdes. Over 256 KiB the payload is instead a JSON envelope {"type":
  // "ParallelResult"|"MapResult", totalCount, completionReason, completedIndexes,
  // startedIndexes, startedCount, successCount, failureCount, status, summary?} (summary =
  // config.summary_generator's output) with ReplayChildren, and replay rebuilds the same
  // BatchResult from the branches' checkpoints and the recorded decision, running no branch
  // body that was not already recorded. NestingType::Flat: no CONTEXT per branch; the branch's
  // operations name the outer context as ParentId (ids unchanged), and replay of an unfinished
  // batch re-runs finished branches over their checkpoints. A
  // failing branch does not make the call throw: inspect the BatchResult or throw_if_error().
  // Concurrency: branches start in index order, at most config.max_concurrency at once; a
  // branch that suspends frees its slot. The calling thread runs branches itself, and threads of
  // the SDK's process-wide pool join it (up to the limit) whenever a started branch has waited
  // about 100 µs with no thread free to take it, so short bodies run back to back without
  // passing the SDK lock between threads while slow ones overlap; branches finishing together
  // share checkpoint requests. Pool threads outlive the batch and serve later batches of any
  // invocation (parked ones exit after 10 s idle). Once
  // config.completion_config decides (see CompletionConfig), no further branch starts and
  // running ones are asked to stop (StepContext::stop_token()); anything they checkpoint after
  // that is dropped, and they are reported STARTED. Every branch has left its thread before this
  // returns. If branches suspended and the batch is not decided, the invocation suspends.
  // Validation (ValidationError, nothing checkpointed): the name, max_concurrency 0,
  // min_successful 0 or above the branch count, percentage outside 0..100, empty branch fn.
  // Replay: SUCCEEDED → the stored BatchResult; STARTED → branches re-run over their checkpoints
  // (finished ones return their stored outcome without running).
  // Call from the thread running this context.
  template <class T>
  BatchResult<T> parallel(std::vector<ParallelBranch<T>> branches,
                          OperationName name = std::nullopt, ParallelConfig<T> config = {});
  // Same, with unnamed branches.
  template <class T>
  BatchResult<T> parallel(std::vector<std::function<T(DurableContext&)>> branches,
                          OperationName name = std::nullopt, ParallelConfig<T> config = {});

  // Runs fn(item_context, items[i], i, items) for every item like parallel's branches: outer
  // CONTEXT SubType "Map", item CONTEXTs SubType "MapIteration" named config.item_namer(item, i)
  // or "map-item-<i>". Everything else (concurrency, completion, checkpoints, replay, validation)
  // as parallel; the default completion stops at the first failure.
  template <class U, class F,
            class T = std::remove_cvref_t<std::invoke_result_t<F&, DurableContext&, const U&,
                                                                std::size_t, const std::vector<U>&>>>
  BatchResult<T> map(const std::vector<U>& items, F&& fn, OperationName name = std::nullopt,
                     std::type_identity_t<MapConfig<T, U>> config = {});

  // Replay-aware logger of this context (see logger.hpp). Lines carry this context's operation
  // id and name (none at the root).
  Logger& logger();

  // True while this context re-executes code whose operations are all already checkpointed.
  bool is_replaying() const;

  const std::string& execution_arn() const;

 private:
  friend struct detail::ContextFactory;

  DurableContext(std::shared_ptr<detail::ExecutionState> state,
                 std::optional<std::string> context_id, std::optional<std::string> context_name,
                 bool replaying);

  detail::RawResult step_raw(OperationName name, RetryStrategy strategy, StepSemantics semantics,
                             const detail::StepBody& body);
  detail::RawResult child_raw(OperationName name, const detail::ChildBody& body,
                              std::string_view sub_type = subtype::kRunInChildContext,
                              const detail::ChildFailure& on_failure = {});
  detail::RawResult invoke_raw(OperationName name, const detail::InvokeRequest& request,
                               const detail::PayloadEncoder& encode_payload);
  detail::CallbackHandle callback_raw(OperationName name, Duration timeout,
                                      Duration heartbeat_timeout);
  detail::RawResult wait_for_callback_raw(OperationName name, Duration timeout,
                                          Duration heartbeat_timeout, RetryStrategy retry_strategy,
                                          const detail::Submitter& submitter,
                                          const detail::CallbackTranscoder& transcode);
  detail::RawResult wait_for_condition_raw(OperationName name, bool has_wait_strategy,
                                           const detail::ConditionBody& body);
  detail::RawResult child_raw_at(const detail::OpSite& site, const detail::ChildBody& body,
                                 std::string_view sub_type, const detail::ChildFailure& on_failure);
  detail::RawResult batch_raw(OperationName name, const detail::BatchSpec& spec,
                              const detail::ItemBody& body, const detail::BatchEncoder& encode);
  detail::RawBatch run_batch_items(const detail::BatchSpec& spec, const detail::ItemBody& body);
  template <class T, class ItemFn>
  BatchResult<T> typed_batch(OperationName name, detail::BatchSpec spec, ItemFn&& item_fn,
                             std::shared_ptr<SerDes<BatchResult<T>>> serdes,
                             std::shared_ptr<SerDes<T>> item_serdes,
                             const std::function<std::string(const BatchResult<T>&)>& summary);
  // Entry of every durable operation (`operation` is its name in messages): the thread and
  // termination checks of ExecutionState::enter, then the misuse check (see the file comment).
  void enter_operation(const char* operation);
  [[noreturn]] void misused(const char* operation, const detail::StepBodyMark& body);

  // Leaves replay mode once the next position of this context has nothing checkpointed, so code
  // after the last replayed operation logs.
  void advance_replay();
  // Moves this context to its next position and returns that operation's id. The id is computed
  // once per position: advance_replay() looks it up ahead, and the operation there reuses it.
  std::string next_operation_id();
  // Records a fatal SerDes failure on the execution and throws SerDesError.
  [[noreturn]] void fail_deserialization(const std::string& operation_id, const char* what);

  template <class T>
  T deserialize_result(const SerDes<T>& serdes, const detail::RawResult& raw) {
    const std::string_view data =
        raw.payload ? std::string_view(*raw.payload) : std::string_view();
    try {
      // The default SerDes reads no context: none is built for it (a step's hot path).
      if constexpr (detail::JsonConvertible<T>) {
        if (dynamic_cast<const JsonSerDes<T>*>(&serdes) != nullptr) {
          return JsonSerDes<T>::decode(data);
        }
      }
      return serdes.deserialize(data, SerDesContext{raw.operation_id, execution_arn()});
    } catch (const std::exception& e) {
      fail_deserialization(raw.operation_id, e.what());
    }
  }

  std::shared_ptr<detail::ExecutionState> state_;
  std::optional<std::string> context_id_;    // prefix of child ids and ParentId of child ops
  std::optional<std::string> context_name_;
  std::uint64_t counter_ = 0;
  std::string next_id_;  // id of position counter_ + 1 once advance_replay computed it, else ""
  bool replaying_ = false;
  bool pinned_replay_ = false;  // re-running a ReplayChildren body: replaying throughout
  Logger logger_;
  // The step body of this context that is running (set and cleared under body_mutex_ by the
  // thread running it; read by other threads under the same mutex, so the mark stays alive
  // while they name it in their error).
  std::atomic<const detail::StepBodyMark*> running_body_{nullptr};
  std::mutex body_mutex_;
  friend class detail::StepBodyScope;
};

template <class F, class T>
T DurableContext::step(F&& fn, OperationName name, std::type_identity_t<StepConfig<T>> config) {
  if constexpr (std::is_void_v<T>) {
    step_raw(std::move(name), std::move(config.retry_strategy), config.step_semantics,
             [&fn](StepContext& sc) -> std::optional<std::string> {
               std::invoke(fn, sc);
               return std::nullopt;
             });
  } else {
    auto serdes = detail::serdes_or_default<T>(std::move(config.serdes));
    detail::RawResult raw = step_raw(
        std::move(name), std::move(config.retry_strategy), config.step_semantics,
        [&](StepContext& sc) -> std::optional<std::string> {
          T value = std::invoke(fn, sc);
          return detail::serialize_value<T>(*serdes, value, sc.operation_id(), execution_arn());
        });
    return deserialize_result<T>(*serdes, raw);
  }
}

template <class F, class U, class T>
  requires(!std::is_same_v<U, T>)
T DurableContext::step(F&& fn, OperationName name, const StepConfig<U>& config) {
  if (config.serdes) {
    throw ValidationError("step '" + name.value_or("") +
                          "': the StepConfig's serdes encodes another type than the result type "
                          "of this step; use a StepConfig of that type");
  }
  return step<F, T>(std::forward<F>(fn), std::move(name),
                    StepConfig<T>{config.retry_strategy, config.step_semantics, nullptr});
}

template <class F, class T>
T DurableContext::run_in_child_context(F&& fn, OperationName name,
                                       std::type_identity_t<ChildConfig<T>> config) {
  if constexpr (std::is_void_v<T>) {
    child_raw(std::move(name), [&fn](DurableContext& child) -> detail::ChildOutput {
      std::invoke(fn, child);
      return {};
    });
  } else {
    auto serdes = detail::serdes_or_default<T>(std::move(config.serdes));
    detail::RawResult raw =
        child_raw(std::move(name), [&](DurableContext& child) -> detail::ChildOutput {
          T value = std::invoke(fn, child);
          detail::ChildOutput out;
          out.payload = detail::serialize_value<T>(
              *serdes, value, SerDesContext{*child.context_id_, execution_arn()});
          if (out.payload->size() > detail::kChildResultInlineLimit && config.summary_generator) {
            out.summary = config.summary_generator(value);
          }
          return out;
        });
    return deserialize_result<T>(*serdes, raw);
  }
}

template <class R, class P>
R DurableContext::invoke(const std::string& function_name, const P& payload, OperationName name,
                         std::type_identity_t<InvokeConfig<detail::invoke_payload_t<P>, R>> config) {
  using Payload = detail::invoke_payload_t<P>;
  auto payload_serdes = detail::serdes_or_default<Payload>(std::move(config.serdes_payload));
  detail::InvokeRequest request{function_name, config.timeout, std::move(config.tenant_id)};
  const detail::RawResult raw = invoke_raw(
      std::move(name), request, [&](const std::string& operation_id) -> std::string {
        const SerDesContext ctx{operation_id, execution_arn()};
        try {
          if constexpr (std::is_same_v<Payload, std::decay_t<P>>) {
            return payload_serdes->serialize(payload, ctx);
          } else {
            return payload_serdes->serialize(Payload(payload), ctx);
          }
        } catch (const std::exception& e) {
          throw SerDesError("cannot serialize the payload of the invoke of function '" +
                            function_name + "' (operation " + operation_id + "): " + e.what());
        }
      });
  if constexpr (!std::is_void_v<R>) {
    if (!config.serdes_result && (!raw.payload || raw.payload->empty())) {
      if constexpr (std::is_default_constructible_v<R>) return R{};
    }
    auto result_serdes = detail::serdes_or_default<R>(std::move(config.serdes_result));
    return deserialize_result<R>(*result_serdes, raw);
  }
}

template <class R, class P, class CP, class CR>
  requires(!std::is_same_v<InvokeConfig<CP, CR>, InvokeConfig<detail::invoke_payload_t<P>, R>>)
R DurableContext::invoke(const std::string& function_name, const P& payload, OperationName name,
                         const InvokeConfig<CP, CR>& config) {
  static_assert(std::is_same_v<detail::invoke_payload_t<CP>, CP>,
                "InvokeConfig<P, R>: P must be the payload type itself (std::string, not a "
                "character pointer)");
  static_assert(std::is_same_v<CP, detail::invoke_payload_t<P>> || std::is_constructible_v<CP, const P&>,
                "invoke: the payload cannot be converted to the payload type of this InvokeConfig");
  InvokeConfig<CP, R> adapted{config.timeout, config.serdes_payload, nullptr, config.tenant_id};
  if constexpr (std::is_same_v<CR, R>) {
    adapted.serdes_result = config.serdes_result;
  } else if (config.serdes_result) {
    throw ValidationError("invoke of function '" + function_name +
                          "': the InvokeConfig's serdes_result decodes another type than the "
                          "result type of this invoke; use an InvokeConfig with that result type");
  }
  if constexpr (std::is_same_v<CP, detail::invoke_payload_t<P>>) {
    return invoke<R>(function_name, payload, std::move(name), std::move(adapted));
  } else {
    return invoke<R>(function_name, CP(payload), std::move(name), std::move(adapted));
  }
}

template <class T>
Callback<T> DurableContext::create_callback(OperationName name,
                                            std::type_identity_t<CallbackConfig<T>> config) {
  std::shared_ptr<SerDes<T>> serdes =
      config.serdes ? std::move(config.serdes) : detail::default_callback_serdes<T>();
  detail::CallbackHandle handle =
      callback_raw(std::move(name), config.timeout, config.heartbeat_timeout);
  return Callback<T>(std::move(handle), std::move(serdes));
}

template <class T, class U>
  requires(!std::is_same_v<U, T>)
Callback<T> DurableContext::create_callback(OperationName name, const CallbackConfig<U>& config) {
  if (config.serdes) {
    throw ValidationError("callback '" + name.value_or("") +
                          "': the CallbackConfig's serdes decodes another type than the value "
                          "type of this callback; use a CallbackConfig of that type");
  }
  return create_callback<T>(std::move(name),
                            CallbackConfig<T>{config.timeout, config.heartbeat_timeout, nullptr});
}

template <class T, class F, class U>
  requires(!std::is_same_v<U, T>)
T DurableContext::wait_for_callback(F&& submitter, OperationName name,
                                    const WaitForCallbackConfig<U>& config) {
  if (config.serdes) {
    throw ValidationError("wait_for_callback '" + name.value_or("") +
                          "': the WaitForCallbackConfig's serdes decodes another type than the "
                          "value type of this operation; use a WaitForCallbackConfig of that "
                          "type");
  }
  return wait_for_callback<T>(std::forward<F>(submitter), std::move(name),
                              WaitForCallbackConfig<T>{config.timeout, config.heartbeat_timeout,
                                                       config.retry_strategy, nullptr});
}

template <class T, class F>
T DurableContext::wait_for_callback(F&& submitter, OperationName name,
                                    std::type_identity_t<WaitForCallbackConfig<T>> config) {
  std::shared_ptr<SerDes<T>> serdes =
      config.serdes ? std::move(config.serdes) : detail::default_callback_serdes<T>();
  const detail::RawResult raw = wait_for_callback_raw(
      std::move(name), config.timeout, config.heartbeat_timeout, std::move(config.retry_strategy),
      [&submitter](const std::string& callback_id, WaitForCallbackContext& wc) {
        std::invoke(submitter, callback_id, wc);
      },
      [&](const std::optional<std::string>& result,
          const std::string& operation_id) -> std::optional<std::string> {
        const SerDesContext ctx{operation_id, execution_arn()};
        T value = [&] {
          try {
            return serdes->deserialize(result ? std::string_view(*result) : std::string_view(),
                                       ctx);
          } catch (const std::exception& e) {
            throw SerDesError("cannot deserialize the result of callback " + operation_id + ": " +
                              e.what());
          }
        }();
        return detail::serialize_value<T>(*serdes, value, ctx);
      });
  return deserialize_result<T>(*serdes, raw);
}

template <class S, class F>
S DurableContext::wait_for_condition(F&& check, WaitForConditionConfig<S> config,
                                     OperationName name) {
  auto serdes = detail::serdes_or_default<S>(std::move(config.serdes));
  const bool has_strategy = static_cast<bool>(config.wait_strategy);
  const detail::RawResult raw = wait_for_condition_raw(
      std::move(name), has_strategy,
      [&](const std::optional<std::string>& stored,
          WaitForConditionCheckContext& cc) -> detail::ConditionOutcome {
        const SerDesContext ctx{cc.operation_id(), execution_arn()};
        std::optional<S> restored;
        if (stored) {
          try {
            restored.emplace(serdes->deserialize(*stored, ctx));
          } catch (const std::exception& e) {
            throw SerDesError("cannot deserialize the state of wait_for_condition " +
                              cc.operation_id() + ": " + e.what());
          }
        }
        const S& state = restored ? *restored : config.initial_state;
        S next = std::invoke(check, state, cc);
        detail::ConditionOutcome out;
        out.state = detail::serialize_value<S>(*serdes, next, ctx);
        out.decision = config.wait_strategy(next, cc.attempt());
        return out;
      });
  return deserialize_result<S>(*serdes, raw);
}

template <class T, class ItemFn>
BatchResult<T> DurableContext::typed_batch(
    OperationName name, detail::BatchSpec spec, ItemFn&& item_fn,
    std::shared_ptr<SerDes<BatchResult<T>>> serdes, std::shared_ptr<SerDes<T>> item_serdes,
    const std::function<std::string(const BatchResult<T>&)>& summary) {
  static_assert(!std::is_void_v<T>, "parallel/map branches must return a value");
  const bool default_serdes = serdes == nullptr;
  if (default_serdes) {
    if constexpr (detail::JsonConvertible<T>) {  // the condition of BatchResult<T>'s to_json
      serdes = detail::stateless_serdes<detail::BatchResultJsonSerDes<T>, BatchResult<T>>();
    } else {
      serdes = detail::serdes_or_default<BatchResult<T>>(nullptr);  // throws ValidationError
    }
  }
  item_serdes = detail::serdes_or_default<T>(std::move(item_serdes));
  const std::string arn = execution_arn();
  // The result this invocation built, when it ran the batch to its end.
  std::optional<BatchResult<T>> built;
  const detail::RawResult raw = batch_raw(
      std::move(name), spec,
      [&](DurableContext& item_ctx, std::size_t index) -> std::optional<std::string> {
        T value = item_fn(item_ctx, index);
        return detail::serialize_value<T>(*item_serdes, value,
                                          SerDesContext{*item_ctx.context_id_, arn});
      },
      [&](const detail::RawBatch& batch) -> detail::ChildOutput {
        std::vector<BatchItem<T>> items;
        items.reserve(batch.items.size());
        for (const auto& raw_item : batch.items) {
          BatchItem<T> item;
          item.index = raw_item.index;
          item.status = raw_item.status;
          item.error = raw_item.error;
          item.name = spec.item_names[raw_item.index];
          if (raw_item.status == BatchItemStatus::Succeeded) {
            item.result = deserialize_result<T>(
                *item_serdes, detail::RawResult{raw_item.operation_id, raw_item.payload});
          }
          items.push_back(std::move(item));
        }
        BatchResult<T> result(std::move(items), batch.reason);
        detail::ChildOutput out;
        out.payload =
            detail::serialize_value<BatchResult<T>>(*serdes, result, SerDesContext{"", arn});
        if (out.payload->size() > detail::kChildResultInlineLimit) {
          out.summary = summary ? summary(result) : std::string();
        }
        if constexpr (detail::kJsonRoundTripIsIdentity<T>) {
          if (default_serdes) built = std::move(result);
        }
        return out;
      });
  // What a replay would decode; decoding is skipped only where it is known to give back the same
  // value (default encoding of integers and strings, whose items were already decoded from their
  // own checkpoints).
  // Through the SerDes itself: deserialize_result's shortcut for JsonSerDes would compile
  // BatchResult's from_json into every caller, for a SerDes the default never is.
  auto decode = [&]() -> BatchResult<T> {
    try {
      return serdes->deserialize(raw.payload ? std::string_view(*raw.payload) : std::string_view(),
                                 SerDesContext{raw.operation_id, arn});
    } catch (const std::exception& e) {
      fail_deserialization(raw.operation_id, e.what());
    }
  };
  // The result built here already carries the item names.
  if (built) return std::move(*built);
  const BatchResult<T> result = decode();
  // Names are not part of the encoding; they follow from the call.
  std::vector<BatchItem<T>> items = result.all();
  for (auto& item : items) {
    if (item.index < spec.item_names.size()) item.name = spec.item_names[item.index];
  }
  return BatchResult<T>(std::move(items), result.completion_reason());
}

template <class T>
BatchResult<T> DurableContext::parallel(std::vector<ParallelBranch<T>> branches,
                                        OperationName name, ParallelConfig<T> config) {
  detail::BatchSpec spec{subtype::kParallel, subtype::kParallelBranch, {},
                         config.max_concurrency, config.completion_config,
                         config.nesting_type};
  for (std::size_t i = 0; i < branches.size(); ++i) {
    if (!branches[i].fn) {
      throw ValidationError("parallel branch " + std::to_string(i) + " has no function");
    }
    spec.item_names.push_back(branches[i].name.empty() ? "parallel-branch-" + std::to_string(i)
                                                       : branches[i].name);
  }
  return typed_batch<T>(
      std::move(name), std::move(spec),
      [&branches](DurableContext& ctx, std::size_t i) -> T { return branches[i].fn(ctx); },
      std::move(config.serdes), std::move(config.item_serdes), config.summary_generator);
}

template <class T>
BatchResult<T> DurableContext::parallel(std::vector<std::function<T(DurableContext&)>> branches,
                                        OperationName name, ParallelConfig<T> config) {
  std::vector<ParallelBranch<T>> named;
  named.reserve(branches.size());
  for (auto& fn : branches) named.push_back(ParallelBranch<T>{{}, std::move(fn)});
  return parallel<T>(std::move(named), std::move(name), std::move(config));
}

template <class U, class F, class T>
BatchResult<T> DurableContext::map(const std::vector<U>& items, F&& fn, OperationName name,
                                   std::type_identity_t<MapConfig<T, U>> config) {
  detail::BatchSpec spec{subtype::kMap, subtype::kMapIteration, {}, config.max_concurrency,
                         config.completion_config, config.nesting_type};
  spec.item_names.reserve(items.size());
  for (std::size_t i = 0; i < items.size(); ++i) {
    spec.item_names.push_back(config.item_namer ? config.item_namer(items[i], i)
                                                : "map-item-" + std::to_string(i));
  }
  return typed_batch<T>(
      std::move(name), std::move(spec),
      [&](DurableContext& ctx, std::size_t i) -> T { return std::invoke(fn, ctx, items[i], i, items); },
      std::move(config.serdes), std::move(config.item_serdes), config.summary_generator);
}

}  // namespace durable
