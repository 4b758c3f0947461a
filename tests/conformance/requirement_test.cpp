#include "durable/testing/conformance/requirement.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace dc = durable::testing::conformance;
using durable::Json;

namespace {

const char* kValid = R"(
description: Step basic
handler: |
  A step.
invocations: |
  - one
optional: true
Variables:
  INPUT_1: ${GEN_STR:8}
Input: ${INPUT_1}
AsyncInvoke: true
CallbackActions:
  - CallbackName: '*'
    Operation: failure
    Payload:
      ErrorType: RejectedError
      ErrorMessage: not approved
    Delay: 1
  - CallbackName: approval
    Operation: heartbeat
ExpectedResult:
  ExecutionStatus: SUCCEEDED
  Result:
ExpectedExecutionHistory:
  - EventType: StepStarted
    EventId: 2
ExpectedLogs:
  - match:
      message: '/x/'
    count: 1
    after:
      - hook: start
)";

std::string field_of(const std::string& yaml) {
  try {
    dc::parse_requirement(yaml, "9-9", "req.yaml");
  } catch (const dc::RequirementError& e) {
    EXPECT_EQ(e.source(), "req.yaml");
    EXPECT_NE(std::string(e.what()).find("req.yaml"), std::string::npos);
    return e.field();
  }
  ADD_FAILURE() << "no error for:\n" << yaml;
  return "";
}

const std::string kBase = "description: d\nhandler: h\ninvocations: i\n";

}  // namespace

TEST(Requirement, ParsesEveryField) {
  const auto r = dc::parse_requirement(kValid, "1-1", "req.yaml");
  EXPECT_EQ(r.id, "1-1");
  EXPECT_EQ(r.description, "Step basic");
  EXPECT_EQ(r.handler, "A step.\n");
  EXPECT_TRUE(r.optional);
  EXPECT_EQ(r.variables["INPUT_1"], Json("${GEN_STR:8}"));
  EXPECT_EQ(r.input, Json("${INPUT_1}"));
  EXPECT_TRUE(r.async_invoke);
  ASSERT_EQ(r.callback_actions.size(), 2U);
  EXPECT_EQ(r.callback_actions[0].operation, dc::CallbackOperation::Failure);
  EXPECT_EQ(r.callback_actions[0].payload["ErrorType"], Json("RejectedError"));
  EXPECT_DOUBLE_EQ(r.callback_actions[0].delay_seconds, 1.0);
  EXPECT_EQ(r.callback_actions[1].operation, dc::CallbackOperation::Heartbeat);
  EXPECT_EQ(r.callback_actions[1].callback_name, "approval");
  ASSERT_TRUE(r.expected_result);
  EXPECT_EQ(r.expected_result->execution_status, "SUCCEEDED");
  EXPECT_TRUE(r.expected_result->has_result);
  EXPECT_TRUE(r.expected_result->result.is_null());
  ASSERT_EQ(r.expected_history.size(), 1U);
  ASSERT_EQ(r.expected_logs.size(), 1U);
  EXPECT_EQ(r.expected_logs[0].count, 1);
  ASSERT_EQ(r.expected_logs[0].after.size(), 1U);
}

TEST(Requirement, ResultKeyAbsentMeansNotChecked) {
  const auto r = dc::parse_requirement(
      kBase + "ExpectedResult:\n  ExecutionStatus: FAILED\nExpectedExecutionHistory: []\n", "x", "r");
  EXPECT_FALSE(r.expected_result->has_result);
  EXPECT_TRUE(r.input.is_null());
  EXPECT_FALSE(r.optional);
}

TEST(Requirement, HistoryOnlyModeWhenNoExpectedResult) {
  const auto r = dc::parse_requirement(kBase + "ExpectedExecutionHistory: []\n", "x", "r");
  EXPECT_FALSE(r.expected_result);
}

TEST(Requirement, MissingOrBadFieldsAreNamed) {
  EXPECT_EQ(field_of("handler: h\ninvocations: i\nExpectedExecutionHistory: []\n"), "description");
  EXPECT_EQ(field_of("description: d\ninvocations: i\nExpectedExecutionHistory: []\n"), "handler");
  EXPECT_EQ(field_of(kBase), "ExpectedExecutionHistory");
  EXPECT_EQ(field_of(kBase + "ExpectedExecutionHistory: {}\n"), "ExpectedExecutionHistory");
  EXPECT_EQ(field_of(kBase + "ExpectedExecutionHistory:\n  - EventType: X\n"),
            "ExpectedExecutionHistory[0].EventId");
  EXPECT_EQ(field_of(kBase + "ExpectedExecutionHistory:\n  - EventId: '2'\n"),
            "ExpectedExecutionHistory[0].EventId");
  EXPECT_EQ(field_of(kBase + "ExpectedResult: {}\nExpectedExecutionHistory: []\n"),
            "ExpectedResult.ExecutionStatus");
  EXPECT_EQ(field_of(kBase + "ExpectedResult: {ExecutionStatus: DONE}\nExpectedExecutionHistory: []\n"),
            "ExpectedResult.ExecutionStatus");
  EXPECT_EQ(field_of(kBase + "CallbackActions:\n  - CallbackName: x\n    Operation: poke\nExpectedExecutionHistory: []\n"),
            "CallbackActions[0].Operation");
  EXPECT_EQ(field_of(kBase + "CallbackActions:\n  - Operation: success\nExpectedExecutionHistory: []\n"),
            "CallbackActions[0].CallbackName");
  EXPECT_EQ(field_of(kBase + "CallbackActions:\n  - CallbackName: x\n    Operation: success\n    Delay: soon\nExpectedExecutionHistory: []\n"),
            "CallbackActions[0].Delay");
  EXPECT_EQ(field_of(kBase + "ExpectedExecutionHistory: []\nExpectedLogs:\n  - count: 1\n"),
            "ExpectedLogs[0].match");
  EXPECT_EQ(field_of(kBase + "ExpectedExecutionHistory: []\nExpectedLogs:\n  - match: {a: b}\n    count: many\n"),
            "ExpectedLogs[0].count");
  EXPECT_EQ(field_of(kBase + "optional: maybe\nExpectedExecutionHistory: []\n"), "optional");
  EXPECT_EQ(field_of("- just a list\n"), "");
}

TEST(Requirement, LoadAndCollectFromFolders) {
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path() / ("conf_req_test_" + std::to_string(::getpid()));
  fs::create_directories(dir / "step");
  for (const char* id : {"1-10", "1-2", "1-1"}) {
    std::ofstream(dir / "step" / (std::string(id) + ".yaml")) << kBase << "ExpectedExecutionHistory: []\n";
  }
  std::ofstream(dir / "step" / "notes.txt") << "ignored";
  const auto files = dc::collect_requirement_files({dir});
  ASSERT_EQ(files.size(), 3U);
  EXPECT_EQ(files[0].stem(), "1-1");
  EXPECT_EQ(files[1].stem(), "1-2");
  EXPECT_EQ(files[2].stem(), "1-10");
  const auto r = dc::load_requirement(files[2]);
  EXPECT_EQ(r.id, "1-10");
  EXPECT_EQ(r.suite, "step");
  EXPECT_THROW(dc::collect_requirement_files({dir / "nope"}), dc::RequirementError);
  EXPECT_THROW(dc::load_requirement(dir / "missing.yaml"), dc::RequirementError);
  fs::remove_all(dir);
}

TEST(Requirement, IdOrderIsNumeric) {
  EXPECT_TRUE(dc::requirement_id_less("1-2", "1-10"));
  EXPECT_TRUE(dc::requirement_id_less("1-19", "2-1"));
  EXPECT_FALSE(dc::requirement_id_less("3-1", "2-5"));
}
