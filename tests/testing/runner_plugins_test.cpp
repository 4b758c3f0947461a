// Instrumentation plugins under the DurableRunner: their records are captured with the SDK's log
// lines, and the replay rules hold against the emulator (timers, UpdatedOperationIds, parallel
// branch threads).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "durable/durable.hpp"
#include "durable/plugin.hpp"
#include "durable/testing.hpp"

namespace durable::testing {
namespace {

// Writes one record per hook; counts hooks running at the same time.
class Tracer : public Plugin {
 public:
  std::atomic<int> active{0};
  std::atomic<int> max_active{0};

  void on_invocation_start(const InvocationStartInfo& info) override {
    Scope s(*this);
    write_log({{"hook", "invocation-start"}, {"first", info.is_first_invocation},
               {"updated", info.updated_operations.size()}});
  }
  void on_invocation_end(const InvocationEndInfo& info) override {
    Scope s(*this);
    write_log({{"hook", "invocation-end"}, {"status", std::string(to_string(info.status))}});
  }
  void on_operation_start(const OperationStartInfo& info) override {
    Scope s(*this);
    write_log({{"hook", "operation-start"}, {"name", info.name.value_or("")},
               {"type", std::string(to_string(info.operation_type))},
               {"replay", info.is_replayed}});
  }
  void on_operation_end(const OperationEndInfo& info) override {
    Scope s(*this);
    write_log({{"hook", "operation-end"}, {"name", info.name.value_or("")},
               {"type", std::string(to_string(info.operation_type))},
               {"status", std::string(to_string(info.status))}});
  }
  void on_user_function_start(const UserFunctionStartInfo& info) override {
    Scope s(*this);
    write_log({{"hook", "fn-start"}, {"name", info.name.value_or("")}});
  }

 private:
  struct Scope {
    explicit Scope(Tracer& t) : tracer(t) {
      const int now = ++tracer.active;
      int seen = tracer.max_active.load();
      while (now > seen && !tracer.max_active.compare_exchange_weak(seen, now)) {
      }
    }
    ~Scope() { --tracer.active; }
    Tracer& tracer;
  };
};

std::vector<Json> records(const TestResult& result, const std::string& hook) {
  std::vector<Json> out;
  for (const auto& entry : result.log_entries()) {
    if (entry.is_object() && entry.value("hook", "") == hook) out.push_back(entry);
  }
  return out;
}

TEST(RunnerPlugins, RecordsAreCapturedInOrderWithTheSdkLines) {
  auto tracer = std::make_shared<Tracer>();
  RunnerOptions options;
  options.plugins = {tracer};
  DurableRunner runner(
      [](const Json&, DurableContext& ctx) -> Json {
        return ctx.step(
            [](StepContext& step) {
              step.logger().info("inside the step");
              return 7;
            },
            "seven");
      },
      options);
  const auto result = runner.run(Json::object());
  ASSERT_EQ(result.status(), ExecutionStatus::Succeeded);
  std::vector<std::string> order;
  for (const auto& entry : result.log_entries()) {
    order.push_back(entry.contains("hook") ? entry["hook"].get<std::string>()
                                           : entry.value("message", ""));
  }
  const std::vector<std::string> expected{"invocation-start", "operation-start", "fn-start",
                                          "inside the step",  "operation-end",
                                          "invocation-end"};
  EXPECT_EQ(order, expected);
}

TEST(RunnerPlugins, WaitAcrossInvocations) {
  auto tracer = std::make_shared<Tracer>();
  RunnerOptions options;
  options.plugins = {tracer};
  DurableRunner runner(
      [](const Json&, DurableContext& ctx) -> Json {
        ctx.step([](StepContext&) { return 1; }, "before");
        ctx.wait(Duration::from_seconds(30), "pause");
        return "done";
      },
      options);
  const auto result = runner.run(Json::object());
  ASSERT_EQ(result.status(), ExecutionStatus::Succeeded);
  const auto starts = records(result, "invocation-start");
  ASSERT_EQ(starts.size(), 2u);
  EXPECT_EQ(starts[0]["first"], true);
  EXPECT_EQ(starts[1]["first"], false);
  EXPECT_EQ(starts[1]["updated"], 1) << "the fired timer is listed in UpdatedOperationIds";
  const auto ends = records(result, "invocation-end");
  ASSERT_EQ(ends.size(), 2u);
  EXPECT_EQ(ends[0]["status"], "PENDING");
  EXPECT_EQ(ends[1]["status"], "SUCCEEDED");
  // Each operation ends exactly once; the terminal step never starts again on replay.
  const auto op_ends = records(result, "operation-end");
  ASSERT_EQ(op_ends.size(), 2u);
  EXPECT_EQ(op_ends[0]["name"], "before");
  EXPECT_EQ(op_ends[1]["name"], "pause");
  EXPECT_EQ(op_ends[1]["status"], "SUCCEEDED");
  const auto op_starts = records(result, "operation-start");
  ASSERT_EQ(op_starts.size(), 2u);
  EXPECT_EQ(op_starts[0]["replay"], false);
  EXPECT_EQ(op_starts[1]["replay"], false);
}

TEST(RunnerPlugins, ParallelBranchesNeverRunHooksConcurrently) {
  auto tracer = std::make_shared<Tracer>();
  RunnerOptions options;
  options.plugins = {tracer};
  DurableRunner runner(
      [](const Json&, DurableContext& ctx) -> Json {
        std::vector<std::function<int(DurableContext&)>> branches;
        for (int i = 0; i < 6; ++i) {
          branches.push_back([i](DurableContext& branch) {
            const int v = branch.step([i](StepContext&) { return i; });
            if (i % 2 == 0) branch.wait(Duration::from_seconds(i + 1), "w" + std::to_string(i));
            return v;
          });
        }
        ParallelConfig<int> config;
        config.max_concurrency = 3;
        return ctx.parallel<int>(branches, "fan", config).get_results();
      },
      options);
  const auto result = runner.run(Json::object());
  ASSERT_EQ(result.status(), ExecutionStatus::Succeeded);
  EXPECT_EQ(tracer->max_active.load(), 1);
  // Three waits, each ending once; a pending wait met on replay starts again as replayed.
  int wait_ends = 0;
  for (const auto& r : records(result, "operation-end")) wait_ends += r["type"] == "WAIT" ? 1 : 0;
  EXPECT_EQ(wait_ends, 3);
  for (const auto& r : records(result, "operation-start")) {
    if (r["type"] == "STEP") {
      EXPECT_EQ(r["replay"], false) << r.dump();
    }
  }
}

TEST(RunnerPlugins, OtherDurableFunctionsRunWithoutThePlugins) {
  auto tracer = std::make_shared<Tracer>();
  RunnerOptions options;
  options.plugins = {tracer};
  DurableRunner runner(
      [](const Json&, DurableContext& ctx) -> Json {
        return ctx.invoke<Json>("helper", Json{{"x", 1}});
      },
      options);
  runner.register_durable_function("helper", [](const Json& e, DurableContext&) { return e; });
  const auto result = runner.run(Json::object());
  ASSERT_EQ(result.status(), ExecutionStatus::Succeeded);
  EXPECT_EQ(records(result, "invocation-start").size(), 2u)
      << "two invocations of the handler under test (before and after the invoke)";
}

// The README's plugin example, as written there.
class StepTimer : public Plugin {
  void on_user_function_end(const UserFunctionEndInfo& info) override {
    write_log({{"op", info.name.value_or(info.operation_id)},
               {"outcome", std::string(to_string(info.outcome))}});
  }
};

TEST(RunnerPlugins, ReadmeExampleCapturesTheUserFunctionOutcome) {
  DurableRunner runner(
      [](const Json&, DurableContext& ctx) -> Json {
        return ctx.step([](StepContext&) { return 42; }, "answer");
      },
      {.plugins = {std::make_shared<StepTimer>()}});
  const auto result = runner.run(Json::object());
  ASSERT_THAT(result, Succeeded()) << result;
  EXPECT_THAT(result.logs(),
              ::testing::Contains(::testing::HasSubstr(R"("outcome":"SUCCEEDED")")));
  EXPECT_THAT(result.logs(), ::testing::Contains(::testing::HasSubstr(R"("op":"answer")")));
}

}  // namespace
}  // namespace durable::testing
