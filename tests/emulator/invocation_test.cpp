// Invocation lifecycle: output rules (§5.4), failed invocations and their retry budget, triggers
// that arrive during an invocation.
#include "emulator_test_support.hpp"

namespace durable::emulator::testing {
namespace {

using std::chrono::seconds;

class InvocationTest : public EmulatorTest {
 protected:
  void SetUp() override { start(); }

  // The error recorded by the last InvocationCompleted event.
  std::optional<ErrorObject> last_invocation_error() {
    auto events = history();
    for (auto it = events.rbegin(); it != events.rend(); ++it) {
      if (it->event_type == EventType::InvocationCompleted) {
        auto d = std::get<InvocationCompletedDetails>(it->details);
        if (d.error) return d.error->payload;
        return std::nullopt;
      }
    }
    return std::nullopt;
  }

  void expect_rule_violation(DurableExecutionInvocationOutput out, const std::string& message) {
    invoke();
    complete(std::move(out));
    auto err = last_invocation_error();
    ASSERT_TRUE(err.has_value());
    EXPECT_EQ(err->error_message, message);
    EXPECT_EQ(execution().status, ExecutionStatus::Running);
    // Retried after the back-off, not before.
    EXPECT_FALSE(service_.take_ready_invocation().has_value());
    EXPECT_EQ(service_.next_timer_due(), clock_->now() + seconds(5));
    clock_->advance(seconds(5));
    service_.fire_due_timers();
    EXPECT_TRUE(service_.has_invocation_work());
  }
};

TEST_F(InvocationTest, SucceededWithErrorIsAnInvocationError) {
  expect_rule_violation(output(InvocationStatus::Succeeded, "1", error("E", "m")),
                        "Cannot provide an Error for SUCCEEDED status.");
}

TEST_F(InvocationTest, FailedWithResultIsAnInvocationError) {
  expect_rule_violation(output(InvocationStatus::Failed, "1", error("E", "m")),
                        "Cannot provide a Result for FAILED status.");
}

TEST_F(InvocationTest, PendingWithNothingPendingIsAnInvocationError) {
  expect_rule_violation(output(InvocationStatus::Pending),
                        "Cannot return PENDING status with no pending operations.");
}

TEST_F(InvocationTest, PendingWithAPendingOperationSuspends) {
  for (auto u : {step_retry("s", 5), wait_start("w", 5), callback_start("c"),
                 invoke_start("i", "target")}) {
    SCOPED_TRACE(u.id);
    Service s(clock_);
    StartExecutionRequest r;
    r.function_name = "f";
    auto arn = s.start_execution(r).durable_execution_arn;
    auto p = *s.take_ready_invocation();
    s.checkpoint({arn, p.input.checkpoint_token, {u}, std::nullopt});
    s.complete_invocation(arn, p.request_id, {output(InvocationStatus::Pending), std::nullopt});
    auto events = s.get_history({arn, {}, {}, {}, {}}).events;
    EXPECT_FALSE(std::get<InvocationCompletedDetails>(events.back().details).error.has_value());
    EXPECT_FALSE(s.has_invocation_work());
  }
}

TEST_F(InvocationTest, SucceededAndFailedEndTheExecution) {
  invoke();
  complete(output(InvocationStatus::Succeeded));
  EXPECT_EQ(execution().status, ExecutionStatus::Succeeded);
  EXPECT_FALSE(execution().result.has_value());

  start("{}", "second");
  invoke();
  complete(output(InvocationStatus::Failed));
  EXPECT_EQ(execution().status, ExecutionStatus::Failed);
  EXPECT_TRUE(execution().error.has_value());
}

TEST_F(InvocationTest, InvocationFailureIsRecordedAndRetriedAfterBackoff) {
  invoke();
  checkpoint({step_start("s")});
  complete_with_error(error("Runtime.ExitError", "crashed"));
  auto err = last_invocation_error();
  ASSERT_TRUE(err.has_value());
  EXPECT_EQ(err->error_type, "Runtime.ExitError");
  EXPECT_EQ(op("s").status, OperationStatus::Started);  // the interrupted step stays STARTED
  EXPECT_FALSE(service_.take_ready_invocation().has_value());
  clock_->advance(seconds(4));
  EXPECT_EQ(service_.fire_due_timers(), 0u);
  clock_->advance(seconds(1));
  EXPECT_EQ(service_.fire_due_timers(), 1u);
  invoke();
  checkpoint({step_succeed("s", "1")});
  complete(output(InvocationStatus::Succeeded, "1"));
  EXPECT_EQ(execution().status, ExecutionStatus::Succeeded);
}

TEST_F(InvocationTest, FiveConsecutiveFailuresFailTheExecution) {
  for (int i = 1; i <= 5; ++i) {
    invoke();
    complete_with_error(error("Runtime.ExitError", "crash " + std::to_string(i)));
    if (i < 5) {
      EXPECT_EQ(execution().status, ExecutionStatus::Running);
      clock_->advance(seconds(5));
      service_.fire_due_timers();
    }
  }
  auto e = execution();
  EXPECT_EQ(e.status, ExecutionStatus::Failed);
  EXPECT_EQ(e.error->error_message, "crash 5");
  auto types = event_types();
  EXPECT_EQ(types[types.size() - 2], EventType::InvocationCompleted);
  EXPECT_EQ(types.back(), EventType::ExecutionFailed);
  EXPECT_EQ(service_.next_timer_due(), std::nullopt);
}

// A host shutting down gives up the invocations it had taken: recorded, but neither a failure
// of the function (no back-off, no step towards the five-failure limit) nor lost.
TEST_F(InvocationTest, AnInvocationAbandonedByItsHostIsWantedAgainAtOnceAndNeverFails) {
  for (int i = 1; i <= 7; ++i) {
    invoke();
    InvocationOutcome outcome{std::nullopt, error("Runtime.ExitError", "emulator stopping")};
    outcome.abandoned_by_host = true;
    service_.complete_invocation(arn_, request_id_, outcome);
    EXPECT_EQ(execution().status, ExecutionStatus::Running) << "after abandonment " << i;
    EXPECT_TRUE(service_.has_invocation_work()) << "wanted again without a back-off";
  }
  auto err = last_invocation_error();
  ASSERT_TRUE(err.has_value());
  EXPECT_EQ(err->error_type, "Runtime.ExitError");
  invoke();
  complete(output(InvocationStatus::Succeeded, "1"));
  EXPECT_EQ(execution().status, ExecutionStatus::Succeeded);
}

TEST_F(InvocationTest, ACleanInvocationResetsTheFailureCount) {
  for (int i = 0; i < 4; ++i) {
    invoke();
    complete_with_error(error("E", "x"));
    clock_->advance(seconds(5));
    service_.fire_due_timers();
  }
  invoke();
  checkpoint({wait_start("w", 1)});
  complete(output(InvocationStatus::Pending));
  clock_->advance(seconds(1));
  service_.fire_due_timers();
  for (int i = 0; i < 4; ++i) {
    invoke();
    complete_with_error(error("E", "x"));
    clock_->advance(seconds(5));
    service_.fire_due_timers();
  }
  EXPECT_EQ(execution().status, ExecutionStatus::Running);
}

TEST_F(InvocationTest, MissingOutputIsAFailedInvocation) {
  invoke();
  service_.complete_invocation(arn_, request_id_, InvocationOutcome{});
  auto err = last_invocation_error();
  ASSERT_TRUE(err.has_value());
  EXPECT_EQ(err->error_message, "The invocation returned neither an output nor an error.");
}

TEST_F(InvocationTest, TriggersDuringAnInvocationQueueOneReinvocation) {
  invoke();
  checkpoint({wait_start("a", 1), wait_start("b", 1), step_retry("c", 1)});
  clock_->advance(seconds(1));
  EXPECT_EQ(service_.fire_due_timers(), 3u);
  EXPECT_FALSE(service_.take_ready_invocation().has_value());  // still in flight
  complete(output(InvocationStatus::Pending));
  auto p = invoke();
  EXPECT_EQ(*p.input.updated_operation_ids, (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_FALSE(service_.take_ready_invocation().has_value());  // exactly one
}

TEST_F(InvocationTest, CompletingAnUnknownInvocationIsRejected) {
  invoke();
  EXPECT_THROW(service_.complete_invocation(arn_, "other-request", {}), ApiError);
  complete(output(InvocationStatus::Succeeded));
  EXPECT_THROW(complete(output(InvocationStatus::Succeeded)), ApiError);
}

}  // namespace
}  // namespace durable::emulator::testing
