// Instrumentation plugins: which hooks fire, in what order, with which info, on replay, and that a
// throwing plugin disturbs neither the execution nor the other plugins.
#include <gtest/gtest.h>

#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "durable/durable.hpp"
#include "durable/plugin.hpp"
#include "fake_checkpoint_client.hpp"

namespace durable {
namespace {

using test::FakeCheckpointClient;

// Records every hook as "<hook> <details>" and keeps the last infos for field checks.
class Recorder : public Plugin {
 public:
  std::vector<std::string> calls;
  std::vector<InvocationStartInfo> starts;
  std::vector<InvocationEndInfo> ends;
  std::vector<OperationInfo> op_starts;
  std::vector<OperationInfo> op_ends;
  std::vector<OperationChangeInfo> changes;
  std::vector<UserFunctionStartInfo> fn_starts;
  std::vector<UserFunctionEndInfo> fn_ends;

  void on_invocation_start(const InvocationStartInfo& info) override {
    calls.push_back("invocation-start " + std::string(info.is_first_invocation ? "first" : "replay"));
    starts.push_back(info);
  }
  void on_invocation_end(const InvocationEndInfo& info) override {
    calls.push_back("invocation-end " + std::string(to_string(info.status)));
    ends.push_back(info);
  }
  void on_operation_start(const OperationStartInfo& info) override {
    calls.push_back("operation-start " + info.operation_id +
                    (info.is_replayed ? " replayed" : " live"));
    op_starts.push_back(info);
  }
  void on_operation_end(const OperationEndInfo& info) override {
    calls.push_back("operation-end " + info.operation_id + " " +
                    std::string(to_string(info.status)));
    op_ends.push_back(info);
  }
  void on_operation_change(const OperationChangeInfo& info) override {
    calls.push_back("operation-change " + std::to_string(info.updated_operations.size()));
    changes.push_back(info);
  }
  void on_user_function_start(const UserFunctionStartInfo& info) override {
    calls.push_back("fn-start " + info.operation_id + " " +
                    std::to_string(info.attempt.value_or(0)));
    fn_starts.push_back(info);
  }
  void on_user_function_end(const UserFunctionEndInfo& info) override {
    calls.push_back("fn-end " + info.operation_id + " " + std::string(to_string(info.outcome)));
    fn_ends.push_back(info);
  }
};

// Throws from every hook.
class Thrower : public Plugin {
 public:
  int calls = 0;
  void on_invocation_start(const InvocationStartInfo&) override { boom(); }
  void on_invocation_end(const InvocationEndInfo&) override { boom(); }
  void on_operation_start(const OperationStartInfo&) override { boom(); }
  void on_operation_end(const OperationEndInfo&) override { boom(); }
  void on_operation_change(const OperationChangeInfo&) override { throw 42; }
  void on_user_function_start(const UserFunctionStartInfo&) override { boom(); }
  void on_user_function_end(const UserFunctionEndInfo&) override { boom(); }

 private:
  void boom() {
    ++calls;
    throw std::runtime_error("plugin exploded");
  }
};

// Writes one record per invocation start through write_log.
class Writer : public Plugin {
 public:
  void on_invocation_start(const InvocationStartInfo& info) override {
    write_log(Json{{"plugin", "W"}, {"arn", info.execution_arn}});
  }
};

struct Capture {
  std::shared_ptr<Recorder> recorder = std::make_shared<Recorder>();
  std::vector<std::string> lines;
  InvocationOptions options() {
    InvocationOptions o;
    o.plugins = {recorder};
    o.log_sink = [this](std::string_view line) { lines.emplace_back(line); };
    return o;
  }
};

Handler one_step = [](const Json&, DurableContext& ctx) {
  return Json(ctx.step([](StepContext&) { return std::string("hi"); }, "greet"));
};

const std::string kStep1 = operation_id(std::nullopt, 1);

TEST(Plugin, StepFiresHooksInOrder) {
  FakeCheckpointClient client;
  Capture run;
  auto out = run_invocation(one_step, client.next_input(), client, run.options());
  ASSERT_EQ(out.status, InvocationStatus::Succeeded);
  const std::vector<std::string> expected{
      "invocation-start first",      "operation-start " + kStep1 + " live",
      "fn-start " + kStep1 + " 1",   "fn-end " + kStep1 + " SUCCEEDED",
      "operation-end " + kStep1 + " SUCCEEDED", "operation-change 1",
      "invocation-end SUCCEEDED"};
  EXPECT_EQ(run.recorder->calls, expected);
}

TEST(Plugin, InvocationInfoFields) {
  FakeCheckpointClient client;
  Capture run;
  auto options = run.options();
  options.request_id = "req-7";
  run_invocation(one_step, client.next_input(), client, options);
  ASSERT_EQ(run.recorder->starts.size(), 1u);
  const auto& start = run.recorder->starts[0];
  EXPECT_EQ(start.execution_arn, test::kArn);
  EXPECT_EQ(start.request_id, "req-7");
  EXPECT_TRUE(start.is_first_invocation);
  EXPECT_TRUE(start.execution_start_time.has_value());
  EXPECT_EQ(start.operations.size(), 1u);  // the EXECUTION operation
  EXPECT_TRUE(start.updated_operations.empty());
  ASSERT_EQ(run.recorder->ends.size(), 1u);
  const auto& end = run.recorder->ends[0];
  EXPECT_EQ(end.status, PluginInvocationStatus::Succeeded);
  EXPECT_TRUE(end.is_first_invocation);
  EXPECT_EQ(end.request_id, "req-7");
  EXPECT_EQ(end.operations.size(), 2u);  // EXECUTION + the step
  EXPECT_FALSE(end.error.has_value());
}

TEST(Plugin, OperationInfoFields) {
  FakeCheckpointClient client;
  Capture run;
  run_invocation(one_step, client.next_input(), client, run.options());
  ASSERT_EQ(run.recorder->op_starts.size(), 1u);
  const auto& start = run.recorder->op_starts[0];
  EXPECT_EQ(start.operation_type, OperationType::Step);
  EXPECT_EQ(start.sub_type, "Step");
  EXPECT_EQ(start.name, "greet");
  EXPECT_FALSE(start.parent_id.has_value());
  EXPECT_FALSE(start.is_replayed);
  EXPECT_EQ(start.status, OperationStatus::Started);
  ASSERT_EQ(run.recorder->op_ends.size(), 1u);
  const auto& end = run.recorder->op_ends[0];
  EXPECT_EQ(end.status, OperationStatus::Succeeded);
  EXPECT_EQ(end.result, "\"hi\"");
  EXPECT_EQ(end.attempt, 1);
  ASSERT_EQ(run.recorder->changes.size(), 1u);
  EXPECT_EQ(run.recorder->changes[0].updated_operations.count(kStep1), 1u);
  EXPECT_EQ(run.recorder->changes[0].operations.size(), 2u);
  ASSERT_EQ(run.recorder->fn_ends.size(), 1u);
  EXPECT_EQ(run.recorder->fn_ends[0].outcome, UserFunctionOutcome::Succeeded);
  EXPECT_TRUE(run.recorder->fn_ends[0].end_time.has_value());
  EXPECT_EQ(run.recorder->fn_ends[0].name, "greet");
}

TEST(Plugin, RetriedStepReportsFailedAttemptThenReplayedStart) {
  FakeCheckpointClient client;
  Handler flaky = [](const Json&, DurableContext& ctx) {
    StepConfig<std::string> config;
    RetryStrategyConfig cfg;
    cfg.max_attempts = 3;
    cfg.jitter = JitterStrategy::None;
    config.retry_strategy = create_retry_strategy(cfg);
    return Json(ctx.step(
        [](StepContext& step) -> std::string {
          if (step.attempt() == 1) throw std::runtime_error("first fails");
          return "ok";
        },
        "flaky", config));
  };
  Capture first;
  auto out = run_invocation(flaky, client.next_input(), client, first.options());
  ASSERT_EQ(out.status, InvocationStatus::Pending);
  ASSERT_EQ(first.recorder->fn_ends.size(), 1u);
  EXPECT_EQ(first.recorder->fn_ends[0].outcome, UserFunctionOutcome::Failed);
  EXPECT_EQ(first.recorder->fn_ends[0].error->error_message, "first fails");
  EXPECT_TRUE(first.recorder->op_ends.empty()) << "a retryable failure is not terminal";
  EXPECT_EQ(first.recorder->ends.at(0).status, PluginInvocationStatus::Pending);

  client.advance_time();
  Capture second;
  auto in = client.next_input();
  in.updated_operation_ids = std::vector<std::string>{kStep1};
  out = run_invocation(flaky, in, client, second.options());
  ASSERT_EQ(out.status, InvocationStatus::Succeeded);
  const auto& calls = second.recorder->calls;
  EXPECT_EQ(calls.at(0), "invocation-start replay");
  EXPECT_EQ(calls.at(1), "operation-start " + kStep1 + " replayed");
  EXPECT_EQ(calls.at(2), "fn-start " + kStep1 + " 2");
  EXPECT_FALSE(second.recorder->starts[0].is_first_invocation);
  EXPECT_EQ(second.recorder->starts[0].updated_operations.count(kStep1), 1u);
  // One operation-start in the replay although the step is both replayed and re-STARTed.
  int op_starts = 0;
  for (const auto& c : calls) op_starts += c.rfind("operation-start", 0) == 0 ? 1 : 0;
  EXPECT_EQ(op_starts, 1);
  ASSERT_EQ(second.recorder->op_ends.size(), 1u);
  EXPECT_EQ(second.recorder->op_ends[0].attempt, 2);
}

TEST(Plugin, TerminalOperationsAreNotReportedOnReplayButUpdatedWaitEnds) {
  FakeCheckpointClient client;
  Handler handler = [](const Json&, DurableContext& ctx) {
    ctx.step([](StepContext&) { return 1; }, "a");
    ctx.wait(Duration::from_seconds(5), "pause");
    return Json("done");
  };
  Capture first;
  ASSERT_EQ(run_invocation(handler, client.next_input(), client, first.options()).status,
            InvocationStatus::Pending);
  const std::string wait_id = operation_id(std::nullopt, 2);
  client.advance_time();
  Capture second;
  auto in = client.next_input();
  in.updated_operation_ids = std::vector<std::string>{wait_id};
  ASSERT_EQ(run_invocation(handler, in, client, second.options()).status,
            InvocationStatus::Succeeded);
  const std::vector<std::string> expected{"invocation-start replay",
                                          "operation-end " + wait_id + " SUCCEEDED",
                                          "invocation-end SUCCEEDED"};
  EXPECT_EQ(second.recorder->calls, expected);
  EXPECT_TRUE(second.recorder->op_ends[0].is_replayed);
}

TEST(Plugin, PendingWaitIsReportedAsReplayedStart) {
  FakeCheckpointClient client;
  Handler handler = [](const Json&, DurableContext& ctx) {
    ctx.wait(Duration::from_seconds(5), "pause");
    return Json("done");
  };
  Capture first;
  run_invocation(handler, client.next_input(), client, first.options());
  Capture second;  // the timer has not fired: the wait is still STARTED
  ASSERT_EQ(run_invocation(handler, client.next_input(), client, second.options()).status,
            InvocationStatus::Pending);
  ASSERT_EQ(second.recorder->op_starts.size(), 1u);
  EXPECT_TRUE(second.recorder->op_starts[0].is_replayed);
  EXPECT_EQ(second.recorder->op_starts[0].status, OperationStatus::Started);
  EXPECT_EQ(second.recorder->op_starts[0].operation_type, OperationType::Wait);
}

TEST(Plugin, ChildContextReportsParentAndBodyRun) {
  FakeCheckpointClient client;
  Handler handler = [](const Json&, DurableContext& ctx) {
    return Json(ctx.run_in_child_context(
        [](DurableContext& child) { return child.step([](StepContext&) { return 3; }, "in"); },
        "outer"));
  };
  Capture run;
  ASSERT_EQ(run_invocation(handler, client.next_input(), client, run.options()).status,
            InvocationStatus::Succeeded);
  const std::string ctx_id = operation_id(std::nullopt, 1);
  const std::string step_id = operation_id(ctx_id, 1);
  ASSERT_EQ(run.recorder->op_ends.size(), 2u);
  EXPECT_EQ(run.recorder->op_ends[0].operation_id, step_id);
  EXPECT_EQ(run.recorder->op_ends[0].parent_id, ctx_id);
  EXPECT_EQ(run.recorder->op_ends[1].operation_id, ctx_id);
  EXPECT_FALSE(run.recorder->op_ends[1].parent_id.has_value());
  ASSERT_GE(run.recorder->fn_starts.size(), 1u);
  EXPECT_EQ(run.recorder->fn_starts[0].operation_id, ctx_id);
  EXPECT_EQ(run.recorder->fn_starts[0].operation_type, OperationType::Context);
  EXPECT_FALSE(run.recorder->fn_starts[0].is_replay_children);
}

TEST(Plugin, FlatAndNestedMapItemsAreBothUserFunctions) {
  for (const NestingType nesting : {NestingType::Nested, NestingType::Flat}) {
    FakeCheckpointClient client;
    Handler handler = [nesting](const Json&, DurableContext& ctx) {
      auto r = ctx.map(
          std::vector<int>{1, 2, 3},
          [](DurableContext& c, const int& v, std::size_t, const std::vector<int>&) {
            return c.step([v](StepContext&) { return v * 10; }, "times-ten");
          },
          "items", {.max_concurrency = 1, .nesting_type = nesting});
      return Json(r.get_results());
    };
    Capture run;
    ASSERT_EQ(run_invocation(handler, client.next_input(), client, run.options()).status,
              InvocationStatus::Succeeded);
    std::size_t item_starts = 0;
    std::size_t item_ends = 0;
    for (const auto& info : run.recorder->fn_starts) {
      if (info.operation_type == OperationType::Context && info.sub_type == "MapIteration") {
        ++item_starts;
      }
    }
    for (const auto& info : run.recorder->fn_ends) {
      if (info.operation_type == OperationType::Context && info.sub_type == "MapIteration" &&
          info.outcome == UserFunctionOutcome::Succeeded) {
        ++item_ends;
      }
    }
    const char* label = nesting == NestingType::Flat ? "flat" : "nested";
    EXPECT_EQ(item_starts, 3u) << label;
    EXPECT_EQ(item_ends, 3u) << label;
    // A step's attempt names the parent its checkpoint carries: the item context when nested,
    // the map context when flat (the item has no operation of its own).
    const std::string map_id = operation_id(std::nullopt, 1);
    std::size_t attempts = 0;
    for (const auto& info : run.recorder->fn_starts) {
      if (info.operation_type != OperationType::Step) continue;
      const std::string item_id = operation_id(map_id, attempts++);  // items count from 0
      EXPECT_EQ(info.parent_id, nesting == NestingType::Flat ? map_id : item_id) << label;
    }
    EXPECT_EQ(attempts, 3u) << label;
    for (const auto& update : client.updates()) {
      if (update.type != OperationType::Step) continue;
      EXPECT_EQ(update.parent_id, nesting == NestingType::Flat
                                      ? std::optional<std::string>(map_id)
                                      : std::optional<std::string>(update.parent_id))
          << label;
    }
  }
}

TEST(Plugin, FailedExecutionEndsWithFailedStatusAndError) {
  FakeCheckpointClient client;
  Handler handler = [](const Json&, DurableContext&) -> Json {
    throw std::runtime_error("handler broke");
  };
  Capture run;
  ASSERT_EQ(run_invocation(handler, client.next_input(), client, run.options()).status,
            InvocationStatus::Failed);
  ASSERT_EQ(run.recorder->ends.size(), 1u);
  EXPECT_EQ(run.recorder->ends[0].status, PluginInvocationStatus::Failed);
  EXPECT_EQ(run.recorder->ends[0].error->error_message, "handler broke");
}

TEST(Plugin, RetryableServiceFailureEndsWithRetryAndIsRethrown) {
  FakeCheckpointClient client;
  client.on_checkpoint = [](const CheckpointDurableExecutionRequest&) {
    throw ApiError("ServiceException", 503, "service unavailable");
  };
  Capture run;
  EXPECT_THROW(run_invocation(one_step, client.next_input(), client, run.options()), ApiError);
  ASSERT_EQ(run.recorder->ends.size(), 1u);
  EXPECT_EQ(run.recorder->ends[0].status, PluginInvocationStatus::Retry);
}

TEST(Plugin, ThrowingPluginDisturbsNeitherExecutionNorOtherPlugins) {
  FakeCheckpointClient client;
  Capture run;
  auto thrower = std::make_shared<Thrower>();
  auto options = run.options();
  options.plugins = {thrower, nullptr, run.recorder};
  auto out = run_invocation(one_step, client.next_input(), client, options);
  ASSERT_EQ(out.status, InvocationStatus::Succeeded);
  EXPECT_EQ(out.result, "\"hi\"");
  EXPECT_EQ(thrower->calls, 6);
  EXPECT_EQ(run.recorder->calls.size(), 7u);
  int warnings = 0;
  for (const auto& line : run.lines) {
    const Json j = Json::parse(line);
    if (j.value("level", "") == "WARN" &&
        j.value("message", "").find("plugin exploded") != std::string::npos) {
      ++warnings;
    }
  }
  EXPECT_EQ(warnings, 6);
  // The non-std::exception from on_operation_change is reported too.
  bool saw_other = false;
  for (const auto& line : run.lines) {
    saw_other |= line.find("not derived from std::exception") != std::string::npos;
  }
  EXPECT_TRUE(saw_other);
}

TEST(Plugin, WriteLogGoesToTheInvocationSink) {
  FakeCheckpointClient client;
  std::vector<std::string> lines;
  InvocationOptions options;
  options.plugins = {std::make_shared<Writer>()};
  options.log_sink = [&](std::string_view line) { lines.emplace_back(line); };
  run_invocation(one_step, client.next_input(), client, options);
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(Json::parse(lines[0]), (Json{{"plugin", "W"}, {"arn", test::kArn}}));
}

TEST(Plugin, NoPluginsNoHookOutput) {
  FakeCheckpointClient client;
  std::vector<std::string> lines;
  InvocationOptions options;
  options.log_sink = [&](std::string_view line) { lines.emplace_back(line); };
  EXPECT_EQ(run_invocation(one_step, client.next_input(), client, options).status,
            InvocationStatus::Succeeded);
  EXPECT_TRUE(lines.empty());
}

TEST(Plugin, WaitForConditionChecksAreUserFunctions) {
  FakeCheckpointClient client;
  Handler handler = [](const Json&, DurableContext& ctx) {
    WaitForConditionConfig<int> config;
    config.initial_state = 0;
    config.wait_strategy = [](const int&, int) { return WaitForConditionDecision::stop_polling(); };
    return Json(ctx.wait_for_condition<int>(
        [](const int& s, WaitForConditionCheckContext&) { return s + 1; }, config, "poll"));
  };
  Capture run;
  ASSERT_EQ(run_invocation(handler, client.next_input(), client, run.options()).status,
            InvocationStatus::Succeeded);
  ASSERT_EQ(run.recorder->fn_starts.size(), 1u);
  EXPECT_EQ(run.recorder->fn_starts[0].sub_type, "WaitForCondition");
  EXPECT_EQ(run.recorder->fn_starts[0].attempt, 1);
}

TEST(PluginFormat, TokensAndTimestamps) {
  EXPECT_EQ(to_string(PluginInvocationStatus::Pending), "PENDING");
  EXPECT_EQ(to_string(PluginInvocationStatus::Retry), "RETRY");
  EXPECT_EQ(to_string(UserFunctionOutcome::Failed), "FAILED");
  EXPECT_EQ(format_iso8601(Timestamp(std::chrono::milliseconds(1'700'000'000'123))),
            "2023-11-14T22:13:20.123Z");
  EXPECT_EQ(format_iso8601(Timestamp(std::chrono::milliseconds(-1))), "1969-12-31T23:59:59.999Z");
}

}  // namespace
}  // namespace durable
