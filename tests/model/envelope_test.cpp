#include "durable/model/envelope.hpp"

#include <gtest/gtest.h>

namespace durable {
namespace {

TEST(Envelope, InputUsesMillisecondsInsideOperations) {
  DurableExecutionInvocationInput in;
  in.durable_execution_arn = "arn:aws:lambda:us-east-1:123456789012:function:f:$LATEST/durable-execution/n/id";
  in.checkpoint_token = "tok";
  Operation op;
  op.id = "id";
  op.type = OperationType::Execution;
  op.start_timestamp = Timestamp(std::chrono::milliseconds(1700000000123));
  op.execution_details = ExecutionDetails{"{\"x\":1}"};
  in.initial_execution_state.operations.push_back(op);
  in.initial_execution_state.next_marker = "1:1";
  in.updated_operation_ids = std::vector<std::string>{"a"};
  Json j = in;
  EXPECT_EQ(j["InitialExecutionState"]["Operations"][0]["StartTimestamp"], 1700000000123);
  auto back = j.get<DurableExecutionInvocationInput>();
  EXPECT_EQ(back.initial_execution_state.operations[0], op);
  EXPECT_EQ(back.initial_execution_state.next_marker, "1:1");
  EXPECT_EQ(back.updated_operation_ids, in.updated_operation_ids);
}

TEST(Envelope, MissingArnIsNamed) {
  Json j = {{"CheckpointToken", "t"}, {"InitialExecutionState", {{"Operations", Json::array()}}}};
  try {
    (void)j.get<DurableExecutionInvocationInput>();
    FAIL();
  } catch (const ModelError& e) {
    EXPECT_EQ(e.field(), "DurableExecutionArn");
  }
}

TEST(Envelope, NonObjectEventIsRejected) {
  EXPECT_THROW((void)Json("hello").get<DurableExecutionInvocationInput>(), ModelError);
}

TEST(Envelope, BadOperationInsideStateNamesThePath) {
  Json j = {{"DurableExecutionArn", "a"},
            {"CheckpointToken", "t"},
            {"InitialExecutionState", {{"Operations", Json::array({{{"Id", "x"}}})}}}};
  try {
    (void)j.get<DurableExecutionInvocationInput>();
    FAIL();
  } catch (const ModelError& e) {
    EXPECT_EQ(e.field().rfind("InitialExecutionState.Operations[0]", 0), 0u) << e.field();
  }
}

TEST(Envelope, OutputRoundTrips) {
  DurableExecutionInvocationOutput out{InvocationStatus::Succeeded, "null", std::nullopt};
  Json j = out;
  EXPECT_EQ(j, (Json{{"Status", "SUCCEEDED"}, {"Result", "null"}}));
  auto back = j.get<DurableExecutionInvocationOutput>();
  EXPECT_EQ(back.result, "null");
  DurableExecutionInvocationOutput pending;
  EXPECT_EQ(Json(pending), (Json{{"Status", "PENDING"}}));
  EXPECT_THROW((void)Json({{"Status", "DONE"}}).get<DurableExecutionInvocationOutput>(), ModelError);
}

}  // namespace
}  // namespace durable
