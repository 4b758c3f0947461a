// DurableContext::create_callback and Callback::result: the START update, result per status,
// default and custom serdes, replay, validation.
#include <gtest/gtest.h>

#include <thread>

#include "durable/durable.hpp"
#include "fake_checkpoint_client.hpp"

namespace durable {
namespace {

using test::FakeCheckpointClient;

const std::string kId1 = operation_id(std::nullopt, 1);
const std::string kId2 = operation_id(std::nullopt, 2);

DurableExecutionInvocationOutput run_once(const Handler& handler, FakeCheckpointClient& client) {
  return run_invocation(handler, client.next_input(), client);
}

TEST(Callback, StartIsSynchronousAndTheIdComesFromTheService) {
  FakeCheckpointClient client;
  std::string seen_id;
  Handler handler = [&](const Json&, DurableContext& ctx) {
    Callback<std::string> cb = ctx.create_callback("approval");
    seen_id = cb.callback_id();
    return Json(cb.result());
  };
  EXPECT_EQ(run_once(handler, client).status, InvocationStatus::Pending);
  ASSERT_EQ(client.batches.size(), 1u);
  const OperationUpdate u = client.updates().at(0);
  EXPECT_EQ(u.id, kId1);
  EXPECT_EQ(u.type, OperationType::Callback);
  EXPECT_EQ(u.action, OperationAction::Start);
  EXPECT_EQ(u.sub_type, "Callback");
  EXPECT_EQ(u.name, "approval");
  EXPECT_FALSE(u.callback_options.has_value());  // nothing configured, nothing sent
  EXPECT_EQ(seen_id, client.find(kId1)->callback_details->callback_id);

  // Still open: suspends again with the same id, nothing new checkpointed.
  seen_id.clear();
  EXPECT_EQ(run_once(handler, client).status, InvocationStatus::Pending);
  EXPECT_EQ(seen_id, client.find(kId1)->callback_details->callback_id);
  EXPECT_EQ(client.updates().size(), 1u);
}

TEST(Callback, OnlyConfiguredTimeoutsAreSent) {
  FakeCheckpointClient client;
  run_once(
      [](const Json&, DurableContext& ctx) {
        ctx.create_callback("a", {.timeout = Duration::from_seconds(5)});
        ctx.create_callback("b", {.heartbeat_timeout = Duration::from_seconds(10)});
        ctx.create_callback("c", {.timeout = Duration::from_minutes(2),
                                  .heartbeat_timeout = Duration::from_seconds(30)});
        return Json();
      },
      client);
  const auto u = client.updates();
  ASSERT_EQ(u.size(), 3u);
  EXPECT_EQ(u[0].callback_options, (CallbackOptions{5, std::nullopt}));
  EXPECT_EQ(u[1].callback_options, (CallbackOptions{std::nullopt, 10}));
  EXPECT_EQ(u[2].callback_options, (CallbackOptions{120, 30}));
}

TEST(Callback, SucceededStringResultIsTheDecodedStringByDefault) {
  FakeCheckpointClient client;
  Handler handler = [](const Json&, DurableContext& ctx) {
    return Json(ctx.create_callback("cb").result());
  };
  run_once(handler, client);
  client.complete_callback(kId1, OperationStatus::Succeeded, "\"abc\"");
  auto out = run_once(handler, client);
  ASSERT_EQ(out.status, InvocationStatus::Succeeded);
  EXPECT_EQ(Json::parse(*out.result), "abc");
}

TEST(Callback, StringResultWithoutPayloadIsEmpty) {
  FakeCheckpointClient client;
  Handler handler = [](const Json&, DurableContext& ctx) {
    return Json(ctx.create_callback<std::string>("cb").result());
  };
  run_once(handler, client);
  client.complete_callback(kId1, OperationStatus::Succeeded, std::nullopt);
  auto out = run_once(handler, client);
  ASSERT_EQ(out.status, InvocationStatus::Succeeded);
  EXPECT_EQ(Json::parse(*out.result), "");
}

// Conformance 7-15: an external system that answers "null" means no value.
TEST(Callback, StringResultOfJsonNullIsEmpty) {
  FakeCheckpointClient client;
  Handler handler = [](const Json&, DurableContext& ctx) {
    return Json(ctx.create_callback<std::string>("cb").result());
  };
  run_once(handler, client);
  client.complete_callback(kId1, OperationStatus::Succeeded, "null");
  auto out = run_once(handler, client);
  ASSERT_EQ(out.status, InvocationStatus::Succeeded);
  EXPECT_EQ(Json::parse(*out.result), "");
}

TEST(Callback, PassThroughSerDesGivesTheExactText) {
  FakeCheckpointClient client;
  Handler handler = [](const Json&, DurableContext& ctx) {
    return Json(ctx.create_callback<std::string>(
                       "cb", {.serdes = std::make_shared<PassThroughSerDes>()})
                    .result());
  };
  run_once(handler, client);
  client.complete_callback(kId1, OperationStatus::Succeeded, "not json");
  auto out = run_once(handler, client);
  ASSERT_EQ(out.status, InvocationStatus::Succeeded);
  EXPECT_EQ(Json::parse(*out.result), "not json");
}

TEST(Callback, NonJsonTextForTheDefaultSerDesIsAFatalSerDesError) {
  FakeCheckpointClient client;
  Handler handler = [](const Json&, DurableContext& ctx) {
    return Json(ctx.create_callback<std::string>("cb").result());
  };
  run_once(handler, client);
  client.complete_callback(kId1, OperationStatus::Succeeded, "not json");
  auto out = run_once(handler, client);
  ASSERT_EQ(out.status, InvocationStatus::Failed);
  EXPECT_EQ(out.error->error_type, "SerDesError");
  EXPECT_NE(out.error->error_message->find("callback " + kId1), std::string::npos)
      << *out.error->error_message;
}

TEST(Callback, JsonResultIsParsedAndEmptyIsNull) {
  FakeCheckpointClient client;
  Handler handler = [](const Json&, DurableContext& ctx) {
    auto a = ctx.create_callback<Json>("a");
    auto b = ctx.create_callback<Json>("b");
    return Json{{"a", a.result()}, {"b", b.result()}};
  };
  run_once(handler, client);
  client.complete_callback(kId1, OperationStatus::Succeeded, R"({"status":"approved"})");
  client.complete_callback(kId2, OperationStatus::Succeeded, std::nullopt);
  EXPECT_EQ(Json::parse(*run_once(handler, client).result),
            (Json{{"a", {{"status", "approved"}}}, {"b", nullptr}}));
}

TEST(Callback, TimedOutThrowsCallbackTimeoutError) {
  FakeCheckpointClient client;
  Handler handler = [](const Json&, DurableContext& ctx) {
    auto cb = ctx.create_callback("cb", {.timeout = Duration::from_seconds(5)});
    try {
      cb.result();
      return Json("no");
    } catch (const CallbackTimeoutError& e) {
      return Json{{"type", e.error_type()}, {"heartbeat", e.is_heartbeat_timeout()},
                  {"message", e.what()}};
    }
  };
  run_once(handler, client);
  client.complete_callback(kId1, OperationStatus::TimedOut, std::nullopt,
                           ErrorObject{"Callback.Timeout", "Callback timed out", std::nullopt,
                                       std::nullopt});
  EXPECT_EQ(Json::parse(*run_once(handler, client).result),
            (Json{{"type", "Callback.Timeout"}, {"heartbeat", false},
                  {"message", "Callback timed out"}}));
}

TEST(Callback, HeartbeatTimeoutIsDistinguishable) {
  FakeCheckpointClient client;
  Handler handler = [](const Json&, DurableContext& ctx) {
    auto cb = ctx.create_callback("cb", {.heartbeat_timeout = Duration::from_seconds(10)});
    try {
      cb.result();
      return Json("no");
    } catch (const CallbackError& e) {
      auto* timeout = dynamic_cast<const CallbackTimeoutError*>(&e);
      return Json{{"timeout", timeout != nullptr},
                  {"heartbeat", timeout && timeout->is_heartbeat_timeout()}};
    }
  };
  run_once(handler, client);
  client.complete_callback(kId1, OperationStatus::TimedOut, std::nullopt,
                           ErrorObject{"Callback.Heartbeat", "Callback timed out on heartbeat",
                                       std::nullopt, std::nullopt});
  EXPECT_EQ(Json::parse(*run_once(handler, client).result),
            (Json{{"timeout", true}, {"heartbeat", true}}));
}

TEST(Callback, ExternalFailureCarriesTheExternalError) {
  for (OperationStatus status :
       {OperationStatus::Failed, OperationStatus::Cancelled, OperationStatus::Stopped}) {
    FakeCheckpointClient client;
    Handler handler = [](const Json&, DurableContext& ctx) {
      auto cb = ctx.create_callback("cb");
      try {
        cb.result();
        return Json("no");
      } catch (const CallbackExternalError& e) {
        return Json{{"type", e.error_type()}, {"message", e.what()},
                    {"data", e.error_data().value_or("")}, {"trace", e.stack_trace()}};
      }
    };
    run_once(handler, client);
    client.complete_callback(kId1, status, std::nullopt,
                             ErrorObject{"RejectedError", "not approved", "{\"by\":\"bob\"}",
                                         std::vector<std::string>{"at x"}});
    EXPECT_EQ(Json::parse(*run_once(handler, client).result),
              (Json{{"type", "RejectedError"}, {"message", "not approved"},
                    {"data", "{\"by\":\"bob\"}"}, {"trace", {"at x"}}}))
        << to_string(status);
  }
}

TEST(Callback, UncaughtExternalFailureFailsTheExecutionWithItsMessage) {
  FakeCheckpointClient client;
  Handler handler = [](const Json&, DurableContext& ctx) {
    return Json(ctx.create_callback("cb").result());
  };
  run_once(handler, client);
  client.complete_callback(kId1, OperationStatus::Failed, std::nullopt,
                           ErrorObject{"RejectedError", "not approved", std::nullopt,
                                       std::nullopt});
  auto out = run_once(handler, client);
  ASSERT_EQ(out.status, InvocationStatus::Failed);
  EXPECT_EQ(out.error->error_message, "not approved");
}

TEST(Callback, FailureWithoutAnyErrorFieldsStillExplainsItself) {
  FakeCheckpointClient client;
  Handler handler = [](const Json&, DurableContext& ctx) {
    return Json(ctx.create_callback("cb").result());
  };
  run_once(handler, client);
  client.complete_callback(kId1, OperationStatus::Failed, std::nullopt, ErrorObject{});
  auto out = run_once(handler, client);
  EXPECT_EQ(out.error->error_type, "CallbackExternalError");
  EXPECT_NE(out.error->error_message->find("ended with status FAILED"), std::string::npos);
}

TEST(Callback, CreatingNeverThrowsOnReplayCodeBetweenCreateAndResultRuns) {
  FakeCheckpointClient client;
  int between = 0;
  Handler handler = [&](const Json&, DurableContext& ctx) {
    auto cb = ctx.create_callback("cb");
    ++between;
    ctx.step([](StepContext&) { return 1; }, "work");
    try {
      return Json(cb.result());
    } catch (const CallbackError&) {
      return Json("failed");
    }
  };
  run_once(handler, client);
  client.complete_callback(kId1, OperationStatus::Failed, std::nullopt,
                           ErrorObject{"E", "m", std::nullopt, std::nullopt});
  EXPECT_EQ(run_once(handler, client).result, "\"failed\"");
  EXPECT_EQ(between, 2);
}

TEST(Callback, ResultOfASecondCallbackAwaitedFirst) {
  FakeCheckpointClient client;
  Handler handler = [](const Json&, DurableContext& ctx) {
    auto a = ctx.create_callback("A");
    auto b = ctx.create_callback("B");
    std::string rb = b.result();
    std::string ra = a.result();
    return Json{rb, ra};
  };
  run_once(handler, client);
  EXPECT_EQ(client.batches.size(), 2u);  // each START is synchronous
  client.complete_callback(kId2, OperationStatus::Succeeded, "\"b\"");
  EXPECT_EQ(run_once(handler, client).status, InvocationStatus::Pending);  // A still open
  client.complete_callback(kId1, OperationStatus::Succeeded, "\"a\"");
  EXPECT_EQ(run_once(handler, client).result, R"(["b","a"])");
}

struct Receipt {
  std::string id;
  long timestamp = 0;
};

// Parses {"id":..,"timestamp":"2026-01-01T00:00:00.000Z"} into a Receipt with epoch seconds.
class ReceiptSerDes : public SerDes<Receipt> {
 public:
  std::string serialize(const Receipt& r, const SerDesContext&) const override {
    return Json{{"id", r.id}, {"timestamp", r.timestamp}}.dump();
  }
  Receipt deserialize(std::string_view data, const SerDesContext&) const override {
    Json j = Json::parse(data);
    Receipt r{j.at("id").get<std::string>(), 0};
    if (j.at("timestamp").get<std::string>() == "2026-01-01T00:00:00.000Z") r.timestamp = 1767225600;
    return r;
  }
};

TEST(Callback, CustomSerDesDecodesTheResult) {
  FakeCheckpointClient client;
  Handler handler = [](const Json&, DurableContext& ctx) {
    auto cb = ctx.create_callback<Receipt>("cb", {.serdes = std::make_shared<ReceiptSerDes>()});
    Receipt r = cb.result();
    return Json{{"id", r.id}, {"timestamp", r.timestamp}};
  };
  run_once(handler, client);
  client.complete_callback(kId1, OperationStatus::Succeeded,
                           R"({"id":"x1","timestamp":"2026-01-01T00:00:00.000Z"})");
  EXPECT_EQ(Json::parse(*run_once(handler, client).result),
            (Json{{"id", "x1"}, {"timestamp", 1767225600}}));
}

TEST(Callback, UndecodableResultIsAFatalSerDesError) {
  FakeCheckpointClient client;
  Handler handler = [](const Json&, DurableContext& ctx) {
    try {
      return Json(ctx.create_callback<int>("cb").result());
    } catch (...) {
      return Json("swallowed");
    }
  };
  run_once(handler, client);
  client.complete_callback(kId1, OperationStatus::Succeeded, "not json");
  auto out = run_once(handler, client);
  ASSERT_EQ(out.status, InvocationStatus::Failed);
  EXPECT_EQ(out.error->error_type, "SerDesError");
}

TEST(Callback, ReplayMeetingAStepIsNonDeterministic) {
  FakeCheckpointClient client;
  run_once([](const Json&, DurableContext& ctx) { return Json(ctx.create_callback("x").result()); },
           client);
  auto out = run_once(
      [](const Json&, DurableContext& ctx) { return Json(ctx.step([](StepContext&) { return 1; }, "x")); },
      client);
  EXPECT_EQ(out.error->error_type, "NonDeterministicExecutionError");
}

TEST(CallbackValidation, SubSecondTimeoutsAreRejectedBeforeAnyCheckpoint) {
  for (int which = 0; which < 2; ++which) {
    FakeCheckpointClient client;
    auto out = run_once(
        [&](const Json&, DurableContext& ctx) {
          CallbackConfig<std::string> cfg;
          (which == 0 ? cfg.timeout : cfg.heartbeat_timeout) = Duration::from_milliseconds(200);
          ctx.create_callback("cb", cfg);
          return Json();
        },
        client);
    EXPECT_EQ(out.error->error_type, "ValidationError");
    EXPECT_NE(out.error->error_message->find(which == 0 ? "callback timeout" : "heartbeat_timeout"),
              std::string::npos)
        << *out.error->error_message;
    EXPECT_TRUE(client.batches.empty());
  }
}

TEST(CallbackValidation, ResultFromAnotherThreadIsALogicError) {
  FakeCheckpointClient client;
  bool threw = false;
  run_once(
      [&](const Json&, DurableContext& ctx) {
        auto cb = ctx.create_callback("cb");
        std::thread t([&] {
          try {
            cb.result();
          } catch (const std::logic_error&) {
            threw = true;
          } catch (...) {
          }
        });
        t.join();
        return Json();
      },
      client);
  EXPECT_TRUE(threw);
}

}  // namespace
}  // namespace durable
