// durable-example: runs the example order workflow end to end against the in-process emulator
// with time skipped, then prints its status, result, timeline and history summary.
#include <chrono>
#include <iostream>
#include <string>

#include "durable/testing.hpp"
#include "order_workflow.hpp"

int main(int argc, char** argv) {
  using durable::Json;
  Json input = {{"order_id", "order-123"},
                {"amount", 99.5},
                {"items", Json::array({{{"sku", "book"}, {"quantity", 2}},
                                       {{"sku", "lamp"}, {"quantity", 1}}})}};
  if (argc > 1) {
    try {
      input = Json::parse(argv[1]);
    } catch (const Json::parse_error& e) {
      std::cerr << "durable-example: the input argument is not valid JSON: " << e.what() << "\n";
      return 2;
    }
  }

  durable::testing::DurableRunner runner(durable::example::process_order,
                                         {.function_name = "process-order"});
  auto started = std::chrono::steady_clock::now();
  durable::testing::TestResult result = runner.run(input);
  auto wall = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started);

  std::cout << "Durable example: the order workflow, run end to end against the emulator\n\n";
  std::cout << "input:  " << input.dump() << "\n";
  std::cout << "status: " << durable::to_string(result.execution_status()) << "\n";
  if (result.error()) {
    std::cout << "error:  " << result.error()->error_message.value_or("") << "\n";
  } else {
    std::cout << "result: " << result.result().dump(2) << "\n";
  }
  std::cout << "\n" << result.timeline() << "\n";
  std::cout << result.invocation_count() << " invocations, " << result.operation_count()
            << " operations, " << result.history().size() << " history events; "
            << "virtual time skipped, wall time " << wall.count() << " ms\n";
  return result.execution_status() == durable::ExecutionStatus::Succeeded ? 0 : 1;
}
