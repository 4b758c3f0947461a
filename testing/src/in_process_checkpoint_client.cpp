#include "in_process_checkpoint_client.hpp"

namespace durable::testing::detail {

CheckpointDurableExecutionResponse InProcessCheckpointClient::checkpoint(
    const CheckpointDurableExecutionRequest& request) {
  ++checkpoint_calls_;
  if (observer_.sent) observer_.sent(request);
  auto response = service_.checkpoint(request);
  if (observer_.accepted) observer_.accepted(request);
  return response;
}

GetDurableExecutionStateResponse InProcessCheckpointClient::get_state(
    const GetDurableExecutionStateRequest& request) {
  ++get_state_calls_;
  return service_.get_state(request);
}

}  // namespace durable::testing::detail
