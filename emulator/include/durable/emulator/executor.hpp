// Executor: runs the invocations a Service asks for, through a FunctionRegistry, on the calling
// thread. With a VirtualClock it skips time: whenever nothing is left to run it advances the
// clock to the next timer and fires it.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "durable/emulator/function_registry.hpp"
#include "durable/emulator/service.hpp"

namespace durable::emulator {

class Executor {
 public:
  // Also hands `registry` to service.set_function_registry(), so chained invokes find their
  // targets there.
  Executor(Service& service, FunctionRegistry& registry);

  // Runs ready invocations until none is ready (does not move the clock). Returns the number run.
  // An unknown function name completes the invocation with an error naming the function; an
  // exception escaping the function is recorded as a failed invocation.
  std::size_t run_until_idle();

  // Virtual clock: advances to the next timer and fires it; returns false when no timer is armed.
  // System clock: fires timers already due; returns false if none was due.
  bool advance_to_next_timer();

  // Drives `arn` until its execution status is terminal, alternating run_until_idle() and
  // advance_to_next_timer(). Stops early (returning false) when nothing can make progress, or
  // when `wall_limit` of real time has passed.
  bool run_to_completion(const std::string& arn, std::chrono::milliseconds wall_limit);

 private:
  Service& service_;
  FunctionRegistry& registry_;
};

}  // namespace durable::emulator
