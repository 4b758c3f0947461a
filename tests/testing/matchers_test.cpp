// The gmock matchers: they match what they should, reject what they should not, and explain.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "durable/testing/matchers.hpp"
#include "durable/testing/test_result.hpp"

namespace durable::testing {
namespace {

using ::testing::Contains;
using ::testing::Not;

TestResult two_steps() {
  TestResult::Snapshot snap;
  snap.status = ExecutionStatus::Succeeded;
  snap.result = "[1,2]";
  Operation a;
  a.id = "a";
  a.name = "first";
  a.type = OperationType::Step;
  a.status = OperationStatus::Succeeded;
  a.step_details = StepDetails{1, std::nullopt, R"({"n":1,"s":"x"})", std::nullopt};
  Operation b = a;
  b.id = "b";
  b.name = "second";
  b.type = OperationType::Wait;
  b.status = OperationStatus::Started;
  b.step_details.reset();
  snap.operations = {a, b};
  return TestResult(std::move(snap), nullptr);
}

TEST(MatchersTest, JsonEqIgnoresKeyOrderAndAcceptsText) {
  EXPECT_THAT(Json::parse(R"({"a":1,"b":[true]})"), JsonEq(Json::parse(R"({"b":[true],"a":1})")));
  EXPECT_THAT(std::string(R"({"a": 1.0})"), JsonEq(Json{{"a", 1.0}}));
  EXPECT_THAT(std::optional<std::string>("3"), JsonEq(3));
  EXPECT_THAT((Json{{"a", 1}}), Not(JsonEq(Json{{"a", 2}})));
  EXPECT_THAT(std::string("{oops"), Not(JsonEq(Json::object())));
  EXPECT_THAT(std::optional<std::string>(), Not(JsonEq(nullptr)));
}

TEST(MatchersTest, JsonEqExplainsWithAPatch) {
  const auto m = ::testing::Matcher<Json>(JsonEq(Json{{"a", 2}}));
  ::testing::StringMatchResultListener listener;
  EXPECT_FALSE(m.MatchAndExplain(Json{{"a", 1}}, &listener));
  EXPECT_NE(listener.str().find("replace"), std::string::npos) << listener.str();
  EXPECT_NE(::testing::DescribeMatcher<Json>(JsonEq(Json{{"a", 2}})).find(R"({"a":2})"),
            std::string::npos);
}

TEST(MatchersTest, HasStatusOnOperationsAndResults) {
  const auto r = two_steps();
  EXPECT_THAT(r.get_step("first"), HasStatus(OperationStatus::Succeeded));
  EXPECT_THAT(r.operation("second"), Not(HasStatus(OperationStatus::Succeeded)));
  EXPECT_THAT(r, HasStatus(ExecutionStatus::Succeeded));
  EXPECT_THAT(r, Not(HasStatus(ExecutionStatus::Failed)));
  EXPECT_THAT(r.operations(), Contains(HasStatus(OperationStatus::Started)));

  const ::testing::Matcher<TestOperation> m = HasStatus(OperationStatus::Failed);
  ::testing::StringMatchResultListener listener;
  EXPECT_FALSE(m.MatchAndExplain(r.operation("first"), &listener));
  EXPECT_EQ(listener.str(), "whose status is SUCCEEDED");
  EXPECT_EQ(::testing::DescribeMatcher<TestOperation>(HasStatus(OperationStatus::Failed)),
            "has status FAILED");
}

TEST(MatchersTest, HasNameHasTypeHasResult) {
  const auto r = two_steps();
  EXPECT_THAT(r.operations(), Contains(HasName("second")));
  EXPECT_THAT(r.operations(), Not(Contains(HasName("third"))));
  EXPECT_THAT(r.operation("second"), HasType(OperationType::Wait));
  EXPECT_THAT(r.operation("first"), Not(HasType(OperationType::Wait)));
  EXPECT_THAT(r.get_step("first"), HasResult(JsonEq(Json{{"s", "x"}, {"n", 1}})));
  EXPECT_THAT(r.get_step("first"), Not(HasResult(JsonEq(Json{{"n", 2}}))));
  EXPECT_THAT(r, HasResult(JsonEq(Json::array({1, 2}))));
}

// A snapshot with one invoke (observed START) and one failed step.
TestResult invoke_and_failed_step() {
  TestResult::Snapshot snap;
  snap.status = ExecutionStatus::Failed;
  snap.error = ErrorObject{"StepError", "card declined", std::nullopt, std::nullopt};
  Operation invoke;
  invoke.id = "i";
  invoke.name = "pay";
  invoke.type = OperationType::ChainedInvoke;
  invoke.status = OperationStatus::Succeeded;
  invoke.chained_invoke_details = ChainedInvokeDetails{R"({"ok":true})", std::nullopt};
  Operation step;
  step.id = "s";
  step.name = "charge";
  step.type = OperationType::Step;
  step.status = OperationStatus::Failed;
  step.step_details =
      StepDetails{1, std::nullopt, std::nullopt,
                  ErrorObject{"Declined", "card declined by bank", std::nullopt, std::nullopt}};
  snap.operations = {invoke, step};
  snap.observed.invoke_starts["i"] = {"payments", std::string("t-1"), R"({"amount":5})"};
  snap.observed.step_runs["s"] = 2;
  snap.observed.step_names.emplace_back("s", "charge");
  return TestResult(std::move(snap), nullptr);
}

TEST(MatchersTest, IsInvokeOfAndHasPayload) {
  const auto r = invoke_and_failed_step();
  const auto invoke = r.get_invoke("pay");
  EXPECT_THAT(invoke, IsInvokeOf("payments"));
  EXPECT_THAT(r.operation("pay"), IsInvokeOf("payments"));  // a plain TestOperation works too
  EXPECT_THAT(invoke, Not(IsInvokeOf("other")));
  EXPECT_THAT(r.operation("charge"), Not(IsInvokeOf("payments")));
  EXPECT_THAT(invoke, HasPayload(JsonEq(Json{{"amount", 5}})));
  EXPECT_THAT(invoke, Not(HasPayload(JsonEq(Json{{"amount", 6}}))));
  EXPECT_THAT(r.operation("charge"), Not(HasPayload(::testing::_)));
  EXPECT_EQ(invoke.tenant_id(), "t-1");
  EXPECT_THAT(::testing::DescribeMatcher<InvokeOperation>(IsInvokeOf("payments")),
              ::testing::HasSubstr("is an invoke of payments"));
}

TEST(MatchersTest, SucceededFailedOnOperationsAndResults) {
  const auto r = invoke_and_failed_step();
  EXPECT_THAT(r.operation("pay"), Succeeded());
  EXPECT_THAT(r.operation("charge"), Failed());
  EXPECT_THAT(r.operation("charge"), Not(Succeeded()));
  EXPECT_THAT(r, Failed());
  EXPECT_THAT(r, Not(Succeeded()));
}

TEST(MatchersTest, HasErrorTypeAndMessage) {
  const auto r = invoke_and_failed_step();
  EXPECT_THAT(r.operation("charge"), HasErrorType("Declined"));
  EXPECT_THAT(r.get_step("charge"), HasErrorMessage("by bank"));
  EXPECT_THAT(r, HasErrorType("StepError"));
  EXPECT_THAT(r.error(), HasErrorMessage("declined"));
  EXPECT_THAT(*r.error(), HasErrorType("StepError"));
  EXPECT_THAT(r.operation("pay"), Not(HasErrorType("Declined")));  // no error at all
  EXPECT_THAT(r.operation("charge"), Not(HasErrorMessage("approved")));
  ::testing::StringMatchResultListener listener;
  EXPECT_FALSE(::testing::ExplainMatchResult(HasErrorType("Other"), r.operation("charge"),
                                             &listener));
  EXPECT_THAT(listener.str(), ::testing::HasSubstr("\"Declined\""));
}

TEST(MatchersTest, StepRunsFromObservations) {
  const auto r = invoke_and_failed_step();
  EXPECT_EQ(r.step_runs("charge"), 2u);
  EXPECT_EQ(r.get_step("charge").body_runs(), 2u);
  EXPECT_THROW(r.step_runs("nothing"), std::out_of_range);
  EXPECT_EQ(r.get_invoke("pay").function_name(), "payments");
  EXPECT_THAT(r.get_invoke("pay").input(), JsonEq(Json{{"amount", 5}}));
}

TEST(MatchersTest, InvokeWithoutObservationsSaysSo) {
  TestResult::Snapshot snap;
  Operation invoke;
  invoke.id = "i";
  invoke.name = "pay";
  invoke.type = OperationType::ChainedInvoke;
  snap.operations = {invoke};
  const TestResult r(std::move(snap), nullptr);
  EXPECT_THROW(r.get_invoke("pay").function_name(), std::runtime_error);
  EXPECT_FALSE(r.get_invoke("pay").payload().has_value());
  EXPECT_THROW(r.get_invoke("pay").input(), std::runtime_error);
}

}  // namespace
}  // namespace durable::testing
