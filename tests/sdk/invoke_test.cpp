// DurableContext::invoke: updates, replay of every status, the timeout race, serdes, tenant id,
// validation.
#include <gtest/gtest.h>

#include "durable/durable.hpp"
#include "fake_checkpoint_client.hpp"

namespace durable {
namespace {

using test::FakeCheckpointClient;

const std::string kId1 = operation_id(std::nullopt, 1);
const std::string kId2 = operation_id(std::nullopt, 2);
const std::string kTimer1 = operation_id(kId1, 1);

// Runs `handler` once and returns its output.
DurableExecutionInvocationOutput run_once(const Handler& handler, FakeCheckpointClient& client) {
  return run_invocation(handler, client.next_input(), client);
}

TEST(Invoke, CheckpointsStartWithPayloadAndOptionsThenSuspends) {
  FakeCheckpointClient client;
  Handler handler = [](const Json&, DurableContext& ctx) {
    return ctx.invoke("validate-order", Json{{"order_id", "o-1"}}, "validate_order");
  };
  auto out = run_once(handler, client);
  EXPECT_EQ(out.status, InvocationStatus::Pending);
  ASSERT_EQ(client.batches.size(), 1u);
  ASSERT_EQ(client.updates().size(), 1u);
  const OperationUpdate u = client.updates()[0];
  EXPECT_EQ(u.id, kId1);
  EXPECT_EQ(u.type, OperationType::ChainedInvoke);
  EXPECT_EQ(u.action, OperationAction::Start);
  EXPECT_EQ(u.sub_type, "ChainedInvoke");
  EXPECT_EQ(u.name, "validate_order");
  EXPECT_FALSE(u.parent_id.has_value());
  EXPECT_EQ(u.payload, R"({"order_id":"o-1"})");
  ASSERT_TRUE(u.chained_invoke_options.has_value());
  EXPECT_EQ(u.chained_invoke_options->function_name, "validate-order");
  EXPECT_FALSE(u.chained_invoke_options->tenant_id.has_value());

  // Still running: suspends again and checkpoints nothing.
  EXPECT_EQ(run_once(handler, client).status, InvocationStatus::Pending);
  EXPECT_EQ(client.updates().size(), 1u);
}

TEST(Invoke, SucceededReturnsTheDeserializedResultWithoutNewCheckpoints) {
  FakeCheckpointClient client;
  int after = 0;
  Handler handler = [&](const Json&, DurableContext& ctx) {
    Json r = ctx.invoke("process-payment", Json{{"amount", 100}}, "process_payment");
    ++after;
    return Json{{"tx", r["transaction_id"]}};
  };
  run_once(handler, client);
  client.complete_invoke(kId1, OperationStatus::Succeeded, R"({"transaction_id":"t-1"})");
  auto out = run_once(handler, client);
  ASSERT_EQ(out.status, InvocationStatus::Succeeded);
  EXPECT_EQ(out.result, R"({"tx":"t-1"})");
  EXPECT_EQ(after, 1);
  EXPECT_EQ(client.updates().size(), 1u);
}

TEST(Invoke, TypedResultAndStringLiteralPayload) {
  FakeCheckpointClient client;
  Handler handler = [](const Json&, DurableContext& ctx) {
    int n = ctx.invoke<int>("count", "abc");
    return Json(n + 1);
  };
  run_once(handler, client);
  EXPECT_EQ(client.updates()[0].payload, "\"abc\"");
  client.complete_invoke(kId1, OperationStatus::Succeeded, "41");
  EXPECT_EQ(run_once(handler, client).result, "42");
}

TEST(Invoke, AbsentOrEmptyResultIsNullOrDefault) {
  for (std::optional<std::string> result : {std::optional<std::string>(), std::optional<std::string>("")}) {
    FakeCheckpointClient client;
    Handler handler = [](const Json&, DurableContext& ctx) {
      Json j = ctx.invoke("f", Json());
      int n = ctx.invoke<int>("g", 1);
      return Json{{"j", j}, {"n", n}};
    };
    run_once(handler, client);
    EXPECT_EQ(client.updates()[0].payload, "null");
    client.complete_invoke(kId1, OperationStatus::Succeeded, result);
    run_once(handler, client);
    client.complete_invoke(kId2, OperationStatus::Succeeded, result);
    auto out = run_once(handler, client);
    ASSERT_EQ(out.status, InvocationStatus::Succeeded);
    EXPECT_EQ(out.result, R"({"j":null,"n":0})");
  }
}

TEST(Invoke, FailedThrowsInvokeErrorRebuiltFromTheTargetsError) {
  FakeCheckpointClient client;
  Handler handler = [](const Json&, DurableContext& ctx) {
    try {
      ctx.invoke("risky-function", Json::object(), "risky_operation");
      return Json("unreachable");
    } catch (const CallableRuntimeError& e) {
      EXPECT_NE(dynamic_cast<const InvokeError*>(&e), nullptr);
      return Json{{"status", "failed"}, {"error", e.what()}, {"type", e.error_type()},
                  {"data", e.error_data().value_or("")}};
    }
  };
  run_once(handler, client);
  client.complete_invoke(kId1, OperationStatus::Failed, std::nullopt,
                         ErrorObject{"ValueError", "bad input", R"({"k":1})", std::nullopt});
  auto first = run_once(handler, client);
  ASSERT_EQ(first.status, InvocationStatus::Succeeded);
  EXPECT_EQ(Json::parse(*first.result),
            (Json{{"status", "failed"}, {"error", "bad input"}, {"type", "ValueError"},
                  {"data", R"({"k":1})"}}));
  // Replay re-throws the same error.
  EXPECT_EQ(run_once(handler, client).result, first.result);
}

TEST(Invoke, UncaughtFailureFailsTheExecutionWithTheTargetsError) {
  FakeCheckpointClient client;
  Handler handler = [](const Json&, DurableContext& ctx) { return ctx.invoke("f", 1); };
  run_once(handler, client);
  client.complete_invoke(kId1, OperationStatus::Failed, std::nullopt,
                         ErrorObject{"RuntimeError", "target exploded", std::nullopt, std::nullopt});
  auto out = run_once(handler, client);
  ASSERT_EQ(out.status, InvocationStatus::Failed);
  EXPECT_EQ(out.error->error_type, "RuntimeError");
  EXPECT_EQ(out.error->error_message, "target exploded");
}

TEST(Invoke, TimedOutStatusGivesAnErrorSayingItTimedOut) {
  FakeCheckpointClient client;
  Handler handler = [](const Json&, DurableContext& ctx) {
    try {
      ctx.invoke("slow-function", 1);
      return Json("no");
    } catch (const InvokeError& e) {
      return Json{{"message", e.what()}, {"type", e.error_type()}};
    }
  };
  run_once(handler, client);
  client.complete_invoke(kId1, OperationStatus::TimedOut);
  auto out = run_once(handler, client);
  const Json r = Json::parse(*out.result);
  EXPECT_EQ(r["type"], kInvokeTimeoutErrorType);
  EXPECT_NE(r["message"].get<std::string>().find("timed out"), std::string::npos) << r;
  EXPECT_NE(r["message"].get<std::string>().find("slow-function"), std::string::npos) << r;

  // A service error message without the words gets them added, keeping the original text.
  FakeCheckpointClient other;
  run_once(handler, other);
  other.complete_invoke(kId1, OperationStatus::TimedOut, std::nullopt,
                        ErrorObject{"Lambda.Timeout", "Task exceeded 3.00 seconds", std::nullopt,
                                    std::nullopt});
  const Json r2 = Json::parse(*run_once(handler, other).result);
  EXPECT_EQ(r2["type"], "Lambda.Timeout");
  EXPECT_EQ(r2["message"],
            "invoke of function 'slow-function' timed out: Task exceeded 3.00 seconds");
}

TEST(Invoke, StoppedThrowsInvokeError) {
  FakeCheckpointClient client;
  Handler handler = [](const Json&, DurableContext& ctx) {
    try {
      ctx.invoke("f", 1);
      return Json("no");
    } catch (const InvokeError& e) {
      return Json(e.what());
    }
  };
  run_once(handler, client);
  client.complete_invoke(kId1, OperationStatus::Stopped);
  EXPECT_EQ(run_once(handler, client).result, "\"invoke of function 'f' ended with status STOPPED\"");
}

TEST(Invoke, TenantIdReachesChainedInvokeOptions) {
  FakeCheckpointClient client;
  run_once(
      [](const Json&, DurableContext& ctx) {
        return ctx.invoke("f", 1, std::nullopt, {.tenant_id = "tenant-a:eu/1"});
      },
      client);
  EXPECT_EQ(client.updates()[0].chained_invoke_options->tenant_id, "tenant-a:eu/1");
}

// Wraps JSON values in {"custom": value}, as the documentation's CustomSerDes does.
class CustomSerDes : public SerDes<Json> {
 public:
  std::string serialize(const Json& value, const SerDesContext& ctx) const override {
    seen_id = ctx.operation_id;
    return Json{{"custom", value}}.dump();
  }
  Json deserialize(std::string_view data, const SerDesContext&) const override {
    return Json::parse(data).at("custom");
  }
  mutable std::string seen_id;
};

TEST(Invoke, CustomSerDesForPayloadAndResult) {
  FakeCheckpointClient client;
  auto serdes = std::make_shared<CustomSerDes>();
  Handler handler = [&](const Json&, DurableContext& ctx) {
    return ctx.invoke("custom-function", Json{{"complex", "data"}}, std::nullopt,
                      {.serdes_payload = serdes, .serdes_result = serdes});
  };
  run_once(handler, client);
  EXPECT_EQ(client.updates()[0].payload, R"({"custom":{"complex":"data"}})");
  EXPECT_EQ(serdes->seen_id, kId1);
  client.complete_invoke(kId1, OperationStatus::Succeeded, R"({"custom":[1,2]})");
  EXPECT_EQ(run_once(handler, client).result, "[1,2]");
}

TEST(Invoke, InsideAChildContextCarriesTheParentId) {
  FakeCheckpointClient client;
  run_once(
      [](const Json&, DurableContext& ctx) {
        return ctx.run_in_child_context([](DurableContext& c) { return c.invoke("f", 1); });
      },
      client);
  const auto updates = client.updates();
  ASSERT_EQ(updates.size(), 2u);
  EXPECT_EQ(updates[0].type, OperationType::Context);
  EXPECT_EQ(updates[1].type, OperationType::ChainedInvoke);
  EXPECT_EQ(updates[1].parent_id, kId1);
  EXPECT_EQ(updates[1].id, operation_id(kId1, 1));
}

TEST(Invoke, NonDeterministicWhenReplayMeetsAnotherFunctionOperation) {
  FakeCheckpointClient client;
  run_once([](const Json&, DurableContext& ctx) { return ctx.invoke("f", 1, "a"); }, client);
  auto out = run_once([](const Json&, DurableContext& ctx) { return ctx.invoke("f", 1, "b"); },
                      client);
  ASSERT_EQ(out.status, InvocationStatus::Failed);
  EXPECT_EQ(out.error->error_type, "NonDeterministicExecutionError");
}

// --- timeout

Handler timeout_handler(std::string* caught = nullptr) {
  return [caught](const Json&, DurableContext& ctx) {
    try {
      return ctx.invoke("slow-function", Json::object(), "slow",
                        {.timeout = Duration::from_seconds(30)});
    } catch (const CallableRuntimeError& e) {
      if (caught) *caught = e.error_type();
      std::string message = e.what();
      if (message.find("timed out") != std::string::npos) {
        return Json{{"status", "timeout"}, {"message", message}};
      }
      throw;
    }
  };
}

TEST(InvokeTimeout, StartsACompanionWaitInTheSameBatch) {
  FakeCheckpointClient client;
  EXPECT_EQ(run_once(timeout_handler(), client).status, InvocationStatus::Pending);
  ASSERT_EQ(client.batches.size(), 1u);
  const auto& batch = client.batches[0].updates;
  ASSERT_EQ(batch.size(), 2u);
  EXPECT_EQ(batch[0].type, OperationType::ChainedInvoke);
  EXPECT_EQ(batch[1].type, OperationType::Wait);
  EXPECT_EQ(batch[1].action, OperationAction::Start);
  EXPECT_EQ(batch[1].id, kTimer1);
  EXPECT_EQ(batch[1].sub_type, "Wait");
  EXPECT_EQ(batch[1].name, "slow timeout");
  EXPECT_FALSE(batch[1].parent_id.has_value());
  EXPECT_EQ(batch[1].wait_options->wait_seconds, 30);
}

TEST(InvokeTimeout, TimerWinsCancelsTheInvokeAndThrowsATimeoutError) {
  FakeCheckpointClient client;
  std::string type;
  Handler handler = timeout_handler(&type);
  run_once(handler, client);
  client.fire_wait(kTimer1);
  auto out = run_once(handler, client);
  ASSERT_EQ(out.status, InvocationStatus::Succeeded);
  const Json r = Json::parse(*out.result);
  EXPECT_EQ(r["status"], "timeout");
  EXPECT_EQ(r["message"], "invoke of function 'slow-function' timed out after 30 seconds");
  EXPECT_EQ(type, kInvokeTimeoutErrorType);
  const OperationUpdate cancel = client.updates().at(2);
  EXPECT_EQ(cancel.id, kId1);
  EXPECT_EQ(cancel.type, OperationType::ChainedInvoke);
  EXPECT_EQ(cancel.action, OperationAction::Cancel);
  EXPECT_EQ(cancel.error->error_type, kInvokeTimeoutErrorType);
  EXPECT_EQ(client.find(kId1)->status, OperationStatus::Stopped);

  // Replay: the same error, no further checkpoint.
  const std::size_t sent = client.updates().size();
  EXPECT_EQ(run_once(handler, client).result, out.result);
  EXPECT_EQ(client.updates().size(), sent);
}

TEST(InvokeTimeout, InvokeWinsCancelsTheTimerAndReturnsTheResult) {
  FakeCheckpointClient client;
  Handler handler = timeout_handler();
  run_once(handler, client);
  client.complete_invoke(kId1, OperationStatus::Succeeded, R"({"ok":true})");
  auto out = run_once(handler, client);
  ASSERT_EQ(out.status, InvocationStatus::Succeeded);
  EXPECT_EQ(out.result, R"({"ok":true})");
  const OperationUpdate cancel = client.updates().back();
  EXPECT_EQ(cancel.id, kTimer1);
  EXPECT_EQ(cancel.type, OperationType::Wait);
  EXPECT_EQ(cancel.action, OperationAction::Cancel);
  EXPECT_EQ(client.find(kTimer1)->status, OperationStatus::Cancelled);

  const std::size_t sent = client.updates().size();
  EXPECT_EQ(run_once(handler, client).result, out.result);
  EXPECT_EQ(client.updates().size(), sent);
}

TEST(InvokeTimeout, BothFinishedWhileSuspendedTheEarlierWins) {
  {
    FakeCheckpointClient client;  // invoke first
    run_once(timeout_handler(), client);
    client.complete_invoke(kId1, OperationStatus::Succeeded, "1");
    client.fire_wait(kTimer1);
    EXPECT_EQ(run_once(timeout_handler(), client).result, "1");
    for (const auto& u : client.updates()) EXPECT_NE(u.action, OperationAction::Cancel);
  }
  {
    FakeCheckpointClient client;  // timer first
    run_once(timeout_handler(), client);
    client.fire_wait(kTimer1);
    client.complete_invoke(kId1, OperationStatus::Succeeded, "1");
    auto out = run_once(timeout_handler(), client);
    EXPECT_EQ(Json::parse(*out.result)["status"], "timeout");
    for (const auto& u : client.updates()) EXPECT_NE(u.action, OperationAction::Cancel);
    EXPECT_EQ(run_once(timeout_handler(), client).result, out.result);
  }
}

TEST(InvokeTimeout, FailedInvokeBeforeTheTimerIsTheInvokesError) {
  FakeCheckpointClient client;
  run_once(timeout_handler(), client);
  client.complete_invoke(kId1, OperationStatus::Failed, std::nullopt,
                         ErrorObject{"Boom", "target failed", std::nullopt, std::nullopt});
  auto out = run_once(timeout_handler(), client);
  ASSERT_EQ(out.status, InvocationStatus::Failed);
  EXPECT_EQ(out.error->error_type, "Boom");
  EXPECT_EQ(client.updates().back().action, OperationAction::Cancel);
  EXPECT_EQ(client.updates().back().id, kTimer1);
}

TEST(InvokeTimeout, UnnamedInvokeTimerIsNamedTimeout) {
  FakeCheckpointClient client;
  run_once(
      [](const Json&, DurableContext& ctx) {
        return ctx.invoke("f", 1, std::nullopt, {.timeout = Duration::from_minutes(5)});
      },
      client);
  EXPECT_EQ(client.updates()[1].name, "timeout");
  EXPECT_EQ(client.updates()[1].wait_options->wait_seconds, 300);
}

// --- bad input

DurableExecutionInvocationOutput run_bad(const std::function<void(DurableContext&)>& call,
                                         FakeCheckpointClient& client) {
  return run_once(
      [&](const Json&, DurableContext& ctx) {
        call(ctx);
        return Json();
      },
      client);
}

TEST(InvokeValidation, EmptyFunctionNameIsValidationErrorBeforeAnyCheckpoint) {
  FakeCheckpointClient client;
  auto out = run_bad([](DurableContext& ctx) { ctx.invoke("", 1); }, client);
  ASSERT_EQ(out.status, InvocationStatus::Failed);
  EXPECT_EQ(out.error->error_type, "ValidationError");
  EXPECT_NE(out.error->error_message->find("function_name must not be empty"), std::string::npos);
  EXPECT_TRUE(client.batches.empty());
}

TEST(InvokeValidation, SubSecondTimeoutIsValidationError) {
  FakeCheckpointClient client;
  auto out = run_bad(
      [](DurableContext& ctx) {
        ctx.invoke("f", 1, std::nullopt, {.timeout = Duration::from_milliseconds(500)});
      },
      client);
  EXPECT_EQ(out.error->error_type, "ValidationError");
  EXPECT_NE(out.error->error_message->find("timeout must be at least 1 second, got 500ms"),
            std::string::npos)
      << *out.error->error_message;
  EXPECT_TRUE(client.batches.empty());
}

TEST(InvokeValidation, BadTenantIdIsValidationError) {
  for (std::string bad : {std::string(""), std::string("a#b"), std::string(257, 'a')}) {
    FakeCheckpointClient client;
    auto out = run_bad(
        [&](DurableContext& ctx) { ctx.invoke("f", 1, std::nullopt, {.tenant_id = bad}); },
        client);
    EXPECT_EQ(out.error->error_type, "ValidationError") << bad;
    EXPECT_NE(out.error->error_message->find("tenant_id"), std::string::npos);
    EXPECT_TRUE(client.batches.empty());
  }
}

TEST(InvokeValidation, ValidationErrorIsCatchableAndDoesNotUseAPosition) {
  FakeCheckpointClient client;
  run_once(
      [](const Json&, DurableContext& ctx) {
        try {
          ctx.invoke("", 1);
        } catch (const ValidationError&) {
        }
        return ctx.invoke("f", 1);
      },
      client);
  EXPECT_EQ(client.updates().at(0).id, kId1);
}

TEST(InvokeValidation, UnserializablePayloadIsAFatalSerDesErrorBeforeAnyCheckpoint) {
  FakeCheckpointClient client;
  auto out = run_once(
      [](const Json&, DurableContext& ctx) {
        try {
          ctx.invoke("f", std::string("\xff\xfe"), "bad_payload");  // not valid UTF-8
        } catch (...) {
        }
        return Json("swallowed");
      },
      client);
  ASSERT_EQ(out.status, InvocationStatus::Failed);
  EXPECT_EQ(out.error->error_type, "SerDesError");
  EXPECT_NE(out.error->error_message->find("cannot serialize the payload of the invoke of "
                                           "function 'f'"),
            std::string::npos)
      << *out.error->error_message;
  EXPECT_TRUE(client.batches.empty());
}

}  // namespace
}  // namespace durable
