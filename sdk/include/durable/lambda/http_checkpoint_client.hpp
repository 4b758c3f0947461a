// HttpCheckpointClient: the production CheckpointClient. Calls CheckpointDurableExecution and
// GetDurableExecutionState on the Lambda API (or an emulator) over HTTP(S), signed with SigV4,
// with bounded retries.
//
// Retries (exponential backoff with full jitter, at most RetryPolicy::max_attempts tries):
// transport failures (connect, timeout, reset), 429 and throttling codes, and 5xx except the
// KMS* codes, which PROTOCOL.md §2.3 counts as non-retryable. Every other error is thrown at
// once as durable::ApiError with the service's code and message, so the SDK classifies it
// (e.g. a stale "Invalid Checkpoint Token" 400 means the invocation must be retried as a whole).
//
// A checkpoint consumes its token, so a retry after a lost response would otherwise be refused
// as stale: each checkpoint call without a ClientToken gets a random one, the same for all its
// attempts, and the service answers a repeat with the first answer (PROTOCOL.md §4.2).
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>

#include "durable/checkpoint_client.hpp"
#include "durable/lambda/aws_credentials.hpp"
#include "durable/lambda/endpoint.hpp"

namespace durable::lambda {

// No HTTP answer (connection refused, DNS, TLS, timeout, reset), or an answer that is not the
// API's (a 2xx whose body is not the expected JSON). Retryable at the invocation level.
class TransportError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct RetryPolicy {
  int max_attempts = 5;  // total tries per call, >= 1
  std::chrono::milliseconds initial_backoff{100};
  std::chrono::milliseconds max_backoff{5000};
};

struct HttpCheckpointClientOptions {
  Endpoint endpoint;
  std::string region;
  AwsCredentials credentials;
  // The SDKs' defaults (PROTOCOL.md §1): 5 s to connect, 50 s per read or write.
  std::chrono::milliseconds connect_timeout{5000};
  std::chrono::milliseconds read_timeout{50000};
  RetryPolicy retry;
  std::string user_agent = "durable-cpp/0.1.0";
  // PEM file of trusted CAs for https; empty: SSL_CERT_FILE, else the first bundle found at the
  // usual Debian / Amazon Linux paths, else OpenSSL's default paths.
  std::string ca_file;
  // How backoff waits; tests substitute a recorder. Empty: std::this_thread::sleep_for.
  std::function<void(std::chrono::milliseconds)> sleep;

  // Region (AWS_REGION / AWS_DEFAULT_REGION), credentials and endpoint
  // (Endpoint::from_environment) from the environment; throws what those throw.
  static HttpCheckpointClientOptions from_environment(
      const EnvironmentLookup& env = process_environment());
};

class HttpCheckpointClient : public CheckpointClient {
 public:
  // Throws std::invalid_argument naming the bad option (empty region or keys, max_attempts < 1,
  // non-positive timeouts, negative backoff). Connects lazily, on the first call.
  explicit HttpCheckpointClient(HttpCheckpointClientOptions options);
  ~HttpCheckpointClient() override;
  HttpCheckpointClient(const HttpCheckpointClient&) = delete;
  HttpCheckpointClient& operator=(const HttpCheckpointClient&) = delete;

  // POST /2025-12-01/durable-executions/{arn}/checkpoint. Throws durable::ApiError for an error
  // answer (after retries for retryable ones), TransportError when no usable answer came.
  // Thread-safe; calls are serialized over one keep-alive connection.
  CheckpointDurableExecutionResponse checkpoint(
      const CheckpointDurableExecutionRequest& request) override;

  // GET /2025-12-01/durable-executions/{arn}/state?CheckpointToken=&Marker=&MaxItems=.
  // Same errors and threading as checkpoint().
  GetDurableExecutionStateResponse get_state(
      const GetDurableExecutionStateRequest& request) override;

  const HttpCheckpointClientOptions& options() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace durable::lambda
