// DurableRunner: runs a durable handler end to end inside the test process, against the
// in-process emulator of the durable execution service, on a virtual clock.
//
//   durable::testing::DurableRunner runner(my_handler, {.function_name = "orders"});
//   auto result = runner.run({{"order_id", "o-1"}});
//   EXPECT_EQ(result.status(), durable::testing::InvocationStatus::Succeeded);
//   EXPECT_EQ(result.get_step("charge").attempts(), 1);
//
// The handler runs exactly as on Lambda: the emulator invokes it with the invocation envelope,
// the SDK replays and checkpoints through an in-process CheckpointClient, and the runner re-invokes
// it whenever a timer fires, until the execution is terminal. With skip_time the clock jumps to
// the next timer as soon as no invocation is ready (quiescence), so waits and retry delays of any
// length finish at once.
//
// Step-by-step mode: start() creates the execution without running it; run_until_idle(),
// advance_clock(), advance_to_next_timer() move it on; status()/result() read it;
// wait_for_result() finishes it.
//
// Thread-safety: a DurableRunner is driven from one thread at a time (handlers run on that
// thread, or on threads the SDK owns during an invocation). Distinct runners share nothing and
// may be used concurrently. TestResults it returns are independent of it.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>

#include "durable/emulator/clock.hpp"
#include "durable/emulator/function_registry.hpp"
#include "durable/emulator/service.hpp"
#include "durable/invocation.hpp"
#include "durable/model/json.hpp"
#include "durable/testing/invocation_status.hpp"
#include "durable/testing/runner_error.hpp"
#include "durable/testing/runner_options.hpp"
#include "durable/testing/test_result.hpp"

namespace durable::testing {

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
  InvocationStatus status() const;
  // A snapshot of the current execution as it is now, terminal or not.
  TestResult result() const;
  // A snapshot of any execution of this runner's emulator (e.g. one started by a chained invoke
  // or directly through service()). Throws RunnerError naming the ARN when it is unknown.
  TestResult result(const std::string& execution_arn) const;
  // Drives the current execution to a terminal status (as run() does) and returns its result.
  TestResult wait_for_result(std::chrono::milliseconds timeout = std::chrono::seconds(30));
  // ARN of the current execution; empty before the first start()/run().
  const std::string& execution_arn() const;

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
