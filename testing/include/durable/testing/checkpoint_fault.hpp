// CheckpointFault: the service failures DurableRunner::fail_checkpoint can make the k-th
// checkpoint of an execution answer with. The batch is not applied in any of them; the SDK treats
// each as retryable, so the invocation fails and the service invokes the execution again.
#pragma once

#include <string_view>

namespace durable::testing {

enum class CheckpointFault {
  ServiceError,  // HTTP 500 ServiceException
  Throttle,      // HTTP 429 TooManyRequestsException
  StaleToken,    // HTTP 400 InvalidParameterValueException "Invalid checkpoint token"
};

// "ServiceError", "Throttle", "StaleToken".
std::string_view to_string(CheckpointFault fault);

}  // namespace durable::testing
