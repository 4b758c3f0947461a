// The example durable workflow of the main job: an order that is validated, reserved item by item
// in a child context, charged (the payment gateway fails once and the step retries), held for a
// two-day shipping window, and shipped.
#pragma once

#include "durable/durable.hpp"

namespace durable::example {

// Input: {"order_id": string, "items": [{"sku": string, "quantity": int}], "amount": number}.
// Returns {"order_id", "status": "completed", "reserved": [...], "transaction_id", "tracking"}.
Json process_order(const Json& event, DurableContext& context);

}  // namespace durable::example
