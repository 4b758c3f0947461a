// CheckpointClient: the one seam between the SDK and the durable execution service.
// Production implements it over HTTPS with SigV4 (durable::lambda); the test harness implements
// it by calling the in-process emulator directly.
#pragma once

#include "durable/model/api.hpp"
#include "durable/model/api_error.hpp"

namespace durable {

class CheckpointClient {
 public:
  virtual ~CheckpointClient() = default;

  // CheckpointDurableExecution. Throws durable::ApiError when the service rejects the call
  // (invalid token, validation failure, throttling, 5xx); other exceptions mean transport failure.
  // Called by the SDK from one thread at a time per invocation.
  virtual CheckpointDurableExecutionResponse checkpoint(
      const CheckpointDurableExecutionRequest& request) = 0;

  // GetDurableExecutionState, used to page the rest of the initial state. Same error contract.
  virtual GetDurableExecutionStateResponse get_state(
      const GetDurableExecutionStateRequest& request) = 0;
};

}  // namespace durable
