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
  EXPECT_THAT(r, HasStatus(InvocationStatus::Succeeded));
  EXPECT_THAT(r, Not(HasStatus(InvocationStatus::Failed)));
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

}  // namespace
}  // namespace durable::testing
