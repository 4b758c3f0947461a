// Invoked functions in the DurableRunner: plain, raw and mocked functions, function faults
// (fail, time out, delay), unregistered targets, and the invoke documentation's testing section
// in C++ form.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <stdexcept>
#include <string>

#include "durable/durable.hpp"
#include "durable/emulator/function_registry.hpp"
#include "durable/testing.hpp"

namespace durable::testing {
namespace {

using ::testing::_;
using ::testing::AllOf;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::InSequence;
using ::testing::Not;
using ::testing::Return;
using ::testing::Throw;

// The order workflow of the invoke documentation: validate, then charge.
Json process_order(const Json& event, DurableContext& ctx) {
  const Json validation =
      ctx.invoke("validate-order", Json{{"order_id", event["order_id"]}}, "validate_order");
  if (!validation.value("valid", false)) return Json{{"status", "rejected"}};
  const Json payment = ctx.invoke(
      "process-payment", Json{{"order_id", event["order_id"]}, {"amount", event["amount"]}},
      "process_payment");
  return Json{{"status", "completed"}, {"transaction_id", payment["transaction_id"]}};
}

// Error handling with a fallback, as the documentation's handler_with_error_handling.
Json handle_errors(const Json&, DurableContext& ctx) {
  try {
    const Json r = ctx.invoke("risky-function", Json::object(), "risky");
    return Json{{"status", "succeeded"}, {"result", r}};
  } catch (const InvokeError& e) {
    return Json{{"status", "failed"}, {"error", e.error_message()}, {"type", e.error_type()}};
  }
}

// Timeout handling with a fallback, as the documentation's handler_with_timeout.
Json handle_timeout(const Json&, DurableContext& ctx) {
  try {
    const Json r = ctx.invoke("slow-function", Json::object(), "slow",
                              {.timeout = Duration::from_seconds(30)});
    return Json{{"status", "completed"}, {"result", r}};
  } catch (const InvokeError& e) {
    if (std::string(e.what()).find("timed out") != std::string::npos) {
      return Json{{"status", "timeout"}, {"type", e.error_type()}};
    }
    return Json{{"status", "failed"}};
  }
}

// --- The documentation's testing section ---

TEST(InvokeDocumentationTest, RunAndCheckStatusAndResult) {
  DurableRunner runner(process_order, {.function_name = "my_function"});
  runner.register_function("validate-order", [](const Json&) { return Json{{"valid", true}}; });
  auto& payment = runner.mock_function("process-payment");
  EXPECT_CALL(payment, Call(_)).WillOnce(Return(Json{{"transaction_id", "t-1"}}));
  const auto result =
      runner.run({{"order_id", "order-123"}, {"amount", 100.0}}, {.timeout = std::chrono::seconds(30)});
  EXPECT_EQ(result.status(), ExecutionStatus::Succeeded) << result;
  EXPECT_EQ(result.result()["status"], "completed");
  EXPECT_EQ(result.result()["transaction_id"], "t-1");
}

TEST(InvokeDocumentationTest, FindInvokeOperationsByTypeAndByName) {
  DurableRunner runner(process_order, {.function_name = "my_function"});
  runner.register_function("validate-order", [](const Json&) { return Json{{"valid", true}}; });
  runner.register_function("process-payment",
                           [](const Json&) { return Json{{"transaction_id", "t-2"}}; });
  const auto result = runner.run({{"order_id", "order-123"}, {"amount", 5}});
  ASSERT_EQ(result.status(), ExecutionStatus::Succeeded) << result;
  const auto invokes = result.operations(OperationType::ChainedInvoke);
  ASSERT_EQ(invokes.size(), 2u);
  EXPECT_THAT(invokes, ElementsAre(AllOf(IsInvokeOf("validate-order"), HasName("validate_order"),
                                         Succeeded()),
                                   AllOf(IsInvokeOf("process-payment"),
                                         HasPayload(JsonEq(Json{{"order_id", "order-123"},
                                                                {"amount", 5}})))));
  const auto validate = result.get_invoke("validate_order");
  EXPECT_EQ(validate.status(), OperationStatus::Succeeded);
  EXPECT_EQ(validate.function_name(), "validate-order");
  EXPECT_THAT(validate.input(), JsonEq(Json{{"order_id", "order-123"}}));
  EXPECT_THAT(validate.payload(), JsonEq(Json{{"order_id", "order-123"}}));
  EXPECT_EQ(validate.result<Json>()["valid"], true);
  EXPECT_FALSE(validate.error().has_value());
}

TEST(InvokeDocumentationTest, ErrorHandlingWithAMockedFunction) {
  DurableRunner runner(handle_errors, {.function_name = "error_handler_function"});
  EXPECT_CALL(runner.mock_function("risky-function"), Call(_))
      .WillOnce(Throw(std::runtime_error("database unavailable")));
  const auto result = runner.run(Json::object(), {.timeout = std::chrono::seconds(30)});
  EXPECT_EQ(result.status(), ExecutionStatus::Succeeded) << result;
  EXPECT_EQ(result.result()["status"], "failed");
  EXPECT_TRUE(result.result().contains("error"));
  EXPECT_EQ(result.result()["error"], "database unavailable");
  EXPECT_EQ(result.result()["type"], "runtime_error");
  EXPECT_THAT(result.get_invoke("risky"),
              AllOf(Failed(), HasErrorType("runtime_error"), HasErrorMessage("unavailable")));
}

TEST(InvokeDocumentationTest, TimeoutHandlingWithADelayedMock) {
  DurableRunner runner(handle_timeout, {.function_name = "timeout_function"});
  // The function would answer after a minute; the invoke gives up after 30 s.
  EXPECT_CALL(runner.mock_function("slow-function"), Call(_))
      .Times(::testing::AtMost(1))
      .WillRepeatedly(Return(Json{{"late", true}}));
  runner.delay_function("slow-function", std::chrono::minutes(1));
  const auto result = runner.run(Json::object(), {.timeout = std::chrono::seconds(60)});
  EXPECT_EQ(result.status(), ExecutionStatus::Succeeded) << result;
  EXPECT_EQ(result.result()["status"], "timeout");
  EXPECT_EQ(result.result()["type"], kInvokeTimeoutErrorType);
  EXPECT_THAT(result.get_invoke("slow"), HasStatus(OperationStatus::Stopped));
}

TEST(InvokeDocumentationTest, RejectionPathWithMock) {
  DurableRunner runner(process_order, {.function_name = "my_function"});
  EXPECT_CALL(runner.mock_function("validate-order"), Call(JsonEq(Json{{"order_id", "o-9"}})))
      .WillOnce(Return(Json{{"valid", false}}));
  EXPECT_CALL(runner.mock_function("process-payment"), Call(_)).Times(0);
  const auto result = runner.run({{"order_id", "o-9"}, {"amount", 1}});
  EXPECT_THAT(result, Succeeded());
  EXPECT_EQ(result.result()["status"], "rejected");
  EXPECT_EQ(result.operations(OperationType::ChainedInvoke).size(), 1u);
}

// --- Mocks ---

TEST(RunnerMockTest, InSequenceTimesAndPayloadMatchers) {
  DurableRunner runner([](const Json&, DurableContext& ctx) -> Json {
    Json total = 0;
    for (int i = 1; i <= 3; ++i) {
      total = total.get<int>() +
              ctx.invoke("adder", Json{{"n", i}}, "add-" + std::to_string(i))["sum"].get<int>();
    }
    return total;
  });
  auto& adder = runner.mock_function("adder");
  {
    InSequence sequence;
    EXPECT_CALL(adder, Call(JsonEq(Json{{"n", 1}}))).WillOnce(Return(Json{{"sum", 10}}));
    EXPECT_CALL(adder, Call(JsonEq(Json{{"n", 2}}))).Times(1).WillOnce(Return(Json{{"sum", 20}}));
    EXPECT_CALL(adder, Call(JsonEq(Json{{"n", 3}}))).WillOnce(Return(Json{{"sum", 30}}));
  }
  const auto result = runner.run();
  ASSERT_THAT(result, Succeeded()) << result;
  EXPECT_EQ(result.result(), 60);
  EXPECT_EQ(&runner.mock_function("adder"), &adder);  // one mock per name, stable
  EXPECT_EQ(result.get_invoke("add-2").input()["n"], 2);
}

TEST(RunnerMockTest, SameFunctionInvokedSeveralTimesCountsCalls) {
  DurableRunner runner([](const Json&, DurableContext& ctx) -> Json {
    ctx.invoke("ping", Json{{"i", 0}});
    ctx.invoke("ping", Json{{"i", 1}});
    return ctx.invoke("ping", Json{{"i", 2}});
  });
  EXPECT_CALL(runner.mock_function("ping"), Call(_)).Times(3).WillRepeatedly(Return(Json("pong")));
  const auto result = runner.run();
  EXPECT_EQ(result.result(), "pong");
  EXPECT_EQ(result.operations(OperationType::ChainedInvoke).size(), 3u);
}

struct NotAStdException {
  int code;
};

TEST(RunnerMockTest, MockThrowingANonStdExceptionFailsTheInvokeNamingTheFunction) {
  DurableRunner runner([](const Json&, DurableContext& ctx) -> Json {
    return ctx.invoke("weird", Json::object(), "weird-call");
  });
  EXPECT_CALL(runner.mock_function("weird"), Call(_)).WillOnce(Throw(NotAStdException{7}));
  const auto result = runner.run();
  EXPECT_THAT(result, Failed()) << result;
  const auto invoke = result.get_invoke("weird-call");
  EXPECT_THAT(invoke, AllOf(Failed(), HasErrorType("UnknownException"),
                            HasErrorMessage("function \"weird\" threw an exception that is not a "
                                            "std::exception"),
                            HasErrorMessage("NotAStdException")));
}

TEST(RunnerMockTest, FunctionErrorGivesTheExactErrorObject) {
  DurableRunner runner([](const Json&, DurableContext& ctx) -> Json {
    return ctx.invoke("pay", Json::object(), "pay");
  });
  EXPECT_CALL(runner.mock_function("pay"), Call(_))
      .WillOnce(Throw(emulator::FunctionError(
          ErrorObject{"PaymentDeclined", "card expired", "{\"code\":51}", std::nullopt})));
  const auto result = runner.run();
  const auto error = result.get_invoke("pay").error();
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->error_type, "PaymentDeclined");
  EXPECT_EQ(error->error_message, "card expired");
  EXPECT_EQ(error->error_data, "{\"code\":51}");
}

TEST(RunnerMockTest, UninterestingCallReturnsNull) {
  DurableRunner runner([](const Json&, DurableContext& ctx) -> Json {
    return Json{{"got", ctx.invoke("quiet", Json::object())}};
  });
  runner.mock_function("quiet");  // no expectation: gmock warns, the call answers null
  const auto result = runner.run();
  EXPECT_THAT(result.result(), JsonEq(Json{{"got", nullptr}}));
}

// --- Plain and raw functions ---

TEST(RunnerFunctionTest, RegisteredFunctionReceivesPayloadAndExceptionsBecomeInvokeErrors) {
  DurableRunner runner([](const Json&, DurableContext& ctx) -> Json {
    const Json echoed = ctx.invoke("echo", Json{{"x", 1}}, "echo");
    try {
      ctx.invoke("thrower", Json::object(), "thrower");
    } catch (const InvokeError& e) {
      return Json{{"echoed", echoed}, {"type", e.error_type()}, {"message", e.error_message()}};
    }
    return "unexpected";
  });
  runner.register_function("echo", [](const Json& p) { return p; });
  runner.register_function("thrower", [](const Json&) -> Json {
    throw std::invalid_argument("bad order");
  });
  const auto result = runner.run();
  ASSERT_THAT(result, Succeeded()) << result;
  EXPECT_THAT(result.result(), JsonEq(Json{{"echoed", {{"x", 1}}},
                                           {"type", "invalid_argument"},
                                           {"message", "bad order"}}));
}

TEST(RunnerFunctionTest, RawFunctionSeesTheTextAndJsonFunctionRejectsNonJsonPayload) {
  struct RawText : SerDes<std::string> {
    std::string serialize(const std::string& v, const SerDesContext&) const override { return v; }
    std::string deserialize(std::string_view t, const SerDesContext&) const override {
      return std::string(t);
    }
  };
  DurableRunner runner([](const Json&, DurableContext& ctx) -> Json {
    InvokeConfig<std::string, std::string> config;
    config.serdes_payload = std::make_shared<RawText>();
    const std::string upper = ctx.invoke<std::string>("upper", std::string("abc"), "raw", config);
    try {
      ctx.invoke("json-only", std::string("not json"), "json",
                 InvokeConfig<std::string, Json>{.serdes_payload = std::make_shared<RawText>()});
    } catch (const InvokeError& e) {
      return Json{{"upper", upper}, {"type", e.error_type()}, {"message", e.error_message()}};
    }
    return "unexpected";
  });
  runner.register_raw_function("upper", [](const std::string& text) {
    std::string out = text;
    for (auto& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return Json(out).dump();  // a Lambda result is JSON
  });
  runner.register_function("json-only", [](const Json& p) { return p; });
  const auto result = runner.run();
  ASSERT_THAT(result, Succeeded()) << result;
  EXPECT_EQ(result.result()["upper"], "ABC");
  EXPECT_EQ(result.result()["type"], "PayloadNotJson");
  EXPECT_THAT(result.result()["message"].get<std::string>(),
              AllOf(HasSubstr("\"json-only\""), HasSubstr("not json"),
                    HasSubstr("register_raw_function")));
}

TEST(RunnerFunctionTest, RawFunctionResultMustBeJson) {
  DurableRunner runner([](const Json&, DurableContext& ctx) -> Json {
    try {
      ctx.invoke("sloppy", Json::object(), "sloppy");
    } catch (const InvokeError& e) {
      return e.error_type();
    }
    return "unexpected";
  });
  runner.register_raw_function("sloppy", [](const std::string&) { return std::string("ABC"); });
  EXPECT_EQ(runner.run().result(), "Runtime.InvalidResponse");
}

TEST(RunnerFunctionTest, BadRegistrationsAreRejected) {
  DurableRunner runner([](const Json&, DurableContext&) -> Json { return nullptr; },
                       {.function_name = "main"});
  EXPECT_THROW(runner.register_function("", [](const Json& p) { return p; }),
               std::invalid_argument);
  EXPECT_THROW(runner.register_function("f", PlainHandler{}), std::invalid_argument);
  EXPECT_THROW(runner.register_raw_function("f", RawPlainHandler{}), std::invalid_argument);
  try {
    runner.mock_function("main");
    FAIL() << "mocking the handler under test must be rejected";
  } catch (const std::invalid_argument& e) {
    EXPECT_THAT(e.what(), HasSubstr("handler under test"));
  }
  EXPECT_THROW(runner.fail_function("main", "E", "m"), std::invalid_argument);
  EXPECT_THROW(runner.time_out_function("f", std::chrono::milliseconds(1500)),
               std::invalid_argument);
  EXPECT_THROW(runner.time_out_function("f", std::chrono::seconds(0)), std::invalid_argument);
  EXPECT_THROW(runner.delay_function("f", std::chrono::seconds(-1)), std::invalid_argument);
  runner.register_durable_function("durable", [](const Json&, DurableContext&) -> Json {
    return nullptr;
  });
  EXPECT_THROW(runner.delay_function("durable", std::chrono::seconds(1)), std::invalid_argument);
}

// --- Unregistered functions and payloads that cannot be sent ---

TEST(RunnerFunctionTest, UnregisteredFunctionFailsTheRunFastNamingIt) {
  DurableRunner runner([](const Json&, DurableContext& ctx) -> Json {
    try {
      ctx.invoke("nobody-registered-me", Json::object(), "lonely");
    } catch (const InvokeError&) {
      return "swallowed";  // without fail-fast the misconfiguration would pass unnoticed
    }
    return nullptr;
  });
  try {
    runner.run();
    FAIL() << "expected RunnerError";
  } catch (const RunnerError& e) {
    EXPECT_THAT(e.what(), AllOf(HasSubstr("\"nobody-registered-me\""), HasSubstr("\"lonely\""),
                                HasSubstr("not registered"), HasSubstr("register_function")));
  }
}

TEST(RunnerFunctionTest, DelayWithoutABodyIsReportedWhenInvoked) {
  DurableRunner runner([](const Json&, DurableContext& ctx) -> Json {
    return ctx.invoke("bodiless", Json::object());
  });
  runner.delay_function("bodiless", std::chrono::seconds(5));
  try {
    runner.run();
    FAIL() << "expected RunnerError";
  } catch (const RunnerError& e) {
    EXPECT_THAT(e.what(), HasSubstr("delay_function(\"bodiless\") was declared"));
  }
}

struct Unserializable {
  int value = 0;
};
void to_json(Json&, const Unserializable&) { throw std::runtime_error("cannot encode Unserializable"); }
void from_json(const Json&, Unserializable&) {}

TEST(RunnerFunctionTest, InvokePayloadThatCannotBeSerializedFailsTheExecution) {
  DurableRunner runner([](const Json&, DurableContext& ctx) -> Json {
    return ctx.invoke("target", Unserializable{1}, "bad-payload");
  });
  EXPECT_CALL(runner.mock_function("target"), Call(_)).Times(0);
  const auto result = runner.run();
  EXPECT_THAT(result, AllOf(Failed(), HasErrorMessage("cannot serialize the payload"),
                            HasErrorMessage("'target'"), HasErrorMessage("cannot encode")));
  EXPECT_TRUE(result.operations(OperationType::ChainedInvoke).empty());
}

// --- Function faults ---

TEST(RunnerFunctionFaultTest, FailFunctionWinsOverTheBodyWithTheExactError) {
  DurableRunner runner(handle_errors);
  EXPECT_CALL(runner.mock_function("risky-function"), Call(_)).Times(0);
  runner.fail_function("risky-function", "PaymentDeclined", "insufficient funds");
  const auto result = runner.run();
  ASSERT_THAT(result, Succeeded()) << result;
  EXPECT_THAT(result.result(), JsonEq(Json{{"status", "failed"},
                                           {"error", "insufficient funds"},
                                           {"type", "PaymentDeclined"}}));
  EXPECT_THAT(result.get_invoke("risky"), HasErrorType("PaymentDeclined"));
}

TEST(RunnerFunctionFaultTest, FailFunctionAloneNeedsNoRegistration) {
  DurableRunner runner(handle_errors);
  runner.fail_function("risky-function", ErrorObject{"Boom", "no body needed", std::nullopt,
                                                     std::nullopt});
  const auto result = runner.run();
  EXPECT_EQ(result.result()["type"], "Boom");
}

TEST(RunnerFunctionFaultTest, TimeOutFunctionMakesTheInvokeTimedOut) {
  DurableRunner runner([](const Json&, DurableContext& ctx) -> Json {
    try {
      ctx.invoke("stuck", Json::object(), "stuck");
    } catch (const InvokeError& e) {
      return Json{{"type", e.error_type()}, {"what", e.what()}};
    }
    return "unexpected";
  });
  runner.register_function("stuck", [](const Json&) { return Json("late"); });
  runner.time_out_function("stuck", std::chrono::seconds(10));
  const auto result = runner.run();
  ASSERT_THAT(result, Succeeded()) << result;
  EXPECT_EQ(result.result()["type"], "Sandbox.Timedout");
  EXPECT_THAT(result.result()["what"].get<std::string>(), HasSubstr("timed out"));
  const auto invoke = result.get_invoke("stuck");
  EXPECT_THAT(invoke, HasStatus(OperationStatus::TimedOut));
  ASSERT_TRUE(invoke.end_timestamp().has_value());
  EXPECT_EQ(*invoke.end_timestamp() - invoke.start_timestamp(), std::chrono::seconds(10));
}

TEST(RunnerFunctionFaultTest, DefaultTimeOutIsLambdasDefaultFunctionTimeout) {
  DurableRunner runner([](const Json&, DurableContext& ctx) -> Json {
    try {
      ctx.invoke("stuck", Json::object(), "stuck");
    } catch (const InvokeError&) {
    }
    return nullptr;
  });
  runner.time_out_function("stuck");
  const auto result = runner.run();
  const auto invoke = result.get_invoke("stuck");
  EXPECT_THAT(invoke, HasStatus(OperationStatus::TimedOut));
  EXPECT_EQ(*invoke.end_timestamp() - invoke.start_timestamp(), kDefaultFunctionTimeout);
}

TEST(RunnerFunctionFaultTest, DelayFunctionAnswersAfterVirtualTime) {
  DurableRunner runner([](const Json&, DurableContext& ctx) -> Json {
    return ctx.invoke("slow", Json{{"q", 1}}, "slow");
  });
  runner.register_function("slow", [](const Json& p) { return Json{{"answer", p["q"]}}; });
  runner.delay_function("slow", Duration::from_hours(2));
  const auto wall_start = std::chrono::steady_clock::now();
  const auto result = runner.run();
  EXPECT_LT(std::chrono::steady_clock::now() - wall_start, std::chrono::seconds(5));
  ASSERT_THAT(result, Succeeded()) << result;
  EXPECT_THAT(result.result(), JsonEq(Json{{"answer", 1}}));
  const auto invoke = result.get_invoke("slow");
  EXPECT_EQ(*invoke.end_timestamp() - invoke.start_timestamp(), std::chrono::hours(2));
  EXPECT_EQ(result.invocation_count(), 2u);
}

TEST(RunnerFunctionFaultTest, DelayShorterThanInvokeTimeoutCompletes) {
  DurableRunner runner(handle_timeout);
  runner.register_function("slow-function", [](const Json&) { return Json("done"); });
  runner.delay_function("slow-function", std::chrono::seconds(10));
  const auto result = runner.run();
  EXPECT_THAT(result.result(), JsonEq(Json{{"status", "completed"}, {"result", "done"}}));
  EXPECT_THAT(result.get_invoke("slow"), Succeeded());
}

TEST(RunnerFunctionFaultTest, FaultsOnDurableFunctions) {
  DurableRunner runner([](const Json&, DurableContext& ctx) -> Json {
    Json out;
    for (const char* fn : {"child-fails", "child-slow"}) {
      try {
        out[fn] = ctx.invoke(fn, Json::object(), fn);
      } catch (const InvokeError& e) {
        out[fn] = e.error_type();
      }
    }
    return out;
  });
  const Handler child = [](const Json&, DurableContext& ctx) -> Json {
    ctx.wait(Duration::from_minutes(5));
    return "child done";
  };
  runner.register_durable_function("child-fails", child);
  runner.fail_function("child-fails", "ChildBroken", "declared to fail");
  runner.register_durable_function("child-slow", child);
  runner.time_out_function("child-slow", std::chrono::seconds(60));
  const auto result = runner.run();
  ASSERT_THAT(result, Succeeded()) << result;
  EXPECT_EQ(result.result()["child-fails"], "ChildBroken");
  EXPECT_THAT(result.get_invoke("child-slow"), HasStatus(OperationStatus::TimedOut));
}

}  // namespace
}  // namespace durable::testing
