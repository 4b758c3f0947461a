// make_error: the ErrorObject the emulator records for a failure it reports itself (a lost
// invocation, a function that threw or is missing), with only a type and a message. Any thread.
#pragma once

#include <string>
#include <utility>

#include "durable/model/error_object.hpp"

namespace durable::emulator::detail {

inline ErrorObject make_error(std::string type, std::string message) {
  ErrorObject e;
  e.error_type = std::move(type);
  e.error_message = std::move(message);
  return e;
}

}  // namespace durable::emulator::detail
