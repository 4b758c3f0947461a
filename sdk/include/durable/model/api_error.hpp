// ApiError: a failure answered by the durable execution service (or the emulator standing in for
// it), carrying the AWS exception name and HTTP status so callers can classify it the way the
// SDKs do (PROTOCOL.md §2.3, §4.9).
#pragma once

#include <stdexcept>
#include <string>

namespace durable {

class ApiError : public std::runtime_error {
 public:
  // code: AWS exception name, e.g. "InvalidParameterValueException" (400),
  // "ResourceNotFoundException" (404), "TooManyRequestsException" (429), "ServiceException" (500).
  ApiError(std::string code, int http_status, const std::string& message)
      : std::runtime_error(message), code_(std::move(code)), http_status_(http_status) {}
  const std::string& code() const noexcept { return code_; }
  int http_status() const noexcept { return http_status_; }

  static ApiError invalid_parameter(const std::string& m) {
    return {"InvalidParameterValueException", 400, m};
  }
  static ApiError not_found(const std::string& m) { return {"ResourceNotFoundException", 404, m}; }
  static ApiError too_many_requests(const std::string& m) {
    return {"TooManyRequestsException", 429, m};
  }
  static ApiError service(const std::string& m) { return {"ServiceException", 500, m}; }

 private:
  std::string code_;
  int http_status_;
};

}  // namespace durable
