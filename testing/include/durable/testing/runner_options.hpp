// Options of the DurableRunner (per runner) and of one run (per execution).
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "durable/model/json.hpp"
#include "durable/plugin.hpp"

namespace durable::testing {

struct RunnerOptions {
  // Registry name of the handler under test; executions are started against it. Must not be
  // empty.
  std::string function_name = "durable-function";
  // true: a virtual clock that jumps to the next timer whenever nothing is running, so a one-year
  // wait takes microseconds. false: the wall clock; the runner sleeps until timers are due.
  bool skip_time = true;
  // Where the virtual clock starts; default: the wall clock at construction. Fix it for
  // reproducible timestamps.
  std::optional<Timestamp> start_time{};
  // Operations per page of InitialExecutionState; lower it to exercise the SDK's paging.
  std::size_t initial_state_page_size = 1000;
  // Keep the SDK's JSON log lines in the TestResult. Off saves time in benchmarks.
  bool capture_logs = true;
  // A chained invoke of a function nobody registered (register_function,
  // register_durable_function, mock_function or a fault rule) makes run()/wait_for_result()
  // throw RunnerError naming the function, before the emulator fails the invoke. false: let the
  // emulator fail the invoke with ResourceNotFoundException, which the handler may catch.
  bool fail_on_unregistered_function = true;
  // Instrumentation plugins of the handler under test (InvocationOptions::plugins of each of its
  // invocations; not of other registered durable functions). Their write_log records land in the
  // execution's logs next to the SDK's lines (when capture_logs is on).
  std::vector<std::shared_ptr<Plugin>> plugins{};
};

struct RunOptions {
  // Wall-clock limit for driving the execution to a terminal status. When it passes, or when the
  // execution can make no more progress (nothing to run, no timer before its own execution
  // timeout), run() throws RunnerError saying what the execution waits for. The limit is checked
  // between invocations: handlers run on the caller's thread, so one that blocks forever inside
  // its own code cannot be interrupted.
  std::chrono::milliseconds timeout = std::chrono::seconds(30);
  // DurableConfig.ExecutionTimeout, 1..31622400 s. Unset: the maximum (366 days, so that waits
  // of a year fit), and the runner never fast-forwards to it: an execution with nothing left
  // before its timeout is reported as stuck. Set: the virtual clock may run into it and the
  // execution ends TIMED_OUT.
  std::optional<std::chrono::seconds> execution_timeout{};
  // Execution name; default: a generated unique name.
  std::optional<std::string> execution_name{};
};

}  // namespace durable::testing
