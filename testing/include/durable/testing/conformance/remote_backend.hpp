// RemoteBackend: runs each requirement against a durable function reached through the Lambda
// API over HTTP — deployed on Lambda, or hosted by durable-emulator (which serves every fixture
// as the function named by its requirement id) — instead of in process.
//
// For each requirement: Invoke (InvocationType Event, so the runner stays free to answer
// callbacks) the function `function_prefix + id` with the substituted input; then, until the
// execution is terminal, poll GetDurableExecution, read GetDurableExecutionHistory
// (IncludeExecutionData=true), plan CallbackActions for callbacks that appeared
// (CallbackActionPlanner) and send each through SendDurableExecutionCallback{Success,Failure,
// Heartbeat} once its Delay has passed in REAL time (durable-emulator --skip-time lets its clock
// follow real time while a callback is open, so the delays mean the same as in process).
//
// Logs: Lambda writes a function's log lines to its log stream, not to the API. With `log_file`
// set (durable-emulator's stderr redirected to a file) the backend reads the lines written since
// the Invoke and keeps the JSON lines whose executionArn (the SDK's) or durableExecutionArn
// (the plugins') is the execution's, in file order. Without it the backend captures no logs, and
// the driver skips requirements with ExpectedLogs, saying why.
//
// Handlers: the registry entry of a requirement only says that the requirement has a function;
// the entry's handler and settings are the remote side's business (durable-emulator applies the
// same settings in its own process).
//
// Used from the driver's thread only.
#pragma once

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>

#include "durable/testing/conformance/execution_backend.hpp"
#include "durable/testing/lambda_api_client.hpp"

namespace durable::testing::conformance {

struct RemoteBackendOptions {
  LambdaApiClientOptions client;
  // The function of requirement "1-1" is function_prefix + "1-1".
  std::string function_prefix;
  // The function's log output (see above); unset: no log capture.
  std::optional<std::filesystem::path> log_file;
  // Between two looks at the execution.
  std::chrono::milliseconds poll_interval{10};
  // Wall time one requirement may take before the run gives up (and stops the execution).
  std::chrono::milliseconds wall_limit{std::chrono::seconds(120)};
};

class RemoteBackend : public ExecutionBackend {
 public:
  // Throws what LambdaApiClient's constructor throws; std::invalid_argument for a
  // non-positive poll_interval or wall_limit.
  explicit RemoteBackend(RemoteBackendOptions options);

  // Throws std::runtime_error naming the requirement and the function when the Invoke is refused
  // or answers no execution ARN, when a callback action is refused, or when the wall limit
  // passes (the execution is then stopped, and the message says what its history last showed).
  ExecutionOutcome execute(const Requirement& requirement, const RegisteredHandler& handler,
                           const Json& input, const Bindings& bindings) override;
  bool supports_callbacks() const override { return true; }
  bool captures_logs() const override { return options_.log_file.has_value(); }

 private:
  RemoteBackendOptions options_;
  LambdaApiClient client_;
};

}  // namespace durable::testing::conformance
