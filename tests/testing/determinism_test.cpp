// The determinism checker: passes on deterministic fixtures (the order workflow, conformance
// handlers), catches handlers that read the wall clock, the environment or process state, and
// reports the divergence readably.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <stdexcept>
#include <string>

#include "durable/durable.hpp"
#include "durable/fixtures/conformance_handlers.hpp"
#include "durable/fixtures/invoke_examples.hpp"
#include "durable/testing.hpp"
#include "durable/testing/conformance/requirement.hpp"

namespace durable::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

constexpr const char* kFlagVariable = "DURABLE_DETERMINISM_TEST_NEW_FLOW";

std::string wall_clock_micros() {
  return std::to_string(std::chrono::duration_cast<std::chrono::microseconds>(
                            std::chrono::system_clock::now().time_since_epoch())
                            .count());
}

void register_order_targets(DurableRunner& runner) {
  runner.register_function("validate-order", [](const Json&) { return Json{{"valid", true}}; });
  runner.register_function("process-payment",
                           [](const Json&) { return Json{{"transaction_id", "t-1"}}; });
}

const Json kOrder = {{"order_id", "order-123"}, {"amount", 100.0}};

TEST(DeterminismChecker, OrderWorkflowReplaysEveryInvocationBoundary) {
  DurableRunner runner(durable::fixtures::process_order, {.function_name = "orders"});
  register_order_targets(runner);

  const DeterminismReport report = runner.check_determinism(kOrder);

  EXPECT_TRUE(report);
  EXPECT_EQ(report.invocations, 3u);  // start, after validation, after payment
  EXPECT_EQ(report.prefixes_checked, 3u);
  EXPECT_GE(report.checkpoints, 2u);
  ASSERT_TRUE(report.recorded.has_value());
  EXPECT_EQ(report.recorded->status(), ExecutionStatus::Succeeded);
  EXPECT_THAT(report.to_string(), StartsWith("deterministic: 3 replayed prefixes"));
}

TEST(DeterminismChecker, EachCheckpointModeReplaysFromEveryCheckpoint) {
  DurableRunner runner(durable::fixtures::process_order, {.function_name = "orders"});
  register_order_targets(runner);

  const auto report = runner.check_determinism(kOrder, {.each_checkpoint = true});

  EXPECT_TRUE(report);
  EXPECT_EQ(report.prefixes_checked, report.invocations + report.checkpoints);
}

// Issue 12: a step body that calls the outer context used to pass as "deterministic".
TEST(DeterminismChecker, ReportsADurableOperationInsideAStepBody) {
  DurableRunner runner([](const Json&, DurableContext& ctx) -> Json {
    return ctx.step(
        [&](StepContext&) {
          return ctx.step([](StepContext&) { return 1; }, "inner");
        },
        "outer");
  });
  const auto report = runner.check_determinism();
  EXPECT_FALSE(report.passed());
  ASSERT_TRUE(report.misuse.has_value());
  EXPECT_THAT(*report.misuse, HasSubstr("durable operation step"));
  EXPECT_THAT(*report.misuse, HasSubstr("step 'outer'"));
  EXPECT_THAT(report.to_string(), StartsWith("not replay-safe"));
  ASSERT_TRUE(report.recorded.has_value());
  EXPECT_EQ(report.recorded->status(), ExecutionStatus::Failed);
}

TEST(DeterminismChecker, RunnerKeepsItsOwnRegistrationAfterwards) {
  DurableRunner runner(durable::fixtures::process_order, {.function_name = "orders"});
  register_order_targets(runner);
  ASSERT_TRUE(runner.check_determinism(kOrder));

  // The runner's own wrapper (log capture, observations) is back: a plain run records logs
  // and invoke observations again.
  const auto result = runner.run(kOrder);
  EXPECT_EQ(result.status(), ExecutionStatus::Succeeded);
  EXPECT_EQ(result.observations().invoke_starts.size(), 2u);
}

// Planted bug: the step's name is derived from the wall clock, so a replay names it differently.
Json wall_clock_named_step(const Json&, DurableContext& ctx) {
  ctx.step([](StepContext&) { return 1; }, "prepare");
  ctx.wait(Duration::from_seconds(5), "cool-down");
  return ctx.step([](StepContext&) { return 2; }, "report-" + wall_clock_micros());
}

TEST(DeterminismChecker, CatchesAHandlerThatReadsTheWallClock) {
  DurableRunner runner(wall_clock_named_step);
  const auto report = runner.check_determinism();

  ASSERT_FALSE(report);
  ASSERT_TRUE(report.divergence.has_value());
  const Divergence& d = *report.divergence;
  EXPECT_EQ(d.invocation, 2u);  // the step after the wait is checkpointed in invocation 2
  EXPECT_FALSE(d.after_checkpoint.has_value());
  ASSERT_TRUE(d.expected_operation.has_value());
  ASSERT_TRUE(d.actual_operation.has_value());
  EXPECT_EQ(d.expected_operation->id, d.actual_operation->id);
  EXPECT_EQ(d.expected_operation->type, OperationType::Step);
  EXPECT_THAT(d.expected_operation->name.value_or(""), StartsWith("report-"));
  EXPECT_NE(d.expected_operation->name, d.actual_operation->name);
  // The diff lists the replayed prefix, then the recorded and the replayed next operation.
  EXPECT_THAT(d.diff, HasSubstr("\"prepare\""));
  EXPECT_THAT(d.diff, HasSubstr("  - STEP/Step \"report-"));
  EXPECT_THAT(d.diff, HasSubstr("  + STEP/Step \"report-"));
  const auto message = ::testing::AssertionResult(report);
  EXPECT_FALSE(message);
  EXPECT_THAT(message.message(), HasSubstr("non-deterministic replay: replaying invocation 2"));
  EXPECT_THAT(message.message(), HasSubstr("recorded run:"));
}

// Planted bug: a feature flag read from the environment chooses the branch.
Json env_flag_branch(const Json&, DurableContext& ctx) {
  const char* flag = std::getenv(kFlagVariable);
  const bool new_flow = flag != nullptr && std::string(flag) == "on";
  const int value = new_flow ? ctx.step([](StepContext&) { return 2; }, "new-flow")
                             : ctx.step([](StepContext&) { return 1; }, "old-flow");
  ctx.wait(Duration::from_seconds(60), "settle");
  return ctx.step([value](StepContext&) { return value * 10; }, "finish");
}

TEST(DeterminismChecker, EnvironmentPerturbationCatchesAFlagThatChoosesTheBranch) {
  ::unsetenv(kFlagVariable);
  {
    DurableRunner runner(env_flag_branch);
    // Without perturbation the hidden input never changes, so nothing can be seen.
    EXPECT_TRUE(runner.check_determinism());
  }
  DurableRunner runner(env_flag_branch);
  const auto report = runner.check_determinism(
      Json::object(), {.environment = {{kFlagVariable, std::string("on")}}});

  ASSERT_FALSE(report);
  const Divergence& d = *report.divergence;
  // Replaying invocation 1 from nothing already takes the other branch.
  EXPECT_EQ(d.invocation, 1u);
  ASSERT_TRUE(d.expected_operation.has_value());
  ASSERT_TRUE(d.actual_operation.has_value());
  EXPECT_EQ(d.expected_operation->name, "old-flow");
  EXPECT_EQ(d.actual_operation->name, "new-flow");
  EXPECT_EQ(d.expected_operation->id, d.actual_operation->id);
  EXPECT_THAT(d.diff, HasSubstr("  - STEP/Step \"old-flow\""));
  EXPECT_THAT(d.diff, HasSubstr("  + STEP/Step \"new-flow\""));
  // The environment is restored once the replays are done.
  EXPECT_EQ(std::getenv(kFlagVariable), nullptr);
}

TEST(DeterminismChecker, EnvironmentPerturbationCanUnsetAVariable) {
  ::setenv(kFlagVariable, "on", 1);
  DurableRunner runner(env_flag_branch);
  const auto report =
      runner.check_determinism(Json::object(), {.environment = {{kFlagVariable, std::nullopt}}});
  EXPECT_FALSE(report);
  ASSERT_NE(std::getenv(kFlagVariable), nullptr);
  EXPECT_STREQ(std::getenv(kFlagVariable), "on");
  ::unsetenv(kFlagVariable);
}

// Planted bug: process state (a static counter of handler calls) renames the first step from the
// fourth call on: the recorded run makes two calls and the first replay a third, so only the
// replay of invocation 2 sees it, when "early" is already in the replayed state. The SDK's own
// replay check trips over it.
int g_handler_calls = 0;
Json counter_dependent(const Json&, DurableContext& ctx) {
  ++g_handler_calls;
  ctx.step([](StepContext&) { return 1; }, g_handler_calls >= 4 ? "late" : "early");
  ctx.wait(Duration::from_seconds(1), "pause");
  return ctx.step([](StepContext&) { return 2; }, "last");
}

TEST(DeterminismChecker, CatchesProcessStateThroughTheSdkReplayCheck) {
  g_handler_calls = 0;
  DurableRunner runner(counter_dependent);
  const auto report = runner.check_determinism();
  ASSERT_FALSE(report);
  const Divergence& d = *report.divergence;
  EXPECT_EQ(d.invocation, 2u);
  ASSERT_TRUE(d.expected_operation.has_value());
  EXPECT_EQ(d.expected_operation->name, "early");
  EXPECT_FALSE(d.actual_operation.has_value());
  EXPECT_THAT(d.actual, HasSubstr("non-deterministic execution"));
  EXPECT_THAT(d.actual, HasSubstr("late"));
  EXPECT_THAT(d.diff, HasSubstr("- replay STEP/Step \"early\""));
}

TEST(DeterminismChecker, EachCheckpointModeFindsTheCheckpointAfterWhichTheReplayDiverges) {
  DurableRunner runner(env_flag_branch);
  ::unsetenv(kFlagVariable);
  const auto report = runner.check_determinism(
      Json::object(),
      {.each_checkpoint = true, .environment = {{kFlagVariable, std::string("on")}}});
  ASSERT_FALSE(report);
  // Invocation 1 starts from nothing, so its first checkpoint already differs.
  EXPECT_EQ(report.divergence->invocation, 1u);
  EXPECT_FALSE(report.divergence->after_checkpoint.has_value());
  EXPECT_EQ(report.divergence->actual_operation->name, "new-flow");
  EXPECT_EQ(report.divergence->expected_operation->name, "old-flow");
}

TEST(DeterminismChecker, JitterSeedPerturbationLeavesDeterministicRetriesAlone) {
  int attempts = 0;
  DurableRunner runner([&attempts](const Json&, DurableContext& ctx) {
    return ctx.step(
        [&attempts](StepContext&) {
          if (++attempts < 3) throw std::runtime_error("flaky");
          return attempts;
        },
        "flaky", {.retry_strategy = retry_presets::default_strategy()});
  });
  EXPECT_TRUE(runner.check_determinism(Json::object(), {.jitter_seed = 42}));
}

TEST(DeterminismChecker, RejectsBadOptions) {
  DurableRunner runner(durable::fixtures::process_order);
  EXPECT_THROW(runner.check_determinism(Json::object(),
                                        {.wall_clock_gap = std::chrono::milliseconds(-1)}),
               std::invalid_argument);
  EXPECT_THROW(check_determinism(runner, Handler{}, Json::object()), std::invalid_argument);
  register_order_targets(runner);
  try {
    (void)runner.check_determinism(kOrder, {.environment = {{"BAD=NAME", std::string("x")}}});
    FAIL() << "an environment variable name with '=' must be refused";
  } catch (const std::invalid_argument& e) {
    EXPECT_THAT(e.what(), HasSubstr("BAD=NAME"));
  }
}

TEST(DeterminismChecker, ReportsARecordedRunThatCannotFinish) {
  // Nobody answers the callback, so the execution is stuck.
  DurableRunner runner([](const Json&, DurableContext& ctx) {
    auto cb = ctx.create_callback<Json>("approval");
    return cb.result();
  });
  const auto report = runner.check_determinism();
  EXPECT_FALSE(report);
  ASSERT_TRUE(report.error.has_value());
  EXPECT_THAT(report.to_string(), HasSubstr("could not complete the recorded run"));
}

TEST(OperationIdentity, PrintsTypeSubtypeNameIdParentAndAction) {
  OperationUpdate u;
  u.id = "abc";
  u.type = OperationType::Step;
  u.sub_type = "Step";
  u.name = "charge";
  u.parent_id = "p1";
  u.action = OperationAction::Succeed;
  EXPECT_EQ(OperationIdentity::of(u).to_string(), "STEP/Step \"charge\" id abc parent p1 SUCCEED");
  Operation op;
  op.id = "abc";
  op.type = OperationType::Step;
  op.sub_type = "Step";
  op.name = "charge";
  op.parent_id = "p1";
  EXPECT_TRUE(OperationIdentity::of(op).same_operation(OperationIdentity::of(u)));
  op.name = "refund";
  EXPECT_FALSE(OperationIdentity::of(op).same_operation(OperationIdentity::of(u)));
}

// Conformance handlers without callbacks or faults: every one replays deterministically.
class ConformanceDeterminism : public ::testing::TestWithParam<const char*> {};

TEST_P(ConformanceDeterminism, HandlerReplaysItsOwnLog) {
  conformance::HandlerRegistry registry;
  durable::fixtures::register_conformance_handlers(registry);
  const std::string id = GetParam();
  const auto* registered = registry.find(id);
  ASSERT_NE(registered, nullptr) << id;
  DurableRunner runner(registered->handler);
  for (const auto& [name, fn] : registered->settings.durable_functions) {
    runner.register_durable_function(name, fn);
  }
  for (const auto& [name, target] : registered->settings.plain_functions) {
    runner.registry().register_function(name, target.function, target.options);
  }
  const auto suite = id.substr(0, id.find('-'));
  const std::map<std::string, std::string> folders = {
      {"1", "step"}, {"2", "wait"}, {"3", "child"}, {"5", "invoke"}, {"8", "parallel"}, {"9", "map"}};
  const auto requirement = conformance::load_requirement(std::string(DURABLE_CONFORMANCE_DIR) + "/" +
                                                         folders.at(suite) + "/" + id + ".yaml");
  const auto report = runner.check_determinism(requirement.input, {.each_checkpoint = true});
  EXPECT_TRUE(report) << id;
}

INSTANTIATE_TEST_SUITE_P(Fixtures, ConformanceDeterminism,
                         ::testing::Values("1-3", "2-1", "3-1", "5-1", "8-1", "9-1"));

}  // namespace
}  // namespace durable::testing
