#include "durable/lambda/signed_request.hpp"

#include <httplib.h>

#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <strings.h>

#include "durable/lambda/sigv4_signer.hpp"
#include "durable/model/json.hpp"

namespace durable::lambda {
namespace {

constexpr const char* kJson = "application/json";

// Trust stores of the systems our binaries run on: Debian (build machines, CI) and Amazon Linux
// (the provided.al2023 runtime). OpenSSL's compiled-in default only fits the system that built
// the bundled libssl.
constexpr const char* kCaBundles[] = {"/etc/ssl/certs/ca-certificates.crt",
                                      "/etc/pki/tls/certs/ca-bundle.crt", "/etc/ssl/cert.pem"};

std::string find_ca_file(const std::string& configured) {
  if (!configured.empty()) return configured;
  if (const char* env = std::getenv("SSL_CERT_FILE"); env != nullptr && *env != '\0') return env;
  std::error_code ignored;
  for (const char* path : kCaBundles) {
    if (std::filesystem::exists(path, ignored)) return path;
  }
  return {};
}

}  // namespace

std::string SignedAnswer::header(const std::string& name) const {
  for (const auto& [key, value] : headers) {
    if (::strcasecmp(key.c_str(), name.c_str()) == 0) return value;
  }
  return {};
}

struct SignedRequester::Impl {
  explicit Impl(SignedRequesterOptions o)
      : options(std::move(o)),
        signer(options.credentials, options.region, "lambda"),
        client(options.endpoint.origin()) {
    client.set_connection_timeout(options.connect_timeout);
    client.set_read_timeout(options.read_timeout);
    client.set_write_timeout(options.read_timeout);
    client.set_keep_alive(true);
    // Headers and body go out in separate writes; with Nagle on, the body waits for the
    // server's delayed ACK (~40 ms per request).
    client.set_tcp_nodelay(true);
    // Paths arrive percent-encoded and signed as they are; httplib must not touch them.
    client.set_url_encode(false);
    if (options.endpoint.is_https()) {
      client.enable_server_certificate_verification(true);
      if (auto ca = find_ca_file(options.ca_file); !ca.empty()) client.set_ca_cert_path(ca);
    }
  }

  SignedRequesterOptions options;
  SigV4Signer signer;
  std::mutex mutex;  // guards client and signer
  httplib::Client client;
};

SignedRequester::SignedRequester(SignedRequesterOptions options)
    : impl_(std::make_unique<Impl>(std::move(options))) {}

SignedRequester::~SignedRequester() = default;

const SignedRequesterOptions& SignedRequester::options() const { return impl_->options; }

std::optional<SignedAnswer> SignedRequester::send(const std::string& method,
                                                  const std::string& path,
                                                  const QueryParams& query,
                                                  const std::string& body,
                                                  const QueryParams& extra_headers,
                                                  std::string& transport_error) {
  auto& im = *impl_;
  std::lock_guard lock(im.mutex);
  SigningRequest to_sign{.method = method,
                         .host = im.options.endpoint.host_header(),
                         .path = path,
                         .query = query,
                         .headers = {},
                         .body = body};
  if (method == "POST") to_sign.headers.emplace_back("Content-Type", kJson);
  for (const auto& header : extra_headers) to_sign.headers.push_back(header);
  const auto signature = im.signer.sign(to_sign, std::chrono::system_clock::now());

  httplib::Headers headers{{"Host", to_sign.host}, {"Accept", kJson}};
  if (!im.options.user_agent.empty()) headers.emplace("User-Agent", im.options.user_agent);
  for (const auto& [name, value] : extra_headers) headers.emplace(name, value);
  for (auto& [name, value] : signature.headers()) headers.emplace(name, value);
  std::string target = path;
  if (!query.empty()) target += "?" + sigv4::canonical_query_string(query);

  httplib::Result result = method == "POST" ? im.client.Post(target, headers, body, kJson)
                                            : im.client.Get(target, headers);
  if (!result) {
    transport_error = httplib::to_string(result.error());
    return std::nullopt;
  }
  SignedAnswer answer;
  answer.status = result->status;
  answer.body = result->body;
  answer.headers.assign(result->headers.begin(), result->headers.end());
  return answer;
}

ApiError api_error_from(const SignedAnswer& answer) {
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

}  // namespace durable::lambda
