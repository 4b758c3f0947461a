#include "order_workflow.hpp"

#include <stdexcept>
#include <string>

namespace durable::example {

namespace {

// What a flaky payment gateway throws; the retry strategy below retries only this type.
class GatewayTimeout : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace

Json process_order(const Json& event, DurableContext& context) {
  const std::string order_id = event.value("order_id", "order-1");
  const Json items = event.value("items", Json::array());
  const double amount = event.value("amount", 0.0);

  context.logger().info("processing order " + order_id);

  bool valid = context.step(
      [&](StepContext&) { return !items.empty() && amount > 0; }, "validate-order");
  if (!valid) {
    return Json{{"order_id", order_id}, {"status", "rejected"}};
  }

  // Each reservation is its own step inside one child context, so the order's top level stays
  // short and a replay of a finished reservation block skips all of it.
  Json reserved = context.run_in_child_context(
      [&](DurableContext& inventory) {
        Json out = Json::array();
        for (const auto& item : items) {
          const std::string sku = item.value("sku", "unknown");
          out.push_back(inventory.step(
              [&](StepContext&) {
                return Json{{"sku", sku}, {"quantity", item.value("quantity", 1)}};
              },
              "reserve " + sku));
        }
        return out;
      },
      "reserve-inventory");

  RetryStrategyConfig payment_retry;
  payment_retry.max_attempts = 3;
  payment_retry.initial_delay = Duration::from_seconds(2);
  payment_retry.jitter = JitterStrategy::None;
  payment_retry.retryable_error_types = {"GatewayTimeout"};
  StepConfig<std::string> payment_config;
  payment_config.retry_strategy = create_retry_strategy(payment_retry);
  std::string transaction = context.step(
      [&](StepContext& step) -> std::string {
        if (step.attempt() == 1) throw GatewayTimeout("payment gateway did not answer");
        return "txn-" + order_id;
      },
      "charge-payment", payment_config);

  context.wait(Duration::from_days(2), "shipping-window");

  std::string tracking = context.step(
      [&](StepContext&) { return "TRACK-" + order_id; }, "ship-order");

  return Json{{"order_id", order_id},
              {"status", "completed"},
              {"reserved", reserved},
              {"transaction_id", transaction},
              {"tracking", tracking}};
}

}  // namespace durable::example
