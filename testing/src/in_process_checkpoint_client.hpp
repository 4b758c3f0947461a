// InProcessCheckpointClient: the SDK's CheckpointClient seam wired straight to an in-process
// emulator Service, with no serialization or transport in between. The service's ApiErrors reach
// the SDK unchanged, exactly as the HTTPS client would rethrow them.
#pragma once

#include <atomic>
#include <cstddef>
#include <functional>
#include <utility>

#include "durable/checkpoint_client.hpp"
#include "durable/emulator/service.hpp"

namespace durable::testing::detail {

// Lets the harness watch what the SDK sends: `sent` sees every checkpoint request before the
// service judges it, `accepted` sees the requests the service applied. Either may be empty. They
// run on the thread that checkpoints (possibly an SDK branch thread).
struct CheckpointObserver {
  using Send = std::function<CheckpointDurableExecutionResponse(
      const CheckpointDurableExecutionRequest&)>;
  std::function<void(const CheckpointDurableExecutionRequest&)> sent;
  std::function<void(const CheckpointDurableExecutionRequest&)> accepted;
  // Stands between the SDK and the service when set (a simulated process death): gets each
  // request after `sent`, and a function delivering a request to the service (then `accepted`);
  // returns the response the SDK gets, or throws what the SDK sees.
  std::function<CheckpointDurableExecutionResponse(const CheckpointDurableExecutionRequest&,
                                                   const Send&)>
      gate;
};

class InProcessCheckpointClient final : public CheckpointClient {
 public:
  // `service` must outlive the client. Thread-safe as the Service is.
  explicit InProcessCheckpointClient(emulator::Service& service,
                                     CheckpointObserver observer = {})
      : service_(service), observer_(std::move(observer)) {}

  CheckpointDurableExecutionResponse checkpoint(
      const CheckpointDurableExecutionRequest& request) override;
  GetDurableExecutionStateResponse get_state(
      const GetDurableExecutionStateRequest& request) override;

  // Calls made so far (successful or not).
  std::size_t checkpoint_calls() const { return checkpoint_calls_.load(); }
  std::size_t get_state_calls() const { return get_state_calls_.load(); }

 private:
  emulator::Service& service_;
  CheckpointObserver observer_;
  std::atomic<std::size_t> checkpoint_calls_{0};
  std::atomic<std::size_t> get_state_calls_{0};
};

}  // namespace durable::testing::detail
