#include "durable/testing/lambda_api_client.hpp"

#include <httplib.h>

#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <stdexcept>
#include <utility>
#include <vector>

#include "durable/lambda/http_checkpoint_client.hpp"
#include "durable/lambda/sigv4_signer.hpp"
#include "durable/model/api_error.hpp"

namespace durable::testing {
namespace {

constexpr const char* kJson = "application/json";
// Bounds the pages of one history read, so a service that keeps answering NextMarker cannot
// keep the runner forever.
constexpr int kMaxHistoryPages = 1000;
constexpr const char* kCaBundles[] = {"/etc/ssl/certs/ca-certificates.crt",
                                      "/etc/pki/tls/certs/ca-bundle.crt", "/etc/ssl/cert.pem"};

using Query = std::vector<std::pair<std::string, std::string>>;

struct Answer {
  int status = 0;
  std::string body;
  httplib::Headers headers;
  std::string header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? std::string() : it->second;
  }
};

// The service's error shape: X-Amzn-ErrorType (or the body's code/Type/__type) and
// message/Message, decorations (":<url>", "<namespace>#") removed.
ApiError to_api_error(const Answer& answer) {
  std::string code = answer.header("X-Amzn-ErrorType");
  std::string message;
  const auto body = Json::parse(answer.body, nullptr, /*allow_exceptions=*/false);
  if (body.is_object()) {
    for (const char* key : {"message", "Message"}) {
      if (auto it = body.find(key); it != body.end() && it->is_string()) {
        message = it->get<std::string>();
        break;
      }
    }
    if (code.empty()) {
      for (const char* key : {"code", "Code", "Type", "__type"}) {
        if (auto it = body.find(key); it != body.end() && it->is_string()) {
          code = it->get<std::string>();
          break;
        }
      }
    }
  }
  if (const auto colon = code.find(':'); colon != std::string::npos) code.resize(colon);
  if (const auto hash = code.rfind('#'); hash != std::string::npos) code.erase(0, hash + 1);
  if (code.empty()) code = std::to_string(answer.status);
  if (message.empty()) message = "HTTP " + std::to_string(answer.status) + " from the service";
  return ApiError(code, answer.status, message);
}

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
        signer(options.credentials, options.region, "lambda"),
        client(options.endpoint.origin()) {
    client.set_connection_timeout(options.connect_timeout);
    client.set_read_timeout(options.read_timeout);
    client.set_write_timeout(options.read_timeout);
    client.set_keep_alive(true);
    client.set_tcp_nodelay(true);
    // Paths are percent-encoded and signed as they are; httplib must not re-encode them.
    client.set_url_encode(false);
    if (options.endpoint.is_https()) {
      client.enable_server_certificate_verification(true);
      std::string ca;
      if (const char* env = std::getenv("SSL_CERT_FILE"); env != nullptr && *env != '\0') ca = env;
      std::error_code ignored;
      for (const char* path : kCaBundles) {
        if (ca.empty() && std::filesystem::exists(path, ignored)) ca = path;
      }
      if (!ca.empty()) client.set_ca_cert_path(ca);
    }
  }

  // One signed exchange. Returns the 2xx answer; throws ApiError for an error answer and
  // TransportError when none came (after `attempts` tries).
  Answer call(const std::string& method, const std::string& path, const Query& query,
              const std::string& body, const httplib::Headers& extra, const char* operation,
              int attempts = 1) {
    std::lock_guard lock(mutex);
    std::string transport_error;
    for (int attempt = 1; attempt <= attempts; ++attempt) {
      lambda::SigningRequest to_sign{.method = method,
                                     .host = options.endpoint.host_header(),
                                     .path = path,
                                     .query = query,
                                     .headers = {},
                                     .body = body};
      if (method == "POST") to_sign.headers.emplace_back("Content-Type", kJson);
      for (const auto& [name, value] : extra) to_sign.headers.emplace_back(name, value);
      const auto signature = signer.sign(to_sign, std::chrono::system_clock::now());
      httplib::Headers headers{{"Host", to_sign.host}, {"Accept", kJson}};
      for (const auto& [name, value] : extra) headers.emplace(name, value);
      for (auto& [name, value] : signature.headers()) headers.emplace(name, value);
      std::string target = path;
      if (!query.empty()) target += "?" + lambda::sigv4::canonical_query_string(query);
      httplib::Result result = method == "POST" ? client.Post(target, headers, body, kJson)
                                                : client.Get(target, headers);
      if (!result) {
        transport_error = httplib::to_string(result.error());
        continue;
      }
      Answer answer{result->status, result->body, result->headers};
      if (answer.status >= 200 && answer.status < 300) return answer;
      throw to_api_error(answer);
    }
    throw lambda::TransportError(std::string(operation) + " to " + options.endpoint.origin() +
                                 " failed: " + transport_error);
  }

  LambdaApiClientOptions options;
  lambda::SigV4Signer signer;
  std::mutex mutex;  // guards client
  httplib::Client client;
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
  httplib::Headers extra{{"X-Amz-Invocation-Type",
                          type == InvocationType::Event ? "Event" : "RequestResponse"}};
  if (execution_name) extra.emplace("X-Amz-Durable-Execution-Name", *execution_name);
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
