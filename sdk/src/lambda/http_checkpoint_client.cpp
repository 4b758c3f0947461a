#include "durable/lambda/http_checkpoint_client.hpp"

#include <algorithm>
#include <mutex>
#include <optional>
#include <random>
#include <thread>

#include "durable/lambda/signed_request.hpp"
#include "durable/lambda/sigv4_signer.hpp"

namespace durable::lambda {
namespace {

constexpr const char* kApiVersion = "/2025-12-01";

bool retryable(const ApiError& error) {
  if (error.code().rfind("KMS", 0) == 0) return false;
  return error.http_status() == 429 || error.http_status() >= 500 ||
         error.code() == "TooManyRequestsException" || error.code() == "ThrottlingException";
}

void require(bool ok, const std::string& message) {
  if (!ok) throw std::invalid_argument("HttpCheckpointClient: " + message);
}

}  // namespace

HttpCheckpointClientOptions HttpCheckpointClientOptions::from_environment(
    const EnvironmentLookup& env) {
  HttpCheckpointClientOptions options;
  options.region = region_from_environment(env);
  options.credentials = AwsCredentials::from_environment(env);
  options.endpoint = Endpoint::from_environment(options.region, env);
  return options;
}

struct HttpCheckpointClient::Impl {
  explicit Impl(HttpCheckpointClientOptions o)
      : options(std::move(o)),
        requester(SignedRequesterOptions{.endpoint = options.endpoint,
                                         .region = options.region,
                                         .credentials = options.credentials,
                                         .connect_timeout = options.connect_timeout,
                                         .read_timeout = options.read_timeout,
                                         .user_agent = options.user_agent,
                                         .ca_file = options.ca_file}),
        random(std::random_device{}()) {}

  std::chrono::milliseconds backoff(int failed_attempts, const std::string& retry_after) {
    const auto& policy = options.retry;
    double ceiling = static_cast<double>(policy.initial_backoff.count());
    for (int i = 1;
         i < failed_attempts && ceiling < static_cast<double>(policy.max_backoff.count()); ++i) {
      ceiling *= 2;
    }
    ceiling = std::min(ceiling, static_cast<double>(policy.max_backoff.count()));
    std::uniform_real_distribution<double> jitter(0.0, 1.0);
    auto delay = std::chrono::milliseconds(static_cast<std::int64_t>(jitter(random) * ceiling));
    // A throttled service may say how long to back off; honour it up to our own ceiling.
    if (!retry_after.empty()) {
      char* end = nullptr;
      const double seconds = std::strtod(retry_after.c_str(), &end);
      if (end != retry_after.c_str() && seconds > 0) {
        // Clamp before converting: a huge value would overflow the integer cast.
        const double ms =
            std::min(seconds * 1000.0, static_cast<double>(policy.max_backoff.count()));
        delay = std::max(delay, std::chrono::milliseconds(static_cast<std::int64_t>(ms)));
      }
    }
    return std::min(delay, policy.max_backoff);
  }

  // Runs the exchange with retries; returns the 2xx body or throws ApiError / TransportError.
  std::string call(const std::string& method, const std::string& path,
                   const std::vector<std::pair<std::string, std::string>>& query,
                   const std::string& body, const std::string& operation) {
    std::lock_guard lock(mutex);
    for (int attempt = 1;; ++attempt) {
      std::string transport_error;
      auto answer = requester.send(method, path, query, body, {}, transport_error);
      std::string retry_after;
      if (answer && answer->status >= 200 && answer->status < 300) return std::move(answer->body);
      if (answer) {
        ApiError error = api_error_from(*answer);
        if (!retryable(error) || attempt >= options.retry.max_attempts) throw error;
        // A throttled service may say how long to back off (seconds; 429 only).
        retry_after = answer->header("Retry-After");
      } else if (attempt >= options.retry.max_attempts) {
        throw TransportError(operation + " to " + options.endpoint.origin() + " failed after " +
                             std::to_string(attempt) + " attempt(s): " + transport_error);
      }
      const auto delay = backoff(attempt, retry_after);
      if (options.sleep) {
        options.sleep(delay);
      } else {
        std::this_thread::sleep_for(delay);
      }
    }
  }

  std::string client_token() {
    std::lock_guard lock(mutex);
    std::uniform_int_distribution<int> digit(0, 15);
    std::string token = "durable-cpp-";
    for (int i = 0; i < 32; ++i) token.push_back("0123456789abcdef"[digit(random)]);
    return token;
  }

  HttpCheckpointClientOptions options;
  SignedRequester requester;
  std::mutex mutex;  // guards random, and keeps one call's retries together
  std::mt19937_64 random;
};

namespace {

template <typename T>
T parse_response(const std::string& body, const std::string& operation) {
  try {
    return Json::parse(body).get<T>();
  } catch (const std::exception& e) {
    throw TransportError(
        operation + ": the service's answer is not a valid response: " + std::string(e.what()));
  }
}

std::string execution_path(const std::string& arn, const char* action, const char* operation) {
  if (arn.empty()) {
    throw ApiError::invalid_parameter(std::string(operation) + ": DurableExecutionArn is empty");
  }
  return std::string(kApiVersion) + "/durable-executions/" + sigv4::encode_path_label(arn) + "/" +
         action;
}

}  // namespace

HttpCheckpointClient::HttpCheckpointClient(HttpCheckpointClientOptions options) {
  require(!options.region.empty(), "the region is empty");
  require(!options.credentials.access_key_id.empty(), "the access key id is empty");
  require(!options.credentials.secret_access_key.empty(), "the secret access key is empty");
  require(options.endpoint.scheme == "http" || options.endpoint.scheme == "https",
          "the endpoint's scheme must be http or https, not \"" + options.endpoint.scheme + "\"");
  require(!options.endpoint.host.empty(), "the endpoint has no host");
  require(options.endpoint.port > 0 && options.endpoint.port <= 65535,
          "the endpoint's port must be 1..65535, not " + std::to_string(options.endpoint.port));
  require(options.retry.max_attempts >= 1, "retry.max_attempts must be at least 1, not " +
                                               std::to_string(options.retry.max_attempts));
  require(options.retry.initial_backoff.count() >= 0 && options.retry.max_backoff.count() >= 0,
          "retry backoff durations must not be negative");
  require(options.connect_timeout.count() > 0, "connect_timeout must be positive");
  require(options.read_timeout.count() > 0, "read_timeout must be positive");
  impl_ = std::make_unique<Impl>(std::move(options));
}

HttpCheckpointClient::~HttpCheckpointClient() = default;

const HttpCheckpointClientOptions& HttpCheckpointClient::options() const { return impl_->options; }

CheckpointDurableExecutionResponse HttpCheckpointClient::checkpoint(
    const CheckpointDurableExecutionRequest& request) {
  constexpr const char* kOperation = "CheckpointDurableExecution";
  const auto path = execution_path(request.durable_execution_arn, "checkpoint", kOperation);
  Json body = request;
  if (!request.client_token && impl_->options.retry.max_attempts > 1) {
    body["ClientToken"] = impl_->client_token();
  }
  return parse_response<CheckpointDurableExecutionResponse>(
      impl_->call("POST", path, {}, body.dump(), kOperation), kOperation);
}

GetDurableExecutionStateResponse HttpCheckpointClient::get_state(
    const GetDurableExecutionStateRequest& request) {
  constexpr const char* kOperation = "GetDurableExecutionState";
  const auto path = execution_path(request.durable_execution_arn, "state", kOperation);
  std::vector<std::pair<std::string, std::string>> query{
      {"CheckpointToken", request.checkpoint_token}};
  if (request.marker) query.emplace_back("Marker", *request.marker);
  if (request.max_items) query.emplace_back("MaxItems", std::to_string(*request.max_items));
  return parse_response<GetDurableExecutionStateResponse>(
      impl_->call("GET", path, query, "", kOperation), kOperation);
}

}  // namespace durable::lambda
