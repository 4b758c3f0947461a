// The crash-point explorer: every fault kind at every checkpoint of the clean run; passes on
// crash-tolerant fixtures, catches a non-idempotent step that at-least-once semantics re-runs,
// tolerates (or, on request, reports) at-most-once steps interrupted by a crash.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "durable/durable.hpp"
#include "durable/fixtures/conformance_handlers.hpp"
#include "durable/fixtures/invoke_examples.hpp"
#include "durable/testing.hpp"

namespace durable::testing {
namespace {

using ::testing::HasSubstr;

RunnerFactory order_factory() {
  return [] {
    auto runner = std::make_unique<DurableRunner>(durable::fixtures::process_order,
                                                  RunnerOptions{.function_name = "orders"});
    runner->register_function("validate-order", [](const Json&) { return Json{{"valid", true}}; });
    runner->register_function("process-payment",
                              [](const Json&) { return Json{{"transaction_id", "t-1"}}; });
    return runner;
  };
}

const Json kOrder = {{"order_id", "order-123"}, {"amount", 100.0}};

TEST(CrashExplorer, OrderWorkflowSurvivesEveryFaultAtEveryCheckpoint) {
  const CrashReport report = explore_crash_points(order_factory(), kOrder);

  EXPECT_TRUE(report);
  ASSERT_TRUE(report.clean.has_value());
  EXPECT_EQ(report.clean->status(), ExecutionStatus::Succeeded);
  EXPECT_GE(report.clean_checkpoints, 2u);
  // Every checkpoint fault at every checkpoint, and a crash inside every step body.
  EXPECT_EQ(report.points.size(), report.clean_checkpoints * (all_crash_faults().size() - 1) +
                                      report.clean->observations().step_names.size());
  for (const auto& p : report.points) {
    EXPECT_TRUE(p.fired) << p.checkpoint << " " << to_string(p.fault) << " " << p.step;
    EXPECT_EQ(p.status, ExecutionStatus::Succeeded);
    // A lost invocation may coincide with one the clean run makes anyway (an invoke's answer).
    EXPECT_GE(p.invocations, report.clean->invocation_count());
  }
  EXPECT_THAT(report.to_string(), HasSubstr("0 violation(s)"));
}

// A payment provider outside the durable execution: each call books a charge.
struct Ledger {
  std::vector<std::string> charges;
  std::set<std::string> seen_keys;
};

// Planted bug: "charge" books a new charge on every run of its body, and at-least-once
// semantics re-runs a body whose result was lost in a crash or refused checkpoint.
Handler charge_handler(std::shared_ptr<Ledger> ledger, bool idempotent) {
  return [ledger, idempotent](const Json& event, DurableContext& ctx) {
    const std::string order = event.value("order_id", std::string("o"));
    ctx.step(
        [ledger, idempotent, order](StepContext&) {
          // The fix: the provider deduplicates on an idempotency key.
          if (!idempotent || ledger->seen_keys.insert(order).second) ledger->charges.push_back(order);
          return true;
        },
        "charge");
    ctx.wait(Duration::from_seconds(10), "settle");
    const auto booked = ctx.step(
        [ledger](StepContext&) { return static_cast<int>(ledger->charges.size()); }, "count");
    return Json{{"charges", booked}};
  };
}

TEST(CrashExplorer, CatchesANonIdempotentStepThatAtLeastOnceRunsTwice) {
  std::shared_ptr<Ledger> ledger;
  const auto factory = [&ledger] {
    ledger = std::make_shared<Ledger>();
    return std::make_unique<DurableRunner>(charge_handler(ledger, false));
  };
  const auto report = explore_crash_points(factory, {{"order_id", "o-1"}});

  ASSERT_FALSE(report);
  EXPECT_EQ(report.clean->result(), (Json{{"charges", 1}}));
  ASSERT_FALSE(report.violations.empty());
  // Checkpoint 1 holds "charge"'s START and SUCCEED: losing it (crash before send, refused)
  // re-runs the body; a crash after the service applied it does not.
  std::set<CrashFault> faults_at_1;
  for (const auto& v : report.violations) {
    if (v.checkpoint == 1) faults_at_1.insert(v.fault);
    EXPECT_FALSE(v.problems.empty());
  }
  EXPECT_TRUE(faults_at_1.contains(CrashFault::CrashBeforeSend));
  EXPECT_TRUE(faults_at_1.contains(CrashFault::Throttle));
  EXPECT_FALSE(faults_at_1.contains(CrashFault::CrashAfterApply));
  const auto& first = report.violations.front();
  EXPECT_THAT(first.problems.front(), HasSubstr("\"charges\":2"));
  EXPECT_THAT(first.problems,
              ::testing::Contains("note: step \"charge\" ran its body 2 time(s), 1 in the clean run"));
  ASSERT_TRUE(first.run.has_value());
  EXPECT_EQ(first.run->step_runs("charge"), 2u);
  const std::string text = report.to_string();
  EXPECT_THAT(text, HasSubstr("violation at checkpoint 1 with CrashBeforeSend"));
  EXPECT_THAT(text, HasSubstr("failing run:"));
  EXPECT_THAT(text, HasSubstr("charge"));
}

TEST(CrashExplorer, CrashInStepBodyIsExploredAtEveryStep) {
  ExplorerOptions options;
  options.faults = {CrashFault::CrashInStepBody};
  const auto report = explore_crash_points(
      [] { return std::make_unique<DurableRunner>(charge_handler(std::make_shared<Ledger>(), true)); },
      {{"order_id", "o-1"}}, options);
  EXPECT_TRUE(report) << report;
  ASSERT_TRUE(report.clean.has_value());
  const auto& steps = report.clean->observations().step_names;
  ASSERT_GE(steps.size(), 2u);
  ASSERT_EQ(report.points.size(), steps.size());
  for (std::size_t i = 0; i < steps.size(); ++i) {
    const auto& p = report.points[i];
    EXPECT_EQ(p.fault, CrashFault::CrashInStepBody);
    EXPECT_EQ(p.checkpoint, 0u);
    EXPECT_EQ(p.step, steps[i].second.empty() ? steps[i].first : steps[i].second);
    EXPECT_TRUE(p.fired) << p.step;
    EXPECT_EQ(p.status, ExecutionStatus::Succeeded);
    EXPECT_GT(p.invocations, report.clean->invocation_count()) << p.step;
  }
  EXPECT_THAT(report.to_string(), HasSubstr(std::to_string(steps.size()) + " step bod"));
}

// The body booked its charge, then the process died before the result went out: the re-run books
// a second one.
TEST(CrashExplorer, CrashInStepBodyCatchesANonIdempotentStep) {
  std::shared_ptr<Ledger> ledger;
  ExplorerOptions options;
  options.faults = {CrashFault::CrashInStepBody};
  const auto report = explore_crash_points(
      [&ledger] {
        ledger = std::make_shared<Ledger>();
        return std::make_unique<DurableRunner>(charge_handler(ledger, false));
      },
      {{"order_id", "o-1"}}, options);
  ASSERT_FALSE(report);
  ASSERT_EQ(report.violations.size(), 1u) << report;
  EXPECT_EQ(report.violations[0].step, "charge");
  EXPECT_THAT(report.to_string(), HasSubstr("violation in step \"charge\" with CrashInStepBody"));
}

TEST(CrashExplorer, InvariantCatchesTheDuplicateSideEffectDirectly) {
  std::shared_ptr<Ledger> ledger;
  ExplorerOptions options;
  options.faults = {CrashFault::CrashBeforeSend};
  options.invariant = [&ledger](const TestResult&) -> std::optional<std::string> {
    if (ledger->charges.size() == 1) return std::nullopt;
    return "the provider booked " + std::to_string(ledger->charges.size()) + " charges";
  };
  options.stop_at_first_violation = true;
  CrashExplorer explorer(
      [&ledger] {
        ledger = std::make_shared<Ledger>();
        return std::make_unique<DurableRunner>(charge_handler(ledger, false));
      },
      options);
  const auto report = explorer.explore({{"order_id", "o-1"}});
  ASSERT_EQ(report.violations.size(), 1u);
  EXPECT_THAT(report.violations[0].problems, ::testing::Contains("the provider booked 2 charges"));
  EXPECT_EQ(report.points.size(), 1u);  // stopped at the first violation
}

TEST(CrashExplorer, IdempotentStepPassesEveryPoint) {
  std::shared_ptr<Ledger> ledger;
  ExplorerOptions options;
  options.invariant = [&ledger](const TestResult&) -> std::optional<std::string> {
    if (ledger->charges.size() == 1) return std::nullopt;
    return "booked " + std::to_string(ledger->charges.size()) + " charges";
  };
  const auto report = explore_crash_points(
      [&ledger] {
        ledger = std::make_shared<Ledger>();
        return std::make_unique<DurableRunner>(charge_handler(ledger, true));
      },
      {{"order_id", "o-1"}}, options);
  EXPECT_TRUE(report);
  EXPECT_EQ(report.clean_checkpoints, 3u);  // charge, settle, count
}

Handler at_most_once_handler(RetryStrategy retry) {
  return [retry](const Json&, DurableContext& ctx) {
    const int sent = ctx.step([](StepContext&) { return 7; }, "send-email",
                              {.retry_strategy = retry,
                               .step_semantics = StepSemantics::AtMostOncePerRetry});
    return Json{{"sent", sent}};
  };
}

TEST(CrashExplorer, AtMostOnceStepWithRetriesKeepsItsBodyCountWithinStartedAttempts) {
  const auto report = explore_crash_points(
      [] { return std::make_unique<DurableRunner>(at_most_once_handler(retry_presets::fixed())); });
  EXPECT_TRUE(report);
  bool interrupted = false;
  for (const auto& p : report.points) interrupted = interrupted || p.interrupted;
  EXPECT_TRUE(interrupted) << report;  // a crash after START reached the service
}

TEST(CrashExplorer, InterruptedAtMostOnceStepWithoutRetriesIsReportedWhenNotTolerated) {
  const auto factory = [] {
    return std::make_unique<DurableRunner>(at_most_once_handler(retry_presets::none()));
  };
  // Tolerated (default): the interrupted step ends the execution FAILED, as specified.
  EXPECT_TRUE(explore_crash_points(factory));
  ExplorerOptions strict;
  strict.tolerate_interrupted_steps = false;
  const auto report = explore_crash_points(factory, Json::object(), strict);
  ASSERT_FALSE(report);
  EXPECT_THAT(report.violations.front().problems.front(), HasSubstr("the execution ended FAILED"));
}

TEST(CrashExplorer, ObservationsCountAtMostOnceStartsOnly) {
  DurableRunner runner([](const Json&, DurableContext& ctx) {
    ctx.step([](StepContext&) { return 1; }, "once",
             {.step_semantics = StepSemantics::AtMostOncePerRetry});
    return ctx.step([](StepContext&) { return 2; }, "least");
  });
  const auto result = runner.run();
  const auto& seen = result.observations();
  ASSERT_EQ(seen.at_most_once_starts.size(), 1u);
  EXPECT_EQ(seen.at_most_once_starts.begin()->first, result.get_step("once").id());
  EXPECT_EQ(seen.at_most_once_starts.begin()->second, 1u);
}

TEST(CrashExplorer, MaxPointsLimitsTheExploration) {
  ExplorerOptions options;
  options.max_points = 1;
  options.faults = {CrashFault::Throttle, CrashFault::StaleToken};
  const auto report = explore_crash_points(order_factory(), kOrder, options);
  EXPECT_TRUE(report);
  EXPECT_EQ(report.points.size(), 2u);
  EXPECT_EQ(report.clean_checkpoints, 1u);
}

TEST(CrashExplorer, ReportsACleanRunThatCannotFinish) {
  const auto report = explore_crash_points([] {
    return std::make_unique<DurableRunner>([](const Json&, DurableContext& ctx) {
      return ctx.create_callback<Json>("approval").result();
    });
  });
  EXPECT_FALSE(report);
  ASSERT_TRUE(report.error.has_value());
  EXPECT_TRUE(report.points.empty());
  EXPECT_THAT(report.to_string(), HasSubstr("could not complete the clean run"));
}

TEST(CrashExplorer, RejectsBadArguments) {
  EXPECT_THROW(CrashExplorer(RunnerFactory{}), std::invalid_argument);
  ExplorerOptions none;
  none.faults.clear();
  EXPECT_THROW(CrashExplorer(order_factory(), none), std::invalid_argument);
  try {
    (void)explore_crash_points([] { return std::unique_ptr<DurableRunner>(); });
    FAIL() << "a factory returning nullptr must be refused";
  } catch (const std::invalid_argument& e) {
    EXPECT_THAT(e.what(), HasSubstr("nullptr"));
  }
}

TEST(CrashExplorer, FaultNames) {
  EXPECT_EQ(to_string(CrashFault::CrashBeforeSend), "CrashBeforeSend");
  EXPECT_EQ(to_string(CrashFault::CrashAfterApply), "CrashAfterApply");
  EXPECT_EQ(to_string(CrashFault::Throttle), "Throttle");
  EXPECT_EQ(to_string(CrashFault::ServiceError), "ServiceError");
  EXPECT_EQ(to_string(CrashFault::StaleToken), "StaleToken");
  EXPECT_EQ(to_string(CrashFault::InvocationTimeout), "InvocationTimeout");
  EXPECT_EQ(to_string(CrashFault::CrashInStepBody), "CrashInStepBody");
  EXPECT_EQ(all_crash_faults().size(), 7u);
}

// Conformance handlers without callbacks: every crash point keeps their outcome.
class ConformanceCrashPoints : public ::testing::TestWithParam<const char*> {};

TEST_P(ConformanceCrashPoints, OutcomeSurvivesEveryFault) {
  conformance::HandlerRegistry registry;
  durable::fixtures::register_conformance_handlers(registry);
  const auto* registered = registry.find(GetParam());
  ASSERT_NE(registered, nullptr);
  const auto report = explore_crash_points(
      [registered] {
        auto runner = std::make_unique<DurableRunner>(registered->handler);
        for (const auto& [name, target] : registered->settings.plain_functions) {
          runner->registry().register_function(name, target.function, target.options);
        }
        return runner;
      },
      nullptr);
  EXPECT_TRUE(report) << GetParam();
}

INSTANTIATE_TEST_SUITE_P(Fixtures, ConformanceCrashPoints,
                         ::testing::Values("1-3", "2-1", "3-1", "8-1"));

}  // namespace
}  // namespace durable::testing
