// SignedRequester: one SigV4-signed HTTP exchange with a Lambda API endpoint (service "lambda"),
// shared by the SDK's HttpCheckpointClient and the testing library's LambdaApiClient, which add
// their own retry policies on top. api_error_from turns the service's error answer into ApiError.
//
// Thread-safety: send() may be called from any thread; exchanges are serialized (one keep-alive
// connection).
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "durable/lambda/aws_credentials.hpp"
#include "durable/lambda/endpoint.hpp"
#include "durable/model/api_error.hpp"

namespace durable::lambda {

struct SignedRequesterOptions {
  Endpoint endpoint;
  std::string region;
  AwsCredentials credentials;
  std::chrono::milliseconds connect_timeout{5000};
  // Also the write timeout.
  std::chrono::milliseconds read_timeout{50000};
  // Sent as User-Agent (unsigned) when not empty.
  std::string user_agent;
  // PEM bundle for verifying an https endpoint; empty: $SSL_CERT_FILE, else the first system
  // bundle found (Debian, Amazon Linux), else OpenSSL's default.
  std::string ca_file;
};

// An HTTP answer: status, body and the headers the callers read.
struct SignedAnswer {
  int status = 0;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  // The first header named `name` (case-insensitive), or "".
  std::string header(const std::string& name) const;
};

using QueryParams = std::vector<std::pair<std::string, std::string>>;

class SignedRequester {
 public:
  // Does not validate the options (the owning client does) and connects lazily.
  explicit SignedRequester(SignedRequesterOptions options);
  ~SignedRequester();
  SignedRequester(const SignedRequester&) = delete;
  SignedRequester& operator=(const SignedRequester&) = delete;

  // Signs and sends `method` (GET or POST, a POST body as application/json) to `path` (already
  // percent-encoded; sent as is) with `query` and `extra_headers` (signed too). Returns the
  // answer, whatever its status; nullopt with `transport_error` set when none came.
  std::optional<SignedAnswer> send(const std::string& method, const std::string& path,
                                   const QueryParams& query, const std::string& body,
                                   const QueryParams& extra_headers, std::string& transport_error);

  const SignedRequesterOptions& options() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The service's error shape (botocore's RestJSON order): the X-Amzn-ErrorType header, else the
// body's code/Code/Type/__type; the message from message/Message; ":<url>" and "<namespace>#"
// decorations removed. Without either: the status number and "HTTP <status> from the service".
ApiError api_error_from(const SignedAnswer& answer);

}  // namespace durable::lambda
