// Service::inject_checkpoint_fault: failing the k-th checkpoint (5xx, throttle, stale token) and
// losing the invocation before or after it (crash), as the harness uses them.
#include "emulator_test_support.hpp"

namespace durable::emulator::testing {
namespace {

using std::chrono::seconds;

class CheckpointFaultTest : public EmulatorTest {
 protected:
  void expect_fault(std::vector<OperationUpdate> updates, const std::string& code, int status,
                    const std::string& message_part) {
    try {
      checkpoint(std::move(updates));
      ADD_FAILURE() << "expected " << code;
    } catch (const ApiError& e) {
      EXPECT_EQ(e.code(), code) << e.what();
      EXPECT_EQ(e.http_status(), status);
      EXPECT_NE(std::string(e.what()).find(message_part), std::string::npos) << e.what();
    }
  }
  bool has_op(const std::string& id) {
    for (const auto& o : service_.operations(arn_)) {
      if (o.id == id) return true;
    }
    return false;
  }
  InvocationCompletedDetails last_invocation_completed() {
    auto events = history();
    for (auto it = events.rbegin(); it != events.rend(); ++it) {
      if (it->event_type == EventType::InvocationCompleted) {
        return std::get<InvocationCompletedDetails>(it->details);
      }
    }
    throw std::runtime_error("no InvocationCompleted");
  }
};

TEST_F(CheckpointFaultTest, ServiceErrorOnTheKthCheckpointIsNotApplied) {
  start();
  service_.inject_checkpoint_fault(arn_, 2, CheckpointFaultKind::kServiceError);
  invoke();
  checkpoint({step_start("a")});
  expect_fault({step_start("b")}, "ServiceException", 500, "checkpoint 2 of");
  EXPECT_FALSE(has_op("b"));
  checkpoint({step_start("b")});  // the token is still valid: nothing was applied
  EXPECT_TRUE(has_op("b"));
}

TEST_F(CheckpointFaultTest, ThrottleAnswers429) {
  start();
  service_.inject_checkpoint_fault(arn_, 1, CheckpointFaultKind::kThrottle);
  invoke();
  expect_fault({step_start("a")}, "TooManyRequestsException", 429, "throttle");
  EXPECT_FALSE(has_op("a"));
}

TEST_F(CheckpointFaultTest, StaleTokenAnswersTheServiceMessage) {
  start();
  service_.inject_checkpoint_fault(arn_, 1, CheckpointFaultKind::kStaleToken);
  invoke();
  expect_fault({step_start("a")}, "InvalidParameterValueException", 400,
               "Invalid checkpoint token");
  EXPECT_FALSE(has_op("a"));
}

TEST_F(CheckpointFaultTest, CrashAfterApplyKeepsTheCheckpointAndLosesTheInvocation) {
  start();
  service_.inject_checkpoint_fault(arn_, 1, CheckpointFaultKind::kCrashAfterApply);
  invoke();
  auto response = checkpoint({step_start("s")});
  ASSERT_TRUE(response.checkpoint_token.has_value());  // the handler still gets its answer
  EXPECT_EQ(op("s").status, OperationStatus::Started);
  // Whatever the lost process does afterwards never reaches the service.
  expect_fault({step_succeed("s", "1")}, "InvalidParameterValueException", 400,
               "Invalid checkpoint token");
  complete(output(InvocationStatus::Succeeded, "1"));
  EXPECT_EQ(execution().status, ExecutionStatus::Running);
  auto completed = last_invocation_completed();
  ASSERT_TRUE(completed.error.has_value());
  EXPECT_EQ(completed.error->payload->error_type, "Runtime.ExitError");
  EXPECT_NE(completed.error->payload->error_message->find("checkpoint 1"), std::string::npos);
  // Re-invoked after the retry back-off, seeing the interrupted step.
  EXPECT_FALSE(service_.take_ready_invocation().has_value());
  clock_->advance(seconds(5));
  service_.fire_due_timers();
  auto p = invoke();
  EXPECT_EQ(p.input.initial_execution_state.operations[1].status, OperationStatus::Started);
  checkpoint({step_succeed("s", "1")});
  complete(output(InvocationStatus::Succeeded, "1"));
  EXPECT_EQ(execution().status, ExecutionStatus::Succeeded);
  std::vector<EventType> expected{EventType::ExecutionStarted,    EventType::StepStarted,
                                  EventType::InvocationCompleted, EventType::StepSucceeded,
                                  EventType::InvocationCompleted, EventType::ExecutionSucceeded};
  EXPECT_EQ(event_types(), expected);
}

TEST_F(CheckpointFaultTest, CrashBeforeSendLosesTheCheckpointAndTheInvocation) {
  start();
  service_.inject_checkpoint_fault(arn_, 2, CheckpointFaultKind::kCrashBeforeSend);
  invoke();
  checkpoint({step_start("s")});
  expect_fault({step_succeed("s", "1")}, "ServiceException", 500, "Simulated crash");
  EXPECT_EQ(op("s").status, OperationStatus::Started);
  GetDurableExecutionStateRequest state{arn_, token_, std::nullopt, std::nullopt};
  EXPECT_THROW(service_.get_state(state), ApiError);
  complete(output(InvocationStatus::Pending));
  EXPECT_EQ(last_invocation_completed().error->payload->error_type, "Runtime.ExitError");
}

TEST_F(CheckpointFaultTest, CrashOfTheFinalCheckpointStillRecordsTheExitError) {
  start();
  service_.inject_checkpoint_fault(arn_, 1, CheckpointFaultKind::kCrashAfterApply);
  invoke();
  auto done = update("x", OperationType::Execution, OperationAction::Succeed);
  done.payload = "1";
  checkpoint({done});
  complete(output(InvocationStatus::Succeeded, "1"));
  EXPECT_EQ(execution().status, ExecutionStatus::Succeeded);
  EXPECT_EQ(last_invocation_completed().error->payload->error_type, "Runtime.ExitError");
}

TEST_F(CheckpointFaultTest, AnEmptyArnAppliesToEveryExecutionCountedSeparately) {
  service_.inject_checkpoint_fault("", 1, CheckpointFaultKind::kThrottle);
  for (const char* name : {"one", "two"}) {
    SCOPED_TRACE(name);
    start("{}", name);
    invoke();
    expect_fault({step_start("a")}, "TooManyRequestsException", 429, name);
    checkpoint({step_start("a")});  // call 2: no fault
  }
}

TEST_F(CheckpointFaultTest, AFunctionFaultAppliesToEachExecutionOfThatFunctionOnly) {
  service_.inject_function_checkpoint_fault("my-fn:$LATEST", 1, CheckpointFaultKind::kThrottle);
  for (const char* name : {"one", "two"}) {
    SCOPED_TRACE(name);
    start("{}", name);  // function "my-fn"
    invoke();
    expect_fault({step_start("a")}, "TooManyRequestsException", 429, name);
    checkpoint({step_start("a")});  // call 2: no fault
  }
  StartExecutionRequest other;
  other.function_name = "other-fn";
  other.execution_name = "three";
  arn_ = service_.start_execution(other).durable_execution_arn;
  invoke();
  checkpoint({step_start("a")});
  EXPECT_TRUE(has_op("a"));
}

TEST_F(CheckpointFaultTest, InFlightRequestIdIsTheOneInvocationCompletedRecords) {
  start();
  EXPECT_EQ(service_.in_flight_request_id(arn_), std::nullopt);  // ready, not yet taken
  const auto pending = invoke();
  EXPECT_EQ(service_.in_flight_request_id(arn_), pending.request_id);
  complete_with_error(ErrorObject{});
  EXPECT_EQ(service_.in_flight_request_id(arn_), std::nullopt);
  EXPECT_EQ(last_invocation_completed().request_id, pending.request_id);
  EXPECT_EQ(service_.in_flight_request_id("arn:unknown"), std::nullopt);
}

TEST_F(CheckpointFaultTest, AFunctionFaultNeedsANameAndK) {
  EXPECT_THROW(service_.inject_function_checkpoint_fault("", 1, CheckpointFaultKind::kThrottle),
               std::invalid_argument);
  EXPECT_THROW(service_.inject_function_checkpoint_fault("fn", 0, CheckpointFaultKind::kThrottle),
               std::invalid_argument);
}

TEST_F(CheckpointFaultTest, ClearForgetsFaults) {
  start();
  service_.inject_checkpoint_fault(arn_, 1, CheckpointFaultKind::kServiceError);
  service_.clear_checkpoint_faults();
  invoke();
  checkpoint({step_start("a")});
  EXPECT_TRUE(has_op("a"));
}

TEST_F(CheckpointFaultTest, BadArgumentsAreRejected) {
  start();
  EXPECT_THROW(service_.inject_checkpoint_fault(arn_, 0, CheckpointFaultKind::kThrottle),
               std::invalid_argument);
  try {
    service_.inject_checkpoint_fault("arn:missing", 1, CheckpointFaultKind::kThrottle);
    ADD_FAILURE() << "expected a 404";
  } catch (const ApiError& e) {
    EXPECT_EQ(e.http_status(), 404);
  }
}

}  // namespace
}  // namespace durable::emulator::testing
