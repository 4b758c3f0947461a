// DurableRunner: runs a durable handler end to end inside the test process, against the
// in-process emulator of the durable execution service, on a virtual clock.
//
//   durable::testing::DurableRunner runner(my_handler, {.function_name = "orders"});
//   auto result = runner.run({{"order_id", "o-1"}});
//   EXPECT_EQ(result.status(), durable::testing::ExecutionStatus::Succeeded);
//   EXPECT_EQ(result.get_step("charge").attempts(), 1);
//
// The handler runs exactly as on Lambda: the emulator invokes it with the invocation envelope,
// the SDK replays and checkpoints through an in-process CheckpointClient, and the runner re-invokes
// it whenever a timer fires, until the execution is terminal. With skip_time the clock jumps to
// the next timer as soon as no invocation is ready (quiescence), so waits and retry delays of any
// length finish at once.
//
// Step-by-step mode: start() creates the execution without running it; run_until_idle(),
// advance_clock(), advance_to_next_timer() move it on; wait_for_callback(name) drives it until a
// callback exists and send_callback_*() answer it; status()/result() read it; wait_for_result()
// finishes it.
//
// Invoked functions: register_function() (plain, JSON in and out), register_raw_function() (plain,
// text), register_durable_function() (its own durable execution), mock_function() (a gmock
// MockFunction). Faults, declared before the run and combinable with those: fail_function(),
// time_out_function(), delay_function(); callbacks answered by rules (on_callback()); service
// faults on the k-th checkpoint (fail_checkpoint(), crash_after_checkpoint(),
// crash_before_checkpoint()) and a crash inside a step's body (crash_during_step()).
//
// Thread-safety: a DurableRunner is driven from one thread at a time (handlers run on that
// thread, or on threads the SDK owns during an invocation). Distinct runners share nothing and
// may be used concurrently. TestResults it returns are independent of it.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "durable/emulator/clock.hpp"
#include "durable/emulator/function_registry.hpp"
#include "durable/emulator/service.hpp"
#include "durable/duration.hpp"
#include "durable/invocation.hpp"
#include "durable/model/error_object.hpp"
#include "durable/model/json.hpp"
#include "durable/testing/callback_rule.hpp"
#include "durable/testing/checkpoint_fault.hpp"
#include "durable/testing/invocation_status.hpp"
#include "durable/testing/runner_error.hpp"
#include "durable/testing/runner_options.hpp"
#include "durable/testing/test_result.hpp"

namespace testing {
// gmock's class template, declared here so that this header does not pull gmock in; include
// <gmock/gmock.h> (or durable/testing/matchers.hpp) to set expectations on a mock.
template <typename F>
class MockFunction;
}  // namespace testing

namespace durable::testing {

class DeterminismReport;
struct DeterminismOptions;

// The gmock mock behind DurableRunner::mock_function: Call(payload) returns the function's result.
using FunctionMock = ::testing::MockFunction<Json(const Json&)>;
// How a mock_function treats a call no expectation was set for (gmock's NaggyMock, StrictMock,
// NiceMock).
enum class MockStrictness { Naggy, Strict, Nice };
// A plain (on-demand) function: receives the invoke payload as JSON, returns the result.
using PlainHandler = std::function<Json(const Json& payload)>;
// The same over raw text, for payloads a custom SerDes encodes as something other than JSON. The
// result must still be JSON text, as a Lambda response is (anything else fails the invoke with
// Runtime.InvalidResponse); an empty result means JSON null.
using RawPlainHandler = std::function<std::string(const std::string& payload)>;

// Lambda's default function timeout, the default of DurableRunner::time_out_function.
inline constexpr std::chrono::seconds kDefaultFunctionTimeout{3};

class DurableRunner {
 public:
  // Registers `handler` under options.function_name. Throws std::invalid_argument when the
  // handler is empty or the function name is empty.
  DurableRunner(Handler handler, RunnerOptions options = {});
  ~DurableRunner();
  DurableRunner(const DurableRunner&) = delete;
  DurableRunner& operator=(const DurableRunner&) = delete;

  // Adds (or replaces) another durable function the handler can reach through a chained invoke
  // (context.invoke(name, ...)); the emulator runs it as its own durable execution, driven by
  // this runner like the main one (see result(arn) to inspect it). Throws std::invalid_argument
  // for an empty name or handler.
  void register_durable_function(const std::string& name, Handler handler);

  // --- Invoked functions (declare before the run; the latest registration of a name wins) ---
  //
  // All of them throw std::invalid_argument for an empty name, an empty function, or the name of
  // the handler under test (RunnerOptions.function_name).

  // Registers a plain function the handler can invoke. It runs on the runner's thread when the
  // emulator completes the invoke; the payload is parsed as JSON (a payload that is not JSON
  // fails the invoke with ErrorType "PayloadNotJson") and the returned JSON becomes the Result.
  // An exception fails the invoke: a std::exception with ErrorType = its class name without
  // namespaces and ErrorMessage = what(); emulator::FunctionError with exactly its ErrorObject;
  // anything else with ErrorType "UnknownException" and a message naming the function.
  void register_function(const std::string& name, PlainHandler fn);
  // As register_function, over the payload and result text exactly as they travel.
  void register_raw_function(const std::string& name, RawPlainHandler fn);
  // Registers `name` as a plain function backed by a gmock MockFunction owned by the runner and
  // returns it (the same object on every call for one name; its address stays valid for the
  // runner's lifetime, and gmock verifies its expectations when the runner is destroyed):
  //   EXPECT_CALL(runner.mock_function("pay"), Call(JsonEq(...))).WillOnce(Return(Json{...}));
  // Exceptions thrown by its actions fail the invoke as for register_function. A call without a
  // matching expectation returns JSON null; what else happens is `strictness`: Naggy (the
  // default) prints gmock's "uninteresting call" warning, Strict fails the test (gmock's
  // StrictMock), Nice says nothing (NiceMock). An unexpected call (expectations set, none
  // matching) fails the test in every mode. The mode is fixed by the first call for a name;
  // a later call asking for another mode throws std::logic_error.
  FunctionMock& mock_function(const std::string& name,
                              MockStrictness strictness = MockStrictness::Naggy);

  // --- Function faults (combinable with any registration above; a fault alone is enough) ---

  // Every invoke of `name` fails with exactly `error`; the function's body is not called.
  void fail_function(const std::string& name, ErrorObject error);
  void fail_function(const std::string& name, std::string error_type, std::string error_message);
  // Every invoke of `name` times out as Lambda's function timeout would: TIMED_OUT with ErrorType
  // "Sandbox.Timedout" `after` (virtual time) after it started, whatever delay_function says.
  // For a durable function, `after` becomes its execution timeout as a chained-invoke target.
  // `after` must be whole seconds, at least one (std::invalid_argument otherwise).
  void time_out_function(const std::string& name, Duration after = kDefaultFunctionTimeout);
  // Every invoke of the plain function `name` answers `delay` of virtual time after it started
  // (the handler stays suspended meanwhile). std::invalid_argument for a negative delay or a
  // durable function. Needs a registration or fail_function: a delay alone makes the run fail
  // with RunnerError when the function is invoked.
  void delay_function(const std::string& name, Duration delay);

  // --- Callbacks ---

  // Declares a rule that answers matching callbacks automatically during run() and
  // wait_for_result() (see CallbackRule). Returns it for chaining; it lives as long as the runner.
  CallbackRule& on_callback(const std::string& name_or_pattern);

  // Step by step: drives the current execution (running invocations, firing timers, applying
  // callback rules) until an open (STARTED) callback named `name` exists, and returns its
  // callback id. `name` is matched as by on_callback (exact or glob). Throws RunnerError when the
  // execution ends, or can make no progress, without such a callback, or after `timeout` of wall
  // time; the message lists the callbacks that do exist.
  std::string wait_for_callback(const std::string& name,
                                std::chrono::milliseconds timeout = std::chrono::seconds(30));
  // Answer a callback as an external system would (SendDurableExecutionCallback*). They do not
  // run the invocation they trigger: call run_until_idle() or wait_for_result(). Each throws
  // durable::ApiError as the service answers: InvalidParameterValueException for an id it never
  // issued, ResourceNotFoundException for an unknown execution/operation, and
  // CallbackTimeoutException for a callback that already timed out or completed.
  void send_callback_success(const std::string& callback_id, const Json& result);
  void send_callback_success_raw(const std::string& callback_id, std::string result);
  void send_callback_failure(const std::string& callback_id, ErrorObject error);
  void send_callback_heartbeat(const std::string& callback_id);

  // --- Service faults (k is 1-based, counted per execution over its checkpoint calls) ---
  //
  // Declared before start()/run(), a fault applies to every execution the runner starts from
  // then on (not to chained-invoke targets); declared after start(), also to the current
  // execution. k = 0 throws std::invalid_argument.

  // The k-th checkpoint is refused with `fault` and not applied. The SDK fails the invocation
  // (the runner records it with the error), and the service invokes the execution again after
  // its invocation retry delay, which replays what was checkpointed before.
  void fail_checkpoint(std::uint64_t k, CheckpointFault fault);
  // The process "crashes" right after the service applied the k-th checkpoint: the handler keeps
  // running until its next checkpoint is refused, its output is discarded, InvocationCompleted
  // carries Runtime.ExitError and the execution is invoked again.
  void crash_after_checkpoint(std::uint64_t k);
  // The process "crashes" before the k-th checkpoint reaches the service: not applied; then as
  // crash_after_checkpoint.
  void crash_before_checkpoint(std::uint64_t k);
  // The process dies while the body of step `step` runs, `after` after the body started (virtual
  // time: the lost invocation ends `after` later on the virtual clock; on the wall clock the
  // runner does not wait). `step` is a STEP operation's Name, or its operation id (for an unnamed
  // step); the fault fires once per execution, at the first body run of a matching step (a
  // wait_for_condition check counts as a step body).
  // What the service has seen at that moment is what the SDK's background checkpointing
  // (InvocationOptions::checkpoint_flush_window, 100 ms) had sent: when `after` is at least the
  // window, every update queued before the body started, the step's START and its enclosing
  // contexts' STARTs included; when shorter, only what went out before (the START of an
  // AT_MOST_ONCE_PER_RETRY step always, as it is checkpointed before the body runs). The
  // invocation is then lost as with crash_before_checkpoint: the body itself runs to its end in
  // the test process (it cannot be stopped), but nothing checkpointed after it started reaches
  // the service (nor anything another thread of the invocation sends from then on), the output is
  // discarded, InvocationCompleted carries Runtime.ExitError naming the step, and the execution
  // is invoked again. The body's real duration is ignored: in virtual time it takes no time
  // until the crash, and the execution's invocations run without the background flush thread
  // (the fault applies the window itself), so the outcome does not depend on the test machine's
  // speed. Throws std::invalid_argument for an empty `step`.
  void crash_during_step(const std::string& step, Duration after);

  // Starts an execution with `input` and drives it to a terminal status. Returns its result.
  // Throws RunnerError when the execution is stuck (the message carries the emulator's account of
  // what it waits for) or options.timeout of wall time passed.
  TestResult run(const Json& input = Json::object(), const RunOptions& options = {});

  // --- Step-by-step mode (acts on the execution started last) ---

  // Creates the execution (ExecutionStarted, first invocation scheduled) without running anything.
  // Returns its DurableExecutionArn.
  std::string start(const Json& input = Json::object(), const RunOptions& options = {});
  // Runs every ready invocation (of any execution) until none is ready; never moves the clock.
  // Returns how many invocations ran.
  std::size_t run_until_idle();
  // Moves the virtual clock forward by `by`, firing the timers that fall due on the way in order
  // and running the invocations they trigger, and leaves the clock exactly `by` later. Throws
  // RunnerError when the runner uses the wall clock (skip_time = false).
  void advance_clock(std::chrono::milliseconds by);
  // Moves the clock to the earliest armed timer and fires it (the invocation it schedules is not
  // run: call run_until_idle()). Returns false when no timer is armed.
  bool advance_to_next_timer();
  // Status of the current execution. Throws RunnerError when nothing was started.
  ExecutionStatus status() const;
  // A snapshot of the current execution as it is now, terminal or not.
  TestResult result() const;
  // A snapshot of any execution of this runner's emulator (e.g. one started by a chained invoke
  // or directly through service()). Throws RunnerError naming the ARN when it is unknown.
  TestResult result(const std::string& execution_arn) const;
  // Drives the current execution to a terminal status (as run() does) and returns its result.
  TestResult wait_for_result(std::chrono::milliseconds timeout = std::chrono::seconds(30));
  // ARN of the current execution; empty before the first start()/run().
  const std::string& execution_arn() const;

  // --- Determinism (see durable/testing/determinism_checker.hpp, which the caller includes) ---

  // Runs `input` as run() does while recording every invocation's state and checkpoints, then
  // replays the handler under test against each recorded prefix and reports the first
  // divergence: EXPECT_TRUE(runner.check_determinism(input)). Starts a new execution.
  DeterminismReport check_determinism(const Json& input = Json::object());
  DeterminismReport check_determinism(const Json& input, const DeterminismOptions& options);

  // --- Access for advanced tests ---
  emulator::Service& service();
  emulator::VirtualClock* virtual_clock();  // nullptr when skip_time = false
  emulator::FunctionRegistry& registry();
  const RunnerOptions& options() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace durable::testing
