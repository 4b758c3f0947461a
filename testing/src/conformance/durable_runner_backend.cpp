#include <chrono>
#include <sstream>

#include "durable/model/enums.hpp"
#include "durable/testing/conformance/execution_backend.hpp"
#include "durable/testing/durable_runner.hpp"

namespace durable::testing::conformance {

ExecutionOutcome DurableRunnerBackend::execute(const Requirement& requirement,
                                               const RegisteredHandler& handler,
                                               const Json& input) {
  RunnerOptions options;
  options.function_name = "conformance-" + requirement.id;
  options.capture_logs = true;
  DurableRunner runner(handler.handler, options);
  for (const auto& [name, fn] : handler.settings.durable_functions) {
    runner.register_durable_function(name, fn);
  }
  RunOptions run_options;
  run_options.timeout = std::chrono::seconds(60);
  run_options.execution_timeout = handler.settings.execution_timeout;
  const TestResult result = runner.run(input, run_options);

  ExecutionOutcome out;
  out.status = std::string(to_string(result.execution_status()));
  out.result = result.result_payload();
  out.history = result.history_json();
  out.logs = result.logs();
  out.logs_captured = true;
  out.timeline = result.timeline();
  return out;
}

}  // namespace durable::testing::conformance
