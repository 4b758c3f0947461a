// Smoke test for concurrent use (meant to run under TSan too): readers poll an execution while a
// handler thread checkpoints into it.
#include <atomic>
#include <chrono>
#include <thread>

#include "durable/emulator/executor.hpp"
#include "emulator_test_support.hpp"

namespace durable::emulator::testing {
namespace {

TEST(ThreadSafetyTest, ReadersRunConcurrentlyWithCheckpoints) {
  auto clock = std::make_shared<VirtualClock>();
  Service service(clock);
  FunctionRegistry registry;
  constexpr int kSteps = 300;
  registry.register_durable_function("busy", [&](const DurableExecutionInvocationInput& in) {
    std::string token = in.checkpoint_token;
    for (int i = 0; i < kSteps; ++i) {
      std::string id = "s" + std::to_string(i);
      auto r = service.checkpoint(
          {in.durable_execution_arn, token, {step_start(id), step_succeed(id, "1")}, std::nullopt});
      token = *r.checkpoint_token;
    }
    return output(InvocationStatus::Succeeded, "\"done\"");
  });
  StartExecutionRequest req;
  req.function_name = "busy";
  auto arn = service.start_execution(req).durable_execution_arn;

  std::atomic<bool> done{false};
  std::atomic<long> reads{0};
  std::vector<std::thread> readers;
  for (int t = 0; t < 3; ++t) {
    readers.emplace_back([&] {
      while (!done.load()) {
        auto e = service.get_execution({arn});
        auto h = service.get_history({arn, true, 1000, {}, {}});
        auto ops = service.operations(arn);
        ListDurableExecutionsByFunctionRequest l;
        l.function_name = "busy";
        service.list_executions(l);
        service.describe_waiting(arn);
        service.next_timer_due();
        EXPECT_LE(ops.size(), static_cast<std::size_t>(kSteps + 1));
        EXPECT_GE(h.events.size(), 1u);
        ++reads;
      }
    });
  }
  // The readers must be under way before the writes start: a fast executor could otherwise
  // finish before any reader was scheduled, and the test would check nothing.
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (reads.load() < 3 && std::chrono::steady_clock::now() < until) std::this_thread::yield();
  Executor executor(service, registry);
  EXPECT_TRUE(executor.run_to_completion(arn, std::chrono::seconds(30)));
  done = true;
  for (auto& t : readers) t.join();
  EXPECT_EQ(service.get_execution({arn}).status, ExecutionStatus::Succeeded);
  EXPECT_EQ(service.operations(arn).size(), static_cast<std::size_t>(kSteps + 1));
  EXPECT_GT(reads.load(), 0);
}

TEST(ThreadSafetyTest, ParallelExecutorsShareOneService) {
  Service service(std::make_shared<VirtualClock>());
  FunctionRegistry registry;
  registry.register_durable_function("f", [&](const DurableExecutionInvocationInput& in) {
    service.checkpoint({in.durable_execution_arn, in.checkpoint_token,
                        {step_start("a"), step_succeed("a", "1")}, std::nullopt});
    return output(InvocationStatus::Succeeded, "1");
  });
  std::vector<std::string> arns;
  for (int i = 0; i < 20; ++i) {
    StartExecutionRequest r;
    r.function_name = "f";
    arns.push_back(service.start_execution(r).durable_execution_arn);
  }
  std::vector<std::thread> workers;
  for (int t = 0; t < 4; ++t) {
    workers.emplace_back([&] {
      Executor executor(service, registry);
      executor.run_until_idle();
    });
  }
  for (auto& w : workers) w.join();
  for (const auto& arn : arns) {
    EXPECT_EQ(service.get_execution({arn}).status, ExecutionStatus::Succeeded);
  }
}

}  // namespace
}  // namespace durable::emulator::testing
