#include "durable/lambda/http_checkpoint_client.hpp"

#include <httplib.h>

#include <algorithm>
#include <filesystem>
#include <mutex>
#include <optional>
#include <random>
#include <thread>

#include "durable/lambda/sigv4_signer.hpp"

namespace durable::lambda {
namespace {

constexpr const char* kApiVersion = "/2025-12-01";
constexpr const char* kJson = "application/json";

// Trust stores of the systems our binaries run on: Debian (build machines, CI) and Amazon Linux
// (the provided.al2023 runtime). OpenSSL's compiled-in default only fits the system that built
// the bundled libssl.
constexpr const char* kCaBundles[] = {"/etc/ssl/certs/ca-certificates.crt",
                                      "/etc/pki/tls/certs/ca-bundle.crt", "/etc/ssl/cert.pem"};

// One HTTP exchange as the retry loop sees it.
struct Answer {
  int status = 0;
  std::string body;
  std::string error_type_header;  // X-Amzn-ErrorType
  std::string retry_after;        // Retry-After (seconds), 429 only
};

// botocore's RestJSONParser order: header, then body code/Code, then __type; the message from
// message/Message. The header and __type may carry a ":<url>" or "<namespace>#" decoration.
ApiError to_api_error(const Answer& answer) {
  std::string code = answer.error_type_header;
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
      for (const char* key : {"code", "Code", "__type"}) {
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

bool retryable(const ApiError& error) {
  if (error.code().rfind("KMS", 0) == 0) return false;
  return error.http_status() == 429 || error.http_status() >= 500 ||
         error.code() == "TooManyRequestsException" || error.code() == "ThrottlingException";
}

std::string find_ca_file(const std::string& configured) {
  if (!configured.empty()) return configured;
  if (const char* env = std::getenv("SSL_CERT_FILE"); env != nullptr && *env != '\0') return env;
  std::error_code ignored;
  for (const char* path : kCaBundles) {
    if (std::filesystem::exists(path, ignored)) return path;
  }
  return {};
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
        signer(options.credentials, options.region, "lambda"),
        client(options.endpoint.origin()),
        random(std::random_device{}()) {
    client.set_connection_timeout(options.connect_timeout);
    client.set_read_timeout(options.read_timeout);
    client.set_write_timeout(options.read_timeout);
    client.set_keep_alive(true);
    // Headers and body go out in separate writes; with Nagle on, the body waits for the
    // server's delayed ACK (~40 ms per checkpoint).
    client.set_tcp_nodelay(true);
    // Paths arrive percent-encoded and signed as they are; httplib must not touch them.
    client.set_url_encode(false);
    if (options.endpoint.is_https()) {
      client.enable_server_certificate_verification(true);
      if (auto ca = find_ca_file(options.ca_file); !ca.empty()) client.set_ca_cert_path(ca);
    }
  }

  // One signed exchange; nullopt with `transport_error` set when no HTTP answer came.
  std::optional<Answer> send(const std::string& method, const std::string& path,
                             const std::vector<std::pair<std::string, std::string>>& query,
                             const std::string& body, std::string& transport_error) {
    SigningRequest to_sign{.method = method,
                           .host = options.endpoint.host_header(),
                           .path = path,
                           .query = query,
                           .headers = {},
                           .body = body};
    if (method == "POST") to_sign.headers.emplace_back("Content-Type", kJson);
    const auto signature = signer.sign(to_sign, std::chrono::system_clock::now());

    httplib::Headers headers{
        {"Host", to_sign.host}, {"User-Agent", options.user_agent}, {"Accept", kJson}};
    for (auto& [name, value] : signature.headers()) headers.emplace(name, value);
    std::string target = path;
    if (!query.empty()) target += "?" + sigv4::canonical_query_string(query);

    httplib::Result result =
        method == "POST" ? client.Post(target, headers, body, kJson) : client.Get(target, headers);
    if (!result) {
      transport_error = httplib::to_string(result.error());
      return std::nullopt;
    }
    Answer answer;
    answer.status = result->status;
    answer.body = result->body;
    answer.error_type_header = result->get_header_value("X-Amzn-ErrorType");
    answer.retry_after = result->get_header_value("Retry-After");
    return answer;
  }

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
      auto answer = send(method, path, query, body, transport_error);
      std::string retry_after;
      if (answer && answer->status >= 200 && answer->status < 300) return std::move(answer->body);
      if (answer) {
        ApiError error = to_api_error(*answer);
        if (!retryable(error) || attempt >= options.retry.max_attempts) throw error;
        retry_after = answer->retry_after;
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
  SigV4Signer signer;
  std::mutex mutex;  // guards client and random
  httplib::Client client;
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
