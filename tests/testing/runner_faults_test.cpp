// Service faults in the DurableRunner: refused checkpoints (5xx, throttle, stale token) and
// crashes before/after the k-th checkpoint, with the at-least-once / at-most-once step outcomes
// the real service records (conformance step/1-17, 1-18) and step body run counts.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <stdexcept>
#include <string>
#include <vector>

#include "durable/durable.hpp"
#include "durable/testing.hpp"
#include "history_helpers.hpp"

namespace durable::testing {
namespace {

using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

using test_support::event_types;
using test_support::invocation_error;

Json one_step(const Json&, DurableContext& ctx, std::atomic<int>& runs,
              StepSemantics semantics = StepSemantics::AtLeastOncePerRetry,
              RetryStrategy retry = retry_presets::none()) {
  return ctx.step([&](StepContext&) { return ++runs; }, "work",
                  {.retry_strategy = std::move(retry), .step_semantics = semantics});
}

class CheckpointFaultTest : public ::testing::TestWithParam<CheckpointFault> {};

TEST_P(CheckpointFaultTest, RefusedCheckpointFailsTheInvocationAndTheServiceRetries) {
  std::atomic<int> runs{0};
  DurableRunner runner([&](const Json& e, DurableContext& ctx) { return one_step(e, ctx, runs); });
  runner.fail_checkpoint(1, GetParam());
  const auto result = runner.run();
  ASSERT_THAT(result, Succeeded()) << result;
  // Nothing of the first attempt was recorded, so the body ran again.
  EXPECT_EQ(result.result(), 2);
  EXPECT_EQ(runs.load(), 2);
  EXPECT_EQ(result.step_runs("work"), 2u);
  ASSERT_EQ(result.invocation_count(), 2u);
  const auto& first = result.invocations()[0];
  EXPECT_FALSE(first.crashed);
  EXPECT_FALSE(first.output_status.has_value());
  ASSERT_TRUE(first.error.has_value());
  const std::string expected_type = GetParam() == CheckpointFault::ServiceError ? "ServiceException"
                                    : GetParam() == CheckpointFault::Throttle
                                        ? "TooManyRequestsException"
                                        : "InvalidParameterValueException";
  EXPECT_EQ(first.error->error_type, expected_type);
  EXPECT_FALSE(result.invocations()[1].error.has_value());
  // The service records the failed invocation and re-invokes after its retry delay.
  const auto& history = result.history();
  const auto failed = std::find_if(history.begin(), history.end(), [](const Event& e) {
    return e.event_type == EventType::InvocationCompleted && invocation_error(e).has_value();
  });
  ASSERT_NE(failed, history.end());
  EXPECT_GE(result.invocations()[1].start - result.invocations()[0].end, std::chrono::seconds(5));
}

INSTANTIATE_TEST_SUITE_P(AllFaults, CheckpointFaultTest,
                         ::testing::Values(CheckpointFault::ServiceError, CheckpointFault::Throttle,
                                           CheckpointFault::StaleToken),
                         [](const auto& param_info) { return std::string(to_string(param_info.param)); });

TEST(CrashTest, AtLeastOnceStepRunsAgainAfterACrashBeforeItsResultWasRecorded) {
  std::atomic<int> runs{0};
  DurableRunner runner([&](const Json& e, DurableContext& ctx) { return one_step(e, ctx, runs); });
  // START rides with SUCCEED in checkpoint 1: the body ran, then the process died.
  runner.crash_before_checkpoint(1);
  const auto result = runner.run();
  ASSERT_THAT(result, Succeeded()) << result;
  EXPECT_EQ(result.step_runs("work"), 2u);
  EXPECT_EQ(result.get_step("work").body_runs(), 2u);
  EXPECT_EQ(result.result(), 2);
  ASSERT_EQ(result.invocation_count(), 2u);
  EXPECT_TRUE(result.invocations()[0].crashed);
  EXPECT_THAT(result.invocations()[0].error, HasErrorType("Runtime.ExitError"));
  EXPECT_FALSE(result.invocations()[1].crashed);
  EXPECT_THAT(event_types(result),
              ElementsAre(EventType::InvocationCompleted, EventType::StepStarted,
                          EventType::StepSucceeded, EventType::InvocationCompleted));
  EXPECT_THAT(invocation_error(result.history()[1]), HasErrorType("Runtime.ExitError"));
}

TEST(CrashTest, CrashAfterTheLastCheckpointDiscardsTheOutputAndReplays) {
  std::atomic<int> runs{0};
  DurableRunner runner([&](const Json& e, DurableContext& ctx) { return one_step(e, ctx, runs); });
  runner.crash_after_checkpoint(1);
  const auto result = runner.run();
  ASSERT_THAT(result, Succeeded()) << result;
  EXPECT_EQ(result.step_runs("work"), 1u);  // recorded before the crash: replayed, not re-run
  EXPECT_EQ(result.result(), 1);
  ASSERT_EQ(result.invocation_count(), 2u);
  EXPECT_TRUE(result.invocations()[0].crashed);
  EXPECT_FALSE(result.invocations()[0].output_status.has_value());
  EXPECT_THAT(result.timeline(), HasSubstr("CRASHED (injected)"));
}

// Conformance step/1-17: AT_MOST_ONCE, no retry, the process dies while the body runs.
TEST(CrashTest, AtMostOnceStepInterruptedWithoutRetryFailsTheExecution) {
  std::atomic<int> runs{0};
  DurableRunner runner([&](const Json& e, DurableContext& ctx) {
    return one_step(e, ctx, runs, StepSemantics::AtMostOncePerRetry);
  });
  runner.crash_after_checkpoint(1);  // START (synchronous for AT_MOST_ONCE) applied, then died
  const auto result = runner.run();
  EXPECT_THAT(result, Failed()) << result;
  EXPECT_EQ(result.step_runs("work"), 1u);
  EXPECT_THAT(result.get_step("work"),
              AllOf(Failed(), HasErrorType("StepInterruptedError")));
  EXPECT_THAT(event_types(result),
              ElementsAre(EventType::StepStarted, EventType::InvocationCompleted,
                          EventType::StepFailed, EventType::InvocationCompleted));
  EXPECT_THAT(invocation_error(result.history()[2]), HasErrorType("Runtime.ExitError"));
  EXPECT_FALSE(invocation_error(result.history()[4]).has_value());
}

// Conformance step/1-18: AT_MOST_ONCE with a retry: interrupted, retried, succeeds.
TEST(CrashTest, AtMostOnceStepInterruptedIsRetried) {
  std::atomic<int> attempts{0};
  DurableRunner runner([&](const Json&, DurableContext& ctx) -> Json {
    return ctx.step(
        [&](StepContext&) {
          ++attempts;
          return std::string("succeeded on second attempt");
        },
        "flaky",
        {.retry_strategy = retry_presets::fixed(Duration::from_seconds(2)),
         .step_semantics = StepSemantics::AtMostOncePerRetry});
  });
  runner.crash_after_checkpoint(1);
  const auto result = runner.run();
  ASSERT_THAT(result, Succeeded()) << result;
  EXPECT_EQ(result.result(), "succeeded on second attempt");
  EXPECT_EQ(result.step_runs("flaky"), 2u);
  EXPECT_EQ(result.get_step("flaky").attempts(), 2);
  EXPECT_THAT(event_types(result),
              ElementsAre(EventType::StepStarted, EventType::InvocationCompleted,
                          EventType::StepFailed, EventType::InvocationCompleted,
                          EventType::StepStarted, EventType::StepSucceeded,
                          EventType::InvocationCompleted));
  EXPECT_EQ(result.invocation_count(), 3u);
  EXPECT_TRUE(result.invocations()[0].crashed);
}

TEST(CrashTest, CrashInsideAChildContextReplaysTheContext) {
  std::atomic<int> first{0};
  std::atomic<int> second{0};
  DurableRunner runner([&](const Json&, DurableContext& ctx) -> Json {
    return ctx.run_in_child_context(
        [&](DurableContext& child) {
          const int a = child.step([&](StepContext&) { return ++first; }, "a");
          const int b = child.step([&](StepContext&) { return ++second; }, "b");
          return a + b;
        },
        "child");
  });
  runner.crash_before_checkpoint(2);  // step "a" recorded, "b" lost with the process
  const auto result = runner.run();
  ASSERT_THAT(result, Succeeded()) << result;
  EXPECT_EQ(result.step_runs("a"), 1u);
  EXPECT_EQ(result.step_runs("b"), 2u);
  EXPECT_EQ(result.result(), 3);
  EXPECT_THAT(result.get_context("child"), Succeeded());
}

TEST(CrashTest, FaultDeclaredAfterStartAppliesToTheCurrentExecution) {
  std::atomic<int> runs{0};
  DurableRunner runner([&](const Json& e, DurableContext& ctx) { return one_step(e, ctx, runs); });
  runner.start();
  runner.crash_before_checkpoint(1);
  const auto result = runner.wait_for_result();
  EXPECT_EQ(result.step_runs("work"), 2u);
  EXPECT_TRUE(result.invocations()[0].crashed);
}

TEST(CrashTest, FaultsApplyToEveryLaterRun) {
  std::atomic<int> runs{0};
  DurableRunner runner([&](const Json& e, DurableContext& ctx) { return one_step(e, ctx, runs); });
  runner.fail_checkpoint(1, CheckpointFault::Throttle);
  EXPECT_EQ(runner.run().invocation_count(), 2u);
  EXPECT_EQ(runner.run().invocation_count(), 2u);
}

TEST(CrashTest, KIsOneBased) {
  DurableRunner runner([](const Json&, DurableContext&) -> Json { return nullptr; });
  EXPECT_THROW(runner.fail_checkpoint(0, CheckpointFault::ServiceError), std::invalid_argument);
  EXPECT_THROW(runner.crash_after_checkpoint(0), std::invalid_argument);
  EXPECT_THROW(runner.crash_before_checkpoint(0), std::invalid_argument);
}

TEST(CrashTest, TooManyFailedInvocationsFailTheExecution) {
  std::atomic<int> runs{0};
  DurableRunner runner([&](const Json& e, DurableContext& ctx) { return one_step(e, ctx, runs); });
  for (std::uint64_t k = 1; k <= 5; ++k) runner.fail_checkpoint(k, CheckpointFault::ServiceError);
  const auto result = runner.run();
  EXPECT_THAT(result, AllOf(Failed(), HasErrorType("ServiceException"))) << result;
  EXPECT_EQ(result.invocation_count(), 5u);
  EXPECT_EQ(result.step_runs("work"), 5u);
}

TEST(StepRunsTest, RetriedStepCountsEveryAttemptAndReplayCountsNothing) {
  int calls = 0;
  DurableRunner runner([&](const Json&, DurableContext& ctx) -> Json {
    const int v = ctx.step(
        [&](StepContext& sc) -> int {
          ++calls;
          if (sc.attempt() < 3) throw std::runtime_error("flaky");
          return sc.attempt();
        },
        "retried", {.retry_strategy = retry_presets::fixed(Duration::from_seconds(1))});
    ctx.wait(Duration::from_seconds(10));
    return v;
  });
  const auto result = runner.run();
  ASSERT_THAT(result, Succeeded()) << result;
  EXPECT_EQ(result.step_runs("retried"), 3u);
  EXPECT_EQ(calls, 3);
  EXPECT_THROW(result.step_runs("missing"), std::out_of_range);
}

}  // namespace
}  // namespace durable::testing

namespace durable::testing {
namespace {

// The runner records step body runs compactly; what a test reads back is every step's own id,
// in first-run order, with its name and run count, for nested steps (ids of ids) too.
TEST(RunnerObservations, StepRunsNameTheStepsOwnIdsInFirstRunOrder) {
  DurableRunner runner([](const Json&, DurableContext& ctx) {
    int sum = ctx.step([](StepContext&) { return 1; }, "first");
    sum += ctx.run_in_child_context(
        [](DurableContext& child) { return child.step([](StepContext&) { return 2; }, "inner"); },
        "ctx");
    sum += ctx.step([](StepContext&) { return 3; });
    return sum;
  });
  const auto result = runner.run();
  ASSERT_THAT(result, Succeeded()) << result;
  const auto& seen = result.observations();
  ASSERT_EQ(seen.step_names.size(), 3u);
  EXPECT_EQ(seen.step_names[0].first, result.get_step("first").id());
  EXPECT_EQ(seen.step_names[0].second, "first");
  EXPECT_EQ(seen.step_names[1].first, result.get_step("inner").id());
  EXPECT_EQ(seen.step_names[1].second, "inner");
  EXPECT_EQ(seen.step_names[2].second, "");
  for (const auto& [id, name] : seen.step_names) {
    EXPECT_EQ(seen.step_runs.at(id), 1u) << name;
    EXPECT_EQ(StepOperation(result.operation_by_id(id)).body_runs(), 1u) << name;
  }
  EXPECT_EQ(seen.step_runs.size(), 3u);
}

}  // namespace
}  // namespace durable::testing
