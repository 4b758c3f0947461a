#include "durable/model/api.hpp"

#include <gtest/gtest.h>

#include "durable/model/api_error.hpp"

namespace durable {
namespace {

Timestamp ms(std::int64_t v) { return Timestamp(std::chrono::milliseconds(v)); }

TEST(Api, CheckpointRequestRoundTrips) {
  CheckpointDurableExecutionRequest r;
  r.checkpoint_token = "tok";
  r.client_token = "ct";
  OperationUpdate u;
  u.id = "a";
  u.type = OperationType::Wait;
  u.action = OperationAction::Start;
  u.wait_options = WaitOptions{5};
  r.updates.push_back(u);
  Json j = r;
  EXPECT_FALSE(j.contains("DurableExecutionArn"));  // a path member, not in the body
  auto back = j.get<CheckpointDurableExecutionRequest>();
  EXPECT_EQ(back.checkpoint_token, "tok");
  EXPECT_EQ(back.client_token, "ct");
  ASSERT_EQ(back.updates.size(), 1u);
  EXPECT_EQ(back.updates[0], u);
}

TEST(Api, CheckpointRequestErrorsNameTheUpdateIndex) {
  Json j = {{"CheckpointToken", "t"},
            {"Updates", Json::array({{{"Id", "a"}, {"Type", "STEP"}, {"Action", "START"}},
                                     {{"Id", "b"}, {"Type", "NOPE"}, {"Action", "START"}}})}};
  try {
    (void)j.get<CheckpointDurableExecutionRequest>();
    FAIL();
  } catch (const ModelError& e) {
    EXPECT_EQ(e.field(), "Updates[1].Type");
  }
  EXPECT_THROW((void)Json({{"Updates", Json::array()}}).get<CheckpointDurableExecutionRequest>(),
               ModelError);
}

TEST(Api, CheckpointResponseWithoutTokenMeansTerminal) {
  CheckpointDurableExecutionResponse r;
  Operation op;
  op.id = "x";
  op.start_timestamp = ms(1000);
  r.new_execution_state.operations.push_back(op);
  Json j = r;
  EXPECT_FALSE(j.contains("CheckpointToken"));
  EXPECT_EQ(j["NewExecutionState"]["Operations"][0]["Id"], "x");
  auto back = j.get<CheckpointDurableExecutionResponse>();
  EXPECT_FALSE(back.checkpoint_token);
  EXPECT_EQ(back.new_execution_state.operations[0], op);
  EXPECT_THROW((void)Json::object().get<CheckpointDurableExecutionResponse>(), ModelError);
}

TEST(Api, GetExecutionRoundTrips) {
  GetDurableExecutionResponse r;
  r.durable_execution_arn = "arn";
  r.durable_execution_name = "n";
  r.function_arn = "farn";
  r.result = "42";
  r.start_timestamp = ms(1000);
  r.end_timestamp = ms(2500);
  r.status = ExecutionStatus::Succeeded;
  r.version = "$LATEST";
  r.trace_header = TraceHeader{"Root=1"};
  Json j = r;
  EXPECT_EQ(j["Status"], "SUCCEEDED");
  EXPECT_EQ(j["EndTimestamp"], 2.5);
  auto back = j.get<GetDurableExecutionResponse>();
  EXPECT_EQ(back.result, "42");
  EXPECT_EQ(back.end_timestamp, r.end_timestamp);
  EXPECT_EQ(back.trace_header->x_amzn_trace_id, "Root=1");
}

TEST(Api, HistoryAndListAndStopRoundTrip) {
  GetDurableExecutionHistoryResponse h;
  Event e;
  e.event_type = EventType::StepStarted;
  e.event_id = 2;
  e.event_timestamp = ms(1000);
  h.events.push_back(e);
  h.next_marker = "3";
  Json hj = h;
  auto hb = hj.get<GetDurableExecutionHistoryResponse>();
  EXPECT_EQ(hb.events, h.events);
  EXPECT_EQ(hb.next_marker, "3");

  ListDurableExecutionsByFunctionResponse l;
  l.durable_executions.push_back({"arn", "name", "farn", ExecutionStatus::Running, ms(1000), {}});
  Json lj = l;
  EXPECT_EQ(lj["DurableExecutions"][0]["Status"], "RUNNING");
  EXPECT_EQ(lj.get<ListDurableExecutionsByFunctionResponse>().durable_executions[0].function_arn,
            "farn");

  StopDurableExecutionResponse s{ms(4000)};
  Json sj = s;
  EXPECT_EQ(sj["StopTimestamp"], 4);
  EXPECT_EQ(sj.get<StopDurableExecutionResponse>().stop_timestamp, s.stop_timestamp);
}

TEST(Api, StateResponseRequiresOperations) {
  EXPECT_THROW((void)Json::object().get<GetDurableExecutionStateResponse>(), ModelError);
  auto r = Json({{"Operations", Json::array()}, {"NextMarker", "1:5"}})
               .get<GetDurableExecutionStateResponse>();
  EXPECT_EQ(r.next_marker, "1:5");
}

TEST(Api, ApiErrorFactoriesCarryCodeAndStatus) {
  auto e = ApiError::invalid_parameter("Invalid checkpoint token");
  EXPECT_EQ(e.code(), "InvalidParameterValueException");
  EXPECT_EQ(e.http_status(), 400);
  EXPECT_STREQ(e.what(), "Invalid checkpoint token");
  EXPECT_EQ(ApiError::not_found("x").http_status(), 404);
  EXPECT_EQ(ApiError::too_many_requests("x").http_status(), 429);
  EXPECT_EQ(ApiError::service("x").code(), "ServiceException");
}

}  // namespace
}  // namespace durable
