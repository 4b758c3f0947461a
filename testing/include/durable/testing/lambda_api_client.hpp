// LambdaApiClient: the test side of the Lambda API over HTTP(S), SigV4-signed with the SDK's own
// signer — what a remote test runner needs to drive a durable function deployed on Lambda or
// served by durable-emulator: Invoke, GetDurableExecution, GetDurableExecutionHistory,
// SendDurableExecutionCallback{Success,Failure,Heartbeat} and StopDurableExecution.
//
// Errors: an error answer throws durable::ApiError with the service's code, HTTP status and
// message; no answer at all (connection refused, timeout) throws durable::lambda::TransportError
// naming the endpoint and the operation. Nothing is retried except a transport failure of a
// read-only call (GetDurableExecution/History), retried up to twice.
//
// Thread-safety: calls are serialized over one keep-alive connection; any thread may call.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "durable/lambda/aws_credentials.hpp"
#include "durable/lambda/endpoint.hpp"
#include "durable/model/api.hpp"
#include "durable/model/json.hpp"

namespace durable::testing {

struct LambdaApiClientOptions {
  lambda::Endpoint endpoint;
  std::string region;
  lambda::AwsCredentials credentials;
  std::chrono::milliseconds connect_timeout{5000};
  std::chrono::milliseconds read_timeout{60000};

  // For `url` ("http://127.0.0.1:9014", "https://lambda.us-east-1.amazonaws.com"; empty: the
  // regional endpoint, or AWS_ENDPOINT_URL_LAMBDA / AWS_ENDPOINT_URL when set): the region from
  // AWS_REGION / AWS_DEFAULT_REGION and the credentials from AWS_ACCESS_KEY_ID /
  // AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN. An http endpoint on loopback (an emulator, which
  // checks no signature) falls back to region us-east-1 and dummy credentials when those are
  // unset; any other endpoint throws std::runtime_error naming the missing variable. Throws
  // std::invalid_argument for a malformed url.
  static LambdaApiClientOptions for_endpoint(
      const std::string& url, const lambda::EnvironmentLookup& env = lambda::process_environment());
};

enum class InvocationType { RequestResponse, Event };

struct InvokeResult {
  int status_code = 0;                                // 200, 202, ...
  std::optional<std::string> durable_execution_arn;   // X-Amz-Durable-Execution-Arn
  std::optional<std::string> function_error;          // X-Amz-Function-Error
  std::string payload;                                // the response body (RequestResponse)
};

class LambdaApiClient {
 public:
  // Throws std::invalid_argument naming the bad option (empty region or keys, a scheme other
  // than http/https, a bad port, non-positive timeouts). Connects lazily.
  explicit LambdaApiClient(LambdaApiClientOptions options);
  ~LambdaApiClient();
  LambdaApiClient(const LambdaApiClient&) = delete;
  LambdaApiClient& operator=(const LambdaApiClient&) = delete;

  // POST /2015-03-31/functions/{name}/invocations with `payload` (JSON text) as the body.
  // `execution_name` becomes X-Amz-Durable-Execution-Name when set. An Event invoke of a durable
  // function answers 202 with the execution's ARN.
  InvokeResult invoke(const std::string& function_name, const std::string& payload,
                      InvocationType type = InvocationType::Event,
                      const std::optional<std::string>& execution_name = std::nullopt);
  GetDurableExecutionResponse get_execution(const std::string& arn);
  // Every page (NextMarker followed, at most 1000 pages) merged into one response body,
  // {"Events":[...]} in event order, as the service spells it.
  Json get_history(const std::string& arn, bool include_execution_data = true);
  void send_callback_success(const std::string& callback_id, const std::string& result);
  // `error`: an ErrorObject as JSON ({ErrorType, ErrorMessage, ...}); empty: none sent.
  void send_callback_failure(const std::string& callback_id, const Json& error);
  void send_callback_heartbeat(const std::string& callback_id);
  void stop_execution(const std::string& arn);

  const LambdaApiClientOptions& options() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace durable::testing
