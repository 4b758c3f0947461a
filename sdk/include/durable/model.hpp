// Umbrella header of the wire model (durable::model).
#pragma once

#include "durable/model/api.hpp"
#include "durable/model/api_error.hpp"
#include "durable/model/enums.hpp"
#include "durable/model/envelope.hpp"
#include "durable/model/error_object.hpp"
#include "durable/model/event.hpp"
#include "durable/model/json.hpp"
#include "durable/model/operation.hpp"
#include "durable/model/operation_update.hpp"
