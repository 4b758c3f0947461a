// DurableRunner::crash_during_step: the process dies while a step's body runs. What the service
// saw is what background checkpointing sent by then, so the history matches the real service's
// recordings of a crash inside a step (conformance step/1-17; PROTOCOL.md "Interrupted steps",
// CT 3.12: ContextStarted and StepStarted before the lost invocation's InvocationCompleted, then
// the re-run's StepSucceeded without a second StepStarted).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "durable/durable.hpp"
#include "durable/testing.hpp"
#include "history_helpers.hpp"

namespace durable::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

using test_support::event_types;
using test_support::invocation_error;

// The first InvocationCompleted of the history.
const Event& first_invocation_completed(const TestResult& result) {
  for (const auto& e : result.history()) {
    if (e.event_type == EventType::InvocationCompleted) return e;
  }
  throw std::logic_error("no InvocationCompleted in the history");
}

// A step inside a child context, as in the recorded crash histories. Its body really takes
// `body_time` (zero: returns at once).
Handler step_in_child(std::atomic<int>& runs,
                      StepSemantics semantics = StepSemantics::AtLeastOncePerRetry,
                      std::chrono::milliseconds body_time = std::chrono::milliseconds(0)) {
  return [&runs, semantics, body_time](const Json&, DurableContext& ctx) -> Json {
    return ctx.run_in_child_context(
        [&runs, semantics, body_time](DurableContext& child) {
          return child.step(
              [&runs, body_time](StepContext&) {
                if (body_time.count() > 0) std::this_thread::sleep_for(body_time);
                return ++runs;
              },
              "work", {.retry_strategy = retry_presets::none(), .step_semantics = semantics});
        },
        "child");
  };
}

TEST(StepCrash, LongBodyLeavesContextAndStepStartedThenTheReRunSucceedsWithoutASecondStart) {
  std::atomic<int> runs{0};
  DurableRunner runner(step_in_child(runs));
  // Longer than the SDK's background flush window: the STARTs reached the service.
  runner.crash_during_step("work", Duration::from_seconds(2));
  const auto result = runner.run();
  ASSERT_THAT(result, Succeeded()) << result;
  EXPECT_THAT(event_types(result),
              ElementsAre(EventType::ContextStarted, EventType::StepStarted,
                          EventType::InvocationCompleted, EventType::StepSucceeded,
                          EventType::ContextSucceeded, EventType::InvocationCompleted))
      << result.timeline();
  EXPECT_THAT(invocation_error(first_invocation_completed(result)),
              HasErrorType("Runtime.ExitError"));
  // The re-run ran the at-least-once body again: its result is the second run's.
  EXPECT_EQ(result.result(), 2);
  EXPECT_EQ(runs.load(), 2);
  ASSERT_EQ(result.invocation_count(), 2u);
  EXPECT_TRUE(result.invocations()[0].crashed);
  EXPECT_FALSE(result.invocations()[1].crashed);
  EXPECT_THAT(result.invocations()[0].error, HasErrorType("Runtime.ExitError"));
  EXPECT_THAT(result.invocations()[0].error->error_message.value_or(""), HasSubstr("\"work\""));
  EXPECT_THAT(result.timeline(), HasSubstr("CRASHED (injected)"));
  // On the virtual clock the lost invocation lasted until the crash.
  EXPECT_GE(result.invocations()[0].end - result.invocations()[0].start, std::chrono::seconds(2));
  EXPECT_THAT(result.get_context("child"), Succeeded());
  EXPECT_EQ(result.get_step("work").attempts(), 1);
}

TEST(StepCrash, ShortBodyLeavesNothingTheBackgroundFlushHadNotSent) {
  std::atomic<int> runs{0};
  DurableRunner runner(step_in_child(runs));
  // Shorter than the flush window: the queued STARTs died with the process.
  runner.crash_during_step("work", Duration::from_milliseconds(10));
  const auto result = runner.run();
  ASSERT_THAT(result, Succeeded()) << result;
  EXPECT_THAT(event_types(result),
              ElementsAre(EventType::InvocationCompleted, EventType::ContextStarted,
                          EventType::StepStarted, EventType::StepSucceeded,
                          EventType::ContextSucceeded, EventType::InvocationCompleted))
      << result.timeline();
  EXPECT_THAT(invocation_error(first_invocation_completed(result)),
              HasErrorType("Runtime.ExitError"));
  EXPECT_EQ(runs.load(), 2);
  EXPECT_TRUE(result.invocations()[0].crashed);
}

TEST(StepCrash, TheBodysRealDurationDoesNotDecideWhatTheServiceSaw) {
  // The body really takes longer than the flush window (as a preempted thread on a loaded
  // machine would), but the fault says the crash came 10 ms in: the outcome is the short body's.
  std::atomic<int> runs{0};
  DurableRunner runner(step_in_child(runs, StepSemantics::AtLeastOncePerRetry,
                                     std::chrono::milliseconds(250)));
  runner.crash_during_step("work", Duration::from_milliseconds(10));
  const auto result = runner.run();
  ASSERT_THAT(result, Succeeded()) << result;
  EXPECT_THAT(event_types(result),
              ElementsAre(EventType::InvocationCompleted, EventType::ContextStarted,
                          EventType::StepStarted, EventType::StepSucceeded,
                          EventType::ContextSucceeded, EventType::InvocationCompleted))
      << result.timeline();
  EXPECT_EQ(runs.load(), 2);
}

// Conformance step/1-17 inside a child context: the START of an at-most-once step is
// synchronous, so the service saw it whatever the delay; the re-run finds it interrupted.
TEST(StepCrash, AtMostOnceStepIsInterrupted) {
  std::atomic<int> runs{0};
  DurableRunner runner(step_in_child(runs, StepSemantics::AtMostOncePerRetry));
  runner.crash_during_step("work", Duration::from_milliseconds(1));
  const auto result = runner.run();
  EXPECT_THAT(result, Failed()) << result;
  EXPECT_EQ(runs.load(), 1);
  EXPECT_THAT(result.get_step("work"), HasErrorType("StepInterruptedError"));
  const auto types = event_types(result);
  ASSERT_GE(types.size(), 4u) << result.timeline();
  EXPECT_EQ(types[0], EventType::ContextStarted);
  EXPECT_EQ(types[1], EventType::StepStarted);
  EXPECT_EQ(types[2], EventType::InvocationCompleted);
  EXPECT_EQ(types[3], EventType::StepFailed);
  EXPECT_THAT(invocation_error(first_invocation_completed(result)),
              HasErrorType("Runtime.ExitError"));
}

TEST(StepCrash, MatchesAnUnnamedStepByItsOperationIdAndFiresOnce) {
  std::atomic<int> runs{0};
  const Handler handler = [&runs](const Json&, DurableContext& ctx) -> Json {
    const int a = ctx.step([&runs](StepContext&) { return ++runs; });
    const int b = ctx.step([&runs](StepContext&) { return ++runs; });
    return a + b;
  };
  std::string second_id;
  {
    DurableRunner clean(handler);
    const auto result = clean.run();
    ASSERT_THAT(result, Succeeded());
    second_id = result.operations().at(1).id();
  }
  runs = 0;
  DurableRunner runner(handler);
  runner.crash_during_step(second_id, Duration::from_seconds(1));
  const auto result = runner.run();
  ASSERT_THAT(result, Succeeded()) << result;
  EXPECT_EQ(runs.load(), 3);  // the second body ran twice, the first once
  ASSERT_EQ(result.invocation_count(), 2u);
  EXPECT_TRUE(result.invocations()[0].crashed);
}

TEST(StepCrash, AStepThatNeverRunsNeverFires) {
  std::atomic<int> runs{0};
  DurableRunner runner(step_in_child(runs));
  runner.crash_during_step("elsewhere", Duration::from_seconds(1));
  const auto result = runner.run();
  ASSERT_THAT(result, Succeeded()) << result;
  ASSERT_EQ(result.invocation_count(), 1u);
  EXPECT_FALSE(result.invocations()[0].crashed);
}

TEST(StepCrash, DeclaredAfterStartAppliesToTheCurrentExecution) {
  std::atomic<int> runs{0};
  DurableRunner runner(step_in_child(runs));
  runner.start();
  runner.crash_during_step("work", Duration::from_seconds(1));
  const auto result = runner.wait_for_result();
  EXPECT_EQ(runs.load(), 2);
  EXPECT_TRUE(result.invocations()[0].crashed);
}

TEST(StepCrash, RejectsBadArguments) {
  std::atomic<int> runs{0};
  DurableRunner runner(step_in_child(runs));
  try {
    runner.crash_during_step("", Duration::from_seconds(1));
    FAIL() << "an empty step name must be refused";
  } catch (const std::invalid_argument& e) {
    EXPECT_THAT(e.what(), HasSubstr("crash_during_step"));
  }
}

}  // namespace
}  // namespace durable::testing
