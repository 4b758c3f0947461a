// Checkpoint tokens (§5.1, §9.4), response contents (§4.2) and ClientToken idempotency.
#include "emulator_test_support.hpp"
#include "tokens.hpp"

namespace durable::emulator::testing {
namespace {

using std::chrono::seconds;

class CheckpointTokenTest : public EmulatorTest {
 protected:
  void SetUp() override { start(); }
};

TEST_F(CheckpointTokenTest, EachCheckpointRotatesTheToken) {
  invoke();
  std::string first = token_;
  auto r1 = checkpoint({});
  ASSERT_TRUE(r1.checkpoint_token.has_value());
  EXPECT_NE(*r1.checkpoint_token, first);
  // The consumed token is stale now.
  CheckpointDurableExecutionRequest stale{arn_, first, {}, std::nullopt};
  try {
    service_.checkpoint(stale);
    FAIL();
  } catch (const ApiError& e) {
    EXPECT_EQ(e.code(), "InvalidParameterValueException");
    EXPECT_EQ(std::string(e.what()), "Invalid checkpoint token");
  }
  auto r2 = checkpoint({});
  EXPECT_NE(r2.checkpoint_token, r1.checkpoint_token);
}

TEST_F(CheckpointTokenTest, EmptyCheckpointIsLegal) {
  invoke();
  auto r = checkpoint({});
  EXPECT_TRUE(r.checkpoint_token.has_value());
  EXPECT_TRUE(r.new_execution_state.operations.empty());
  EXPECT_EQ(history().size(), 1u);
}

TEST_F(CheckpointTokenTest, TokenOfAPreviousInvocationIsRejected) {
  invoke();
  checkpoint({wait_start("w", 5)});
  std::string old = token_;
  complete(output(InvocationStatus::Pending));
  // No invocation in flight: every token is invalid.
  expect_rejected({}, "Invalid checkpoint token");
  clock_->advance(seconds(5));
  service_.fire_due_timers();
  invoke();
  EXPECT_NE(token_, old);
  token_ = old;
  expect_rejected({}, "Invalid checkpoint token");
  EXPECT_THROW(service_.get_state({arn_, old, {}, {}}), ApiError);
}

TEST_F(CheckpointTokenTest, GarbageAndForeignTokensAreRejected) {
  invoke();
  std::string mine = token_;
  token_ = "not-a-token";
  expect_rejected({}, "Invalid checkpoint token");
  token_ = "";
  expect_rejected({}, "Invalid checkpoint token");
  // A valid token of another execution.
  StartExecutionRequest r;
  r.function_name = "other";
  auto other = service_.start_execution(r).durable_execution_arn;
  std::optional<PendingInvocation> p;
  while ((p = service_.take_ready_invocation()) && p->durable_execution_arn != other) {
  }
  ASSERT_TRUE(p.has_value());
  token_ = p->input.checkpoint_token;
  expect_rejected({}, "Invalid checkpoint token");
  token_ = mine;
  EXPECT_NO_THROW(checkpoint({}));
}

TEST_F(CheckpointTokenTest, ATokenCannotBeRebuiltFromWhatTheExecutionShows) {
  invoke();
  checkpoint({});
  const std::string mine = token_;
  // The ARN and the request id are public (History shows the request id); the sequence is small.
  for (std::uint64_t seq = 0; seq < 8; ++seq) {
    token_ = detail::base64_encode(
        Json{{"arn", arn_}, {"inv", request_id_}, {"seq", seq}}.dump());
    expect_rejected({}, "Invalid checkpoint token");
  }
  token_ = mine;
  EXPECT_NO_THROW(checkpoint({}));
}

TEST_F(CheckpointTokenTest, TokensOfOneExecutionAreRefusedByAnother) {
  invoke();
  const std::string a_arn = arn_;
  const std::string a_token = token_;
  start("{}", "exec-2");
  invoke();
  // Execution A's live token, presented to B: refused, on checkpoint and on GetState.
  const std::string b_token = token_;
  token_ = a_token;
  expect_rejected({}, "Invalid checkpoint token");
  EXPECT_THROW(service_.get_state({arn_, a_token, {}, {}}), ApiError);
  token_ = b_token;
  EXPECT_NO_THROW(checkpoint({}));
  // And A's token still works for A.
  arn_ = a_arn;
  token_ = a_token;
  EXPECT_NO_THROW(checkpoint({}));
}

TEST_F(CheckpointTokenTest, ResponseHoldsOnlyTouchedOperationsWithServiceValues) {
  invoke();
  auto r1 = checkpoint({step_start("a"), wait_start("w", 10)});
  ASSERT_EQ(r1.new_execution_state.operations.size(), 2u);
  EXPECT_EQ(r1.new_execution_state.operations[0].id, "a");
  EXPECT_EQ(r1.new_execution_state.operations[1].id, "w");
  EXPECT_EQ(r1.new_execution_state.operations[1].wait_details->scheduled_end_timestamp,
            clock_->now() + seconds(10));
  EXPECT_FALSE(r1.new_execution_state.next_marker.has_value());
  auto r2 = checkpoint({step_succeed("a", "1")});
  ASSERT_EQ(r2.new_execution_state.operations.size(), 1u);
  EXPECT_EQ(r2.new_execution_state.operations[0].status, OperationStatus::Succeeded);
  EXPECT_EQ(r2.new_execution_state.operations[0].step_details->attempt, 1);
  EXPECT_TRUE(checkpoint({}).new_execution_state.operations.empty());
}

TEST_F(CheckpointTokenTest, ChangesMadeByTimersDuringTheInvocationReachTheNextResponse) {
  invoke();
  checkpoint({wait_start("w", 10)});
  clock_->advance(seconds(10));
  EXPECT_EQ(service_.fire_due_timers(), 1u);
  auto r = checkpoint({});
  ASSERT_EQ(r.new_execution_state.operations.size(), 1u);
  EXPECT_EQ(r.new_execution_state.operations[0].status, OperationStatus::Succeeded);
  // A trigger arrived during the invocation: one more invocation follows it.
  complete(output(InvocationStatus::Pending));
  EXPECT_TRUE(service_.take_ready_invocation().has_value());
}

TEST_F(CheckpointTokenTest, DueTimersCompleteAtCheckpointTime) {
  invoke();
  checkpoint({wait_start("w", 2), step_retry("s", 3)});
  clock_->advance(seconds(5));
  // Nobody fired the timers, but the checkpoint completes them so the handler sees them (§5.1/7).
  auto r = checkpoint({});
  ASSERT_EQ(r.new_execution_state.operations.size(), 2u);
  EXPECT_EQ(r.new_execution_state.operations[0].id, "w");
  EXPECT_EQ(r.new_execution_state.operations[0].status, OperationStatus::Succeeded);
  EXPECT_EQ(r.new_execution_state.operations[1].status, OperationStatus::Ready);
  EXPECT_EQ(event_types().back(), EventType::WaitSucceeded);
  EXPECT_EQ(service_.fire_due_timers(), 0u);
}

TEST_F(CheckpointTokenTest, ClientTokenReplaysTheLastResponse) {
  invoke();
  CheckpointDurableExecutionRequest r{arn_, token_, {step_start("s")}, std::string("ct-1")};
  auto first = service_.checkpoint(r);
  auto again = service_.checkpoint(r);
  EXPECT_EQ(again.checkpoint_token, first.checkpoint_token);
  ASSERT_EQ(again.new_execution_state.operations.size(), 1u);
  EXPECT_EQ(again.new_execution_state.operations[0], first.new_execution_state.operations[0]);
  EXPECT_EQ(history().size(), 2u);  // applied once
  // A different ClientToken with the consumed token is just a stale token.
  r.client_token = "ct-2";
  EXPECT_THROW(service_.checkpoint(r), ApiError);
  // Without a ClientToken nothing is replayed.
  r.client_token.reset();
  EXPECT_THROW(service_.checkpoint(r), ApiError);
  token_ = *first.checkpoint_token;
  EXPECT_NO_THROW(checkpoint({step_succeed("s", "1")}));
}

}  // namespace
}  // namespace durable::emulator::testing
