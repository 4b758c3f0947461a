// durable-example: runs the example order workflow end to end against the in-process emulator
// with time skipped, then prints its status, result, timeline and history summary.
#include <chrono>
#include <iostream>
#include <string>
#include <string_view>

#include "durable/testing.hpp"
#include "fulfil_order.hpp"

namespace {

constexpr const char* kUsage =
    "usage: durable-example [--help] [INPUT]\n"
    "\n"
    "Runs the example order workflow end to end against the in-process emulator of the durable\n"
    "execution service, with virtual time, and prints its status, result and a timeline of its\n"
    "operations. The workflow invokes the on-demand function \"fraud-check\" (which fails once;\n"
    "the workflow catches the error and asks again), validates the order, reserves its items in a\n"
    "child context, charges the payment (the gateway fails once and the step retries), waits two\n"
    "days for the shipping window, ships, and invokes the durable function \"send-confirmation\".\n"
    "\n"
    "  INPUT   the order as JSON, e.g. '{\"order_id\":\"o-1\",\"amount\":42,\n"
    "          \"items\":[{\"sku\":\"book\",\"quantity\":1}]}' (default: a sample order)\n"
    "  --help  print this text and exit\n"
    "\n"
    "Exit status: 0 when the execution succeeded, 1 when it did not, 2 for bad arguments.\n";

}  // namespace

int main(int argc, char** argv) {
  using durable::Json;
  Json input = {{"order_id", "order-123"},
                {"amount", 99.5},
                {"items", Json::array({{{"sku", "book"}, {"quantity", 2}},
                                       {{"sku", "lamp"}, {"quantity", 1}}})}};
  if (argc > 2) {
    std::cerr << "durable-example: expected at most one argument\n\n" << kUsage;
    return 2;
  }
  if (argc == 2) {
    const std::string_view arg = argv[1];
    if (arg == "--help" || arg == "-h") {
      std::cout << kUsage;
      return 0;
    }
    if (arg.starts_with("-")) {
      std::cerr << "durable-example: unknown option " << arg << "\n\n" << kUsage;
      return 2;
    }
    try {
      input = Json::parse(arg);
    } catch (const Json::parse_error& e) {
      std::cerr << "durable-example: the input argument is not valid JSON: " << e.what() << "\n";
      return 2;
    }
  }

  durable::testing::DurableRunner runner(durable::example::fulfil_order,
                                         {.function_name = "process-order"});
  runner.register_function("fraud-check", durable::example::make_fraud_check());
  runner.register_durable_function("send-confirmation", durable::example::send_confirmation);
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
