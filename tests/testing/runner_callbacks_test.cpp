// Callbacks in the DurableRunner: rules declared before the run (succeed, fail, heartbeat,
// time_out, after, patterns), step-by-step answers, and the service's errors for bad ids.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <stdexcept>
#include <string>

#include "durable/durable.hpp"
#include "durable/testing.hpp"

namespace durable::testing {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;

// Creates a callback named "approval" and returns its answer (or how it ended).
Handler approval_handler(CallbackConfig<Json> config = {}) {
  return [config](const Json&, DurableContext& ctx) -> Json {
    auto callback = ctx.create_callback<Json>("approval", config);
    try {
      return Json{{"answer", callback.result()}};
    } catch (const CallbackTimeoutError& e) {
      return Json{{"timed_out", e.error_type()}};
    } catch (const CallbackExternalError& e) {
      return Json{{"failed", e.error_type()}, {"message", e.error_message()}};
    }
  };
}

// wait_for_callback named "payment"; the submitter records the id it was given.
Json payment_handler(const Json&, DurableContext& ctx) {
  return ctx.wait_for_callback<Json>(
      [](const std::string& callback_id, WaitForCallbackContext& wc) {
        wc.logger().info("submitting " + callback_id);
      },
      "payment", {.timeout = Duration::from_hours(1)});
}

// --- Rules ---

TEST(CallbackRuleTest, SucceedAfterAVirtualDelay) {
  DurableRunner runner(approval_handler());
  runner.on_callback("approval").succeed({{"approved", true}}).after(std::chrono::hours(2));
  const auto result = runner.run();
  ASSERT_THAT(result, Succeeded()) << result;
  EXPECT_THAT(result.result(), JsonEq(Json{{"answer", {{"approved", true}}}}));
  const auto callback = result.get_callback("approval");
  EXPECT_THAT(callback, Succeeded());
  EXPECT_FALSE(callback.callback_id().empty());
  EXPECT_THAT(callback.result(), JsonEq(Json{{"approved", true}}));
  EXPECT_FALSE(callback.error().has_value());
  ASSERT_TRUE(callback.end_timestamp().has_value());
  EXPECT_EQ(*callback.end_timestamp() - callback.start_timestamp(), std::chrono::hours(2));
  EXPECT_EQ(result.invocation_count(), 2u);
}

TEST(CallbackRuleTest, SucceedSendsJsonThatAStringCallbackDecodes) {
  DurableRunner runner([](const Json&, DurableContext& ctx) -> Json {
    return ctx.create_callback<std::string>("token").result();
  });
  runner.on_callback("token").succeed(Json("approved"));
  const auto result = runner.run();
  EXPECT_EQ(result.result(), "approved");
  EXPECT_EQ(result.get_callback("token").result_payload(), "\"approved\"");
}

TEST(CallbackRuleTest, SucceedRawReachesAPassThroughStringCallbackUnchanged) {
  DurableRunner runner([](const Json&, DurableContext& ctx) -> Json {
    return ctx
        .create_callback<std::string>("token", {.serdes = std::make_shared<PassThroughSerDes>()})
        .result();
  });
  runner.on_callback("token").succeed_raw("plain text, not JSON");
  const auto result = runner.run();
  EXPECT_EQ(result.result(), "plain text, not JSON");
  EXPECT_EQ(result.get_callback("token").result_payload(), "plain text, not JSON");
}

TEST(CallbackRuleTest, FailGivesTheHandlerTheExternalError) {
  DurableRunner runner(approval_handler());
  runner.on_callback("approval").fail("Rejected", "manager said no");
  const auto result = runner.run();
  EXPECT_THAT(result.result(),
              JsonEq(Json{{"failed", "Rejected"}, {"message", "manager said no"}}));
  EXPECT_THAT(result.get_callback("approval"),
              AllOf(Failed(), HasErrorType("Rejected"), HasErrorMessage("said no")));
}

TEST(CallbackRuleTest, HeartbeatsKeepACallbackAlivePastItsHeartbeatTimeout) {
  DurableRunner runner(approval_handler({.timeout = Duration::from_minutes(10),
                                         .heartbeat_timeout = Duration::from_seconds(10)}));
  runner.on_callback("approval").heartbeat().after(std::chrono::seconds(5));
  runner.on_callback("approval").heartbeat().after(std::chrono::seconds(12));
  runner.on_callback("approval").succeed("ok").after(std::chrono::seconds(20));
  const auto result = runner.run();
  EXPECT_THAT(result.result(), JsonEq(Json{{"answer", "ok"}})) << result;
}

TEST(CallbackRuleTest, WithoutHeartbeatsTheHeartbeatTimeoutFires) {
  DurableRunner runner(approval_handler({.timeout = Duration::from_minutes(10),
                                         .heartbeat_timeout = Duration::from_seconds(10)}));
  runner.on_callback("approval").succeed("ok").after(std::chrono::seconds(20));
  const auto result = runner.run();
  EXPECT_THAT(result.result(), JsonEq(Json{{"timed_out", kCallbackHeartbeatErrorType}}));
  EXPECT_THAT(result.get_callback("approval"), HasStatus(OperationStatus::TimedOut));
}

TEST(CallbackRuleTest, TimeOutDeclaredFirstWinsOverALaterCatchAllRule) {
  DurableRunner runner(approval_handler({.timeout = Duration::from_seconds(30)}));
  runner.on_callback("approval").time_out();
  runner.on_callback("*").succeed("too late");
  const auto result = runner.run();
  EXPECT_THAT(result.result(), JsonEq(Json{{"timed_out", kCallbackTimeoutErrorType}}));
}

TEST(CallbackRuleTest, PatternsMatchTheWaitForCallbackName) {
  DurableRunner runner(payment_handler);
  runner.on_callback("pay*").succeed({{"paid", 42}}).after(std::chrono::minutes(3));
  const auto result = runner.run();
  ASSERT_THAT(result, Succeeded()) << result;
  EXPECT_THAT(result.result(), JsonEq(Json{{"paid", 42}}));
  EXPECT_THAT(result.get_context("payment"), Succeeded());
  const auto callback = result.get_callback("payment create callback id");
  EXPECT_THAT(callback.result(), JsonEq(Json{{"paid", 42}}));
}

TEST(CallbackRuleTest, GlobMatching) {
  EXPECT_TRUE(CallbackRule("approval").matches("approval"));
  EXPECT_FALSE(CallbackRule("approval").matches("approval2"));
  EXPECT_TRUE(CallbackRule("a*l").matches("approval"));
  EXPECT_TRUE(CallbackRule("*").matches(""));
  EXPECT_TRUE(CallbackRule("app?oval").matches("approval"));
  EXPECT_FALSE(CallbackRule("app?oval").matches("appoval"));
  EXPECT_TRUE(CallbackRule("*-*-id").matches("a-b-c-id"));
  EXPECT_FALSE(CallbackRule("*x").matches("abc"));
}

TEST(CallbackRuleTest, MisdeclaredRulesAreRejected) {
  EXPECT_THROW(CallbackRule(""), std::invalid_argument);
  CallbackRule rule("x");
  rule.succeed(1);
  try {
    rule.fail("E", "m");
    FAIL() << "a second terminal action must be rejected";
  } catch (const std::logic_error& e) {
    EXPECT_THAT(e.what(), AllOf(HasSubstr("\"x\""), HasSubstr("succeed"), HasSubstr("fail")));
  }
  EXPECT_THROW(CallbackRule("y").after(std::chrono::seconds(-1)), std::invalid_argument);

  DurableRunner runner(approval_handler());
  runner.on_callback("approval");  // no action
  try {
    runner.run();
    FAIL() << "a rule without an action must be rejected";
  } catch (const RunnerError& e) {
    EXPECT_THAT(e.what(), HasSubstr("on_callback(\"approval\") declares no action"));
  }
}

TEST(CallbackRuleTest, AnUnansweredCallbackMakesTheRunStuckWithAnExplanation) {
  DurableRunner runner(approval_handler());
  runner.on_callback("something-else").succeed(1);
  try {
    runner.run();
    FAIL() << "expected RunnerError";
  } catch (const RunnerError& e) {
    EXPECT_THAT(e.what(), AllOf(HasSubstr("callback \"approval\""),
                                HasSubstr("no on_callback rule matches it")));
  }
}

// --- Step by step ---

TEST(CallbackStepByStepTest, WaitForCallbackThenSendSuccess) {
  DurableRunner runner([](const Json&, DurableContext& ctx) -> Json {
    ctx.wait(Duration::from_hours(1), "before");  // the callback appears only after a wait
    return ctx.create_callback<Json>("approval").result();
  });
  runner.start();
  const std::string id = runner.wait_for_callback("approval");
  EXPECT_FALSE(id.empty());
  EXPECT_EQ(runner.status(), ExecutionStatus::Running);
  EXPECT_EQ(runner.wait_for_callback("approval"), id);  // still the open one
  runner.send_callback_success(id, {{"approved", "yes"}});
  const auto result = runner.wait_for_result();
  ASSERT_THAT(result, Succeeded()) << result;
  EXPECT_THAT(result.result(), JsonEq(Json{{"approved", "yes"}}));
  EXPECT_EQ(result.get_callback("approval").callback_id(), id);
}

TEST(CallbackStepByStepTest, FailureAndHeartbeatAndRaw) {
  DurableRunner runner([](const Json&, DurableContext& ctx) -> Json {
    Json out;
    try {
      ctx.wait_for_callback<Json>([](const std::string&, WaitForCallbackContext&) {}, "first",
                                  {.heartbeat_timeout = Duration::from_seconds(30)});
    } catch (const CallbackExternalError& e) {
      // Thrown on the replay that follows the failure too, although the service no longer
      // shows the context's children by then.
      out["first"] = e.error_type();
    }
    out["second"] = ctx.create_callback<std::string>(
                           "second", {.serdes = std::make_shared<PassThroughSerDes>()})
                        .result();
    return out;
  });
  runner.start();
  const auto first = runner.wait_for_callback("first");
  runner.send_callback_heartbeat(first);
  runner.advance_clock(std::chrono::seconds(20));
  runner.send_callback_heartbeat(first);
  runner.advance_clock(std::chrono::seconds(20));  // 40 s in: alive thanks to the heartbeats
  runner.send_callback_failure(first, ErrorObject{"Declined", "no", std::nullopt, std::nullopt});
  const auto second = runner.wait_for_callback("sec*");
  EXPECT_NE(second, first);
  runner.send_callback_success_raw(second, "raw!");
  const auto result = runner.wait_for_result();
  EXPECT_THAT(result.result(), JsonEq(Json{{"first", "Declined"}, {"second", "raw!"}})) << result;
}

// A failed wait_for_callback caught by the handler, which then waits: the invocation after the
// wait replays the completed WaitForCallback context, whose children the service hides, and
// must throw the same CallbackError subclass with the same error as the first run.
Handler classifying_then_waiting(bool failing_submitter,
                                 Duration heartbeat_timeout = Duration::from_minutes(10)) {
  return [failing_submitter, heartbeat_timeout](const Json&, DurableContext& ctx) -> Json {
    Json out;
    try {
      ctx.wait_for_callback<Json>(
          [failing_submitter](const std::string&, WaitForCallbackContext&) {
            if (failing_submitter) throw std::invalid_argument("queue unavailable");
          },
          "payment",
          {.timeout = Duration::from_hours(1),
           .heartbeat_timeout = heartbeat_timeout,
           .retry_strategy = retry_presets::none()});
      out["class"] = "none";
    } catch (const CallbackTimeoutError& e) {
      out = {{"class", e.is_heartbeat_timeout() ? "heartbeat" : "timeout"}, {"type", e.error_type()}};
    } catch (const CallbackExternalError& e) {
      out = {{"class", "external"}, {"type", e.error_type()}, {"message", e.error_message()}};
    } catch (const CallbackSubmitterError& e) {
      out = {{"class", "submitter"}, {"type", e.error_type()}, {"message", e.error_message()}};
    } catch (const CallbackError& e) {
      out = {{"class", "base"}, {"type", e.error_type()}};
    }
    ctx.wait(Duration::from_seconds(5), "after");
    return out;
  };
}

TEST(CallbackReplayTest, ExternalFailureKeepsItsClassAfterTheContextCompleted) {
  DurableRunner runner(classifying_then_waiting(false));
  runner.on_callback("payment*").fail("Declined", "card refused").after(Duration::from_minutes(1));
  const auto result = runner.run();
  ASSERT_THAT(result, Succeeded()) << result;
  EXPECT_THAT(result.result(), JsonEq(Json{{"class", "external"},
                                          {"type", "Declined"},
                                          {"message", "card refused"}}));
  EXPECT_EQ(result.invocation_count(), 3u);
  // The class travels in the context's own error, the user's type after the tag.
  const auto context = result.get_context("payment");
  ASSERT_TRUE(context.error().has_value());
  EXPECT_EQ(context.error()->error_type, "CallbackExternalError:Declined");
}

TEST(CallbackReplayTest, SubmitterFailureKeepsItsClassAfterTheContextCompleted) {
  DurableRunner runner(classifying_then_waiting(true));
  const auto result = runner.run();
  ASSERT_THAT(result, Succeeded()) << result;
  EXPECT_THAT(result.result(), JsonEq(Json{{"class", "submitter"},
                                          {"type", "invalid_argument"},
                                          {"message", "queue unavailable"}}));
  EXPECT_EQ(result.invocation_count(), 2u);
}

TEST(CallbackReplayTest, TimeoutsKeepTheirClassAfterTheContextCompleted) {
  {
    DurableRunner runner(classifying_then_waiting(false));
    runner.on_callback("payment*").heartbeat().after(Duration::from_minutes(5));
    const auto result = runner.run();  // heartbeats stop: the 10-minute heartbeat timeout fires
    ASSERT_THAT(result, Succeeded()) << result;
    EXPECT_THAT(result.result(),
                JsonEq(Json{{"class", "heartbeat"}, {"type", "Callback.Heartbeat"}}));
  }
  {
    DurableRunner runner(classifying_then_waiting(false, Duration{}));
    runner.on_callback("payment*").time_out();
    const auto result = runner.run();
    ASSERT_THAT(result, Succeeded()) << result;
    EXPECT_THAT(result.result(), JsonEq(Json{{"class", "timeout"}, {"type", "Callback.Timeout"}}));
  }
}

TEST(CallbackStepByStepTest, WaitForACallbackThatNeverComesFailsClearly) {
  DurableRunner runner(approval_handler());
  runner.on_callback("approval").succeed(true);
  runner.start();
  try {
    runner.wait_for_callback("refund");
    FAIL() << "expected RunnerError";
  } catch (const RunnerError& e) {
    EXPECT_THAT(e.what(), AllOf(HasSubstr("an open callback named \"refund\""),
                                HasSubstr("ended before"), HasSubstr("\"approval\"")));
  }
}

TEST(CallbackStepByStepTest, WaitForCallbackNeedsAStartedExecution) {
  DurableRunner runner(approval_handler());
  EXPECT_THROW(runner.wait_for_callback("approval"), RunnerError);
}

TEST(CallbackStepByStepTest, UnknownCallbackIdIsRejectedByTheService) {
  DurableRunner runner(approval_handler());
  runner.start();
  (void)runner.wait_for_callback("approval");
  try {
    runner.send_callback_success("does-not-exist", 1);
    FAIL() << "expected ApiError";
  } catch (const ApiError& e) {
    EXPECT_EQ(e.code(), "InvalidParameterValueException");
    EXPECT_THAT(e.what(), HasSubstr("does-not-exist"));
  }
  EXPECT_THROW(runner.send_callback_heartbeat(""), ApiError);
  EXPECT_THROW(runner.send_callback_failure("nope", {}), ApiError);
}

TEST(CallbackStepByStepTest, SuccessOnATimedOutCallbackIsRejected) {
  DurableRunner runner(approval_handler({.timeout = Duration::from_seconds(30)}));
  runner.start();
  const auto id = runner.wait_for_callback("approval");
  runner.advance_clock(std::chrono::seconds(31));
  try {
    runner.send_callback_success(id, "too late");
    FAIL() << "expected ApiError";
  } catch (const ApiError& e) {
    EXPECT_EQ(e.code(), "CallbackTimeoutException");
    EXPECT_THAT(e.what(), HasSubstr("TIMED_OUT"));
  }
  const auto result = runner.wait_for_result();
  EXPECT_THAT(result.result(), JsonEq(Json{{"timed_out", kCallbackTimeoutErrorType}}));
}

}  // namespace
}  // namespace durable::testing
