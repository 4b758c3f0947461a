// TestResult and the typed operation views over a hand-built snapshot: lookups by name and
// occurrence, index, id, type and status, children, typed accessors and their error messages.
#include <gtest/gtest.h>

#include <memory>

#include "durable/testing/test_result.hpp"

namespace durable::testing {
namespace {

Timestamp at(std::int64_t ms) { return Timestamp(std::chrono::milliseconds(ms)); }

Operation make_op(std::string id, OperationType type, std::optional<std::string> name,
                  OperationStatus status, std::optional<std::string> parent = std::nullopt) {
  Operation op;
  op.id = std::move(id);
  op.type = type;
  op.name = std::move(name);
  op.status = status;
  op.parent_id = std::move(parent);
  op.start_timestamp = at(1'000);
  return op;
}

TestResult sample() {
  TestResult::Snapshot snap;
  snap.execution_arn = "arn:aws:lambda:us-east-1:123456789012:function:f/durable-execution/e/1";
  snap.status = ExecutionStatus::Succeeded;
  snap.result = R"({"ok":true})";
  snap.start_timestamp = at(1'000);
  snap.end_timestamp = at(61'000);

  snap.operations.push_back(make_op("exec", OperationType::Execution, std::nullopt,
                                    OperationStatus::Succeeded));
  auto a0 = make_op("s1", OperationType::Step, "fetch", OperationStatus::Succeeded);
  a0.step_details = StepDetails{1, std::nullopt, R"({"user":"u1"})", std::nullopt};
  snap.operations.push_back(a0);
  auto w = make_op("w1", OperationType::Wait, "sleep", OperationStatus::Succeeded);
  w.wait_details = WaitDetails{at(61'000)};
  snap.operations.push_back(w);
  auto ctx = make_op("c1", OperationType::Context, "child", OperationStatus::Succeeded);
  ctx.sub_type = "RunInChildContext";
  ctx.context_details = ContextDetails{std::nullopt, "7", std::nullopt};
  snap.operations.push_back(ctx);
  auto inner = make_op("c1-s1", OperationType::Step, "fetch", OperationStatus::Failed, "c1");
  inner.step_details = StepDetails{3, std::nullopt, std::nullopt,
                                   ErrorObject{"Boom", "it broke", std::nullopt, std::nullopt}};
  snap.operations.push_back(inner);
  snap.logs = {R"({"message":"hi"})", "not json"};
  return TestResult(std::move(snap), nullptr);
}

TEST(TestResultTest, SharedObservationsAreReturnedInsteadOfTheSnapshots) {
  auto shared = std::make_shared<OperationObservations>();
  shared->step_runs["s1"] = 2;
  shared->step_names.emplace_back("s1", "fetch");
  TestResult::Snapshot snap;
  snap.observed.step_runs["ignored"] = 1;
  const TestResult r(std::move(snap), std::shared_ptr<const OperationObservations>(shared), nullptr);
  EXPECT_EQ(&r.observations(), shared.get());  // not copied
  EXPECT_EQ(r.observations().step_runs.count("ignored"), 0u);
  EXPECT_EQ(r.observations().step_runs.at("s1"), 2u);

  // Without shared observations, the snapshot's are kept.
  TestResult::Snapshot own;
  own.observed.step_runs["kept"] = 1;
  const TestResult k(std::move(own), std::shared_ptr<const OperationObservations>(), nullptr);
  EXPECT_EQ(k.observations().step_runs.at("kept"), 1u);
}

TEST(TestResultTest, DeferredObservationsAreMadeOnceOnFirstRead) {
  int made = 0;
  TestResult::Snapshot snap;
  snap.operations.push_back(
      make_op("s1", OperationType::Step, "fetch", OperationStatus::Succeeded));
  const TestResult r(std::move(snap), TestResult::DeferredObservations{[&made] {
                       ++made;
                       auto o = std::make_shared<OperationObservations>();
                       o->step_runs["s1"] = 3;
                       o->step_names.emplace_back("s1", "fetch");
                       return std::shared_ptr<const OperationObservations>(o);
                     }},
                     nullptr);
  EXPECT_EQ(made, 0);  // not made for a result whose observations nobody reads
  EXPECT_EQ(r.operation_count(), 1u);
  EXPECT_EQ(made, 0);
  EXPECT_EQ(r.step_runs("fetch"), 3u);
  EXPECT_EQ(r.get_step("fetch").body_runs(), 3u);
  EXPECT_EQ(&r.observations(), &r.observations());
  const TestResult copy = r;
  EXPECT_EQ(copy.observations().step_runs.at("s1"), 3u);
  EXPECT_EQ(made, 1);
}

TEST(TestResultTest, StatusAndResult) {
  const auto r = sample();
  EXPECT_EQ(r.status(), ExecutionStatus::Succeeded);
  EXPECT_EQ(r.result(), Json({{"ok", true}}));
  EXPECT_TRUE(r.result<Json>()["ok"].get<bool>());
  EXPECT_FALSE(r.error().has_value());
  EXPECT_EQ(*r.end_timestamp() - r.start_timestamp(), std::chrono::seconds(60));
}

TEST(TestResultTest, MissingResultIsNull) {
  TestResult::Snapshot snap;
  snap.status = ExecutionStatus::Failed;
  snap.error = ErrorObject{"E", "m", std::nullopt, std::nullopt};
  const TestResult r(std::move(snap), nullptr);
  EXPECT_TRUE(r.result().is_null());
  EXPECT_EQ(r.status(), ExecutionStatus::Failed);
  EXPECT_EQ(r.error()->error_message, "m");
}

TEST(TestResultTest, NonJsonResultThrowsNamingTheProblem) {
  TestResult::Snapshot snap;
  snap.result = "{not json";
  const TestResult r(std::move(snap), nullptr);
  try {
    (void)r.result();
    FAIL() << "expected an exception";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("not JSON"), std::string::npos) << e.what();
  }
}

TEST(TestResultTest, LookupByNameAndOccurrence) {
  const auto r = sample();
  EXPECT_EQ(r.operation("fetch").id(), "s1");
  EXPECT_EQ(r.operation("fetch", 1).id(), "c1-s1");
  EXPECT_EQ(r.get_step("fetch", 1).id(), "c1-s1");
  EXPECT_FALSE(r.find_operation("fetch", 2).has_value());
  EXPECT_EQ(r.get_wait("sleep").id(), "w1");
  EXPECT_EQ(r.get_context("child").id(), "c1");
  EXPECT_EQ(r.get_child_context("child").id(), "c1");
}

TEST(TestResultTest, MissingOperationErrorListsWhatExists) {
  const auto r = sample();
  try {
    (void)r.get_step("nope");
    FAIL() << "expected std::out_of_range";
  } catch (const std::out_of_range& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("STEP operation named \"nope\""), std::string::npos) << msg;
    EXPECT_NE(msg.find("WAIT \"sleep\""), std::string::npos) << msg;
  }
  // A name that exists with another type is not a step.
  EXPECT_THROW((void)r.get_step("sleep"), std::out_of_range);
  EXPECT_THROW((void)r.operation("fetch", 5), std::out_of_range);
}

TEST(TestResultTest, LookupByIndexIdTypeAndStatus) {
  const auto r = sample();
  EXPECT_EQ(r.operation_count(), 5u);
  EXPECT_EQ(r.operation_at(0).type(), OperationType::Execution);
  EXPECT_EQ(r.operation_at(2).name(), "sleep");
  EXPECT_EQ(r.operation_at(2).index(), 2u);
  EXPECT_THROW((void)r.operation_at(5), std::out_of_range);
  EXPECT_EQ(r.operation_by_id("c1-s1").parent_id(), "c1");
  EXPECT_THROW((void)r.operation_by_id("zzz"), std::out_of_range);
  EXPECT_EQ(r.operations().size(), 5u);
  EXPECT_EQ(r.operations(OperationType::Step).size(), 2u);
  EXPECT_EQ(r.operations(OperationType::Callback).size(), 0u);
  EXPECT_EQ(r.operations(OperationStatus::Failed).size(), 1u);
  EXPECT_EQ(r.operations(OperationStatus::Succeeded).size(), 4u);
}

TEST(TestResultTest, TypedStepAccessors) {
  const auto r = sample();
  const auto ok = r.get_step("fetch");
  EXPECT_EQ(ok.attempts(), 1);
  EXPECT_EQ(ok.result<Json>()["user"], "u1");
  EXPECT_EQ(ok.result_payload(), R"({"user":"u1"})");
  EXPECT_FALSE(ok.error().has_value());
  const auto failed = r.get_step("fetch", 1);
  EXPECT_EQ(failed.status(), OperationStatus::Failed);
  EXPECT_EQ(failed.attempts(), 3);
  EXPECT_EQ(failed.error()->error_type, "Boom");
  try {
    (void)failed.result();
    FAIL() << "expected std::runtime_error";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("has no result"), std::string::npos) << e.what();
  }
}

TEST(TestResultTest, WaitAndContextAccessors) {
  const auto r = sample();
  const auto w = r.get_wait("sleep");
  EXPECT_EQ(w.duration_seconds(), 60);
  EXPECT_EQ(w.scheduled_end(), at(61'000));
  const auto c = r.get_context("child");
  EXPECT_EQ(c.result<int>(), 7);
  EXPECT_EQ(c.sub_type(), "RunInChildContext");
  EXPECT_FALSE(c.replay_children());
  const auto kids = c.children();
  ASSERT_EQ(kids.size(), 1u);
  EXPECT_EQ(kids[0].id(), "c1-s1");
  EXPECT_TRUE(r.get_step("fetch").children().empty());
}

TEST(TestResultTest, TypedViewRejectsWrongType) {
  const auto r = sample();
  try {
    (void)WaitOperation(r.operation("fetch"));
    FAIL() << "expected std::logic_error";
  } catch (const std::logic_error& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("needs a WAIT"), std::string::npos) << msg;
    EXPECT_NE(msg.find("\"fetch\""), std::string::npos) << msg;
  }
  EXPECT_THROW((void)StepOperation(r.operation("sleep")), std::logic_error);
  EXPECT_THROW((void)InvokeOperation(r.operation("sleep")), std::logic_error);
  EXPECT_THROW((void)CallbackOperation(r.operation("sleep")), std::logic_error);
}

TEST(TestResultTest, OperationsOutliveTheResult) {
  std::optional<StepOperation> kept;
  {
    const auto r = sample();
    kept.emplace(r.get_step("fetch"));
  }
  EXPECT_EQ(kept->name(), "fetch");
}

TEST(TestResultTest, LogEntriesParseJsonAndKeepOtherLines) {
  const auto r = sample();
  const auto entries = r.log_entries();
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[0]["message"], "hi");
  EXPECT_EQ(entries[1], Json("not json"));
}

TEST(TestResultTest, HistoryWithoutEmulatorIsAnError) {
  const auto r = sample();
  EXPECT_THROW((void)r.history(), std::logic_error);
}

TEST(ExecutionStatusTest, PrintsItsWireName) {
  EXPECT_EQ(to_string(ExecutionStatus::TimedOut), "TIMED_OUT");
  std::ostringstream os;
  os << ExecutionStatus::Succeeded;
  EXPECT_EQ(os.str(), "SUCCEEDED");
}

}  // namespace
}  // namespace durable::testing
