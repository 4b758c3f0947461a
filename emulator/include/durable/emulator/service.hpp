// Service: the transport-free emulator of the durable execution service. It validates and applies
// checkpoints (PROTOCOL.md §5), keeps each execution's operations and history (§6), arms timers on
// a Clock, and decides when an execution must be invoked. It never calls functions itself: an
// Executor (or the HTTP server's worker) takes ready invocations, runs them, and reports back.
//
// Thread-safety: every public member may be called from any thread. No lock is held while
// user code runs, so a handler may call checkpoint()/get_state() from inside its invocation.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "durable/emulator/clock.hpp"
#include "durable/emulator/execution_store.hpp"
#include "durable/emulator/function_registry.hpp"
#include "durable/model/api.hpp"
#include "durable/model/api_error.hpp"
#include "durable/model/envelope.hpp"

namespace durable::emulator {

struct ServiceOptions {
  std::string region = "us-east-1";
  std::string account_id = "123456789012";
  // Items per page of InitialExecutionState before NextMarker is set (the service pages large
  // states; tests lower it to exercise the SDK's paging).
  std::size_t initial_state_page_size = 1000;
  // A failed invocation is retried after this back-off on the service's clock ...
  std::chrono::milliseconds invocation_retry_delay{5000};
  // ... and this many consecutive failed invocations fail the execution (PROTOCOL.md §5.4).
  int max_consecutive_invocation_failures = 5;
  // Terminal executions kept (for GetDurableExecution, history, listings) before the oldest to
  // have ended is evicted; an evicted execution answers 404 ResourceNotFoundException like one
  // that never existed, and its name may be used again. Executions still running are never
  // evicted. Must be >= 1 (0 is taken as 1).
  std::size_t retain_executions = 10000;
  // Where executions outlive the process (execution_store.hpp). Empty: nowhere — the working set
  // in memory is the only copy, as the in-process runner wants, and nothing is written.
  // With a store, the Service loads it at construction and recovers what it holds (see the
  // constructor), and every call that changes state returns only once its change is durable;
  // calls that read wait until every change they can see is durable.
  std::shared_ptr<ExecutionStore> store;
};

struct StartExecutionRequest {
  std::string function_name;              // the function to invoke (registry name)
  std::string qualifier = "$LATEST";
  std::optional<std::string> execution_name;  // default: a generated unique name
  std::string input = "{}";               // JSON text; becomes ExecutionDetails.InputPayload
  std::int64_t execution_timeout_seconds = 86400;  // 1..31622400
  std::optional<std::string> invocation_id;  // becomes the EXECUTION op Id; generated if absent
};

struct StartExecutionResponse {
  std::string durable_execution_arn;
};

// An invocation the service wants run now. The executor calls the function with `input` and
// reports the outcome with complete_invocation().
struct PendingInvocation {
  std::string durable_execution_arn;
  std::string function_name;
  std::string request_id;  // RequestId recorded in InvocationCompleted
  DurableExecutionInvocationInput input;
};

// What came back from an invocation: the handler's output, or a failure of the invocation itself
// (the process crashed, the output could not be parsed, the handler threw out of the runtime).
struct InvocationOutcome {
  std::optional<DurableExecutionInvocationOutput> output;
  std::optional<ErrorObject> error;  // set when the invocation itself failed
  // Set by a host that is shutting down and gives up an invocation it had taken (never started,
  // or cut off with its Runtime API): the emulator lost it, the function did not fail. The
  // invocation is recorded as ended with `error`, is not counted among the execution's
  // consecutive failures, and the execution is wanted again at once (by this service's next
  // driver, or after a restart on the same store), as for an invocation in flight at a crash.
  bool abandoned_by_host = false;
};

// A CALLBACK operation as the harness needs to find it (Service::callbacks).
struct CallbackInfo {
  std::string callback_id;
  std::string operation_id;
  std::optional<std::string> name;  // the CALLBACK operation's own Name (may be absent)
  // The enclosing operation, if any. For wait_for_callback the CALLBACK is an inner, often
  // unnamed, operation of a CONTEXT with SubType "WaitForCallback" that carries the user's name.
  std::optional<std::string> parent_id;
  std::optional<std::string> parent_name;
  std::optional<std::string> parent_sub_type;
  OperationStatus status = OperationStatus::Started;
};

// Faults the service can inject into the k-th checkpoint call of an execution.
enum class CheckpointFaultKind {
  kServiceError,     // ApiError 500 ServiceException; the batch is not applied
  kThrottle,         // ApiError 429 TooManyRequestsException; not applied
  kStaleToken,       // ApiError 400 "Invalid checkpoint token"; not applied
  // The process dies before the checkpoint reaches the service: not applied, the call throws
  // ApiError 500, and the invocation is lost (see below).
  kCrashBeforeSend,
  // The checkpoint is applied and answered normally, then the process dies.
  kCrashAfterApply,
};

class Service {
 public:
  // With options.store, loads it and recovers: running executions go on (due timers fire at the
  // next fire_due_timers(), later ones stay armed); an invocation that was in flight is lost —
  // InvocationCompleted records it with {ErrorType: "Runtime.ExitError"} (not counted as a
  // failure of the function) and the execution is invoked again at once; open callbacks stay
  // answerable by their ids; checkpoint tokens issued before are refused ("Invalid checkpoint
  // token"), since their secrets were never stored. A VirtualClock moves to the latest time the
  // store recorded. Throws StoreError when the store cannot be read (the message names it).
  explicit Service(std::shared_ptr<Clock> clock, ServiceOptions options = {});
  ~Service();
  Service(const Service&) = delete;
  Service& operator=(const Service&) = delete;

  const Clock& clock() const;
  // The same clock, shared: the Executor moves a VirtualClock through it.
  std::shared_ptr<Clock> shared_clock() const;
  // The options the service was made with (region and account name its ARNs).
  const ServiceOptions& options() const;

  // Creates the execution (EXECUTION op STARTED, ExecutionStarted event) and schedules its first
  // invocation. Throws ApiError (400) for a bad request (empty function name, input that is not
  // JSON is stored as a JSON string as the service does).
  StartExecutionResponse start_execution(const StartExecutionRequest& request);

  // The durable API. Each throws ApiError with the service's code and exact message.
  // checkpoint() checks, in order: field formats of the updates and ClientToken (messages name
  // the field), the execution (404), the ClientToken replay of the last response, the token
  // (valid only for the invocation in flight and the current sequence, else
  // "Invalid checkpoint token"), then the batch rules of PROTOCOL.md §5.2; a rejected batch
  // changes nothing. The response holds the operations changed since the handler last saw them
  // and omits CheckpointToken once the execution is terminal. get_state() needs the same token;
  // its markers are valid for the current token sequence only ("Invalid marker").
  CheckpointDurableExecutionResponse checkpoint(const CheckpointDurableExecutionRequest& request);
  GetDurableExecutionStateResponse get_state(const GetDurableExecutionStateRequest& request);
  GetDurableExecutionResponse get_execution(const GetDurableExecutionRequest& request);
  GetDurableExecutionHistoryResponse get_history(const GetDurableExecutionHistoryRequest& request);
  ListDurableExecutionsByFunctionResponse list_executions(
      const ListDurableExecutionsByFunctionRequest& request);
  StopDurableExecutionResponse stop(const StopDurableExecutionRequest& request);

  // The emulator's own view for its console (not a Lambda API): the newest `max_items` (1..1000)
  // executions of every function and every qualifier, or of one bare function name's qualifiers
  // when `function_name` is given, optionally only those in `statuses`; newest first (equal
  // start times by ARN). `truncated` says more matched. Any thread.
  struct ExecutionList {
    std::vector<ExecutionSummary> executions;
    bool truncated = false;
    // GoogleTest's printer: ExecutionList{"DurableExecutions":[...],"Truncated":false}, each
    // summary in its wire JSON.
    friend void PrintTo(const ExecutionList& list, std::ostream* os);
  };
  ExecutionList list_all_executions(const std::optional<std::string>& function_name,
                                    const std::vector<ExecutionStatus>& statuses,
                                    std::size_t max_items);

  // --- Scheduling (used by Executor) ---

  // Takes one invocation that is due now (at most one in flight per execution), marks it in
  // flight, and returns it; std::nullopt when none is ready.
  std::optional<PendingInvocation> take_ready_invocation();
  // Reports how the in-flight invocation `request_id` of `arn` ended: applies the output rules
  // (§5.4), records InvocationCompleted (then the terminal execution event, if any), and schedules
  // the next invocation when a trigger arrived meanwhile or the invocation failed.
  // A failed invocation is retried after ServiceOptions::invocation_retry_delay; after
  // max_consecutive_invocation_failures in a row the execution fails with the last error.
  // Throws ApiError 400 when `request_id` is not the invocation in flight for `arn`.
  void complete_invocation(const std::string& arn, const std::string& request_id,
                           const InvocationOutcome& outcome);
  // Earliest armed timer (wait end, retry ready, execution timeout) across all executions.
  std::optional<Timestamp> next_timer_due() const;
  // Fires every timer due at clock().now(); returns how many fired.
  std::size_t fire_due_timers();
  // True while any execution has an invocation in flight or ready to start.
  bool has_invocation_work() const;
  // The RequestId of the invocation of `arn` in flight (as InvocationCompleted will record it),
  // for a host that runs functions in process and hands Lambda's request id to the SDK's
  // logger; std::nullopt when none is in flight or `arn` is unknown.
  std::optional<std::string> in_flight_request_id(const std::string& arn) const;
  // Skip-time for a driver on a VirtualClock (the HTTP dispatcher): when no invocation is in
  // flight or ready, moves the clock to the next timer, or, when an execution with an open
  // callback has a timer at or before it, by `real_elapsed` only (time runs at real speed while
  // someone outside may still answer); then fires what is due. The check and the move are one
  // step under the service's lock, so an execution started meanwhile is never skipped past.
  // Returns the timers fired: 0, the clock unmoved, when something can run or no timer is armed.
  // With a clock that is not a VirtualClock it only fires what is due. Any thread.
  std::size_t skip_virtual_time(std::chrono::milliseconds real_elapsed);
  // Executions currently kept (running and terminal); see ServiceOptions::retain_executions.
  std::size_t execution_count() const;
  // A readable line per non-terminal execution saying what it waits for (pending operations,
  // timers); used by the harness when an execution can never finish.
  std::string describe_waiting(const std::string& arn) const;

  // Read access for the harness: the full operation list (no child filtering) of an execution.
  std::vector<Operation> operations(const std::string& arn) const;
  // The operations an invocation starting now would be shown (envelope and get_state pages put
  // together): children of a completed context without ReplayChildren are hidden.
  std::vector<Operation> visible_operations(const std::string& arn) const;

  // --- Chained invoke ---

  // The functions CHAINED_INVOKE targets are resolved in (a handle sharing registrations with
  // the caller's copy; the Executor sets it). Until one is set every target is unknown.
  // CHAINED_INVOKE START then runs the target, asynchronously to the caller:
  // - durable target: started at once as its own execution (function = the bare name, qualifier
  //   = ExecutedVersion, Input = the Payload or "{}", ExecutionTimeout = FunctionOptions.timeout
  //   or 86400 s); its ARN is ChainedInvokeStartedDetails.DurableExecutionArn. Its first
  //   invocation waits for the end of the caller's invocation in flight (Lambda starts it
  //   asynchronously, and the recorded histories never complete the invoke before the caller's
  //   InvocationCompleted). Its end completes the operation: SUCCEEDED{Result} / FAILED /
  //   TIMED_OUT / STOPPED{Error}.
  // - plain target: called from fire_due_timers() (never under a lock, never inside the caller's
  //   checkpoint) once the clock reaches start + FunctionOptions.delay; its result or exception
  //   completes the operation (see FunctionOptions.timeout for TIMED_OUT).
  // - unknown target: from fire_due_timers() too, FAILED with {ErrorType:
  //   "ResourceNotFoundException", ErrorMessage: "Function not found: <name>"}.
  // Each completion appends its event and re-invokes the caller. CHAINED_INVOKE CANCEL makes the
  // operation STOPPED (ChainedInvokeStopped), stops a durable target's execution and drops a
  // pending plain call; the caller, which sent the CANCEL, is not re-invoked for it.
  void set_function_registry(FunctionRegistry registry);

  // --- Callbacks (SendDurableExecutionCallback*) ---
  //
  // Errors, checked in this order: an empty CallbackId or one over 1024 characters, and (success)
  // a Result over 262144 bytes → 400 InvalidParameterValueException naming the field; an id this
  // service did not mint → 400 InvalidParameterValueException; an id whose execution or
  // operation does not exist → 404 ResourceNotFoundException; a callback that is no longer
  // STARTED (timed out, completed) or whose execution has ended → 400 CallbackTimeoutException.
  //
  // success: Result = the body bytes, SUCCEEDED, CallbackSucceeded{Result}, timers cancelled,
  // the execution re-invoked (queued behind an invocation in flight).
  void send_callback_success(const SendDurableExecutionCallbackSuccessRequest& request);
  // failure: Error = the ErrorObject sent (may be absent: an empty one), FAILED,
  // CallbackFailed{Error}, timers cancelled, re-invoked.
  void send_callback_failure(const SendDurableExecutionCallbackFailureRequest& request);
  // heartbeat: restarts the heartbeat timeout from now; no event, no re-invocation.
  void send_callback_heartbeat(const SendDurableExecutionCallbackHeartbeatRequest& request);
  // Every CALLBACK operation of `arn` in creation order. Throws ApiError 404 for an unknown arn.
  std::vector<CallbackInfo> callbacks(const std::string& arn) const;

  // --- Fault injection (test harness) ---

  // Makes the k-th checkpoint() call (1-based, counted per execution, every call that names an
  // existing execution and is not a ClientToken replay) of `arn` — or, with an empty `arn`, of
  // every execution — fail with `kind`. A lost invocation (kCrash*) has every later
  // checkpoint/get_state refused ("Invalid checkpoint token"), and when it completes its output
  // is ignored: InvocationCompleted carries {ErrorType: "Runtime.ExitError"} and the execution is
  // invoked again after ServiceOptions::invocation_retry_delay, as after any failed invocation.
  // Throws std::invalid_argument when k is 0 and ApiError 404 for a non-empty unknown `arn`.
  void inject_checkpoint_fault(const std::string& arn, std::uint64_t k, CheckpointFaultKind kind);
  // The same for every execution of `function_name` (bare, qualified or an ARN; matched by its
  // bare name), present and future, each counting its own calls: how a host that starts
  // executions on request (durable-emulator) gives one function its fault settings.
  // Throws std::invalid_argument for an empty name or k == 0.
  void inject_function_checkpoint_fault(const std::string& function_name, std::uint64_t k,
                                        CheckpointFaultKind kind);
  // Forgets every injected fault.
  void clear_checkpoint_faults();

 private:
  struct Impl;
  void complete_invocation_locked(const std::string& arn, const std::string& request_id,
                                  const InvocationOutcome& outcome);
  std::unique_ptr<Impl> impl_;
};

}  // namespace durable::emulator
