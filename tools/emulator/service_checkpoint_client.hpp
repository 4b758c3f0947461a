// ServiceCheckpointClient: the SDK's CheckpointClient wired straight to the tool's own Service,
// so the functions the tool hosts checkpoint without a loopback HTTP round trip. ApiErrors pass
// through unchanged, as the HTTP client would rethrow them.
#pragma once

#include "durable/checkpoint_client.hpp"
#include "durable/emulator/service.hpp"

namespace durable::tools {

class ServiceCheckpointClient final : public CheckpointClient {
 public:
  // `service` must outlive the client. Thread-safe as the Service is.
  explicit ServiceCheckpointClient(emulator::Service& service) : service_(service) {}
  CheckpointDurableExecutionResponse checkpoint(
      const CheckpointDurableExecutionRequest& request) override;
  GetDurableExecutionStateResponse get_state(
      const GetDurableExecutionStateRequest& request) override;

 private:
  emulator::Service& service_;
};

}  // namespace durable::tools
