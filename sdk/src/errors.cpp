#include "durable/errors.hpp"

namespace durable {

CallableRuntimeError::CallableRuntimeError(ErrorObject error)
    : std::runtime_error(error.error_message.value_or("")),
      error_(std::move(error)),
      error_type_(error_.error_type.value_or("")),
      error_message_(error_.error_message.value_or("")),
      stack_trace_(error_.stack_trace.value_or(std::vector<std::string>{})) {}

}  // namespace durable
