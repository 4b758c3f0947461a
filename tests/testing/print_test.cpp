// Printers for gtest failure messages: every public type a test compares or matches prints as
// names and JSON text, never as bytes.
#include <gtest/gtest.h>

#include <durable/testing.hpp>

#include <sstream>

namespace durable::testing {
namespace {

using ::testing::PrintToString;

TEST(PrintTest, SdkEnumsPrintTheirWireNames) {
  EXPECT_EQ(PrintToString(OperationStatus::Succeeded), "SUCCEEDED");
  EXPECT_EQ(PrintToString(OperationStatus::TimedOut), "TIMED_OUT");
  EXPECT_EQ(PrintToString(OperationType::ChainedInvoke), "CHAINED_INVOKE");
  EXPECT_EQ(PrintToString(OperationAction::Retry), "RETRY");
  EXPECT_EQ(PrintToString(ExecutionStatus::Running), "RUNNING");
  EXPECT_EQ(PrintToString(durable::InvocationStatus::Pending), "PENDING");
  EXPECT_EQ(PrintToString(EventType::ChainedInvokeStarted), "ChainedInvokeStarted");
  EXPECT_EQ(PrintToString(BatchItemStatus::Started), "STARTED");
  EXPECT_EQ(PrintToString(CompletionReason::MinSuccessfulReached), "MIN_SUCCESSFUL_REACHED");
  EXPECT_EQ(PrintToString(BatchStatus::Failed), "FAILED");
  EXPECT_EQ(PrintToString(StepSemantics::AtMostOncePerRetry), "AT_MOST_ONCE_PER_RETRY");
  EXPECT_EQ(PrintToString(NestingType::Flat), "FLAT");
  EXPECT_EQ(PrintToString(JitterStrategy::Full), "FULL");
  EXPECT_EQ(PrintToString(LogLevel::Warn), "WARN");
  EXPECT_EQ(PrintToString(TimeUnit::Milliseconds), "MILLISECONDS");
  EXPECT_EQ(PrintToString(PluginInvocationStatus::Retry), "RETRY");
  EXPECT_EQ(PrintToString(UserFunctionOutcome::Failed), "FAILED");
}

TEST(PrintTest, HarnessEnumsPrintTheirNames) {
  EXPECT_EQ(PrintToString(ExecutionStatus::TimedOut), "TIMED_OUT");
}

TEST(PrintTest, StreamingAnEnumNeedsNoUsing) {
  std::ostringstream out;
  out << ::durable::OperationStatus::Failed << ' ' << ::durable::OperationType::Wait;
  EXPECT_EQ(out.str(), "FAILED WAIT");
}

TEST(PrintTest, ErrorObjectPrintsItsMembers) {
  EXPECT_EQ(PrintToString(ErrorObject{"StepError", "declined", std::nullopt, std::nullopt}),
            R"(ErrorObject{ErrorType: "StepError", ErrorMessage: "declined"})");
  EXPECT_EQ(PrintToString(ErrorObject{std::nullopt, "m", "{\"a\":1}",
                                      std::vector<std::string>{"f1", "f2"}}),
            R"(ErrorObject{ErrorMessage: "m", ErrorData: "{\"a\":1}", StackTrace: 2 frames})");
  EXPECT_EQ(PrintToString(ErrorObject{}), "ErrorObject{}");
  EXPECT_EQ(PrintToString(std::optional<ErrorObject>(ErrorObject{"E", std::nullopt, {}, {}})),
            R"((ErrorObject{ErrorType: "E"}))");
}

TEST(PrintTest, JsonPrintsCompact) {
  EXPECT_EQ(PrintToString(Json{{"id", 1}, {"tags", {"a", "b"}}}), R"({"id":1,"tags":["a","b"]})");
  EXPECT_EQ(PrintToString(Json("text")), R"("text")");
  EXPECT_EQ(PrintToString(Json(nullptr)), "null");
  EXPECT_EQ(PrintToString(std::vector<Json>{1, "x"}), R"({ 1, "x" })");
  // nlohmann's own stream operator is untouched.
  std::ostringstream out;
  out << Json{{"a", 1}};
  EXPECT_EQ(out.str(), R"({"a":1})");
}

TEST(PrintTest, DurationPrintsReadably) {
  EXPECT_EQ(PrintToString(Duration::from_minutes(5)), Duration::from_minutes(5).to_string());
  EXPECT_NE(PrintToString(Duration::from_minutes(5)).find('5'), std::string::npos);
}

TEST(PrintTest, BatchResultPrintsItsItems) {
  BatchResult<int> batch(
      {BatchItem<int>{0, BatchItemStatus::Succeeded, 7, std::nullopt, "a"},
       BatchItem<int>{1, BatchItemStatus::Failed, std::nullopt,
                      ErrorObject{"Boom", std::nullopt, {}, {}}, ""},
       BatchItem<int>{2, BatchItemStatus::Started, std::nullopt, std::nullopt, ""}},
      CompletionReason::FailureToleranceExceeded);
  EXPECT_EQ(PrintToString(batch),
            R"(BatchResult{FAILURE_TOLERANCE_EXCEEDED, [#0 SUCCEEDED "a" 7, )"
            R"(#1 FAILED ErrorObject{ErrorType: "Boom"}, #2 STARTED]})");
  BatchResult<Json> json_batch({BatchItem<Json>{0, BatchItemStatus::Succeeded, Json{{"k", 1}},
                                                std::nullopt, ""}},
                               CompletionReason::AllCompleted);
  EXPECT_EQ(PrintToString(json_batch), R"(BatchResult{ALL_COMPLETED, [#0 SUCCEEDED {"k":1}]})");
}

Json two_steps(const Json&, DurableContext& ctx) {
  ctx.step([](StepContext&) { return 1; }, "first");
  try {
    ctx.step([](StepContext&) -> int { throw std::runtime_error("declined"); }, "second",
             {.retry_strategy = [](const ErrorObject&, int) { return RetryDecision::no_retry(); }});
  } catch (const StepError&) {
  }
  return {{"ok", true}};
}

TEST(PrintTest, TestOperationPrintsTypeNameStatusIdAndError) {
  DurableRunner runner(two_steps);
  const auto result = runner.run(Json::object());
  const auto first = result.get_step("first");
  EXPECT_EQ(PrintToString(first), "STEP \"first\" SUCCEEDED (id " + first.id() + ")");
  const auto second = result.get_step("second");
  EXPECT_EQ(PrintToString(second), "STEP \"second\" FAILED (id " + second.id() +
                                       R"() ErrorObject{ErrorType: "runtime_error", )"
                                       R"(ErrorMessage: "declined"})");
  // As an element of a container, in a Contains failure.
  EXPECT_NE(PrintToString(result.operations()).find("STEP \"first\" SUCCEEDED"), std::string::npos);
}

TEST(PrintTest, TestResultPrintsStatusResultThenTimeline) {
  DurableRunner runner(two_steps);
  const auto result = runner.run(Json::object());
  const std::string text = PrintToString(result);
  EXPECT_EQ(text.rfind("SUCCEEDED result {\"ok\":true}\n", 0), 0u) << text;
  EXPECT_NE(text.find(result.timeline()), std::string::npos) << text;
}

}  // namespace
}  // namespace durable::testing
