#include "durable/testing/checkpoint_fault.hpp"

namespace durable::testing {

std::string_view to_string(CheckpointFault fault) {
  switch (fault) {
    case CheckpointFault::ServiceError: return "ServiceError";
    case CheckpointFault::Throttle: return "Throttle";
    case CheckpointFault::StaleToken: return "StaleToken";
  }
  return "unknown";
}

}  // namespace durable::testing
