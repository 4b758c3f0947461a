#include "in_process_checkpoint_client.hpp"

namespace durable::testing::detail {

CheckpointDurableExecutionResponse InProcessCheckpointClient::checkpoint(
    const CheckpointDurableExecutionRequest& request) {
  ++checkpoint_calls_;
  if (observer_.sent) observer_.sent(request);
  const auto deliver = [this](const CheckpointDurableExecutionRequest& r) {
    auto response = service_.checkpoint(r);
    if (observer_.accepted) observer_.accepted(r);
    return response;
  };
  if (observer_.gate) return observer_.gate(request, deliver);
  return deliver(request);
}

GetDurableExecutionStateResponse InProcessCheckpointClient::get_state(
    const GetDurableExecutionStateRequest& request) {
  ++get_state_calls_;
  return service_.get_state(request);
}

}  // namespace durable::testing::detail
