// The CheckpointClient run() uses when RuntimeOptions::make_client is empty.
#pragma once

#include <memory>

#include "durable/checkpoint_client.hpp"

namespace durable::lambda::detail {

// The SDK's HTTP client for the durable execution API, configured from the environment.
// Throws (std::exception) naming what is missing or wrong in the environment.
std::unique_ptr<CheckpointClient> make_default_checkpoint_client();

}  // namespace durable::lambda::detail
