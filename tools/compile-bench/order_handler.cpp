// Compile-time benchmark fixture: a typical handler translation unit, the shape of the README's
// order handler (steps with a retry config, a child context, a wait, invokes with a timeout, a
// map over the order's items, a callback). tools/compile-bench.sh times compiling it at -O0 -g
// against the installed headers; it is not linked into anything.
#include <durable/durable.hpp>

#include <string>
#include <vector>

namespace {

struct LineItem {
  std::string sku;
  int quantity = 0;
};

void from_json(const durable::Json& json, LineItem& item) {
  json.at("sku").get_to(item.sku);
  json.at("quantity").get_to(item.quantity);
}

}  // namespace

durable::Json process_order(const durable::Json& event, durable::DurableContext& context) {
  const auto order_id = event.at("order_id").get<std::string>();
  const auto items = event.at("items").get<std::vector<LineItem>>();

  bool valid = context.step([&](durable::StepContext&) { return event.at("amount") > 0; },
                            "validate-order");
  if (!valid) return {{"status", "rejected"}};

  durable::Json fraud = context.invoke("fraud-check", {{"order_id", order_id}}, "fraud-check");
  if (fraud.value("blocked", false)) return {{"status", "blocked"}};

  auto reserved = context.map(
      items,
      [&](durable::DurableContext& item_context, const LineItem& item, std::size_t,
          const std::vector<LineItem>&) {
        return item_context.step(
            [&](durable::StepContext&) { return item.sku + " x" + std::to_string(item.quantity); },
            "reserve-" + item.sku);
      },
      "reserve-items");
  reserved.throw_if_error();

  durable::StepConfig<std::string> retry;
  retry.retry_strategy = durable::retry_presets::transient();
  auto txn = context.step(
      [&](durable::StepContext& step) {
        context.logger().info("charging, attempt " + std::to_string(step.attempt()));
        return "txn-" + order_id;
      },
      "charge-payment", retry);

  auto approval = context.wait_for_callback<durable::Json>(
      [&](const std::string& callback_id, durable::WaitForCallbackContext& wc) {
        wc.logger().info("approval requested: " + callback_id);
      },
      "approval");

  context.wait(durable::Duration::from_days(2), "shipping-window");

  auto tracking = context.run_in_child_context(
      [&](durable::DurableContext& child) {
        auto label = child.step([&](durable::StepContext&) { return "TRACK-" + order_id; },
                                "label");
        child.wait(durable::Duration::from_seconds(5), "pickup");
        return label;
      },
      "ship");

  durable::InvokeConfig config{.timeout = durable::Duration::from_minutes(5)};
  auto receipt = context.invoke("send-receipt", "order " + order_id, "receipt", config);

  return {{"status", "completed"},
          {"transaction_id", txn},
          {"tracking", tracking},
          {"items", reserved.get_results()},
          {"approved", approval.value("approved", false)},
          {"receipt", receipt}};
}
