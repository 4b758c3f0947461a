// Printers of print.hpp.
#include "durable/model/print.hpp"

#include <ostream>

#include "durable/batch_config.hpp"
#include "durable/logger.hpp"
#include "durable/model/error_object.hpp"
#include "durable/model/event.hpp"
#include "durable/model/json.hpp"
#include "durable/model/operation.hpp"
#include "durable/model/operation_update.hpp"
#include "durable/retry_strategy.hpp"
#include "durable/step_config.hpp"

namespace durable {

std::string_view to_string(StepSemantics value) {
  switch (value) {
    case StepSemantics::AtLeastOncePerRetry: return "AT_LEAST_ONCE_PER_RETRY";
    case StepSemantics::AtMostOncePerRetry: return "AT_MOST_ONCE_PER_RETRY";
  }
  return "UNKNOWN";
}

std::string_view to_string(NestingType value) {
  switch (value) {
    case NestingType::Nested: return "NESTED";
    case NestingType::Flat: return "FLAT";
  }
  return "UNKNOWN";
}

std::string_view to_string(JitterStrategy value) {
  switch (value) {
    case JitterStrategy::None: return "NONE";
    case JitterStrategy::Full: return "FULL";
    case JitterStrategy::Half: return "HALF";
  }
  return "UNKNOWN";
}

std::string_view to_string(LogLevel value) {
  switch (value) {
    case LogLevel::Debug: return "DEBUG";
    case LogLevel::Info: return "INFO";
    case LogLevel::Warn: return "WARN";
    case LogLevel::Error: return "ERROR";
  }
  return "UNKNOWN";
}

std::string_view to_string(TimeUnit value) {
  switch (value) {
    case TimeUnit::Seconds: return "SECONDS";
    case TimeUnit::Milliseconds: return "MILLISECONDS";
  }
  return "UNKNOWN";
}

namespace detail {
std::ostream& write_text(std::ostream& os, std::string_view text) { return os << text; }
}  // namespace detail

namespace {
// Compact JSON text that never throws: invalid UTF-8 in user strings is replaced, not an error.
std::string compact(const Json& value) {
  return value.dump(-1, ' ', false, Json::error_handler_t::replace);
}
}  // namespace

std::ostream& operator<<(std::ostream& os, const ErrorObject& error) {
  os << "ErrorObject{";
  const char* separator = "";
  auto field = [&](const char* name, const std::string& text) {
    os << separator << name << ": " << compact(Json(text));
    separator = ", ";
  };
  if (error.error_type) field("ErrorType", *error.error_type);
  if (error.error_message) field("ErrorMessage", *error.error_message);
  if (error.error_data) field("ErrorData", *error.error_data);
  if (error.stack_trace) {
    os << separator << "StackTrace: " << error.stack_trace->size() << " frames";
  }
  return os << "}";
}

void PrintTo(const Operation& op, std::ostream* os) {
  *os << "Operation" << compact(operation_to_json(op));
}

void PrintTo(const OperationUpdate& update, std::ostream* os) {
  *os << "OperationUpdate" << compact(Json(update));
}

void PrintTo(const Event& event, std::ostream* os) { *os << "Event" << compact(Json(event)); }

}  // namespace durable

namespace nlohmann {
void PrintTo(const json& value, std::ostream* os) { *os << durable::compact(value); }
}  // namespace nlohmann
