// The main job's workflow: the order workflow (order_workflow.hpp) wrapped in the two kinds of
// invoke a durable function can make.
//  * Before the order: an on-demand (plain) function, "fraud-check", screens it. Its service is
//    unavailable on the first call; the invoke fails with InvokeError, the workflow catches it and
//    asks again.
//  * After shipping: a durable function, "send-confirmation", runs as its own durable execution
//    (two steps) and returns the message it sent. Invoked with a timeout, so the invoke carries its
//    companion WAIT "send-confirmation timeout".
#pragma once

#include <functional>

#include "durable/durable.hpp"

namespace durable::example {

// Input as process_order. Returns process_order's result plus "screening" (the fraud check's
// verdict) and "confirmation" (send-confirmation's result); {"status": "rejected"} when the fraud
// check does not approve.
Json fulfil_order(const Json& event, DurableContext& context);

// The "fraud-check" function: approves amounts up to 10000. Each function object made by this
// fails its first call with FraudServiceUnavailable. Safe to call from one thread at a time.
std::function<Json(const Json& payload)> make_fraud_check();

// The "send-confirmation" durable function: input {"order_id", "tracking"}; returns
// {"sent_to", "message"}.
Json send_confirmation(const Json& event, DurableContext& context);

}  // namespace durable::example
