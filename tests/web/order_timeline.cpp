// Writes the timeline of the example order workflow (tools/example, as durable-example runs it)
// with TestResult::write_timeline_html, for the browser test to draw and photograph: the
// picture the README shows.
//   order_timeline OUT.html
#include <iostream>

#include "durable/testing.hpp"
#include "fulfil_order.hpp"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: order_timeline OUT.html\n";
    return 2;
  }
  const durable::Json input = {
      {"order_id", "order-123"},
      {"amount", 99.5},
      {"items", durable::Json::array({{{"sku", "book"}, {"quantity", 2}},
                                      {{"sku", "lamp"}, {"quantity", 1}}})}};
  durable::testing::DurableRunner runner(durable::example::fulfil_order,
                                         {.function_name = "process-order"});
  runner.register_function("fraud-check", durable::example::make_fraud_check());
  runner.register_durable_function("send-confirmation", durable::example::send_confirmation);
  const auto result = runner.run(input);
  try {
    result.write_timeline_html(argv[1]);
  } catch (const std::exception& e) {
    std::cerr << e.what() << "\n";
    return 1;
  }
  std::cout << "status " << durable::to_string(result.execution_status()) << ", timeline in "
            << argv[1] << "\n";
  return result.execution_status() == durable::ExecutionStatus::Succeeded ? 0 : 1;
}
