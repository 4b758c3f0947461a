#include "durable/testing/conformance/driver.hpp"

#include <gtest/gtest.h>

#include <sstream>

#include "durable/durable.hpp"
#include "durable/testing/conformance/bindings.hpp"

namespace dc = durable::testing::conformance;
using durable::Json;

namespace {

Json noop(const Json&, durable::DurableContext&) { return nullptr; }

const char* kStepYaml = R"(
description: Step basic
handler: h
invocations: i
Variables:
  INPUT_1: ${GEN_STR:8}
Input: ${INPUT_1}
ExpectedResult:
  ExecutionStatus: SUCCEEDED
  Result: Hello, ${INPUT_1}!
ExpectedExecutionHistory:
  - EventType: StepStarted
    SubType: Step
    EventId: 2
    Id: ${ID1}
    EventTimestamp: '*'
    StepStartedDetails: {}
  - EventType: StepSucceeded
    SubType: Step
    EventId: 3
    Id: ${ID1}
    StepSucceededDetails:
      Result:
        Payload: '"Hello, ${INPUT_1}!"'
  - EventType: InvocationCompleted
    EventId: 4
    InvocationCompletedDetails: {}
)";

dc::Requirement requirement(const std::string& id, const std::string& yaml = kStepYaml) {
  return dc::parse_requirement(yaml, id, id + ".yaml");
}

// Answers like a correct 1-1 execution of the given input, with knobs to break it.
class FakeBackend : public dc::ExecutionBackend {
 public:
  std::string status = "SUCCEEDED";
  bool wrong_payload = false;
  bool throw_error = false;
  bool callbacks = false;
  bool capture_logs = true;
  std::vector<std::string> logs;
  Json last_input;
  int calls = 0;

  dc::ExecutionOutcome execute(const dc::Requirement&, const dc::RegisteredHandler&,
                               const Json& input, const dc::Bindings&) override {
    ++calls;
    last_input = input;
    if (throw_error) throw std::runtime_error("execution is stuck");
    const std::string greeting = "Hello, " + input.get<std::string>() + "!";
    dc::ExecutionOutcome out;
    out.status = status;
    out.result = Json(greeting).dump();
    out.history = Json{{"Events", Json::array({
        Json{{"EventType", "ExecutionStarted"}, {"EventId", 1}},
        Json{{"EventType", "StepStarted"}, {"SubType", "Step"}, {"EventId", 2}, {"Id", "s1"},
             {"EventTimestamp", 1.0}, {"StepStartedDetails", Json::object()}},
        Json{{"EventType", "StepSucceeded"}, {"SubType", "Step"}, {"EventId", 3}, {"Id", "s1"},
             {"StepSucceededDetails",
              {{"Result", {{"Payload", wrong_payload ? "\"nope\"" : Json(greeting).dump()}}}}}},
        Json{{"EventType", "InvocationCompleted"}, {"EventId", 4},
             {"InvocationCompletedDetails", {{"RequestId", "r"}}}},
    })}};
    out.logs = logs;
    out.logs_captured = capture_logs;
    return out;
  }
  bool supports_callbacks() const override { return callbacks; }
  bool captures_logs() const override { return backend_captures_logs; }
  bool backend_captures_logs = true;
};

}  // namespace

TEST(Driver, PassesAndSubstitutesGeneratedInput) {
  dc::HandlerRegistry reg;
  reg.register_handler("1-1", noop);
  FakeBackend backend;
  dc::ConformanceDriver driver(reg, backend, {.seed = 7});
  const auto report = driver.run(requirement("1-1"));
  EXPECT_EQ(report.verdict, dc::Verdict::Passed) << report.detail;
  ASSERT_TRUE(backend.last_input.is_string());
  EXPECT_EQ(backend.last_input.get<std::string>().size(), 8U);
}

TEST(Driver, HistoryMismatchFailsWithReport) {
  dc::HandlerRegistry reg;
  reg.register_handler("1-1", noop);
  FakeBackend backend;
  backend.wrong_payload = true;
  dc::ConformanceDriver driver(reg, backend);
  const auto report = driver.run(requirement("1-1"));
  EXPECT_EQ(report.verdict, dc::Verdict::Failed);
  EXPECT_NE(report.detail.find("EventId 3"), std::string::npos) << report.detail;
  EXPECT_NE(report.detail.find("StepSucceededDetails.Result.Payload"), std::string::npos);
}

TEST(Driver, StatusMismatchFails) {
  dc::HandlerRegistry reg;
  reg.register_handler("1-1", noop);
  FakeBackend backend;
  backend.status = "FAILED";
  dc::ConformanceDriver driver(reg, backend);
  const auto report = driver.run(requirement("1-1"));
  EXPECT_EQ(report.verdict, dc::Verdict::Failed);
  EXPECT_NE(report.detail.find("expected SUCCEEDED, actual FAILED"), std::string::npos);
}

TEST(Driver, OptionalRequirementFailsSoftly) {
  dc::HandlerRegistry reg;
  reg.register_handler("1-7", noop);
  FakeBackend backend;
  backend.wrong_payload = true;
  dc::ConformanceDriver driver(reg, backend);
  const auto report = driver.run(requirement("1-7", std::string(kStepYaml) + "optional: true\n"));
  EXPECT_EQ(report.verdict, dc::Verdict::OptionalFailed);
}

TEST(Driver, NoHandlerSkipListAndMissingCallbacks) {
  dc::HandlerRegistry reg;
  reg.register_handler("4-1", noop);
  reg.register_handler("1-17", noop);
  reg.skip("1-17", "needs crash injection");
  FakeBackend backend;
  dc::ConformanceDriver driver(reg, backend);
  EXPECT_EQ(driver.run(requirement("1-1")).verdict, dc::Verdict::NoHandler);
  const auto skipped = driver.run(requirement("1-17"));
  EXPECT_EQ(skipped.verdict, dc::Verdict::Skipped);
  EXPECT_EQ(skipped.detail, "needs crash injection");
  const std::string with_actions = std::string(kStepYaml) +
                                   "CallbackActions:\n  - CallbackName: '*'\n    Operation: success\n";
  const auto needs = driver.run(requirement("4-1", with_actions));
  EXPECT_EQ(needs.verdict, dc::Verdict::Skipped);
  EXPECT_NE(needs.detail.find("needs callbacks"), std::string::npos);
  EXPECT_EQ(backend.calls, 0);
  backend.callbacks = true;
  EXPECT_EQ(driver.run(requirement("4-1", with_actions)).verdict, dc::Verdict::Passed);
}

TEST(Driver, ExecutionErrorsBecomeFailures) {
  dc::HandlerRegistry reg;
  reg.register_handler("1-1", noop);
  FakeBackend backend;
  backend.throw_error = true;
  dc::ConformanceDriver driver(reg, backend);
  const auto report = driver.run(requirement("1-1"));
  EXPECT_EQ(report.verdict, dc::Verdict::Failed);
  EXPECT_NE(report.detail.find("execution is stuck"), std::string::npos);
}

TEST(Driver, ExpectedLogsAreChecked) {
  dc::HandlerRegistry reg;
  reg.register_handler("1-1", noop);
  FakeBackend backend;
  const std::string yaml = std::string(kStepYaml) +
                           "ExpectedLogs:\n  - match:\n      message: '/started for ${INPUT_1}/'\n    count: 1\n";
  dc::ConformanceDriver driver(reg, backend, {.seed = 3});
  dc::Bindings probe(3);
  probe.define_variables(Json{{"INPUT_1", "${GEN_STR:8}"}});
  // The driver seeds its first run's variables with seed + 0, so this is the generated input.
  const std::string input = probe.lookup("INPUT_1")->get<std::string>();
  backend.logs = {Json::object({{"message", "started for " + input}}).dump()};
  EXPECT_EQ(driver.run(requirement("1-1", yaml)).verdict, dc::Verdict::Passed);
  backend.logs.clear();
  const auto missing = driver.run(requirement("1-1", yaml));
  EXPECT_EQ(missing.verdict, dc::Verdict::Failed);
  EXPECT_NE(missing.detail.find("logs: ExpectedLogs[0]"), std::string::npos) << missing.detail;
  backend.capture_logs = false;
  const auto uncaptured = driver.run(requirement("1-1", yaml));
  EXPECT_NE(uncaptured.detail.find("captured no logs"), std::string::npos);
}

TEST(Driver, ExpectedLogsAreSkippedWithAReasonWhenTheBackendCapturesNone) {
  dc::HandlerRegistry reg;
  reg.register_handler("1-1", noop);
  FakeBackend backend;
  backend.backend_captures_logs = false;
  const std::string yaml = std::string(kStepYaml) +
                           "ExpectedLogs:\n  - match:\n      message: '/x/'\n    count: 1\n";
  dc::ConformanceDriver driver(reg, backend);
  const auto report = driver.run(requirement("1-1", yaml));
  EXPECT_EQ(report.verdict, dc::Verdict::Skipped);
  EXPECT_NE(report.detail.find("needs logs"), std::string::npos) << report.detail;
  EXPECT_EQ(backend.calls, 0);
  // Without ExpectedLogs the requirement still runs.
  EXPECT_EQ(driver.run(requirement("1-1")).verdict, dc::Verdict::Passed);
}

TEST(Driver, TableSummaryLinesAndFilter) {
  dc::HandlerRegistry reg;
  reg.register_handler("1-1", noop);
  reg.register_handler("1-2", noop);
  reg.skip("1-3", "later");
  FakeBackend backend;
  std::vector<dc::Requirement> reqs = {requirement("1-1"), requirement("1-2"), requirement("1-3"),
                                       requirement("1-5"), requirement("2-1")};
  std::ostringstream out;
  dc::ConformanceDriver driver(reg, backend, {.filter = std::regex("^1-")});
  const auto summary = driver.run_all(reqs, out);
  EXPECT_EQ(summary.passed, 2);
  EXPECT_EQ(summary.failed, 0);
  EXPECT_EQ(summary.no_handler, 1);
  EXPECT_EQ(summary.skipped, 1);
  EXPECT_EQ(summary.reports.size(), 4U);  // 2-1 filtered out
  EXPECT_EQ(summary.exit_code(), 0);
  const std::string text = out.str();
  EXPECT_NE(text.find("1-3          skipped"), std::string::npos) << text;
  EXPECT_NE(text.find("later"), std::string::npos);
  EXPECT_NE(text.find("1-5          no handler"), std::string::npos) << text;
  EXPECT_EQ(text.find("2-1"), std::string::npos);
  const std::string tail = "1 without handler, 1 skipped, 0 optional failed\n2 passed, 0 failed\n";
  ASSERT_GE(text.size(), tail.size());
  EXPECT_EQ(text.substr(text.size() - tail.size()), tail);

  backend.wrong_payload = true;
  std::ostringstream out2;
  dc::ConformanceDriver failing(reg, backend);
  const auto s2 = failing.run_all({requirement("1-1")}, out2);
  EXPECT_EQ(s2.failed, 1);
  EXPECT_EQ(s2.exit_code(), 1);
  EXPECT_NE(out2.str().find("1-1          FAIL"), std::string::npos) << out2.str();
  EXPECT_NE(out2.str().find("| actual"), std::string::npos);
  EXPECT_NE(out2.str().find("0 passed, 1 failed\n"), std::string::npos);
}

// The real backend end to end: a C++ handler on the DurableRunner judged against a requirement.
TEST(DurableRunnerBackend, RunsAHandlerAndJudgesIt) {
  dc::HandlerRegistry reg;
  reg.register_handler("1-1", [](const Json& event, durable::DurableContext& ctx) -> Json {
    return ctx.step([&](durable::StepContext&) { return "Hello, " + event.get<std::string>() + "!"; });
  });
  reg.register_handler("1-2", [](const Json&, durable::DurableContext& ctx) -> Json {
    return ctx.step([&](durable::StepContext&) { return std::string("wrong"); });
  });
  dc::DurableRunnerBackend backend;
  EXPECT_TRUE(backend.supports_callbacks());
  dc::ConformanceDriver driver(reg, backend);
  const auto good = driver.run(requirement("1-1"));
  EXPECT_EQ(good.verdict, dc::Verdict::Passed) << good.detail;
  const auto bad = driver.run(requirement("1-2"));
  EXPECT_EQ(bad.verdict, dc::Verdict::Failed);
  EXPECT_NE(bad.detail.find("execution result"), std::string::npos) << bad.detail;
}

// Every shipped requirement file must load: a typo in a copied YAML would otherwise only show
// up as a missing requirement.
TEST(ShippedRequirements, AllParse) {
  const auto files = dc::collect_requirement_files({DURABLE_CONFORMANCE_DIR});
  EXPECT_GE(files.size(), 100U);
  for (const auto& f : files) {
    EXPECT_NO_THROW(dc::load_requirement(f)) << f;
  }
}
