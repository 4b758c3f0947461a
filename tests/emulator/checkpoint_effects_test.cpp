// The effects of each accepted update (PROTOCOL.md §5.3) and the event it records (§6.2).
#include "emulator_test_support.hpp"
#include "tokens.hpp"

namespace durable::emulator::testing {
namespace {

using std::chrono::seconds;

class CheckpointEffectsTest : public EmulatorTest {
 protected:
  void SetUp() override {
    start();
    invoke();
  }
  Event last_event() { return history().back(); }
};

TEST_F(CheckpointEffectsTest, StepStart) {
  auto u = step_start("s", std::nullopt);
  u.name = "charge";
  checkpoint({u});
  auto o = op("s");
  EXPECT_EQ(o.status, OperationStatus::Started);
  EXPECT_EQ(o.type, OperationType::Step);
  EXPECT_EQ(o.sub_type, "Step");
  EXPECT_EQ(o.name, "charge");
  EXPECT_EQ(o.start_timestamp, clock_->now());
  ASSERT_TRUE(o.step_details.has_value());
  EXPECT_EQ(o.step_details->attempt, 0);
  auto e = last_event();
  EXPECT_EQ(e.event_type, EventType::StepStarted);
  EXPECT_EQ(e.id, "s");
  EXPECT_EQ(e.name, "charge");
  EXPECT_EQ(e.sub_type, "Step");
  EXPECT_TRUE(std::holds_alternative<EmptyDetails>(e.details));
}

TEST_F(CheckpointEffectsTest, StepRetryWithErrorThenReadyThenSucceed) {
  checkpoint({step_start("s")});
  auto started_at = clock_->now();
  clock_->advance(seconds(1));
  checkpoint({step_retry("s", 7, error("Boom", "first attempt failed"))});
  auto o = op("s");
  EXPECT_EQ(o.status, OperationStatus::Pending);
  EXPECT_EQ(o.step_details->attempt, 1);
  EXPECT_EQ(o.step_details->next_attempt_timestamp, clock_->now() + seconds(7));
  EXPECT_EQ(o.step_details->error->error_type, "Boom");
  EXPECT_FALSE(o.end_timestamp.has_value());
  auto e = last_event();
  EXPECT_EQ(e.event_type, EventType::StepFailed);
  auto failed = std::get<StepFailedDetails>(e.details);
  EXPECT_EQ(failed.error.payload->error_message, "first attempt failed");
  EXPECT_EQ(failed.retry_details.current_attempt, 1);
  EXPECT_EQ(failed.retry_details.next_attempt_delay_seconds, 7);

  complete(output(InvocationStatus::Pending));
  EXPECT_EQ(service_.next_timer_due(), clock_->now() + seconds(7));
  auto events_before = history().size();
  clock_->advance(seconds(7));
  EXPECT_EQ(service_.fire_due_timers(), 1u);
  o = op("s");
  EXPECT_EQ(o.status, OperationStatus::Ready);
  EXPECT_FALSE(o.step_details->next_attempt_timestamp.has_value());
  EXPECT_EQ(history().size(), events_before);  // PENDING → READY records no event

  auto p = invoke();
  ASSERT_TRUE(p.input.updated_operation_ids.has_value());
  EXPECT_EQ(*p.input.updated_operation_ids, std::vector<std::string>{"s"});
  checkpoint({step_start("s")});
  EXPECT_EQ(op("s").start_timestamp, started_at);  // kept from the first attempt
  checkpoint({step_succeed("s", "\"ok\"")});
  o = op("s");
  EXPECT_EQ(o.status, OperationStatus::Succeeded);
  EXPECT_EQ(o.step_details->attempt, 2);
  EXPECT_EQ(o.step_details->result, "\"ok\"");
  EXPECT_FALSE(o.step_details->error.has_value());
  EXPECT_EQ(o.end_timestamp, clock_->now());
  auto ok = std::get<StepSucceededDetails>(last_event().details);
  EXPECT_EQ(ok.result.payload, "\"ok\"");
  EXPECT_EQ(ok.retry_details.current_attempt, 2);
  EXPECT_FALSE(ok.retry_details.next_attempt_delay_seconds.has_value());
}

TEST_F(CheckpointEffectsTest, StepRetryWithoutErrorIsAConditionPoll) {
  auto start_u = step_start("poll");
  start_u.sub_type = "WaitForCondition";
  checkpoint({start_u});
  checkpoint({step_retry("poll", 3, std::nullopt)});
  auto o = op("poll");
  EXPECT_EQ(o.status, OperationStatus::Pending);
  auto e = last_event();
  EXPECT_EQ(e.event_type, EventType::StepSucceeded);
  EXPECT_EQ(e.sub_type, "WaitForCondition");
  auto d = std::get<StepSucceededDetails>(e.details);
  EXPECT_EQ(d.retry_details.current_attempt, 1);
  EXPECT_EQ(d.retry_details.next_attempt_delay_seconds, 3);
}

TEST_F(CheckpointEffectsTest, StepRetryCarriesStateInResult) {
  auto u = step_retry("poll", 3, std::nullopt);
  u.payload = "{\"n\":1}";
  checkpoint({u});
  EXPECT_EQ(op("poll").step_details->result, "{\"n\":1}");
  EXPECT_EQ(std::get<StepSucceededDetails>(last_event().details).result.payload, "{\"n\":1}");
}

TEST_F(CheckpointEffectsTest, StepFail) {
  checkpoint({step_start("s"), step_fail("s", error("E", "bad"))});
  auto o = op("s");
  EXPECT_EQ(o.status, OperationStatus::Failed);
  EXPECT_EQ(o.step_details->attempt, 1);
  EXPECT_EQ(o.step_details->error->error_message, "bad");
  EXPECT_EQ(o.end_timestamp, clock_->now());
  auto d = std::get<StepFailedDetails>(last_event().details);
  EXPECT_EQ(d.retry_details.current_attempt, 1);
  EXPECT_FALSE(d.retry_details.next_attempt_delay_seconds.has_value());
}

TEST_F(CheckpointEffectsTest, WaitStartAndCancel) {
  auto u = wait_start("w", 30);
  u.name = "pause";
  checkpoint({u});
  auto o = op("w");
  EXPECT_EQ(o.status, OperationStatus::Started);
  EXPECT_EQ(o.wait_details->scheduled_end_timestamp, clock_->now() + seconds(30));
  auto d = std::get<WaitStartedDetails>(last_event().details);
  EXPECT_EQ(d.duration, 30);
  EXPECT_EQ(d.scheduled_end_timestamp, clock_->now() + seconds(30));
  EXPECT_EQ(service_.next_timer_due(), clock_->now() + seconds(30));

  auto cancel = update("w", OperationType::Wait, OperationAction::Cancel);
  checkpoint({cancel});
  EXPECT_EQ(op("w").status, OperationStatus::Cancelled);
  EXPECT_EQ(op("w").end_timestamp, clock_->now());
  EXPECT_EQ(last_event().event_type, EventType::WaitCancelled);
  // The wait's timer is gone; only the execution timeout remains.
  EXPECT_EQ(service_.next_timer_due(), clock_->now() + seconds(86400));
}

TEST_F(CheckpointEffectsTest, WaitWithoutOptionsDefaultsToOneSecond) {
  auto u = update("w", OperationType::Wait, OperationAction::Start);
  checkpoint({u});
  EXPECT_EQ(op("w").wait_details->scheduled_end_timestamp, clock_->now() + seconds(1));
}

TEST_F(CheckpointEffectsTest, CallbackStartMintsRoutableId) {
  auto resp = checkpoint({callback_start("cb", 300, 60)});
  ASSERT_EQ(resp.new_execution_state.operations.size(), 1u);
  const auto& o = resp.new_execution_state.operations[0];
  EXPECT_EQ(o.status, OperationStatus::Started);
  ASSERT_TRUE(o.callback_details && o.callback_details->callback_id);
  auto ref = detail::parse_callback_id(*o.callback_details->callback_id);
  ASSERT_TRUE(ref.has_value());
  EXPECT_EQ(ref->durable_execution_arn, arn_);
  EXPECT_EQ(ref->operation_id, "cb");
  auto e = last_event();
  EXPECT_EQ(e.event_type, EventType::CallbackStarted);
  auto d = std::get<CallbackStartedDetails>(e.details);
  EXPECT_EQ(d.callback_id, *o.callback_details->callback_id);
  EXPECT_EQ(d.timeout, 300);
  EXPECT_EQ(d.heartbeat_timeout, 60);
  EXPECT_EQ(service_.next_timer_due(), clock_->now() + seconds(60));
}

TEST_F(CheckpointEffectsTest, ChainedInvokeStartAndCancel) {
  checkpoint({invoke_start("i", "target-fn:1", "tenant-a")});
  EXPECT_EQ(op("i").status, OperationStatus::Started);
  auto e = last_event();
  EXPECT_EQ(e.event_type, EventType::ChainedInvokeStarted);
  auto d = std::get<ChainedInvokeStartedDetails>(e.details);
  EXPECT_EQ(d.function_name, "target-fn:1");
  EXPECT_EQ(d.tenant_id, "tenant-a");
  ASSERT_TRUE(d.input.has_value());
  EXPECT_EQ(d.input->payload, "\"in\"");
  checkpoint({update("i", OperationType::ChainedInvoke, OperationAction::Cancel)});
  EXPECT_EQ(op("i").status, OperationStatus::Stopped);
  EXPECT_EQ(last_event().event_type, EventType::ChainedInvokeStopped);
}

TEST_F(CheckpointEffectsTest, ContextStartSucceedFail) {
  checkpoint({context_start("c")});
  EXPECT_EQ(op("c").status, OperationStatus::Started);
  EXPECT_EQ(op("c").context_details->replay_children, false);
  EXPECT_EQ(last_event().event_type, EventType::ContextStarted);
  checkpoint({context_succeed("c", "\"r\"", true)});
  auto o = op("c");
  EXPECT_EQ(o.status, OperationStatus::Succeeded);
  EXPECT_EQ(o.context_details->result, "\"r\"");
  EXPECT_EQ(o.context_details->replay_children, true);
  EXPECT_EQ(o.end_timestamp, clock_->now());
  auto d = std::get<ResultDetails>(last_event().details);
  EXPECT_EQ(d.result.payload, "\"r\"");

  checkpoint({context_start("c2")});
  auto f = update("c2", OperationType::Context, OperationAction::Fail);
  f.error = error("ChildError", "child failed");
  checkpoint({f});
  EXPECT_EQ(op("c2").status, OperationStatus::Failed);
  EXPECT_EQ(op("c2").context_details->error->error_message, "child failed");
  EXPECT_EQ(last_event().event_type, EventType::ContextFailed);
  EXPECT_EQ(std::get<ErrorDetails>(last_event().details).error->payload->error_type, "ChildError");
}

TEST_F(CheckpointEffectsTest, ExecutionSucceedEndsExecutionAndOmitsToken) {
  auto u = update("execution-result-1", OperationType::Execution, OperationAction::Succeed);
  u.payload = "\"big result\"";
  auto resp = checkpoint({step_start("s"), u});
  EXPECT_FALSE(resp.checkpoint_token.has_value());
  auto e = execution();
  EXPECT_EQ(e.status, ExecutionStatus::Succeeded);
  EXPECT_EQ(e.result, "\"big result\"");
  EXPECT_TRUE(e.end_timestamp.has_value());
  EXPECT_FALSE(service_.operations(arn_).empty());
  EXPECT_EQ(service_.operations(arn_)[0].status, OperationStatus::Succeeded);
  // No operation is created for the EXECUTION update's own id.
  EXPECT_THROW(op("execution-result-1"), std::runtime_error);
  // Later checkpoints are refused; the handler's return value is ignored.
  expect_rejected({}, "Invalid checkpoint token");
  complete(output(InvocationStatus::Succeeded, "\"\""));
  EXPECT_EQ(execution().result, "\"big result\"");
  auto types = event_types();
  ASSERT_GE(types.size(), 2u);
  EXPECT_EQ(types[types.size() - 2], EventType::ExecutionSucceeded);
  EXPECT_EQ(types.back(), EventType::InvocationCompleted);
  EXPECT_FALSE(service_.has_invocation_work());
}

TEST_F(CheckpointEffectsTest, ExecutionFailWithoutErrorGetsServiceMessage) {
  checkpoint({update("x", OperationType::Execution, OperationAction::Fail)});
  auto e = execution();
  EXPECT_EQ(e.status, ExecutionStatus::Failed);
  ASSERT_TRUE(e.error.has_value());
  EXPECT_EQ(e.error->error_message,
            "There is no error details but EXECUTION checkpoint action is not SUCCEED.");
}

TEST_F(CheckpointEffectsTest, ExecutionFailKeepsGivenError) {
  auto u = update("x", OperationType::Execution, OperationAction::Fail);
  u.error = error("Big", "too large to return");
  checkpoint({u});
  EXPECT_EQ(execution().error, u.error);
  auto d = std::get<ErrorDetails>(last_event().details);
  EXPECT_EQ(d.error->payload, u.error);
}

}  // namespace
}  // namespace durable::emulator::testing
