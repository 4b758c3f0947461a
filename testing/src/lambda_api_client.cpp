#include "durable/testing/lambda_api_client.hpp"

#include <stdexcept>
#include <utility>
#include <vector>

#include "durable/lambda/http_checkpoint_client.hpp"
#include "durable/lambda/signed_request.hpp"
#include "durable/lambda/sigv4_signer.hpp"
#include "durable/model/api_error.hpp"

namespace durable::testing {
namespace {

// Bounds the pages of one history read, so a service that keeps answering NextMarker cannot
// keep the runner forever.
constexpr int kMaxHistoryPages = 1000;

using Answer = lambda::SignedAnswer;
using Query = lambda::QueryParams;

bool is_loopback(const std::string& host) {
  return host == "127.0.0.1" || host == "localhost" || host == "::1";
}

void require(bool ok, const std::string& message) {
  if (!ok) throw std::invalid_argument("LambdaApiClient: " + message);
}

std::string label(const std::string& text, const char* what, const char* operation) {
  if (text.empty()) {
    throw ApiError::invalid_parameter(std::string(operation) + ": " + what + " is empty");
  }
  return lambda::sigv4::encode_path_label(text);
}

}  // namespace

LambdaApiClientOptions LambdaApiClientOptions::for_endpoint(const std::string& url,
                                                            const lambda::EnvironmentLookup& env) {
  LambdaApiClientOptions options;
  const auto region = [&]() -> std::optional<std::string> {
    for (const char* name : {"AWS_REGION", "AWS_DEFAULT_REGION"}) {
      if (auto v = env(name); v && !v->empty()) return v;
    }
    return std::nullopt;
  }();
  std::string chosen = url;
  for (const char* name : {"AWS_ENDPOINT_URL_LAMBDA", "AWS_ENDPOINT_URL"}) {
    if (!chosen.empty()) break;
    if (auto v = env(name); v && !v->empty()) chosen = *v;
  }
  if (!chosen.empty()) {
    options.endpoint = lambda::Endpoint::parse(chosen);
  } else {
    options.endpoint = lambda::Endpoint::from_environment(
        region ? *region : lambda::region_from_environment(env), env);
  }
  const bool local = !options.endpoint.is_https() && is_loopback(options.endpoint.host);
  if (region) {
    options.region = *region;
  } else if (local) {
    options.region = "us-east-1";
  } else {
    options.region = lambda::region_from_environment(env);  // throws, naming the variables
  }
  const auto key = env("AWS_ACCESS_KEY_ID");
  if (local && (!key || key->empty())) {
    // The emulator checks no signature; the request is still signed as an AWS client's is.
    options.credentials = lambda::AwsCredentials{"emulator", "emulator", std::nullopt};
  } else {
    options.credentials = lambda::AwsCredentials::from_environment(env);
  }
  return options;
}

struct LambdaApiClient::Impl {
  explicit Impl(LambdaApiClientOptions o)
      : options(std::move(o)),
        requester(lambda::SignedRequesterOptions{.endpoint = options.endpoint,
                                                 .region = options.region,
                                                 .credentials = options.credentials,
                                                 .connect_timeout = options.connect_timeout,
                                                 .read_timeout = options.read_timeout,
                                                 .user_agent = {},
                                                 .ca_file = {}}) {}

  // One signed exchange. Returns the 2xx answer; throws ApiError for an error answer and
  // TransportError when none came (after `attempts` tries).
  Answer call(const std::string& method, const std::string& path, const Query& query,
              const std::string& body, const Query& extra, const char* operation,
              int attempts = 1) {
    std::string transport_error;
    for (int attempt = 1; attempt <= attempts; ++attempt) {
      auto answer = requester.send(method, path, query, body, extra, transport_error);
      if (!answer) continue;
      if (answer->status >= 200 && answer->status < 300) return std::move(*answer);
      throw lambda::api_error_from(*answer);
    }
    throw lambda::TransportError(std::string(operation) + " to " + options.endpoint.origin() +
                                 " failed: " + transport_error);
  }

  LambdaApiClientOptions options;
  lambda::SignedRequester requester;
};

LambdaApiClient::LambdaApiClient(LambdaApiClientOptions options) {
  require(!options.region.empty(), "the region is empty");
  require(!options.credentials.access_key_id.empty(), "the access key id is empty");
  require(!options.credentials.secret_access_key.empty(), "the secret access key is empty");
  require(options.endpoint.scheme == "http" || options.endpoint.scheme == "https",
          "the endpoint's scheme must be http or https, not \"" + options.endpoint.scheme + "\"");
  require(!options.endpoint.host.empty(), "the endpoint has no host");
  require(options.endpoint.port > 0 && options.endpoint.port <= 65535,
          "the endpoint's port must be 1..65535, not " + std::to_string(options.endpoint.port));
  require(options.connect_timeout.count() > 0, "connect_timeout must be positive");
  require(options.read_timeout.count() > 0, "read_timeout must be positive");
  impl_ = std::make_unique<Impl>(std::move(options));
}

LambdaApiClient::~LambdaApiClient() = default;

const LambdaApiClientOptions& LambdaApiClient::options() const { return impl_->options; }

InvokeResult LambdaApiClient::invoke(const std::string& function_name, const std::string& payload,
                                     InvocationType type,
                                     const std::optional<std::string>& execution_name) {
  constexpr const char* kOperation = "Invoke";
  const std::string path = "/2015-03-31/functions/" +
                           label(function_name, "the function name", kOperation) +
                           "/invocations";
  Query extra{{"X-Amz-Invocation-Type", type == InvocationType::Event ? "Event" : "RequestResponse"}};
  if (execution_name) extra.emplace_back("X-Amz-Durable-Execution-Name", *execution_name);
  Answer answer = impl_->call("POST", path, {}, payload, extra, kOperation);
  InvokeResult out;
  out.status_code = answer.status;
  if (auto arn = answer.header("X-Amz-Durable-Execution-Arn"); !arn.empty()) {
    out.durable_execution_arn = arn;
  }
  if (auto error = answer.header("X-Amz-Function-Error"); !error.empty()) {
    out.function_error = error;
  }
  out.payload = std::move(answer.body);
  return out;
}

GetDurableExecutionResponse LambdaApiClient::get_execution(const std::string& arn) {
  constexpr const char* kOperation = "GetDurableExecution";
  const std::string path =
      "/2025-12-01/durable-executions/" + label(arn, "DurableExecutionArn", kOperation);
  const Answer answer = impl_->call("GET", path, {}, "", {}, kOperation, 3);
  try {
    return Json::parse(answer.body).get<GetDurableExecutionResponse>();
  } catch (const std::exception& e) {
    throw lambda::TransportError(std::string(kOperation) +
                                 ": the answer is not a valid response: " + e.what());
  }
}

Json LambdaApiClient::get_history(const std::string& arn, bool include_execution_data) {
  constexpr const char* kOperation = "GetDurableExecutionHistory";
  const std::string path = "/2025-12-01/durable-executions/" +
                           label(arn, "DurableExecutionArn", kOperation) + "/history";
  Json events = Json::array();
  std::optional<std::string> marker;
  for (int page = 0; page < kMaxHistoryPages; ++page) {
    Query query{{"IncludeExecutionData", include_execution_data ? "true" : "false"},
                {"MaxItems", "1000"}};
    if (marker) query.emplace_back("Marker", *marker);
    const Answer answer = impl_->call("GET", path, query, "", {}, kOperation, 3);
    const Json body = Json::parse(answer.body, nullptr, /*allow_exceptions=*/false);
    if (!body.is_object() || !body.contains("Events") || !body["Events"].is_array()) {
      throw lambda::TransportError(std::string(kOperation) +
                                   ": the answer has no Events list: " + answer.body.substr(0, 200));
    }
    for (const auto& event : body["Events"]) events.push_back(event);
    auto next = body.find("NextMarker");
    if (next == body.end() || !next->is_string() || next->get<std::string>().empty()) {
      return Json{{"Events", std::move(events)}};
    }
    marker = next->get<std::string>();
  }
  throw std::runtime_error(std::string(kOperation) + " of " + arn + ": more than " +
                           std::to_string(kMaxHistoryPages) + " pages");
}

void LambdaApiClient::send_callback_success(const std::string& callback_id,
                                            const std::string& result) {
  constexpr const char* kOperation = "SendDurableExecutionCallbackSuccess";
  impl_->call("POST",
              "/2025-12-01/durable-execution-callbacks/" +
                  label(callback_id, "CallbackId", kOperation) + "/succeed",
              {}, result, {}, kOperation);
}

void LambdaApiClient::send_callback_failure(const std::string& callback_id, const Json& error) {
  constexpr const char* kOperation = "SendDurableExecutionCallbackFailure";
  impl_->call("POST",
              "/2025-12-01/durable-execution-callbacks/" +
                  label(callback_id, "CallbackId", kOperation) + "/fail",
              {}, error.empty() ? std::string() : error.dump(), {}, kOperation);
}

void LambdaApiClient::send_callback_heartbeat(const std::string& callback_id) {
  constexpr const char* kOperation = "SendDurableExecutionCallbackHeartbeat";
  impl_->call("POST",
              "/2025-12-01/durable-execution-callbacks/" +
                  label(callback_id, "CallbackId", kOperation) + "/heartbeat",
              {}, "", {}, kOperation);
}

void LambdaApiClient::stop_execution(const std::string& arn) {
  constexpr const char* kOperation = "StopDurableExecution";
  impl_->call("POST",
              "/2025-12-01/durable-executions/" + label(arn, "DurableExecutionArn", kOperation) +
                  "/stop",
              {}, "{}", {}, kOperation);
}

}  // namespace durable::testing
