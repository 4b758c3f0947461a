#include "emulator_test_support.hpp"

namespace durable::emulator::testing {
namespace {

using StartExecutionTest = EmulatorTest;

TEST_F(StartExecutionTest, CreatesExecutionOperationArnAndStartedEvent) {
  start("{\"k\":1}", "order-7");
  EXPECT_EQ(arn_,
            "arn:aws:lambda:us-east-1:123456789012:function:my-fn:$LATEST/durable-execution/"
            "order-7/inv-order-7");
  auto ops = service_.operations(arn_);
  ASSERT_EQ(ops.size(), 1u);
  EXPECT_EQ(ops[0].id, "inv-order-7");  // last ARN segment
  EXPECT_EQ(ops[0].name, "order-7");
  EXPECT_EQ(ops[0].type, OperationType::Execution);
  EXPECT_EQ(ops[0].status, OperationStatus::Started);
  EXPECT_EQ(ops[0].start_timestamp, at_ms(kStartMs));
  ASSERT_TRUE(ops[0].execution_details.has_value());
  EXPECT_EQ(ops[0].execution_details->input_payload, "{\"k\":1}");

  auto events = history();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].event_type, EventType::ExecutionStarted);
  EXPECT_EQ(events[0].event_id, 1);
  auto d = std::get<ExecutionStartedDetails>(events[0].details);
  EXPECT_EQ(d.input.payload, "{\"k\":1}");
  EXPECT_EQ(d.input.truncated, false);
  EXPECT_EQ(d.execution_timeout, 86400);

  auto e = execution();
  EXPECT_EQ(e.durable_execution_arn, arn_);
  EXPECT_EQ(e.durable_execution_name, "order-7");
  EXPECT_EQ(e.function_arn, "arn:aws:lambda:us-east-1:123456789012:function:my-fn");
  EXPECT_EQ(e.status, ExecutionStatus::Running);
  EXPECT_EQ(e.input_payload, "{\"k\":1}");
  EXPECT_FALSE(e.end_timestamp.has_value());
}

TEST_F(StartExecutionTest, UsesRegionAndAccountFromOptions) {
  ServiceOptions o;
  o.region = "eu-west-1";
  o.account_id = "000000000001";
  Service s(clock_, o);
  StartExecutionRequest r;
  r.function_name = "f";
  r.execution_name = "n";
  r.invocation_id = "i";
  EXPECT_EQ(s.start_execution(r).durable_execution_arn,
            "arn:aws:lambda:eu-west-1:000000000001:function:f:$LATEST/durable-execution/n/i");
}

TEST_F(StartExecutionTest, GeneratesNameAndIdWhenAbsent) {
  StartExecutionRequest r;
  r.function_name = "f";
  auto a = service_.start_execution(r).durable_execution_arn;
  auto b = service_.start_execution(r).durable_execution_arn;
  EXPECT_NE(a, b);
  auto ops = service_.operations(a);
  EXPECT_TRUE(a.ends_with("/" + ops[0].id));
  EXPECT_EQ(ops[0].id.size(), 36u);
}

TEST_F(StartExecutionTest, NonJsonInputIsStoredAsJsonString) {
  start("hello world");
  EXPECT_EQ(execution().input_payload, "\"hello world\"");
}

TEST_F(StartExecutionTest, FirstInvocationCarriesEnvelope) {
  start();
  EXPECT_TRUE(service_.has_invocation_work());
  auto p = invoke();
  EXPECT_EQ(p.durable_execution_arn, arn_);
  EXPECT_EQ(p.function_name, "my-fn");
  EXPECT_FALSE(p.request_id.empty());
  EXPECT_EQ(p.input.durable_execution_arn, arn_);
  EXPECT_FALSE(p.input.checkpoint_token.empty());
  ASSERT_EQ(p.input.initial_execution_state.operations.size(), 1u);
  EXPECT_EQ(p.input.initial_execution_state.operations[0].type, OperationType::Execution);
  EXPECT_FALSE(p.input.initial_execution_state.next_marker.has_value());
  EXPECT_FALSE(p.input.updated_operation_ids.has_value());
  // One invocation in flight at most.
  EXPECT_FALSE(service_.take_ready_invocation().has_value());
  EXPECT_TRUE(service_.has_invocation_work());
}

TEST_F(StartExecutionTest, RejectsBadRequests) {
  auto expect_400 = [&](StartExecutionRequest r, const std::string& fragment) {
    try {
      service_.start_execution(r);
      ADD_FAILURE() << "expected rejection naming " << fragment;
    } catch (const ApiError& e) {
      EXPECT_EQ(e.http_status(), 400);
      EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos) << e.what();
    }
  };
  StartExecutionRequest ok;
  ok.function_name = "f";
  auto r = ok;
  r.function_name = "";
  expect_400(r, "FunctionName");
  r = ok;
  r.execution_name = "bad name!";
  expect_400(r, "DurableExecutionName");
  r = ok;
  r.execution_timeout_seconds = 0;
  expect_400(r, "ExecutionTimeout");
  r.execution_timeout_seconds = 31622401;
  expect_400(r, "ExecutionTimeout");
  r = ok;
  r.invocation_id = "a/b";
  expect_400(r, "InvocationId");
  r = ok;
  r.qualifier = "";
  expect_400(r, "Qualifier");
}

TEST_F(StartExecutionTest, ReusedNameIsAConflict) {
  start("{}", "same");
  StartExecutionRequest r;
  r.function_name = "my-fn";
  r.execution_name = "same";
  try {
    service_.start_execution(r);
    FAIL();
  } catch (const ApiError& e) {
    EXPECT_EQ(e.code(), "DurableExecutionAlreadyStartedException");
    EXPECT_EQ(e.http_status(), 409);
  }
}

TEST_F(StartExecutionTest, UnknownArnIsNotFoundEverywhere) {
  const std::string arn = "arn:aws:lambda:us-east-1:123456789012:function:f:$LATEST/"
                          "durable-execution/x/y";
  auto expect_404 = [&](auto&& call) {
    try {
      call();
      ADD_FAILURE() << "expected 404";
    } catch (const ApiError& e) {
      EXPECT_EQ(e.code(), "ResourceNotFoundException");
      EXPECT_EQ(e.http_status(), 404);
      EXPECT_EQ(std::string(e.what()), "Execution " + arn + " not found");
    }
  };
  expect_404([&] { service_.get_execution({arn}); });
  expect_404([&] { service_.get_history({arn, {}, {}, {}, {}}); });
  expect_404([&] { service_.get_state({arn, "t", {}, {}}); });
  expect_404([&] { service_.checkpoint({arn, "t", {}, {}}); });
  expect_404([&] { service_.stop({arn, {}}); });
  expect_404([&] { service_.complete_invocation(arn, "r", {}); });
  expect_404([&] { service_.operations(arn); });
  expect_404([&] { service_.describe_waiting(arn); });
}

}  // namespace
}  // namespace durable::emulator::testing
