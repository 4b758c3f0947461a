// The emulator's share of the "1000 steps + replay" budget: one invocation checkpointing 1000
// steps one by one, then a replay invocation receiving all of them. The bound is loose (Debug and
// sanitizer builds run here too); the point is to catch quadratic behaviour.
#include <chrono>

#include "durable/emulator/executor.hpp"
#include "emulator_test_support.hpp"

namespace durable::emulator::testing {
namespace {

TEST(PerformanceTest, ThousandStepsAndReplayStayLinear) {
  constexpr int kSteps = 1000;
  Service service(std::make_shared<VirtualClock>());
  FunctionRegistry registry;
  std::size_t replayed = 0;
  registry.register_durable_function("steps", [&](const DurableExecutionInvocationInput& in) {
    const auto& ops = in.initial_execution_state.operations;
    if (ops.size() > 1) {  // replay: drain the pages the way an SDK does
      replayed = ops.size();
      auto marker = in.initial_execution_state.next_marker;
      while (marker) {
        auto page = service.get_state({in.durable_execution_arn, in.checkpoint_token, marker, 1000});
        replayed += page.operations.size();
        marker = page.next_marker;
      }
      return output(InvocationStatus::Succeeded, "\"done\"");
    }
    std::string token = in.checkpoint_token;
    for (int i = 0; i < kSteps; ++i) {
      std::string id = "step-" + std::to_string(i);
      auto r = service.checkpoint(
          {in.durable_execution_arn, token, {step_start(id), step_succeed(id, "1")}, std::nullopt});
      token = *r.checkpoint_token;
    }
    service.checkpoint({in.durable_execution_arn, token, {wait_start("w", 1)}, std::nullopt});
    return output(InvocationStatus::Pending);
  });
  StartExecutionRequest r;
  r.function_name = "steps";
  auto arn = service.start_execution(r).durable_execution_arn;
  Executor executor(service, registry);
  auto t0 = std::chrono::steady_clock::now();
  ASSERT_TRUE(executor.run_to_completion(arn, std::chrono::seconds(60)));
  auto elapsed = std::chrono::steady_clock::now() - t0;
  EXPECT_EQ(replayed, static_cast<std::size_t>(kSteps + 2));  // + EXECUTION and WAIT
  EXPECT_LT(elapsed, std::chrono::seconds(3));
  RecordProperty("elapsed_ms", static_cast<int>(
      std::chrono::duration_cast<std::chrono::milliseconds>(elapsed).count()));
  std::printf("1000 steps + replay: %lld ms\n",
              static_cast<long long>(
                  std::chrono::duration_cast<std::chrono::milliseconds>(elapsed).count()));
}

}  // namespace
}  // namespace durable::emulator::testing
