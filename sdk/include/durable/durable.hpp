// Umbrella header of the durable execution SDK.
#pragma once

#include "durable/checkpoint_client.hpp"
#include "durable/child_config.hpp"
#include "durable/duration.hpp"
#include "durable/durable_context.hpp"
#include "durable/errors.hpp"
#include "durable/invocation.hpp"
#include "durable/logger.hpp"
#include "durable/model.hpp"
#include "durable/operation_id.hpp"
#include "durable/retry_strategy.hpp"
#include "durable/serdes.hpp"
#include "durable/step_config.hpp"
#include "durable/step_context.hpp"
