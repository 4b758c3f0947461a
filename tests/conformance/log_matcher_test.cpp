#include "durable/testing/conformance/log_matcher.hpp"

#include <gtest/gtest.h>

#include "durable/testing/conformance/yaml_json.hpp"

namespace dc = durable::testing::conformance;
using durable::Json;

namespace {

std::vector<dc::LogExpectation> expectations(const std::string& yaml_list) {
  const std::string doc = "description: d\nhandler: h\ninvocations: i\nExpectedExecutionHistory: []\nExpectedLogs:\n" + yaml_list;
  return dc::parse_requirement(doc, "x", "logs.yaml").expected_logs;
}

const std::vector<std::string> kLines = {
    R"({"plugin":"P","hook":"invocation-start","first":true,"durableExecutionArn":"arn"})",
    "plain text line [INFO] Greeting step started for: abc  ",
    R"({"level":"INFO","message":"Greeting step completed with: Hello, abc!","attempt":1})",
    R"({"plugin":"P","hook":"invocation-end","status":"SUCCEEDED"})",
};

}  // namespace

TEST(LogRecord, NonJsonLinesExposeOnlyMessage) {
  EXPECT_EQ(dc::log_record("hello"), (Json{{"message", "hello"}}));
  EXPECT_EQ(dc::log_record("{not json"), (Json{{"message", "{not json"}}));
  EXPECT_EQ(dc::log_record(R"({"a":1})"), (Json{{"a", 1}}));
}

TEST(LogMatcher, RegexAndSubstitutionAndStripping) {
  dc::Bindings b;
  b.define_variables(Json{{"INPUT_1", "abc"}});
  EXPECT_TRUE(dc::check_logs(expectations(R"(
  - match:
      message: '/Greeting step started for: ${INPUT_1}/'
    count: 1
  - match:
      message: 'plain text line [INFO] Greeting step started for: ${INPUT_1}'
    count: 1
  - match:
      message: '/\[ERROR\]/'
    count: 0
  - match:
      attempt: 1
    count: 1
  - match:
      first: true
    count: 1
)"), kLines, b).empty());
}

TEST(LogMatcher, CountViolationsAreReported) {
  dc::Bindings b;
  const auto failures = dc::check_logs(expectations(R"(
  - match: {plugin: P}
    count: 1
  - match: {plugin: P}
    min_count: 3
  - match: {plugin: P}
    max_count: 1
  - match: {plugin: Q}
  - match: {attempt: '1'}
    count: 1
)"), kLines, b);
  ASSERT_EQ(failures.size(), 5U);
  EXPECT_NE(failures[0].find("ExpectedLogs[0]"), std::string::npos);
  EXPECT_NE(failures[0].find("expected count 1, found 2"), std::string::npos);
  EXPECT_NE(failures[1].find("at least 3"), std::string::npos);
  EXPECT_NE(failures[2].find("at most 1"), std::string::npos);
  EXPECT_NE(failures[3].find("at least 1"), std::string::npos);  // no count: at least one
  EXPECT_NE(failures[4].find("ExpectedLogs[4]"), std::string::npos);  // '1' is not 1
}

TEST(LogMatcher, AfterAndBeforeOrdering) {
  dc::Bindings b;
  EXPECT_TRUE(dc::check_logs(expectations(R"(
  - match: {message: '/completed/'}
    count: 1
    after:
      - {hook: invocation-start}
    before:
      - {hook: invocation-end}
)"), kLines, b).empty());
  const auto failures = dc::check_logs(expectations(R"(
  - match: {message: '/completed/'}
    after:
      - {hook: invocation-end}
  - match: {hook: invocation-end}
    before:
      - {hook: invocation-start}
)"), kLines, b);
  ASSERT_EQ(failures.size(), 2U);
  EXPECT_NE(failures[0].find("no earlier record"), std::string::npos);
  EXPECT_NE(failures[1].find("no later record"), std::string::npos);
}

TEST(LogMatcher, MissingFieldDoesNotMatch) {
  dc::Bindings b;
  EXPECT_FALSE(dc::log_record_matches(Json{{"hook", "x"}}, Json{{"message", "hook"}}, b));
}
