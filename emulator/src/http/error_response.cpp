#include "http/error_response.hpp"

#include <array>
#include <string_view>

#include "durable/model/json.hpp"

namespace durable::emulator::http {

const char* message_member(const std::string& code) {
  // From the API model: these shapes spell the member in lower case, every other one "Message".
  static constexpr std::array<std::string_view, 9> kLowerCase = {
      "InvalidParameterValueException",   "InvalidRequestContentException",
      "RequestTooLargeException",         "ResourceConflictException",
      "ResourceNotReadyException",        "SerializedRequestEntityTooLargeException",
      "TooManyRequestsException",         "UnsupportedMediaTypeException",
      "UnknownOperationException"};
  for (auto c : kLowerCase) {
    if (c == code) return "message";
  }
  return "Message";
}

void write_error(httplib::Response& res, int status, const std::string& code,
                 const std::string& message) {
  Json body = Json::object();
  // The exception name, as the other local emulators send it (PROTOCOL.md §9.3); the header
  // carries it too because botocore ignores a body member named Type.
  body["Type"] = code;
  body[message_member(code)] = message;
  if (code == "TooManyRequestsException") {
    body["Reason"] = "CallerRateLimitExceeded";
    res.set_header("Retry-After", "1");
  }
  res.status = status;
  res.set_header("X-Amzn-ErrorType", code);
  // Messages quote client input; an invalid UTF-8 byte there must not turn the error into a
  // 500, so such bytes are replaced rather than thrown on.
  res.set_content(body.dump(-1, ' ', false, Json::error_handler_t::replace), "application/json");
}

}  // namespace durable::emulator::http
