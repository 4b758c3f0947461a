// Every matcher works on every operation kind where its property exists (as a TestOperation, the
// element type of operations(), or as a typed view), and explains itself where it does not; the
// mocks of mock_function can be strict.
#include <gmock/gmock.h>
#include <gtest/gtest-spi.h>
#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <durable/testing.hpp>

namespace durable::testing {
namespace {

using ::testing::AllOf;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::Not;

Json every_kind(const Json&, DurableContext& ctx) {
  const int n = ctx.step([](StepContext&) { return 7; }, "step");
  const std::string child = ctx.run_in_child_context(
      [](DurableContext& c) { return c.step([](StepContext&) { return std::string("x"); }, "in"); },
      "child");
  ctx.wait(Duration::from_seconds(1), "pause");
  auto callback = ctx.create_callback<Json>("approval");
  const Json approved = callback.result();
  const Json verdict = ctx.invoke("validate", {{"id", 1}}, "validate");
  try {
    ctx.invoke("reject", Json::object(), "rejected");
  } catch (const InvokeError&) {
  }
  return {{"n", n}, {"child", child}, {"approved", approved}, {"verdict", verdict}};
}

TestResult run_every_kind() {
  DurableRunner runner(every_kind);
  runner.register_function("validate", [](const Json& p) { return Json{{"ok", p["id"]}}; });
  runner.fail_function("reject", "Rejected", "not today");
  runner.on_callback("approval").succeed({{"yes", true}});
  auto result = runner.run(Json::object());
  EXPECT_EQ(result.status(), ExecutionStatus::Succeeded) << result;
  return result;
}

// What `matcher` says about `value` when it does not match.
template <class M, class T>
std::string explain(const M& matcher, const T& value) {
  const ::testing::Matcher<const T&> m = matcher;
  ::testing::StringMatchResultListener listener;
  EXPECT_FALSE(m.MatchAndExplain(value, &listener));
  return listener.str();
}

TEST(MatchersEveryKindTest, HasResultOnEveryKindThatHasOne) {
  const auto r = run_every_kind();
  // As the TestOperations operations() returns, and as typed views.
  EXPECT_THAT(r.operations(OperationType::ChainedInvoke),
              Contains(AllOf(IsInvokeOf("validate"), HasPayload(JsonEq({{"id", 1}})),
                             HasResult(JsonEq({{"ok", 1}})), Succeeded())));
  EXPECT_THAT(r.get_invoke("validate"), HasResult(JsonEq({{"ok", 1}})));
  EXPECT_THAT(r.operation("step"), HasResult(JsonEq(7)));
  EXPECT_THAT(r.get_step("step"), HasResult(JsonEq(7)));
  EXPECT_THAT(r.operation("child"), HasResult(JsonEq("x")));
  EXPECT_THAT(r.get_context("child"), HasResult(JsonEq("x")));
  EXPECT_THAT(r.operation("approval"), HasResult(JsonEq({{"yes", true}})));
  EXPECT_THAT(r.get_callback("approval"), HasResult(JsonEq({{"yes", true}})));
  EXPECT_THAT(r, HasResult(JsonEq({{"n", 7}, {"child", "x"}, {"approved", {{"yes", true}}},
                                   {"verdict", {{"ok", 1}}}})));
}

TEST(MatchersEveryKindTest, HasResultExplainsWhereThereIsNone) {
  const auto r = run_every_kind();
  EXPECT_EQ(explain(HasResult(JsonEq(nullptr)), r.operation("pause")),
            "which is a WAIT operation, which has no result");
  EXPECT_EQ(explain(HasResult(JsonEq(nullptr)), r.operation("rejected")),
            "which has no result (status FAILED)");
  EXPECT_EQ(explain(HasResult(JsonEq(8)), r.operation("step")).rfind("which is 7, patch to", 0), 0u);
  EXPECT_EQ(explain(HasResult(::testing::Eq(Json(8))), r.operation("step")), "whose result is 7");
  EXPECT_EQ(explain(HasResult(JsonEq(nullptr)), r.operations(OperationType::Execution).at(0)),
            "which is an EXECUTION operation, which has no result");
}

TEST(MatchersEveryKindTest, ErrorAndStatusMatchersOnEveryKind) {
  const auto r = run_every_kind();
  EXPECT_THAT(r.operation("rejected"),
              AllOf(IsInvokeOf("reject"), Failed(), HasErrorType("Rejected"),
                    HasErrorMessage("not today")));
  EXPECT_THAT(r.get_invoke("rejected"), AllOf(Failed(), HasErrorType("Rejected")));
  for (const auto& op : r.operations()) {
    EXPECT_THAT(op, HasStatus(op.status()));
    EXPECT_THAT(op, HasType(op.type()));
    EXPECT_THAT(op, HasName(op.name()));
  }
  EXPECT_EQ(explain(HasErrorType("X"), r.operation("pause")), "which has no error");
  EXPECT_EQ(explain(IsInvokeOf("validate"), r.operation("pause")), "which is a WAIT operation");
  EXPECT_EQ(explain(HasPayload(JsonEq(nullptr)), r.get_step("step")),
            "which is a STEP operation");
  EXPECT_THAT(r.operations(OperationType::Wait), ElementsAre(HasName("pause")));
  EXPECT_THAT(r.operations(), Not(Contains(HasName("missing"))));
}

TEST(MatchersEveryKindTest, ASubjectWithoutThePropertyDoesNotMatchAndSaysWhatItIs) {
  const auto r = run_every_kind();
  EXPECT_EQ(explain(HasName("x"), r), "which is an execution result, not an operation");
  EXPECT_EQ(explain(HasStatus(OperationStatus::Succeeded), r),
            "which is an execution result, not an operation");
  EXPECT_EQ(explain(HasStatus(ExecutionStatus::Succeeded), r.get_step("step")),
            "which is a STEP operation, not an execution result");
  EXPECT_EQ(explain(HasType(OperationType::Step), Json(1)), "which is a JSON value, not an operation");
  EXPECT_EQ(explain(HasErrorType("X"), Json(1)), "which is a JSON value, which has no error");
  EXPECT_EQ(explain(JsonEq(7), r.get_step("step")), "which is a STEP operation, not JSON");
  EXPECT_EQ(explain(Succeeded(), ErrorObject{}), "which is an error, which has no status");
  EXPECT_EQ(explain(HasResult(JsonEq(7)), ErrorObject{}), "which is an error, which has no result");
  EXPECT_EQ(explain(IsInvokeOf("validate"), r), "which is an execution result");
}

TEST(MatchersEveryKindTest, JsonEqTakesAnythingConvertibleToJsonAndAnyText) {
  EXPECT_THAT(7, JsonEq(7));
  EXPECT_THAT((std::vector<int>{1, 2}), JsonEq({1, 2}));
  EXPECT_THAT(std::string_view(R"({"a": 1})"), JsonEq({{"a", 1}}));
  EXPECT_THAT("[true]", JsonEq({true}));
  EXPECT_EQ(explain(JsonEq(7), std::string_view("{oops")), "which is not JSON");
  // One matcher object serves several subject types.
  const DurableMatcher seven = JsonEq(7);
  EXPECT_THAT(Json(7), seven);
  EXPECT_THAT(std::optional<std::string>("7"), seven);
  EXPECT_THAT((std::vector<Json>{Json(1), Json(7)}), Contains(seven));
}

Json invokes_pay(const Json&, DurableContext& ctx) {
  return ctx.invoke("pay", {{"amount", 5}}, "pay");
}

// Runs a handler whose mocked function "pay" gets a call no expectation was set for.
void run_with_uninteresting_call(MockStrictness strictness) {
  DurableRunner runner(invokes_pay);
  runner.mock_function("pay", strictness);
  runner.run(Json::object());
}

TEST(MockFunctionTest, StrictMockFailsTheTestOnACallWithoutExpectation) {
  EXPECT_NONFATAL_FAILURE_ON_ALL_THREADS(run_with_uninteresting_call(MockStrictness::Strict),
                                         "Uninteresting mock function call");
}

TEST(MockFunctionTest, NaggyAndNiceMocksReturnNull) {
  for (const auto strictness : {MockStrictness::Naggy, MockStrictness::Nice}) {
    DurableRunner runner(invokes_pay);
    runner.mock_function("pay", strictness);
    const auto result = runner.run(Json::object());
    EXPECT_THAT(result, AllOf(Succeeded(), HasResult(JsonEq(nullptr))));
  }
}

TEST(MockFunctionTest, StrictMockWithMatchingExpectationPasses) {
  DurableRunner runner(invokes_pay);
  EXPECT_CALL(runner.mock_function("pay", MockStrictness::Strict), Call(JsonEq({{"amount", 5}})))
      .WillOnce(::testing::Return(Json{{"paid", true}}));
  EXPECT_THAT(runner.run(Json::object()), HasResult(JsonEq({{"paid", true}})));
}

TEST(MockFunctionTest, AskingForAnotherStrictnessThrows) {
  DurableRunner runner(invokes_pay);
  runner.mock_function("pay", MockStrictness::Strict);
  EXPECT_NO_THROW(runner.mock_function("pay", MockStrictness::Strict));
  EXPECT_THROW(runner.mock_function("pay", MockStrictness::Nice), std::logic_error);
}

}  // namespace
}  // namespace durable::testing
