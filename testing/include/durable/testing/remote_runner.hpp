// RemoteRunner: the same test against a durable function deployed on Lambda, or served by
// durable-emulator, through the Lambda API (LambdaApiClient, SigV4). It invokes the function
// (InvocationType Event), polls GetDurableExecution until the execution ends, and reads
// GetDurableExecutionHistory (IncludeExecutionData=true) into the same TestResult the in-process
// DurableRunner returns: status, result, error, history, timeline, and operations rebuilt from
// the history events (operations_from_history.hpp). What only the in-process runner can see —
// the handler's log lines, invocation records, checkpoint observations — stays empty.
//
// LocalOrRemoteRunner lets one test body run either way, as the reference testing libraries'
// cloud runners do: the environment variable DURABLE_TEST_FUNCTIONS maps the names tests give
// their handlers to deployed functions ("order=OrderFunction:$LATEST,greet=arn:aws:lambda:...");
// a handler named there runs remotely, any other in process. The endpoint, region and
// credentials come from the environment as for any AWS client (AWS_ENDPOINT_URL_LAMBDA,
// AWS_REGION, AWS_ACCESS_KEY_ID, ...; see LambdaApiClientOptions::for_endpoint).
//
// Each runner is used from one thread.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "durable/lambda/aws_credentials.hpp"
#include "durable/testing/durable_runner.hpp"
#include "durable/testing/lambda_api_client.hpp"
#include "durable/testing/runner_error.hpp"
#include "durable/testing/test_result.hpp"

namespace durable::testing {

struct RemoteRunnerOptions {
  LambdaApiClientOptions client;
  // The deployed function: name, qualified name ("fn:$LATEST", "fn:alias") or ARN.
  std::string function_name;
  // Between two looks at the execution.
  std::chrono::milliseconds poll_interval{50};
  // Wall time run() and wait_for_result() wait for the execution to end.
  std::chrono::milliseconds timeout{std::chrono::seconds(60)};
};

class RemoteRunner {
 public:
  // Throws std::invalid_argument for an empty function name or a non-positive poll interval or
  // timeout, and what LambdaApiClient's constructor throws.
  explicit RemoteRunner(RemoteRunnerOptions options);

  // Starts an execution with `input` and waits for it to end. Throws RunnerError (runner_error.hpp) when
  // it does not end within options.timeout, naming the ARN, its status and its last events;
  // ApiError / lambda::TransportError when the service refuses or cannot be reached.
  TestResult run(const Json& input = Json::object());
  // Invokes the function (Event) and returns the new execution's ARN, which becomes current.
  // Throws RunnerError when the answer carries no execution ARN (not a durable function).
  std::string start(const Json& input = Json::object());
  // Waits for the current execution to end (as run()).
  TestResult wait_for_result();
  // The current execution as it is now, terminal or not.
  TestResult result() const;
  // Polls the current execution's history until a STARTED callback named `name` (its own Name,
  // or the enclosing wait_for_callback context's) appears and returns its callback id. Throws
  // RunnerError when the execution ends first or `timeout` passes, listing the callbacks seen.
  std::string wait_for_callback(const std::string& name,
                                std::chrono::milliseconds timeout = std::chrono::seconds(30));
  // SendDurableExecutionCallback*, as an external system would; ApiError as the service answers.
  void send_callback_success(const std::string& callback_id, const Json& result);
  void send_callback_failure(const std::string& callback_id, const ErrorObject& error);
  void send_callback_heartbeat(const std::string& callback_id);

  // ARN of the current execution; empty before start()/run().
  const std::string& execution_arn() const { return arn_; }
  const RemoteRunnerOptions& options() const { return options_; }

 private:
  RemoteRunnerOptions options_;
  std::unique_ptr<LambdaApiClient> client_;
  std::string arn_;
};

// The deployed function DURABLE_TEST_FUNCTIONS maps `name` to, if any. Throws
// std::invalid_argument naming the variable when an entry is not NAME=FUNCTION.
std::optional<std::string> remote_function_for(
    const std::string& name, const lambda::EnvironmentLookup& env = lambda::process_environment());

// One test body, in process or against a deployed function (see above).
class LocalOrRemoteRunner {
 public:
  // Remote when the environment maps `name` (then `handler` and `options` are unused, except
  // that RunnerOptions says nothing the remote side could honour); else a DurableRunner over
  // `handler` with `options`.
  LocalOrRemoteRunner(const std::string& name, Handler handler, RunnerOptions options = {},
                      const lambda::EnvironmentLookup& env = lambda::process_environment());

  bool is_remote() const { return remote_ != nullptr; }
  // The in-process runner, for what only it offers (mocks, faults, the virtual clock); nullptr
  // when remote, so a test that needs it can GTEST_SKIP() there.
  DurableRunner* local() { return local_.get(); }
  RemoteRunner* remote() { return remote_.get(); }

  TestResult run(const Json& input = Json::object());
  std::string start(const Json& input = Json::object());
  TestResult wait_for_result();
  std::string wait_for_callback(const std::string& name,
                                std::chrono::milliseconds timeout = std::chrono::seconds(30));
  void send_callback_success(const std::string& callback_id, const Json& result);
  void send_callback_failure(const std::string& callback_id, const ErrorObject& error);
  void send_callback_heartbeat(const std::string& callback_id);

 private:
  std::unique_ptr<DurableRunner> local_;
  std::unique_ptr<RemoteRunner> remote_;
};

}  // namespace durable::testing
