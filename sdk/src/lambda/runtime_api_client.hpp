// RuntimeApiClient: the four calls of the Lambda Runtime API over cpp-httplib, nothing more.
// Private to durable::lambda; the loop in runtime.cpp decides what to send.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>

namespace durable::lambda::detail {

// One event from /next.
struct RuntimeEvent {
  std::string request_id;
  std::string body;
  std::optional<std::int64_t> deadline_ms;  // Lambda-Runtime-Deadline-Ms, epoch ms
  std::string invoked_function_arn;
  std::string trace_id;
};

// The outcome of a post: accepted (2xx), or why not.
struct PostResult {
  bool accepted = false;
  int status = 0;         // 0: no HTTP answer at all
  std::string detail;     // the body, or the transport error
};

class RuntimeApiClient {
 public:
  // `address` is host:port as AWS_LAMBDA_RUNTIME_API gives it. Throws std::invalid_argument
  // naming the value when it has no port or the port is not 1..65535.
  RuntimeApiClient(const std::string& address, std::chrono::milliseconds connect_timeout);
  ~RuntimeApiClient();
  RuntimeApiClient(const RuntimeApiClient&) = delete;
  RuntimeApiClient& operator=(const RuntimeApiClient&) = delete;

  // GET /2018-06-01/runtime/invocation/next, waiting as long as it takes. Throws
  // std::runtime_error naming the reason when there is no answer, the status is not 200, or the
  // request id header is missing.
  RuntimeEvent next();
  // POST /invocation/{id}/response with the output body (application/json).
  PostResult respond(const std::string& request_id, const std::string& body);
  // POST /invocation/{id}/error with Lambda's error JSON and the error-type header.
  PostResult fail(const std::string& request_id, const std::string& error_type,
                  const std::string& message);
  // POST /init/error, same shape.
  PostResult init_error(const std::string& error_type, const std::string& message);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace durable::lambda::detail
