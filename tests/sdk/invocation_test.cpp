// run_invocation: envelope handling, input event, outputs, paging, large results, service errors.
#include <gtest/gtest.h>

#include "durable/durable.hpp"
#include "fake_checkpoint_client.hpp"

namespace durable {
namespace {

using test::FakeCheckpointClient;

struct PaymentDeclined : std::runtime_error {
  using std::runtime_error::runtime_error;
};

Handler echo = [](const Json& event, DurableContext&) { return event; };

TEST(Invocation, EventIsTheExecutionInputPayload) {
  FakeCheckpointClient client(R"({"order_id":"o-1","amount":100})");
  auto out = run_invocation(echo, client.next_input(), client);
  ASSERT_EQ(out.status, InvocationStatus::Succeeded);
  EXPECT_EQ(Json::parse(*out.result), (Json{{"order_id", "o-1"}, {"amount", 100}}));
}

TEST(Invocation, EmptyInputIsAnEmptyObject) {
  FakeCheckpointClient client("  ");
  auto out = run_invocation(echo, client.next_input(), client);
  EXPECT_EQ(out.result, "{}");
}

TEST(Invocation, ExecutionOperationFallsBackToFirstExecutionOp) {
  FakeCheckpointClient client(R"({"k":1})");
  auto in = client.next_input();
  in.durable_execution_arn = "arn:aws:lambda:us-east-1:1:function:f/durable-execution/x/other-id";
  auto out = run_invocation(echo, in, client);
  EXPECT_EQ(out.result, R"({"k":1})");
}

TEST(Invocation, UnparsableInputFailsNamingTheProblem) {
  FakeCheckpointClient client("{not json");
  auto out = run_invocation(echo, client.next_input(), client);
  ASSERT_EQ(out.status, InvocationStatus::Failed);
  EXPECT_NE(out.error->error_message->find("InputPayload"), std::string::npos);
}

TEST(Invocation, NullResultIsTheTextNull) {
  FakeCheckpointClient client;
  auto out = run_invocation([](const Json&, DurableContext&) { return Json(); },
                            client.next_input(), client);
  EXPECT_EQ(out.status, InvocationStatus::Succeeded);
  EXPECT_EQ(out.result, "null");
}

TEST(Invocation, UncaughtExceptionBecomesFailedWithErrorObject) {
  FakeCheckpointClient client;
  auto out = run_invocation(
      [](const Json&, DurableContext&) -> Json { throw PaymentDeclined("card expired"); },
      client.next_input(), client);
  ASSERT_EQ(out.status, InvocationStatus::Failed);
  EXPECT_EQ(out.error->error_type, "PaymentDeclined");
  EXPECT_EQ(out.error->error_message, "card expired");
}

TEST(Invocation, NonStdExceptionHasUnknownErrorMessage) {
  FakeCheckpointClient client;
  auto out = run_invocation([](const Json&, DurableContext&) -> Json { throw 42; },
                            client.next_input(), client);
  ASSERT_EQ(out.status, InvocationStatus::Failed);
  EXPECT_EQ(out.error->error_type, "int");
  EXPECT_EQ(out.error->error_message, "Unknown error");
}

TEST(Invocation, QueuedUpdatesAreFlushedBeforeReturning) {
  FakeCheckpointClient client;
  auto out = run_invocation(
      [](const Json&, DurableContext& ctx) -> Json {
        ctx.run_in_child_context([](DurableContext&) -> int { throw std::runtime_error("x"); });
        return Json();
      },
      client.next_input(), client);
  // CONTEXT START (queued) and FAIL went out before the FAILED answer.
  ASSERT_EQ(out.status, InvocationStatus::Failed);
  ASSERT_EQ(client.updates().size(), 2u);
}

TEST(Invocation, JsonFormProducesTheOutputEnvelope) {
  FakeCheckpointClient client(R"({"a":1})");
  Json envelope = client.next_input();
  Json out = run_invocation(echo, envelope, client);
  EXPECT_EQ(out["Status"], "SUCCEEDED");
  EXPECT_EQ(out["Result"], R"({"a":1})");
}

TEST(Invocation, JsonFormSuspensionIsPending) {
  FakeCheckpointClient client;
  Json out = run_invocation(
      [](const Json&, DurableContext& ctx) {
        ctx.wait(Duration::from_seconds(3));
        return Json();
      },
      Json(client.next_input()), client);
  EXPECT_EQ(out, (Json{{"Status", "PENDING"}}));
}

TEST(Invocation, MalformedEnvelopesFailNamingTheProblem) {
  FakeCheckpointClient client;
  auto message = [&](const Json& envelope) {
    Json out = run_invocation(echo, envelope, client);
    EXPECT_EQ(out["Status"], "FAILED");
    return out["Error"]["ErrorMessage"].get<std::string>();
  };
  EXPECT_NE(message(Json("{oops")).find("not valid JSON"), std::string::npos);
  EXPECT_NE(message(Json::array()).find("JSON object"), std::string::npos);
  EXPECT_NE(message(Json{{"CheckpointToken", "t"}}).find("DurableExecutionArn"), std::string::npos);
  EXPECT_NE(message(Json{{"DurableExecutionArn", "arn"}}).find("CheckpointToken"),
            std::string::npos);
  EXPECT_TRUE(client.batches.empty());
  EXPECT_NE(Json::parse(run_invocation_text(echo, "][", client))["Error"]["ErrorMessage"]
                .get<std::string>()
                .find("not valid JSON"),
            std::string::npos);
}

TEST(Invocation, TextFormRoundTrips) {
  FakeCheckpointClient client(R"({"x":true})");
  std::string out = run_invocation_text(echo, Json(client.next_input()).dump(), client);
  EXPECT_EQ(Json::parse(out), (Json{{"Status", "SUCCEEDED"}, {"Result", R"({"x":true})"}}));
}

TEST(Invocation, LargeResultIsCheckpointedAsExecutionSucceed) {
  FakeCheckpointClient client;
  const std::string big(6 * 1024 * 1024, 'r');
  auto out = run_invocation([&](const Json&, DurableContext&) { return Json(big); },
                            client.next_input(), client);
  ASSERT_EQ(out.status, InvocationStatus::Succeeded);
  EXPECT_EQ(out.result, "");
  ASSERT_EQ(client.updates().size(), 1u);
  const auto u = client.updates()[0];
  EXPECT_EQ(u.type, OperationType::Execution);
  EXPECT_EQ(u.action, OperationAction::Succeed);
  EXPECT_EQ(u.id.rfind("execution-result-", 0), 0u);
  EXPECT_FALSE(u.parent_id.has_value());
  EXPECT_FALSE(u.name.has_value());
  EXPECT_FALSE(u.sub_type.has_value());
  EXPECT_EQ(client.execution_result()->size(), big.size() + 2);
}

TEST(Invocation, ResultAtTheLimitIsReturnedInline) {
  FakeCheckpointClient client;
  InvocationOptions options;
  options.max_response_result_bytes = 10;
  auto out = run_invocation([](const Json&, DurableContext&) { return Json("12345678"); },
                            client.next_input(), client, options);
  EXPECT_EQ(out.result, "\"12345678\"");
  EXPECT_TRUE(client.batches.empty());
  auto big = run_invocation([](const Json&, DurableContext&) { return Json("123456789"); },
                            client.next_input(), client, options);
  EXPECT_EQ(big.result, "");
  EXPECT_EQ(client.execution_result(), "\"123456789\"");
}

TEST(Invocation, InitialStateIsPagedWithGetState) {
  FakeCheckpointClient client;
  int runs = 0;
  Handler handler = [&](const Json&, DurableContext& ctx) {
    int total = 0;
    for (int i = 0; i < 5; ++i) total += ctx.step([&, i](StepContext&) { ++runs; return i; });
    ctx.wait(Duration::from_seconds(1));
    return Json(total);
  };
  ASSERT_EQ(run_invocation(handler, client.next_input(), client).status, InvocationStatus::Pending);
  client.advance_time();
  const int runs_first = runs;
  auto in = client.next_input(/*page_size=*/2);  // 7 ops → pages of 2,2,2,1
  auto out = run_invocation(handler, in, client);
  ASSERT_EQ(out.status, InvocationStatus::Succeeded);
  EXPECT_EQ(out.result, "10");
  EXPECT_EQ(runs, runs_first);
  ASSERT_EQ(client.state_requests.size(), 3u);
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(client.state_requests[i].marker, "m" + std::to_string(i + 1));
    EXPECT_EQ(client.state_requests[i].max_items, 1000);
    EXPECT_EQ(client.state_requests[i].checkpoint_token, in.checkpoint_token);
    EXPECT_EQ(client.state_requests[i].durable_execution_arn, test::kArn);
  }
}

Handler one_step = [](const Json&, DurableContext& ctx) {
  return Json(ctx.step([](StepContext&) { return 1; }));
};

TEST(ServiceErrors, ClientErrorFailsTheInvocation) {
  FakeCheckpointClient client;
  client.on_checkpoint = [](const auto&) {
    throw ApiError::invalid_parameter("Invalid current STEP state to close.");
  };
  auto out = run_invocation(one_step, client.next_input(), client);
  ASSERT_EQ(out.status, InvocationStatus::Failed);
  EXPECT_EQ(out.error->error_type, "InvalidParameterValueException");
  EXPECT_NE(out.error->error_message->find("Invalid current STEP state to close."),
            std::string::npos);
}

TEST(ServiceErrors, RetryableErrorsLeaveTheEntryPoint) {
  const std::vector<ApiError> retryable = {
      ApiError::service("internal"), ApiError::too_many_requests("slow down"),
      ApiError::invalid_parameter("Invalid Checkpoint Token: stale"),
      ApiError::invalid_parameter("Invalid checkpoint token")};
  for (const auto& error : retryable) {
    FakeCheckpointClient client;
    client.on_checkpoint = [&](const auto&) { throw error; };
    try {
      run_invocation(one_step, client.next_input(), client);
      ADD_FAILURE() << "expected rethrow of " << error.what();
    } catch (const ApiError& e) {
      EXPECT_EQ(e.code(), error.code());
      EXPECT_STREQ(e.what(), error.what());
    }
  }
}

TEST(ServiceErrors, TransportErrorsLeaveTheEntryPoint) {
  FakeCheckpointClient client;
  client.on_checkpoint = [](const auto&) { throw std::runtime_error("connection reset"); };
  EXPECT_THROW(run_invocation(one_step, client.next_input(), client), std::runtime_error);
}

TEST(ServiceErrors, SwallowedCheckpointFailureStillDecidesTheOutcome) {
  FakeCheckpointClient client;
  client.on_checkpoint = [](const auto&) { throw ApiError::service("down"); };
  Handler swallow = [](const Json&, DurableContext& ctx) {
    try {
      ctx.step([](StepContext&) { return 1; });
    } catch (...) {
    }
    return Json("fine");
  };
  EXPECT_THROW(run_invocation(swallow, client.next_input(), client), ApiError);

  FakeCheckpointClient client2;
  client2.on_checkpoint = [](const auto&) { throw ApiError::not_found("no such execution"); };
  auto out = run_invocation(swallow, client2.next_input(), client2);
  ASSERT_EQ(out.status, InvocationStatus::Failed);
  EXPECT_EQ(out.error->error_type, "ResourceNotFoundException");
}

TEST(ServiceErrors, PagingErrorsAreClassifiedToo) {
  FakeCheckpointClient client;
  for (int i = 0; i < 3; ++i) client.put(Operation{.id = "x" + std::to_string(i), .type = OperationType::Wait, .sub_type = "Wait", .status = OperationStatus::Succeeded});
  client.on_get_state = [](const auto&) { throw ApiError::too_many_requests("throttled"); };
  EXPECT_THROW(run_invocation(one_step, client.next_input(2), client), ApiError);
  client.on_get_state = [](const auto&) { throw ApiError::invalid_parameter("bad marker"); };
  auto out = run_invocation(one_step, client.next_input(2), client);
  ASSERT_EQ(out.status, InvocationStatus::Failed);
  EXPECT_EQ(out.error->error_type, "InvalidParameterValueException");
}

TEST(ServiceErrors, FailureWhileFlushingAtSuspensionFailsTheInvocation) {
  FakeCheckpointClient client;
  client.on_checkpoint = [](const auto&) { throw ApiError::invalid_parameter("Invalid parent operation id."); };
  auto out = run_invocation(
      [](const Json&, DurableContext& ctx) {
        ctx.wait(Duration::from_seconds(1));
        return Json();
      },
      client.next_input(), client);
  EXPECT_EQ(out.status, InvocationStatus::Failed);
}

TEST(Batching, RequestsRespectTheUpdateLimit) {
  FakeCheckpointClient client;
  InvocationOptions options;
  options.max_batch_updates = 2;
  run_invocation(
      [](const Json&, DurableContext& ctx) {
        ctx.run_in_child_context([](DurableContext& a) {
          a.run_in_child_context([](DurableContext& b) {
            b.run_in_child_context([](DurableContext& c) { c.step([](StepContext&) { return 1; }); });
          });
        });
        return Json();
      },
      client.next_input(), client, options);
  // 3 CONTEXT STARTs + STEP START + STEP SUCCEED flushed together, then 3 CONTEXT SUCCEEDs.
  std::vector<std::size_t> sizes;
  for (const auto& b : client.batches) sizes.push_back(b.updates.size());
  EXPECT_EQ(sizes, (std::vector<std::size_t>{2, 2, 1, 1, 1, 1}));
  // FIFO order is kept across requests.
  const auto all = client.updates();
  EXPECT_EQ(all[0].id, operation_id(std::nullopt, 1));
  EXPECT_EQ(all[3].type, OperationType::Step);
}

TEST(Batching, AsyncStartsRideWithTheNextSynchronousCheckpoint) {
  FakeCheckpointClient client;
  std::size_t batches_inside_child = 99;
  run_invocation(
      [&](const Json&, DurableContext& ctx) {
        ctx.run_in_child_context([&](DurableContext&) { batches_inside_child = client.batches.size(); });
        return Json();
      },
      client.next_input(), client);
  EXPECT_EQ(batches_inside_child, 0u);
  ASSERT_EQ(client.batches.size(), 1u);
  EXPECT_EQ(client.batches[0].updates.size(), 2u);  // START + SUCCEED
}

}  // namespace
}  // namespace durable
