#include "durable/testing/conformance/history_matcher.hpp"

#include <gtest/gtest.h>

#include "durable/testing/conformance/yaml_json.hpp"

namespace dc = durable::testing::conformance;
using durable::Json;

namespace {

// Expected values come from YAML, as in real requirements.
Json yaml(const std::string& text) { return dc::yaml_to_json(text, "test"); }

std::optional<dc::ValueMismatch> check(const std::string& expected_yaml, const Json& actual,
                                       dc::Bindings& b) {
  return dc::match_value(yaml(expected_yaml), &actual, b, "");
}

bool ok(const std::string& expected_yaml, const Json& actual) {
  dc::Bindings b;
  return !check(expected_yaml, actual, b);
}

Json actual_history() {
  return Json::parse(R"([
    {"EventType":"ExecutionStarted","EventId":1,"Id":"exec"},
    {"EventType":"StepStarted","SubType":"Step","EventId":2,"Id":"c4ca","EventTimestamp":1.5,
     "StepStartedDetails":{}},
    {"EventType":"StepSucceeded","SubType":"Step","EventId":3,"Id":"c4ca","EventTimestamp":1.6,
     "StepSucceededDetails":{"Result":{"Payload":"\"Hello, World!\"","Truncated":false},
                             "RetryDetails":{"CurrentAttempt":1}}},
    {"EventType":"InvocationCompleted","EventId":4,"EventTimestamp":1.7,
     "InvocationCompletedDetails":{"RequestId":"r1"}}
  ])");
}

}  // namespace

TEST(MatchValue, StarAndEmptyMappingAcceptAnyPresentValue) {
  EXPECT_TRUE(ok("v: '*'", Json{{"v", 12}}));
  EXPECT_TRUE(ok("v: '*'", Json{{"v", Json::object({{"deep", 1}})}}));
  EXPECT_TRUE(ok("v: {}", Json{{"v", "x"}}));
  EXPECT_TRUE(ok("v: {}", Json{{"v", Json::object({{"a", 1}})}}));
  EXPECT_FALSE(ok("v: '*'", Json{{"w", 1}}));
  EXPECT_FALSE(ok("v: {}", Json::object()));
}

TEST(MatchValue, OnlyExpectedKeysAreChecked) {
  EXPECT_TRUE(ok("a: 1", Json{{"a", 1}, {"extra", 2}}));
  dc::Bindings b;
  const auto m = check("a: {b: 1}", Json{{"a", Json{{"c", 1}}}}, b);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->path, "a.b");
  EXPECT_NE(m->reason.find("missing"), std::string::npos);
}

TEST(MatchValue, PlaceholderBindsOnFirstUseThenMustBeEqual) {
  dc::Bindings b;
  EXPECT_FALSE(check("Id: ${ID1}", Json{{"Id", "abc"}}, b));
  EXPECT_EQ(*b.lookup("ID1"), Json("abc"));
  EXPECT_FALSE(check("Id: ${ID1}", Json{{"Id", "abc"}}, b));
  const auto m = check("Id: ${ID1}", Json{{"Id", "xyz"}}, b);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->path, "Id");
  EXPECT_NE(m->reason.find("${ID1}"), std::string::npos);
}

TEST(MatchValue, VariablesArePreBound) {
  dc::Bindings b;
  b.define_variables(Json{{"CB_NAME", "fixedname"}});
  EXPECT_FALSE(check("Name: ${CB_NAME}", Json{{"Name", "fixedname"}}, b));
  EXPECT_TRUE(check("Name: ${CB_NAME}", Json{{"Name", "other"}}, b));
}

TEST(MatchValue, RegexSearchesPythonStrOfActual) {
  EXPECT_TRUE(ok("v: ${/^arn:aws/}", Json{{"v", "arn:aws:lambda:x"}}));
  EXPECT_FALSE(ok("v: ${/^lambda/}", Json{{"v", "arn:aws:lambda:x"}}));
  EXPECT_TRUE(ok("v: ${/^\\d+$/}", Json{{"v", 42}}));
  EXPECT_TRUE(ok("v: ${/True/}", Json{{"v", true}}));
  EXPECT_TRUE(ok("v: \"${/'k': 1/}\"", Json{{"v", Json{{"k", 1}}}}));
  dc::Bindings b;
  b.define_variables(Json{{"IN", "abc"}});
  EXPECT_FALSE(check("v: ${/x-${IN}$/}", Json{{"v", "x-abc"}}, b));
}

TEST(MatchValue, ListsNeedEqualLengthAndElementwiseMatch) {
  EXPECT_TRUE(ok("v: [a, '*', {}]", Json{{"v", Json{"a", 1, "z"}}}));
  EXPECT_FALSE(ok("v: [a, b]", Json{{"v", Json{"a"}}}));
  EXPECT_FALSE(ok("v: [a]", Json{{"v", Json{"a", "b"}}}));
  dc::Bindings b;
  const auto m = check("v: [a, b]", Json{{"v", Json{"a", "c"}}}, b);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->path, "v[1]");
  EXPECT_FALSE(ok("v: [a]", Json{{"v", "a"}}));
}

TEST(MatchValue, OtherStringsSubstituteThenCompare) {
  dc::Bindings b;
  b.define_variables(Json{{"IN", "abc"}});
  EXPECT_FALSE(check("v: Hello, ${IN}!", Json{{"v", "Hello, abc!"}}, b));
  EXPECT_TRUE(check("v: Hello, ${IN}!", Json{{"v", "Hello, abd!"}}, b));
}

TEST(MatchValue, ScalarsComparePythonStyle) {
  EXPECT_TRUE(ok("v: 42", Json{{"v", 42.0}}));
  EXPECT_TRUE(ok("v: 1", Json{{"v", 1}}));
  EXPECT_FALSE(ok("v: '1'", Json{{"v", 1}}));  // quoted YAML string vs JSON number
  EXPECT_FALSE(ok("v: 1", Json{{"v", "1"}}));
  EXPECT_TRUE(ok("v: '\"task-1\"'", Json{{"v", "\"task-1\""}}));
  EXPECT_FALSE(ok("v: '\"task-1\"'", Json{{"v", "task-1"}}));
  EXPECT_TRUE(ok("v: false", Json{{"v", false}}));
  EXPECT_FALSE(ok("v: false", Json{{"v", "false"}}));
  EXPECT_FALSE(ok("v: {a: 1}", Json{{"v", "x"}}));
}

TEST(MatchHistory, MatchesByEventIdIgnoringUnlistedEvents) {
  dc::Bindings b;
  const Json expected = yaml(R"(
- EventType: StepStarted
  SubType: Step
  EventId: 2
  Id: ${ID1}
  EventTimestamp: '*'
  StepStartedDetails: {}
- EventType: InvocationCompleted
  EventId: 4
  InvocationCompletedDetails: {}
)");
  EXPECT_FALSE(dc::match_history(expected, actual_history(), b));
  EXPECT_EQ(*b.lookup("ID1"), Json("c4ca"));
  // Wrapped form from GetDurableExecutionHistory.
  dc::Bindings b2;
  EXPECT_FALSE(dc::match_history(expected, Json{{"Events", actual_history()}}, b2));
}

TEST(MatchHistory, NoOrderingTolerance) {
  dc::Bindings b;
  const Json expected = yaml("- EventType: StepSucceeded\n  EventId: 2\n");
  const auto m = dc::match_history(expected, actual_history(), b);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->event_id, 2);
  EXPECT_EQ(m->path, "EventType");
}

TEST(MatchHistory, MissingEventIdIsAMismatch) {
  dc::Bindings b;
  const auto m = dc::match_history(yaml("- EventType: ExecutionSucceeded\n  EventId: 5\n"),
                                   actual_history(), b);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->event_id, 5);
  EXPECT_TRUE(m->actual_event.is_null());
  EXPECT_NE(dc::format_history_mismatch(*m).find("no event with this EventId"), std::string::npos);
}

TEST(MatchHistory, PlaceholderConsistencyAcrossEvents) {
  dc::Bindings b;
  Json actual = actual_history();
  actual[2]["Id"] = "other";
  const auto m = dc::match_history(yaml("- {EventId: 2, Id: '${ID1}'}\n- {EventId: 3, Id: '${ID1}'}\n"),
                                   actual, b);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->event_id, 3);
  EXPECT_EQ(m->path, "Id");
}

TEST(MatchHistory, ReportShowsBothSidesAndPath) {
  dc::Bindings b;
  const auto m = dc::match_history(
      yaml("- EventId: 3\n  StepSucceededDetails:\n    RetryDetails:\n      CurrentAttempt: 2\n"),
      actual_history(), b);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->path, "StepSucceededDetails.RetryDetails.CurrentAttempt");
  const std::string report = dc::format_history_mismatch(*m);
  EXPECT_NE(report.find("EventId 3"), std::string::npos);
  EXPECT_NE(report.find("StepSucceededDetails.RetryDetails.CurrentAttempt"), std::string::npos);
  EXPECT_NE(report.find("expected"), std::string::npos);
  EXPECT_NE(report.find("| actual"), std::string::npos);
  EXPECT_EQ(report.find("RequestId"), std::string::npos);  // only event 3 is shown
  EXPECT_NE(report.find("Hello, World!"), std::string::npos);
}

TEST(MatchHistory, RejectsMalformedInput) {
  dc::Bindings b;
  EXPECT_THROW(dc::match_history(yaml("- EventType: X\n"), actual_history(), b), std::invalid_argument);
  EXPECT_THROW(dc::match_history(Json::array(), Json("x"), b), std::invalid_argument);
}

TEST(MatchResult, StatusMustMatch) {
  dc::Bindings b;
  EXPECT_FALSE(dc::match_result("FAILED", false, nullptr, "FAILED", std::nullopt, b));
  const auto m = dc::match_result("SUCCEEDED", false, nullptr, "FAILED", std::nullopt, b);
  ASSERT_TRUE(m);
  EXPECT_NE(m->find("FAILED"), std::string::npos);
}

TEST(MatchResult, PlainYamlStringMatchesJsonEncodedString) {
  dc::Bindings b;
  const Json expected = yaml("Result: Operation succeeded")["Result"];
  EXPECT_FALSE(dc::match_result("SUCCEEDED", true, expected, "SUCCEEDED",
                                std::string("\"Operation succeeded\""), b));
  EXPECT_TRUE(dc::match_result("SUCCEEDED", true, expected, "SUCCEEDED",
                               std::string("\"Operation failed\""), b));
}

TEST(MatchResult, ComparesByValue) {
  dc::Bindings b;
  b.define_variables(Json{{"IN", "q"}});
  EXPECT_FALSE(dc::match_result("SUCCEEDED", true, yaml("r: 42")["r"], "SUCCEEDED", std::string("42.0"), b));
  EXPECT_FALSE(dc::match_result("SUCCEEDED", true, yaml("r: {a: 1, b: '${IN}'}")["r"], "SUCCEEDED",
                                std::string(R"({"b":"q","a":1})"), b));
  EXPECT_TRUE(dc::match_result("SUCCEEDED", true, yaml("r: '1'")["r"], "SUCCEEDED", std::string("1"), b));
  EXPECT_FALSE(dc::match_result("SUCCEEDED", true, nullptr, "SUCCEEDED", std::string("null"), b));
  EXPECT_FALSE(dc::match_result("SUCCEEDED", true, nullptr, "SUCCEEDED", std::nullopt, b));
  EXPECT_TRUE(dc::match_result("SUCCEEDED", true, nullptr, "SUCCEEDED", std::string("\"x\""), b));
  const auto bad = dc::match_result("SUCCEEDED", true, Json("x"), "SUCCEEDED", std::string("{oops"), b);
  ASSERT_TRUE(bad);
  EXPECT_NE(bad->find("not valid JSON"), std::string::npos);
}

TEST(MatchResult, ResultIgnoredUnlessSucceeded) {
  dc::Bindings b;
  EXPECT_FALSE(dc::match_result("FAILED", true, Json("x"), "FAILED", std::string("\"y\""), b));
}
