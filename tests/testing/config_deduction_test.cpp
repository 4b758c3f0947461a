// Config types that deduce: InvokeConfig and the other templated configs default their type
// parameters, an InvokeConfig made once is reused for any payload, and invoke takes a braced JSON
// payload.
#include <gtest/gtest.h>

#include <durable/testing.hpp>

#include <type_traits>

namespace durable::testing {
namespace {

struct Order {
  std::string id;
  int quantity = 0;
};
void to_json(Json& j, const Order& o) { j = Json{{"id", o.id}, {"quantity", o.quantity}}; }

struct Verdict {
  bool valid = false;
};
void from_json(const Json& j, Verdict& v) { v.valid = j.at("valid").get<bool>(); }
void to_json(Json& j, const Verdict& v) { j = Json{{"valid", v.valid}}; }

// The type parameters default, and CTAD fills them from designated initializers.
static_assert(std::is_same_v<decltype(InvokeConfig{.timeout = Duration::from_minutes(5)}),
                             InvokeConfig<Json, Json>>);
static_assert(std::is_same_v<decltype(InvokeConfig{.tenant_id = "t"}), InvokeConfig<Json, Json>>);
static_assert(std::is_same_v<decltype(StepConfig{.retry_strategy = {}}), StepConfig<Json>>);
static_assert(std::is_same_v<ChildConfig<>, ChildConfig<Json>>);
static_assert(std::is_same_v<decltype(CallbackConfig{.timeout = Duration::from_hours(1)}),
                             CallbackConfig<std::string>>);
static_assert(std::is_same_v<WaitForCallbackConfig<>, WaitForCallbackConfig<std::string>>);
static_assert(std::is_same_v<WaitForConditionConfig<>, WaitForConditionConfig<Json>>);
static_assert(std::is_same_v<ParallelConfig<>, ParallelConfig<Json>>);
static_assert(std::is_same_v<MapConfig<>, MapConfig<Json, Json>>);

Json echo(const Json& payload) { return Json{{"valid", true}, {"got", payload}}; }

TEST(ConfigDeductionTest, OneUntypedInvokeConfigServesEveryPayload) {
  DurableRunner runner([](const Json&, DurableContext& ctx) -> Json {
    InvokeConfig config{.timeout = Duration::from_minutes(5)};
    Json a = ctx.invoke("echo", Json{{"n", 1}}, "json", config);
    Json b = ctx.invoke("echo", "literal", "literal", config);
    Json c = ctx.invoke("echo", std::string("text"), "string", config);
    Json d = ctx.invoke("echo", Order{"o-1", 2}, "typed", config);
    Verdict e = ctx.invoke<Verdict>("echo", Order{"o-2", 3}, "typed-result", config);
    return {{"a", a["got"]}, {"b", b["got"]}, {"c", c["got"]}, {"d", d["got"]}, {"e", e.valid}};
  });
  runner.register_function("echo", echo);
  const auto result = runner.run(Json::object());
  ASSERT_EQ(result.status(), ExecutionStatus::Succeeded) << result;
  EXPECT_EQ(result.result(), (Json{{"a", {{"n", 1}}},
                                   {"b", "literal"},
                                   {"c", "text"},
                                   {"d", {{"id", "o-1"}, {"quantity", 2}}},
                                   {"e", true}}));
  // The timeout took effect on each: every invoke has its companion timer.
  for (const char* name : {"json", "literal", "string", "typed", "typed-result"}) {
    EXPECT_EQ(result.get_wait(std::string(name) + " timeout").duration_seconds(), 300) << name;
  }
}

TEST(ConfigDeductionTest, BracedJsonPayload) {
  DurableRunner runner([](const Json& event, DurableContext& ctx) -> Json {
    const std::string id = event.at("order_id").get<std::string>();
    Json first = ctx.invoke("validate-order", {{"order_id", id}});
    Json second = ctx.invoke("validate-order", {{"order_id", id}, {"retry", true}}, "again",
                             {.timeout = Duration::from_seconds(30)});
    Verdict third = ctx.invoke<Verdict>("validate-order", {{"order_id", id}}, "typed");
    InvokeConfig config{.tenant_id = "tenant-1"};
    Json fourth = ctx.invoke("validate-order", {{"order_id", id}}, "reused", config);
    Verdict fifth = ctx.invoke<Verdict>("validate-order", {1, 2}, "array", config);
    return {{"first", first["got"]}, {"second", second["got"]}, {"third", third.valid},
            {"fourth", fourth["got"]}, {"fifth", fifth.valid}};
  });
  runner.register_function("validate-order", echo);
  const auto result = runner.run({{"order_id", "o-9"}});
  ASSERT_EQ(result.status(), ExecutionStatus::Succeeded) << result;
  EXPECT_EQ(result.result()["first"], (Json{{"order_id", "o-9"}}));
  EXPECT_EQ(result.result()["second"], (Json{{"order_id", "o-9"}, {"retry", true}}));
  EXPECT_EQ(result.result()["third"], true);
  EXPECT_EQ(result.result()["fourth"], (Json{{"order_id", "o-9"}}));
  EXPECT_EQ(result.result()["fifth"], true);
  EXPECT_EQ(result.get_invoke("reused").tenant_id(), "tenant-1");
  EXPECT_EQ(result.get_invoke("array").input(), Json::array({1, 2}));
}

TEST(ConfigDeductionTest, ReusedConfigWithAResultSerDesOfAnotherTypeIsRejected) {
  DurableRunner runner([](const Json&, DurableContext& ctx) -> Json {
    InvokeConfig<Json, Json> config;
    config.serdes_result = std::make_shared<JsonSerDes<Json>>();
    try {
      ctx.invoke<Verdict>("echo", Json::object(), "mismatch", config);
    } catch (const ValidationError& e) {
      return e.what();
    }
    return "no error";
  });
  runner.register_function("echo", echo);
  const auto result = runner.run(Json::object());
  ASSERT_EQ(result.status(), ExecutionStatus::Succeeded) << result;
  EXPECT_NE(result.result().get<std::string>().find("serdes_result"), std::string::npos)
      << result.result();
  EXPECT_TRUE(result.operations(OperationType::ChainedInvoke).empty());
}

// One CallbackConfig (or WaitForCallbackConfig), whatever value type it was made for, serves
// callbacks of every value type: its timeouts (and the submitter's retry strategy) apply.
TEST(ConfigDeductionTest, OneCallbackConfigServesCallbacksOfEveryValueType) {
  DurableRunner runner([](const Json&, DurableContext& ctx) -> Json {
    const CallbackConfig shared{.heartbeat_timeout = Duration::from_minutes(5)};
    auto answered = ctx.create_callback<Json>("answered", shared);
    auto silent = ctx.create_callback<int>("silent", shared);
    const WaitForCallbackConfig wait_shared{.heartbeat_timeout = Duration::from_minutes(5)};
    std::string waited;
    try {
      ctx.wait_for_callback<Json>([](const std::string&, WaitForCallbackContext&) {}, "waited",
                                  wait_shared);
    } catch (const CallbackTimeoutError& e) {
      waited = e.error_type();
    }
    std::string unanswered;
    try {
      silent.result();
    } catch (const CallbackTimeoutError& e) {
      unanswered = e.error_type();
    }
    return {{"answered", answered.result()}, {"silent", unanswered}, {"waited", waited}};
  });
  runner.on_callback("answered").succeed({{"k", 1}});
  const auto result = runner.run(Json::object());
  ASSERT_EQ(result.status(), ExecutionStatus::Succeeded) << result;
  EXPECT_EQ(result.result(), (Json{{"answered", {{"k", 1}}},
                                   {"silent", kCallbackHeartbeatErrorType},
                                   {"waited", kCallbackHeartbeatErrorType}}));
}

// A shared callback config that carries a SerDes of another value type cannot decode this
// callback's value: a ValidationError naming the callback, before anything is checkpointed.
TEST(ConfigDeductionTest, ASharedCallbackConfigWithASerDesOfAnotherTypeIsRejected) {
  DurableRunner runner([](const Json&, DurableContext& ctx) -> Json {
    CallbackConfig<std::string> config;
    config.serdes = std::make_shared<JsonSerDes<std::string>>();
    WaitForCallbackConfig<std::string> wait_config;
    wait_config.serdes = config.serdes;
    Json messages = Json::array();
    try {
      ctx.create_callback<int>("typed", config);
    } catch (const ValidationError& e) {
      messages.push_back(e.what());
    }
    try {
      ctx.wait_for_callback<int>([](const std::string&, WaitForCallbackContext&) {}, "waited",
                                 wait_config);
    } catch (const ValidationError& e) {
      messages.push_back(e.what());
    }
    return messages;
  });
  const auto result = runner.run(Json::object());
  ASSERT_EQ(result.status(), ExecutionStatus::Succeeded) << result;
  ASSERT_EQ(result.result().size(), 2u) << result.result();
  EXPECT_NE(result.result()[0].get<std::string>().find("callback 'typed'"), std::string::npos)
      << result.result();
  EXPECT_NE(result.result()[1].get<std::string>().find("wait_for_callback 'waited'"),
            std::string::npos)
      << result.result();
  EXPECT_TRUE(result.operations(OperationType::Callback).empty());
  EXPECT_TRUE(result.operations(OperationType::Context).empty());
}

// One StepConfig, whatever type it was made for, serves steps of every result type: its retry
// strategy and semantics apply.
TEST(ConfigDeductionTest, OneStepConfigServesStepsOfEveryResultType) {
  int failing_attempts = 0;
  DurableRunner runner([&failing_attempts](const Json&, DurableContext& ctx) -> Json {
    StepConfig<std::string> shared{.retry_strategy = retry_presets::none(),
                                   .step_semantics = StepSemantics::AtMostOncePerRetry};
    const int n = ctx.step([](StepContext&) { return 7; }, "int", shared);
    const Json j = ctx.step([](StepContext&) { return Json{{"k", 1}}; }, "json", shared);
    ctx.step([](StepContext&) {}, "void", shared);
    const StepConfig untyped{.retry_strategy = retry_presets::none()};
    const std::string text = ctx.step([](StepContext&) { return std::string("t"); }, "text", untyped);
    try {
      ctx.step(
          [&failing_attempts](StepContext&) -> int {
            ++failing_attempts;
            throw std::runtime_error("no");
          },
          "fails", shared);
    } catch (const StepError&) {
    }
    return {{"n", n}, {"j", j}, {"text", text}};
  });
  const auto result = runner.run(Json::object());
  ASSERT_EQ(result.status(), ExecutionStatus::Succeeded) << result;
  EXPECT_EQ(result.result(), (Json{{"n", 7}, {"j", {{"k", 1}}}, {"text", "t"}}));
  // retry_presets::none(): one attempt, not the default six.
  EXPECT_EQ(failing_attempts, 1);
  EXPECT_EQ(result.invocation_count(), 1u);
  // AT_MOST_ONCE_PER_RETRY: each START went out on its own before the body ran.
  const auto& starts = result.observations().at_most_once_starts;
  for (const char* name : {"int", "json", "void", "fails"}) {
    EXPECT_EQ(starts.count(result.get_step(name).id()), 1u) << name;
  }
  EXPECT_EQ(starts.count(result.get_step("text").id()), 0u);
}

TEST(ConfigDeductionTest, ReusedStepConfigWithASerDesOfAnotherTypeIsRejected) {
  int runs = 0;
  DurableRunner runner([&runs](const Json&, DurableContext& ctx) -> Json {
    StepConfig<std::string> config;
    config.serdes = std::make_shared<JsonSerDes<std::string>>();
    try {
      ctx.step([&runs](StepContext&) { return ++runs; }, "mismatch", config);
    } catch (const ValidationError& e) {
      return e.what();
    }
    return "no error";
  });
  const auto result = runner.run(Json::object());
  ASSERT_EQ(result.status(), ExecutionStatus::Succeeded) << result;
  const auto message = result.result().get<std::string>();
  EXPECT_NE(message.find("serdes"), std::string::npos) << message;
  EXPECT_NE(message.find("mismatch"), std::string::npos) << message;
  EXPECT_EQ(runs, 0);
  EXPECT_TRUE(result.operations(OperationType::Step).empty());
}

}  // namespace
}  // namespace durable::testing
