#include "fulfil_order.hpp"

#include <memory>
#include <stdexcept>
#include <string>

#include "order_workflow.hpp"

namespace durable::example {

namespace {

class FraudServiceUnavailable : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace

std::function<Json(const Json&)> make_fraud_check() {
  auto calls = std::make_shared<int>(0);
  return [calls](const Json& payload) -> Json {
    if (++*calls == 1) throw FraudServiceUnavailable("the fraud service is warming up");
    const double amount = payload.value("amount", 0.0);
    return Json{{"approved", amount <= 10000}, {"score", amount > 1000 ? 40 : 5}};
  };
}

Json send_confirmation(const Json& event, DurableContext& context) {
  const std::string order_id = event.value("order_id", "");
  const std::string message = context.step(
      [&](StepContext&) {
        return "Order " + order_id + " is on its way, tracking " + event.value("tracking", "");
      },
      "compose-message");
  const std::string address =
      context.step([&](StepContext&) { return "customer-" + order_id + "@example.com"; },
                   "send-email");
  return Json{{"sent_to", address}, {"message", message}};
}

Json fulfil_order(const Json& event, DurableContext& context) {
  const std::string order_id = event.value("order_id", "order-1");

  // An on-demand function, invoked with a braced JSON payload. Its first call fails; the failure
  // comes back as InvokeError (checkpointed, so a replay takes the same branch) and is handled by
  // asking once more under another name.
  Json screening;
  try {
    screening = context.invoke("fraud-check", {{"order_id", order_id}, {"amount", event.value("amount", 0.0)}},
                               "fraud-check");
  } catch (const InvokeError& e) {
    context.logger().warn("fraud check failed (" + e.error_type() + "), asking again");
    screening = context.invoke("fraud-check", {{"order_id", order_id}, {"amount", event.value("amount", 0.0)}},
                               "fraud-check again");
  }
  if (!screening.value("approved", false)) {
    return Json{{"order_id", order_id}, {"status", "rejected"}, {"screening", screening}};
  }

  Json order = process_order(event, context);
  if (order.value("status", "") != "completed") return order;

  // A durable function: it runs as its own durable execution and the invoke waits for it, at most
  // five minutes.
  InvokeConfig config{.timeout = Duration::from_minutes(5)};
  order["confirmation"] = context.invoke(
      "send-confirmation", {{"order_id", order_id}, {"tracking", order["tracking"]}},
      "send-confirmation", config);
  order["screening"] = screening;
  return order;
}

}  // namespace durable::example
