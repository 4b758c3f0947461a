#include "durable/model/error_object.hpp"

#include "model/json_fields.hpp"

namespace durable {

void to_json(Json& j, const ErrorObject& e) {
  j = Json::object();
  detail::put_opt(j, "ErrorType", e.error_type);
  detail::put_opt(j, "ErrorMessage", e.error_message);
  detail::put_opt(j, "ErrorData", e.error_data);
  detail::put_opt(j, "StackTrace", e.stack_trace);
}

void from_json(const Json& j, ErrorObject& e) {
  detail::require_object(j, "ErrorObject");
  e.error_type = detail::read_opt_string(j, "ErrorType");
  e.error_message = detail::read_opt_string(j, "ErrorMessage");
  e.error_data = detail::read_opt_string(j, "ErrorData");
  e.stack_trace = detail::read_opt_string_list(j, "StackTrace");
}

}  // namespace durable
