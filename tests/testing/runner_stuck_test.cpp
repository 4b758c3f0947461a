// A handler that can never finish makes run() fail fast with a message saying what the execution
// waits for; it never hangs.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "durable/durable.hpp"
#include "durable/emulator/function_registry.hpp"
#include "durable/emulator/service.hpp"
#include "durable/testing.hpp"

namespace durable::testing {
namespace {

using ::testing::HasSubstr;

// A raw durable function (no SDK) that starts a callback nobody will ever complete and returns
// PENDING: the execution waits on something no timer can finish.
emulator::DurableFunction callback_forever(emulator::Service& service) {
  return [&service](const DurableExecutionInvocationInput& input) {
    bool started = false;
    for (const auto& op : input.initial_execution_state.operations) {
      if (op.type == OperationType::Callback) started = true;
    }
    if (!started) {
      CheckpointDurableExecutionRequest request;
      request.durable_execution_arn = input.durable_execution_arn;
      request.checkpoint_token = input.checkpoint_token;
      OperationUpdate update;
      update.id = "approval-callback";
      update.name = "approval";
      update.type = OperationType::Callback;
      update.sub_type = "Callback";
      update.action = OperationAction::Start;
      update.callback_options = CallbackOptions{};
      request.updates.push_back(update);
      service.checkpoint(request);
    }
    DurableExecutionInvocationOutput output;
    output.status = durable::InvocationStatus::Pending;
    return output;
  };
}

TEST(RunnerStuckTest, CallbackNobodyCompletesIsReportedNotAwaited) {
  DurableRunner runner([](const Json&, DurableContext&) -> Json { return 0; },
                       {.function_name = "approvals"});
  runner.registry().register_durable_function("approvals", callback_forever(runner.service()));
  const auto wall_start = std::chrono::steady_clock::now();
  try {
    (void)runner.run();
    FAIL() << "expected RunnerError";
  } catch (const RunnerError& e) {
    const std::string msg = e.what();
    EXPECT_THAT(msg, HasSubstr("cannot make progress"));
    EXPECT_THAT(msg, HasSubstr(runner.execution_arn()));
    EXPECT_THAT(msg, HasSubstr("It is waiting for:"));
    // The emulator's account names the pending callback.
    EXPECT_THAT(msg, ::testing::AnyOf(HasSubstr("approval"), HasSubstr("CALLBACK")));
    EXPECT_THAT(msg, HasSubstr("returned PENDING"));
  }
  EXPECT_LT(std::chrono::steady_clock::now() - wall_start, std::chrono::seconds(5));
  // The execution is left as it was, for inspection.
  EXPECT_EQ(runner.status(), ExecutionStatus::Running);
  EXPECT_THAT(runner.result().get_callback("approval"), HasStatus(OperationStatus::Started));
}

TEST(RunnerStuckTest, ExplicitExecutionTimeoutLetsTheExecutionTimeOut) {
  DurableRunner runner([](const Json&, DurableContext&) -> Json { return 0; },
                       {.function_name = "approvals"});
  runner.registry().register_durable_function("approvals", callback_forever(runner.service()));
  const auto result = runner.run({}, {.execution_timeout = std::chrono::hours(1)});
  EXPECT_EQ(result.status(), ExecutionStatus::TimedOut) << result;
  EXPECT_GE(*result.end_timestamp() - result.start_timestamp(), std::chrono::hours(1));
}

TEST(RunnerStuckTest, EndlessRetriesHitTheWallClockLimit) {
  DurableRunner runner([](const Json&, DurableContext& ctx) -> Json {
    return ctx.step([](StepContext&) -> int { throw std::runtime_error("always down"); },
                    "hopeless",
                    {.retry_strategy = [](const ErrorObject&, int) {
                       return RetryDecision::retry(Duration::from_seconds(1));
                     }});
  }, {.capture_logs = false});
  try {
    (void)runner.run({}, {.timeout = std::chrono::milliseconds(300)});
    FAIL() << "expected RunnerError";
  } catch (const RunnerError& e) {
    EXPECT_THAT(e.what(), HasSubstr("wall-clock limit of 300 ms"));
    EXPECT_THAT(e.what(), HasSubstr("always down"));
  }
}

TEST(RunnerStuckTest, PendingWithNothingPendingDoesNotHang) {
  DurableRunner runner([](const Json&, DurableContext&) -> Json { return 0; });
  runner.registry().register_durable_function(
      runner.options().function_name, [](const DurableExecutionInvocationInput&) {
        return DurableExecutionInvocationOutput{durable::InvocationStatus::Pending, {}, {}};
      });
  // The service rejects the output, retries the invocation on its back-off and fails the
  // execution after five rejected invocations; the runner follows it there in virtual time.
  const auto result = runner.run({}, {.timeout = std::chrono::seconds(5)});
  EXPECT_EQ(result.status(), ExecutionStatus::Failed) << result;
  ASSERT_TRUE(result.error().has_value());
  EXPECT_THAT(result.error()->error_message.value_or(""),
              HasSubstr("Cannot return PENDING status with no pending operations."));
  EXPECT_EQ(result.invocation_count(), 5u);
  EXPECT_THAT(result.timeline(), HasSubstr("error InvalidParameterValueException"));
}

TEST(RunnerStuckTest, UnregisteredFunctionFailsTheInvocationWithItsName) {
  DurableRunner runner([](const Json&, DurableContext&) -> Json { return 0; });
  emulator::StartExecutionRequest request;
  request.function_name = "nobody-home";
  const auto arn = runner.service().start_execution(request).durable_execution_arn;
  EXPECT_EQ(runner.run_until_idle(), 1u);
  const auto failed = runner.result(arn);
  ASSERT_EQ(failed.invocation_count(), 1u);
  const auto& record = failed.invocations()[0];
  EXPECT_FALSE(record.output_status.has_value());
  ASSERT_TRUE(record.error.has_value());
  EXPECT_THAT(record.error->error_message.value_or(""), HasSubstr("nobody-home"));
  EXPECT_THROW((void)runner.result("arn:aws:lambda:us-east-1:1:function:x/durable-execution/n/i"),
               RunnerError);
  // The runner keeps working for its own function.
  EXPECT_EQ(runner.run().result(), 0);
}

}  // namespace
}  // namespace durable::testing
