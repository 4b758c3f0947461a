#include "lambda/runtime_default_client.hpp"

#include "durable/lambda/http_checkpoint_client.hpp"

namespace durable::lambda::detail {

std::unique_ptr<CheckpointClient> make_default_checkpoint_client() {
  return std::make_unique<HttpCheckpointClient>(HttpCheckpointClientOptions::from_environment());
}

}  // namespace durable::lambda::detail
