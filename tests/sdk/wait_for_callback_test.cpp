// DurableContext::wait_for_callback: the composed operations, their ids and names, results,
// every error class on first run and replay, submitter retries, validation.
#include <gtest/gtest.h>

#include "durable/durable.hpp"
#include "fake_checkpoint_client.hpp"

namespace durable {
namespace {

using test::FakeCheckpointClient;

const std::string kCtx = operation_id(std::nullopt, 1);
const std::string kCb = operation_id(kCtx, 1);
const std::string kSubmit = operation_id(kCtx, 2);

DurableExecutionInvocationOutput run_once(const Handler& handler, FakeCheckpointClient& client) {
  return run_invocation(handler, client.next_input(), client);
}

TEST(WaitForCallback, FirstRunCheckpointsContextCallbackAndSubmitterThenSuspends) {
  FakeCheckpointClient client;
  std::string submitted;
  int submits = 0;
  Handler handler = [&](const Json&, DurableContext& ctx) {
    return Json(ctx.wait_for_callback(
        [&](const std::string& id, WaitForCallbackContext& wc) {
          ++submits;
          submitted = id;
          EXPECT_EQ(wc.attempt(), 1);
          EXPECT_EQ(wc.operation_id(), kSubmit);
        },
        "approval"));
  };
  EXPECT_EQ(run_once(handler, client).status, InvocationStatus::Pending);
  const auto u = client.updates();
  ASSERT_EQ(u.size(), 4u);
  EXPECT_EQ(u[0].id, kCtx);
  EXPECT_EQ(u[0].type, OperationType::Context);
  EXPECT_EQ(u[0].action, OperationAction::Start);
  EXPECT_EQ(u[0].sub_type, "WaitForCallback");
  EXPECT_EQ(u[0].name, "approval");
  EXPECT_EQ(u[1].id, kCb);
  EXPECT_EQ(u[1].type, OperationType::Callback);
  EXPECT_EQ(u[1].parent_id, kCtx);
  EXPECT_EQ(u[1].name, "approval create callback id");
  EXPECT_EQ(u[1].sub_type, "Callback");
  EXPECT_EQ(u[2].id, kSubmit);
  EXPECT_EQ(u[2].type, OperationType::Step);
  EXPECT_EQ(u[2].action, OperationAction::Start);
  EXPECT_EQ(u[2].parent_id, kCtx);
  EXPECT_EQ(u[2].name, "approval submitter");
  EXPECT_EQ(u[2].sub_type, "Step");
  EXPECT_EQ(u[3].id, kSubmit);
  EXPECT_EQ(u[3].action, OperationAction::Succeed);
  // CONTEXT START rides with the synchronous CALLBACK START.
  ASSERT_GE(client.batches.size(), 1u);
  EXPECT_EQ(client.batches[0].updates.size(), 2u);
  EXPECT_EQ(submitted, client.find(kCb)->callback_details->callback_id);

  // Re-invoked while the callback is open: the submitter does not run again.
  EXPECT_EQ(run_once(handler, client).status, InvocationStatus::Pending);
  EXPECT_EQ(submits, 1);
  EXPECT_EQ(client.updates().size(), 4u);
}

TEST(WaitForCallback, SuccessCompletesTheContextWithTheResult) {
  FakeCheckpointClient client;
  Handler handler = [](const Json&, DurableContext& ctx) {
    return Json(ctx.wait_for_callback([](const std::string&, WaitForCallbackContext&) {}, "op"));
  };
  run_once(handler, client);
  client.complete_callback(kCb, OperationStatus::Succeeded, "\"payload\"");
  auto out = run_once(handler, client);
  ASSERT_EQ(out.status, InvocationStatus::Succeeded);
  EXPECT_EQ(Json::parse(*out.result), "payload");  // decoded, not the JSON text
  const OperationUpdate last = client.updates().back();
  EXPECT_EQ(last.id, kCtx);
  EXPECT_EQ(last.action, OperationAction::Succeed);
  EXPECT_EQ(last.sub_type, "WaitForCallback");
  EXPECT_EQ(last.payload, "\"payload\"");
  // Replay of the finished context returns the stored result.
  const std::size_t sent = client.updates().size();
  EXPECT_EQ(run_once(handler, client).result, out.result);
  EXPECT_EQ(client.updates().size(), sent);
}

TEST(WaitForCallback, UnnamedOperationHasUnnamedContextAndPlainInnerNames) {
  FakeCheckpointClient client;
  run_once(
      [](const Json&, DurableContext& ctx) {
        return Json(ctx.wait_for_callback([](const std::string&, WaitForCallbackContext&) {}));
      },
      client);
  const auto u = client.updates();
  EXPECT_FALSE(u[0].name.has_value());
  EXPECT_EQ(u[1].name, "create callback id");
  EXPECT_EQ(u[2].name, "submitter");
}

TEST(WaitForCallback, JsonResultAndEmptyResult) {
  FakeCheckpointClient client;
  Handler handler = [](const Json&, DurableContext& ctx) {
    Json a = ctx.wait_for_callback<Json>([](const std::string&, WaitForCallbackContext&) {}, "a");
    Json b = ctx.wait_for_callback<Json>([](const std::string&, WaitForCallbackContext&) {}, "b");
    return Json{a["status"], b};
  };
  run_once(handler, client);
  client.complete_callback(kCb, OperationStatus::Succeeded, R"({"status":"approved"})");
  run_once(handler, client);
  const std::string ctx2 = operation_id(std::nullopt, 2);
  client.complete_callback(operation_id(ctx2, 1), OperationStatus::Succeeded, std::nullopt);
  EXPECT_EQ(run_once(handler, client).result, R"(["approved",null])");
}

TEST(WaitForCallback, CallbackOptionsComeFromTheConfig) {
  FakeCheckpointClient client;
  run_once(
      [](const Json&, DurableContext& ctx) {
        return Json(ctx.wait_for_callback(
            [](const std::string&, WaitForCallbackContext&) {}, "x",
            {.timeout = Duration::from_seconds(3), .heartbeat_timeout = Duration::from_seconds(2)}));
      },
      client);
  EXPECT_EQ(client.updates()[1].callback_options, (CallbackOptions{3, 2}));
}

Handler classifying_handler() {
  return [](const Json&, DurableContext& ctx) {
    try {
      ctx.wait_for_callback(
          [](const std::string&, WaitForCallbackContext&) {}, "op",
          {.retry_strategy = retry_presets::none()});
      return Json("no error");
    } catch (const CallbackTimeoutError& e) {
      return Json{"timeout", e.error_type(), e.is_heartbeat_timeout()};
    } catch (const CallbackExternalError& e) {
      return Json{"external", e.error_type(), e.what()};
    } catch (const CallbackSubmitterError& e) {
      return Json{"submitter", e.error_type(), e.what()};
    }
  };
}

TEST(WaitForCallback, TimeoutPassesThroughAndFailsTheContext) {
  FakeCheckpointClient client;
  run_once(classifying_handler(), client);
  client.complete_callback(kCb, OperationStatus::TimedOut, std::nullopt,
                           ErrorObject{"Callback.Timeout", "Callback timed out", std::nullopt,
                                       std::nullopt});
  auto out = run_once(classifying_handler(), client);
  EXPECT_EQ(out.result, R"(["timeout","Callback.Timeout",false])");
  const OperationUpdate fail = client.updates().back();
  EXPECT_EQ(fail.id, kCtx);
  EXPECT_EQ(fail.action, OperationAction::Fail);
  EXPECT_EQ(fail.error->error_type, "Callback.Timeout");
  // Replay of the FAILED context throws the same class.
  EXPECT_EQ(run_once(classifying_handler(), client).result, out.result);
}

TEST(WaitForCallback, HeartbeatTimeoutPassesThrough) {
  FakeCheckpointClient client;
  run_once(classifying_handler(), client);
  client.complete_callback(kCb, OperationStatus::TimedOut, std::nullopt,
                           ErrorObject{"Callback.Heartbeat", "Callback timed out on heartbeat",
                                       std::nullopt, std::nullopt});
  EXPECT_EQ(run_once(classifying_handler(), client).result,
            R"(["timeout","Callback.Heartbeat",true])");
  EXPECT_EQ(run_once(classifying_handler(), client).result,
            R"(["timeout","Callback.Heartbeat",true])");
}

TEST(WaitForCallback, ExternalFailurePassesThrough) {
  FakeCheckpointClient client;
  run_once(classifying_handler(), client);
  client.complete_callback(kCb, OperationStatus::Failed, std::nullopt,
                           ErrorObject{"RejectedError", "not approved", std::nullopt,
                                       std::nullopt});
  EXPECT_EQ(run_once(classifying_handler(), client).result,
            R"(["external","RejectedError","not approved"])");
  EXPECT_EQ(run_once(classifying_handler(), client).result,
            R"(["external","RejectedError","not approved"])");
}

TEST(WaitForCallback, SubmitterFailureBecomesCallbackSubmitterError) {
  FakeCheckpointClient client;
  Handler handler = [](const Json&, DurableContext& ctx) {
    try {
      ctx.wait_for_callback(
          [](const std::string&, WaitForCallbackContext&) {
            throw std::runtime_error("queue unavailable");
          },
          "op", {.retry_strategy = retry_presets::none()});
      return Json("no error");
    } catch (const CallbackSubmitterError& e) {
      return Json{"submitter", e.error_type(), e.what()};
    }
  };
  auto out = run_once(handler, client);
  EXPECT_EQ(out.result, R"(["submitter","runtime_error","queue unavailable"])");
  EXPECT_EQ(client.updates().back().action, OperationAction::Fail);
  EXPECT_EQ(client.updates().back().id, kCtx);
  EXPECT_EQ(run_once(handler, client).result, out.result);
}

TEST(WaitForCallback, SubmitterIsRetriedWithTheConfiguredStrategy) {
  FakeCheckpointClient client;
  int calls = 0;
  Handler handler = [&](const Json&, DurableContext& ctx) {
    return Json(ctx.wait_for_callback(
        [&](const std::string&, WaitForCallbackContext&) {
          ++calls;
          throw std::runtime_error("always");
        },
        "op",
        {.retry_strategy = [](const ErrorObject&, int attempt) {
          return attempt < 2 ? RetryDecision::retry(Duration::from_seconds(1))
                             : RetryDecision::no_retry();
        }}));
  };
  EXPECT_EQ(run_once(handler, client).status, InvocationStatus::Pending);
  EXPECT_EQ(client.updates().back().action, OperationAction::Retry);
  EXPECT_EQ(client.updates().back().step_options->next_attempt_delay_seconds, 1);
  client.advance_time();
  auto out = run_once(handler, client);
  ASSERT_EQ(out.status, InvocationStatus::Failed);
  EXPECT_EQ(out.error->error_message, "always");
  EXPECT_EQ(calls, 2);
  const auto u = client.updates();
  EXPECT_EQ(u.back().type, OperationType::Context);
  EXPECT_EQ(u.back().action, OperationAction::Fail);
}

TEST(WaitForCallback, SubmitterFailingAfterTheCallbackTimedOutIsStillASubmitterError) {
  FakeCheckpointClient client;
  int calls = 0;
  Handler handler = [&](const Json&, DurableContext& ctx) {
    try {
      ctx.wait_for_callback(
          [&](const std::string&, WaitForCallbackContext&) {
            if (++calls > 0) throw std::runtime_error("down");
          },
          "op",
          {.retry_strategy = [](const ErrorObject&, int attempt) {
            return attempt < 2 ? RetryDecision::retry(Duration::from_seconds(1))
                               : RetryDecision::no_retry();
          }});
      return Json("none");
    } catch (const CallbackSubmitterError&) {
      return Json("submitter");
    } catch (const CallbackError&) {
      return Json("other");
    }
  };
  run_once(handler, client);
  client.complete_callback(kCb, OperationStatus::TimedOut, std::nullopt,
                           ErrorObject{"Callback.Timeout", "Callback timed out", std::nullopt,
                                       std::nullopt});
  client.advance_time();
  EXPECT_EQ(run_once(handler, client).result, "\"submitter\"");
  EXPECT_EQ(run_once(handler, client).result, "\"submitter\"");
}

TEST(WaitForCallback, TwoSequentialOperationsHaveDistinctIds) {
  FakeCheckpointClient client;
  Handler handler = [](const Json&, DurableContext& ctx) {
    std::string a = ctx.wait_for_callback([](const std::string&, WaitForCallbackContext&) {}, "first");
    std::string b = ctx.wait_for_callback([](const std::string&, WaitForCallbackContext&) {}, "second");
    return Json{a, b};
  };
  run_once(handler, client);
  client.complete_callback(kCb, OperationStatus::Succeeded, "\"1\"");
  run_once(handler, client);
  const std::string ctx2 = operation_id(std::nullopt, 2);
  ASSERT_NE(client.find(ctx2), nullptr);
  EXPECT_EQ(client.find(ctx2)->name, "second");
  client.complete_callback(operation_id(ctx2, 1), OperationStatus::Succeeded, "\"2\"");
  EXPECT_EQ(run_once(handler, client).result, R"(["1","2"])");
}

TEST(WaitForCallbackValidation, BadConfigIsRejectedBeforeTheContextStarts) {
  FakeCheckpointClient client;
  auto out = run_once(
      [](const Json&, DurableContext& ctx) {
        return Json(ctx.wait_for_callback([](const std::string&, WaitForCallbackContext&) {}, "x",
                                          {.timeout = Duration::from_milliseconds(10)}));
      },
      client);
  EXPECT_EQ(out.error->error_type, "ValidationError");
  EXPECT_TRUE(client.batches.empty());
}

TEST(WaitForCallbackValidation, InvalidNameIsRejected) {
  FakeCheckpointClient client;
  auto out = run_once(
      [](const Json&, DurableContext& ctx) {
        return Json(
            ctx.wait_for_callback([](const std::string&, WaitForCallbackContext&) {}, "bad\nname"));
      },
      client);
  EXPECT_EQ(out.error->error_type, "ValidationError");
  EXPECT_TRUE(client.batches.empty());
}

TEST(WaitForCallbackValidation, LongNamesFallBackToPlainInnerNames) {
  FakeCheckpointClient client;
  const std::string name(240, 'n');
  run_once(
      [&](const Json&, DurableContext& ctx) {
        return Json(ctx.wait_for_callback([](const std::string&, WaitForCallbackContext&) {}, name));
      },
      client);
  EXPECT_EQ(client.updates()[1].name, "create callback id");
  EXPECT_EQ(client.updates()[2].name, name + " submitter");
}

// A failed WaitForCallback context as the service returns it once the context completed: no
// children, only the context's own error.
Operation failed_wait_for_callback_context(std::optional<std::string> error_type) {
  Operation op;
  op.id = kCtx;
  op.name = "op";
  op.type = OperationType::Context;
  op.sub_type = "WaitForCallback";
  op.status = OperationStatus::Failed;
  op.context_details = ContextDetails{};
  op.context_details->error = ErrorObject{std::move(error_type), "it failed", std::nullopt,
                                          std::nullopt};
  return op;
}

TEST(WaitForCallback, ReplayWithoutChildrenReadsTheClassTagOfTheContextError) {
  const std::vector<std::pair<std::optional<std::string>, std::string>> cases = {
      {"CallbackExternalError:Declined", R"(["external","Declined","it failed"])"},
      {"CallbackSubmitterError:runtime_error", R"(["submitter","runtime_error","it failed"])"},
      {"Callback.Timeout", R"(["timeout","Callback.Timeout",false])"},
      {"Callback.Heartbeat", R"(["timeout","Callback.Heartbeat",true])"},
  };
  for (const auto& [type, expected] : cases) {
    FakeCheckpointClient client;
    client.put(failed_wait_for_callback_context(type));
    EXPECT_EQ(run_once(classifying_handler(), client).result, expected) << type.value_or("");
  }
}

TEST(WaitForCallback, ReplayOfAnUntaggedErrorWithoutChildrenIsTheBaseCallbackError) {
  // A history written by another SDK: no tag and no children left to classify by.
  FakeCheckpointClient client;
  client.put(failed_wait_for_callback_context("Declined"));
  Handler handler = [](const Json&, DurableContext& ctx) {
    try {
      ctx.wait_for_callback([](const std::string&, WaitForCallbackContext&) {}, "op");
      return Json("no error");
    } catch (const CallbackTimeoutError&) {
      return Json("timeout");
    } catch (const CallbackExternalError&) {
      return Json("external");
    } catch (const CallbackSubmitterError&) {
      return Json("submitter");
    } catch (const CallbackError& e) {
      return Json{"base", e.error_type()};
    }
  };
  EXPECT_EQ(run_once(handler, client).result, R"(["base","Declined"])");
}

TEST(WaitForCallback, AnEmptyTagRestoresAnErrorWithoutType) {
  FakeCheckpointClient client;
  client.put(failed_wait_for_callback_context("CallbackExternalError:"));
  Handler handler = [](const Json&, DurableContext& ctx) {
    try {
      ctx.wait_for_callback([](const std::string&, WaitForCallbackContext&) {}, "op");
      return Json("no error");
    } catch (const CallbackExternalError& e) {
      return Json{"external", e.error_object().error_type.has_value()};
    }
  };
  EXPECT_EQ(run_once(handler, client).result, R"(["external",false])");
}

}  // namespace
}  // namespace durable
