// Step-by-step mode: start(), run_until_idle(), advance_clock(), advance_to_next_timer(),
// status(), result(), wait_for_result().
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "durable/durable.hpp"
#include "durable/emulator/clock.hpp"
#include "durable/testing.hpp"

namespace durable::testing {
namespace {

Json wait_then_step(const Json& event, DurableContext& ctx) {
  ctx.step([](StepContext&) { return 1; }, "before");
  ctx.wait(Duration::from_minutes(10), "ten-minutes");
  return ctx.step([&](StepContext&) { return event.value("tag", std::string("none")); }, "after");
}

TEST(RunnerStepByStepTest, StartRunUntilIdleAdvanceClockComplete) {
  DurableRunner runner(wait_then_step);
  const auto arn = runner.start({{"tag", "t-9"}});
  EXPECT_FALSE(arn.empty());
  EXPECT_EQ(runner.execution_arn(), arn);
  EXPECT_EQ(runner.status(), ExecutionStatus::Running);

  EXPECT_EQ(runner.run_until_idle(), 1u);
  EXPECT_EQ(runner.run_until_idle(), 0u);  // nothing ready until the timer fires
  EXPECT_EQ(runner.status(), ExecutionStatus::Running);
  const auto pending = runner.result();
  EXPECT_EQ(pending.status(), ExecutionStatus::Running);
  EXPECT_THAT(pending.get_wait("ten-minutes"), HasStatus(OperationStatus::Started));
  EXPECT_THAT(pending.get_step("before"), HasStatus(OperationStatus::Succeeded));
  EXPECT_FALSE(pending.find_operation("after").has_value());

  // Not far enough: the wait still runs.
  runner.advance_clock(std::chrono::minutes(9));
  EXPECT_EQ(runner.status(), ExecutionStatus::Running);
  EXPECT_EQ(runner.result().invocation_count(), 1u);

  runner.advance_clock(std::chrono::minutes(1));
  EXPECT_EQ(runner.status(), ExecutionStatus::Succeeded);
  const auto done = runner.result();
  EXPECT_EQ(done.result(), "t-9");
  EXPECT_EQ(done.invocation_count(), 2u);
  // The snapshot taken earlier is unchanged.
  EXPECT_EQ(pending.status(), ExecutionStatus::Running);
}

TEST(RunnerStepByStepTest, AdvanceToNextTimerThenRunUntilIdle) {
  DurableRunner runner(wait_then_step, {.start_time = Timestamp(std::chrono::seconds(1'700'000'000))});
  runner.start();
  runner.run_until_idle();
  const auto before = runner.virtual_clock()->now();
  EXPECT_TRUE(runner.advance_to_next_timer());
  EXPECT_EQ(runner.virtual_clock()->now() - before, std::chrono::minutes(10));
  EXPECT_EQ(runner.status(), ExecutionStatus::Running);  // timer fired, invocation not yet run
  EXPECT_EQ(runner.run_until_idle(), 1u);
  EXPECT_EQ(runner.status(), ExecutionStatus::Succeeded);
  EXPECT_FALSE(runner.advance_to_next_timer());
}

TEST(RunnerStepByStepTest, StartTimeFixesTheVirtualEpoch) {
  const Timestamp epoch(std::chrono::seconds(1'700'000'000));
  DurableRunner runner(wait_then_step, {.start_time = epoch});
  const auto result = runner.run();
  EXPECT_EQ(result.start_timestamp(), epoch);
  EXPECT_EQ(*result.end_timestamp(), epoch + std::chrono::minutes(10));
}

TEST(RunnerStepByStepTest, WaitForResultFinishesAStartedExecution) {
  DurableRunner runner(wait_then_step);
  runner.start({{"tag", "x"}});
  runner.run_until_idle();
  const auto result = runner.wait_for_result();
  EXPECT_EQ(result.status(), ExecutionStatus::Succeeded);
  EXPECT_EQ(result.result(), "x");
}

TEST(RunnerStepByStepTest, AdvanceClockFiresTimersArmedInsideTheWindow) {
  DurableRunner runner([](const Json&, DurableContext& ctx) -> Json {
    ctx.wait(Duration::from_seconds(30), "first");
    ctx.wait(Duration::from_seconds(30), "second");
    return "both";
  });
  runner.start();
  runner.advance_clock(std::chrono::seconds(61));
  EXPECT_EQ(runner.status(), ExecutionStatus::Succeeded);
  EXPECT_EQ(runner.result().invocation_count(), 3u);
}

TEST(RunnerStepByStepTest, MisuseIsReported) {
  DurableRunner runner(wait_then_step);
  EXPECT_TRUE(runner.execution_arn().empty());
  EXPECT_THROW((void)runner.status(), RunnerError);
  EXPECT_THROW((void)runner.result(), RunnerError);
  EXPECT_THROW((void)runner.wait_for_result(), RunnerError);
  EXPECT_THROW(runner.advance_clock(std::chrono::milliseconds(-1)), std::invalid_argument);

  DurableRunner wall(wait_then_step, {.skip_time = false});
  EXPECT_EQ(wall.virtual_clock(), nullptr);
  try {
    wall.advance_clock(std::chrono::seconds(1));
    FAIL() << "expected RunnerError";
  } catch (const RunnerError& e) {
    EXPECT_THAT(e.what(), ::testing::HasSubstr("skip_time"));
  }
}

TEST(RunnerStepByStepTest, WallClockModeRunsShortWaitsForReal) {
  DurableRunner runner(
      [](const Json&, DurableContext& ctx) -> Json {
        ctx.wait(Duration::from_seconds(1), "short");
        return "slept";
      },
      {.skip_time = false});
  const auto start = std::chrono::steady_clock::now();
  const auto result = runner.run();
  EXPECT_EQ(result.status(), ExecutionStatus::Succeeded) << result;
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(900));
}

}  // namespace
}  // namespace durable::testing
