// Golden histories: the order workflow and conformance handlers match their recorded files, a
// changed history is caught with a readable report, files are (re)written on request, and a
// golden file passes the conformance driver as a requirement.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "durable/durable.hpp"
#include "durable/fixtures/conformance_handlers.hpp"
#include "durable/fixtures/invoke_examples.hpp"
#include "durable/testing.hpp"
#include "durable/testing/conformance/driver.hpp"
#include "durable/testing/conformance/execution_backend.hpp"
#include "durable/testing/conformance/requirement.hpp"
#include "durable/testing/golden_history.hpp"

namespace durable::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

const std::filesystem::path kGoldenDir = DURABLE_GOLDEN_DIR;
const Json kOrder = {{"order_id", "order-123"}, {"amount", 100.0}};

GoldenOptions order_golden_options() {
  GoldenOptions options;
  options.description = "Order workflow: validate, then charge";
  options.handler = "durable::fixtures::process_order with validate-order answering valid and "
                    "process-payment answering transaction t-1";
  options.invocations = "Three invocations: start, after validation, after payment";
  return options;
}

TestResult run_order(bool valid = true) {
  DurableRunner runner(durable::fixtures::process_order, {.function_name = "orders"});
  runner.register_function("validate-order", [valid](const Json&) {
    return valid ? Json{{"valid", true}} : Json{{"valid", false}, {"reason", "over limit"}};
  });
  runner.register_function("process-payment",
                           [](const Json&) { return Json{{"transaction_id", "t-1"}}; });
  return runner.run(kOrder);
}

// A temporary directory removed at the end of the test.
struct TempDir {
  std::filesystem::path path;
  TempDir() {
    path = std::filesystem::temp_directory_path() /
           ("durable-golden-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(path);
  }
  ~TempDir() { std::filesystem::remove_all(path); }
};

std::string read(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(GoldenHistory, OrderWorkflowMatchesItsGoldenFile) {
  const auto result = run_order();
  EXPECT_TRUE(matches_golden_history(result, kGoldenDir / "order_workflow.yaml",
                                     order_golden_options()));
  expect_golden_history(result, kGoldenDir / "order_workflow.yaml", order_golden_options());
  EXPECT_THAT(result, MatchesGoldenHistory(kGoldenDir / "order_workflow.yaml",
                                           order_golden_options()));
}

TEST(GoldenHistory, ChangedHistoryIsCaughtWithTheDifferingEvent) {
  // The rejected order takes another path: a different result and no payment invoke.
  const auto result = run_order(false);
  const auto verdict =
      matches_golden_history(result, kGoldenDir / "order_workflow.yaml", {.update = false});
  ASSERT_FALSE(verdict);
  EXPECT_THAT(verdict.message(), HasSubstr("differs from golden history"));
  EXPECT_THAT(verdict.message(), HasSubstr("DURABLE_UPDATE_GOLDEN=1"));
  EXPECT_THAT(result, Not(MatchesGoldenHistory(kGoldenDir / "order_workflow.yaml",
                                               {.update = false})));
}

Json two_steps(const Json&, DurableContext& ctx) {
  const auto a = ctx.step([](StepContext&) { return 1; }, "first");
  const auto b = ctx.step([](StepContext&) { return 2; }, "second");
  return a + b;
}

Json two_steps_then_audit(const Json&, DurableContext& ctx) {
  const auto a = ctx.step([](StepContext&) { return 1; }, "first");
  const auto b = ctx.step([](StepContext&) { return 2; }, "second");
  // The planted change: an extra step after everything the golden file knows about, with the
  // same result, so that only the history tells.
  ctx.step([](StepContext&) { return true; }, "audit");
  return a + b;
}

TEST(GoldenHistory, AnOperationAddedAtTheEndIsCaught) {
  TempDir dir;
  const auto golden = dir.path / "two_steps.yaml";
  DurableRunner original(two_steps);
  record_golden_history(original.run(), golden);

  DurableRunner again(two_steps);
  EXPECT_TRUE(matches_golden_history(again.run(), golden, {.update = false}));

  DurableRunner changed(two_steps_then_audit);
  const auto verdict = matches_golden_history(changed.run(), golden, {.update = false});
  ASSERT_FALSE(verdict);
  EXPECT_THAT(verdict.message(), HasSubstr("EventId"));
  // The conformance rule alone ignores events past the recorded ones; the audit step shifts
  // them, so the mismatch is reported at the first shifted event.
  EXPECT_THAT(verdict.message(), HasSubstr("audit"));
}

TEST(GoldenHistory, ExtraEventsAreAcceptedOnlyWhenAskedFor) {
  TempDir dir;
  const auto golden = dir.path / "two_steps.yaml";
  DurableRunner original(two_steps);
  auto recorded = original.run();
  record_golden_history(recorded, golden);
  // Drop the last recorded event, as if the golden file predated it.
  std::string text = read(golden);
  const auto last = text.rfind("\n  - ");
  ASSERT_NE(last, std::string::npos);
  text.erase(last + 1);
  std::ofstream(golden, std::ios::trunc) << text;

  DurableRunner again(two_steps);
  const auto result = again.run();
  const auto strict = matches_golden_history(result, golden, {.update = false});
  ASSERT_FALSE(strict);
  EXPECT_THAT(strict.message(), HasSubstr("extra events"));
  EXPECT_TRUE(matches_golden_history(result, golden,
                                     {.update = false, .exact_event_count = false}));
}

TEST(GoldenHistory, UpdateFlagAndEnvironmentRewriteTheFile) {
  TempDir dir;
  const auto golden = dir.path / "nested" / "order.yaml";
  const auto result = run_order();

  const auto missing = matches_golden_history(result, golden, {.update = false});
  ASSERT_FALSE(missing);
  EXPECT_THAT(missing.message(), HasSubstr("does not exist"));
  EXPECT_THAT(missing.message(), HasSubstr("DURABLE_UPDATE_GOLDEN=1"));

  const auto written = matches_golden_history(result, golden, {.update = true});
  EXPECT_TRUE(written);
  EXPECT_THAT(written.message(), HasSubstr("written"));
  ASSERT_TRUE(std::filesystem::exists(golden));
  EXPECT_TRUE(matches_golden_history(result, golden, {.update = false}));

  // A stale file is rewritten when the environment asks for it.
  std::ofstream(golden, std::ios::trunc) << "not: a requirement\n";
  EXPECT_FALSE(matches_golden_history(result, golden, {.update = false}));
  const char* saved = std::getenv(kUpdateGoldenEnv);
  const std::string saved_value = saved ? saved : "";
  ::setenv(kUpdateGoldenEnv, "1", 1);
  EXPECT_TRUE(matches_golden_history(result, golden));
  if (saved) {
    ::setenv(kUpdateGoldenEnv, saved_value.c_str(), 1);
  } else {
    ::unsetenv(kUpdateGoldenEnv);
  }
  EXPECT_TRUE(matches_golden_history(result, golden, {.update = false}));
}

TEST(GoldenHistory, UnreadableGoldenFileIsReportedNamingIt) {
  TempDir dir;
  std::filesystem::create_directories(dir.path);
  const auto golden = dir.path / "broken.yaml";
  std::ofstream(golden) << "description: [unclosed\n";
  const auto verdict = matches_golden_history(run_order(), golden, {.update = false});
  ASSERT_FALSE(verdict);
  EXPECT_THAT(verdict.message(), HasSubstr("cannot be read"));
  EXPECT_THAT(verdict.message(), HasSubstr("broken.yaml"));
}

TEST(GoldenHistory, FileIsNormalized) {
  const auto result = run_order();
  const std::string yaml = golden_history_yaml(result, order_golden_options());
  EXPECT_THAT(yaml, HasSubstr("Id: \"${ID1}\""));
  EXPECT_THAT(yaml, HasSubstr("EventTimestamp: \"*\""));
  EXPECT_THAT(yaml, HasSubstr("ExecutionStatus: \"SUCCEEDED\""));
  // Nothing generated survives: neither the execution ARN nor its ids.
  EXPECT_THAT(yaml, Not(HasSubstr(result.execution_arn())));
  for (const auto& op : result.operations()) EXPECT_THAT(yaml, Not(HasSubstr("\"" + op.id() + "\"")));
  // It parses as a requirement with the run's input and result.
  const auto requirement = conformance::parse_requirement(yaml, "order", "order.yaml");
  EXPECT_EQ(requirement.input, kOrder);
  ASSERT_TRUE(requirement.expected_result.has_value());
  EXPECT_EQ(requirement.expected_result->result, result.result());
  EXPECT_EQ(requirement.expected_history.size(), result.history().size());
}

// A handler that hands its callback id to "the outside world" through a step result.
Json approval_flow(const Json&, DurableContext& ctx) {
  auto cb = ctx.create_callback<Json>("approval");
  const std::string id = cb.callback_id();
  ctx.step([id](StepContext&) { return "sent " + id; }, "notify");
  return cb.result();
}

TEST(GoldenHistory, CallbackIdsBecomePlaceholdersEvenInsidePayloads) {
  TempDir dir;
  const auto golden = dir.path / "approval.yaml";
  const auto run_once = [] {
    DurableRunner runner(approval_flow);
    runner.on_callback("approval").succeed({{"approved", true}}).after(Duration::from_seconds(30));
    return runner.run();
  };
  const auto first = run_once();
  ASSERT_EQ(first.status(), ExecutionStatus::Succeeded) << first;
  const std::string callback_id = first.get_callback("approval").callback_id();
  const std::string yaml = golden_history_yaml(first);
  EXPECT_THAT(yaml, HasSubstr("CallbackId: \"${CALLBACK1}\""));
  EXPECT_THAT(yaml, HasSubstr("sent ${CALLBACK1}"));
  EXPECT_THAT(yaml, Not(HasSubstr(callback_id)));

  record_golden_history(first, golden);
  // Another run issues another callback id; the placeholder binds to it.
  const auto second = run_once();
  ASSERT_NE(second.get_callback("approval").callback_id(), callback_id);
  EXPECT_TRUE(matches_golden_history(second, golden, {.update = false}));
}

TEST(GoldenHistory, WriteFailureNamesThePath) {
  TempDir dir;
  std::filesystem::create_directories(dir.path / "occupied.yaml");  // a directory, not a file
  EXPECT_THROW(record_golden_history(run_order(), dir.path / "occupied.yaml"), std::runtime_error);
}

// A golden file is a conformance requirement: the driver runs it against the same handler.
TEST(GoldenHistory, ConformanceDriverAcceptsTheGoldenFile) {
  conformance::HandlerRegistry registry;
  conformance::RequirementSettings settings;
  settings.plain_functions["validate-order"] = {
      [](const std::string&) { return std::string(R"({"valid":true})"); }, {}};
  settings.plain_functions["process-payment"] = {
      [](const std::string&) { return std::string(R"({"transaction_id":"t-1"})"); }, {}};
  registry.register_handler("order_workflow", durable::fixtures::process_order, settings);
  conformance::DurableRunnerBackend backend;
  conformance::ConformanceDriver driver(registry, backend);

  const auto report =
      driver.run(conformance::load_requirement(kGoldenDir / "order_workflow.yaml"));
  EXPECT_EQ(report.verdict, conformance::Verdict::Passed) << report.detail;
}

// Conformance handlers with their own golden files (recorded with DURABLE_UPDATE_GOLDEN=1).
class ConformanceGolden : public ::testing::TestWithParam<const char*> {};

TEST_P(ConformanceGolden, HandlerMatchesItsGoldenFile) {
  conformance::HandlerRegistry registry;
  durable::fixtures::register_conformance_handlers(registry);
  const std::string id = GetParam();
  const auto* registered = registry.find(id);
  ASSERT_NE(registered, nullptr);
  DurableRunner runner(registered->handler);
  const auto result = runner.run(nullptr);
  expect_golden_history(result, kGoldenDir / ("conformance-" + id + ".yaml"),
                        {.description = "Conformance handler " + id});
}

INSTANTIATE_TEST_SUITE_P(Fixtures, ConformanceGolden, ::testing::Values("1-3", "2-1", "8-1"));

}  // namespace
}  // namespace durable::testing
