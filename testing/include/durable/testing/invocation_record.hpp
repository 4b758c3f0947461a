// InvocationRecord: what the harness saw of one handler invocation of an execution.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "durable/model/enums.hpp"
#include "durable/model/error_object.hpp"
#include "durable/model/json.hpp"

namespace durable::testing {

struct InvocationRecord {
  // RequestId the service recorded in this invocation's InvocationCompleted event.
  std::string request_id;
  std::string function_name;
  // Virtual (emulator clock) instants around the call.
  Timestamp start{};
  Timestamp end{};
  // Real time the call took, for spotting slow handlers.
  std::chrono::microseconds wall_duration{};
  // The status the handler returned; unset when the invocation itself failed (exception escaped,
  // function not registered).
  std::optional<durable::InvocationStatus> output_status;
  // The handler's FAILED error or the invocation failure. For a crash it is the error the
  // service recorded (Runtime.ExitError), not what the SDK threw at the refused checkpoint.
  std::optional<ErrorObject> error;
  // True when an injected crash (DurableRunner::crash_after_checkpoint/crash_before_checkpoint/
  // crash_during_step) lost this invocation: its output was discarded and the execution was invoked again.
  bool crashed = false;
  // CheckpointDurableExecution requests the SDK sent during this invocation (how well it
  // batched its updates: asynchronous updates ride with the next synchronous one, and parallel
  // branches share requests).
  std::size_t checkpoint_requests = 0;
};

}  // namespace durable::testing
