#include "service_checkpoint_client.hpp"

namespace durable::tools {

CheckpointDurableExecutionResponse ServiceCheckpointClient::checkpoint(
    const CheckpointDurableExecutionRequest& request) {
  return service_.checkpoint(request);
}

GetDurableExecutionStateResponse ServiceCheckpointClient::get_state(
    const GetDurableExecutionStateRequest& request) {
  return service_.get_state(request);
}

}  // namespace durable::tools
