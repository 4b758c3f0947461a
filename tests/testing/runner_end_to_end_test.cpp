// End to end: real SDK handlers run by the DurableRunner against the in-process emulator.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>

#include "durable/durable.hpp"
#include "durable/emulator/service.hpp"
#include "durable/testing.hpp"

namespace durable::testing {
namespace {

using ::testing::Contains;
using ::testing::HasSubstr;

TEST(RunnerEndToEndTest, SingleStepSucceeds) {
  DurableRunner runner([](const Json& event, DurableContext& ctx) -> Json {
    const int doubled = ctx.step([&](StepContext&) { return event["n"].get<int>() * 2; });
    return Json{{"doubled", doubled}};
  });
  const auto result = runner.run({{"n", 21}});
  EXPECT_EQ(result.status(), ExecutionStatus::Succeeded);
  EXPECT_THAT(result.result(), JsonEq(Json{{"doubled", 42}}));
  EXPECT_EQ(result.invocation_count(), 1u);
  const auto steps = result.operations(OperationType::Step);
  ASSERT_EQ(steps.size(), 1u);
  EXPECT_THAT(steps[0], HasStatus(OperationStatus::Succeeded));
  EXPECT_EQ(StepOperation(steps[0]).result<int>(), 42);
  EXPECT_EQ(StepOperation(steps[0]).attempts(), 1);
  EXPECT_EQ(steps[0].sub_type(), "Step");
  EXPECT_EQ(result.execution_arn(), runner.execution_arn());
}

TEST(RunnerEndToEndTest, CountsTheCheckpointRequestsOfEachInvocation) {
  DurableRunner runner([](const Json&, DurableContext& ctx) -> Json {
    // Each step's START rides with its SUCCEED: one request per step.
    ctx.step([](StepContext&) { return 1; }, "a");
    ctx.step([](StepContext&) { return 2; }, "b");
    ctx.wait(Duration::from_seconds(5), "pause");  // a request of its own, then suspension
    // The child's START rides with the step's SUCCEED; the child's SUCCEED is a request too.
    return ctx.run_in_child_context(
        [](DurableContext& child) { return child.step([](StepContext&) { return 3; }, "c"); },
        "child");
  });
  const auto result = runner.run();
  ASSERT_EQ(result.status(), ExecutionStatus::Succeeded) << result;
  ASSERT_EQ(result.invocation_count(), 2u);
  EXPECT_EQ(result.invocations()[0].checkpoint_requests, 3u);
  EXPECT_EQ(result.invocations()[1].checkpoint_requests, 2u);
  EXPECT_EQ(result.checkpoint_request_count(), 5u);
}

TEST(RunnerEndToEndTest, NamedStepsRunOnceEachInOrder) {
  std::atomic<int> body_runs{0};
  DurableRunner runner([&](const Json&, DurableContext& ctx) -> Json {
    const auto user = ctx.step([&](StepContext&) { ++body_runs; return std::string("u-1"); },
                               "fetch-user");
    const auto total = ctx.step([&](StepContext&) { ++body_runs; return 100; }, "price");
    ctx.wait(Duration::from_seconds(10), "cool-down");
    const auto receipt = ctx.step(
        [&](StepContext&) { ++body_runs; return user + ":" + std::to_string(total); }, "receipt");
    return receipt;
  }, {.function_name = "orders"});
  const auto result = runner.run();
  ASSERT_EQ(result.status(), ExecutionStatus::Succeeded) << result;
  EXPECT_EQ(result.result(), "u-1:100");
  // The wait splits the execution into two invocations; replay never re-runs finished steps.
  EXPECT_EQ(result.invocation_count(), 2u);
  EXPECT_EQ(body_runs.load(), 3);
  EXPECT_EQ(result.get_step("fetch-user").result<std::string>(), "u-1");
  EXPECT_EQ(result.get_step("price").result<int>(), 100);
  EXPECT_EQ(result.get_step("receipt").result<std::string>(), "u-1:100");
  EXPECT_EQ(result.get_wait("cool-down").duration_seconds(), 10);
  EXPECT_THAT(result.operations(), Contains(HasName("receipt")));
  EXPECT_EQ(result.invocations()[0].output_status, durable::InvocationStatus::Pending);
  EXPECT_EQ(result.invocations()[1].output_status, durable::InvocationStatus::Succeeded);
  EXPECT_EQ(result.invocations()[0].function_name, "orders");
  EXPECT_FALSE(result.invocations()[0].request_id.empty());
  EXPECT_NE(result.invocations()[0].request_id, result.invocations()[1].request_id);
  EXPECT_GE(result.invocations()[1].start - result.invocations()[0].end, std::chrono::seconds(10));
}

TEST(RunnerEndToEndTest, ObservesEveryBodyRunWithTheStepsIdAndName) {
  // The runner records body runs compactly (ids packed, names in one shared text): what a test
  // reads back must be the ids and names as sent, in first-seen order, with every run counted.
  DurableRunner runner([](const Json&, DurableContext& ctx) -> Json {
    ctx.step([](StepContext&) { return 1; }, "first");
    ctx.step(
        [](StepContext& sc) {
          if (sc.attempt() < 3) throw std::runtime_error("not yet");
          return 2;
        },
        "a much longer step name, well past any short-string buffer",
        {.retry_strategy = retry_presets::fixed(Duration::from_seconds(1))});
    ctx.step([](StepContext&) { return 3; });
    return 0;
  });
  const auto result = runner.run();
  ASSERT_EQ(result.status(), ExecutionStatus::Succeeded) << result;
  const auto& seen = result.observations();
  const auto steps = result.operations(OperationType::Step);
  ASSERT_EQ(steps.size(), 3u);
  const std::vector<std::pair<std::string, std::string>> expected{
      {steps[0].id(), "first"},
      {steps[1].id(), "a much longer step name, well past any short-string buffer"},
      {steps[2].id(), ""}};
  EXPECT_EQ(seen.step_names, expected);
  EXPECT_EQ(seen.step_runs.at(steps[0].id()), 1u);
  EXPECT_EQ(seen.step_runs.at(steps[1].id()), 3u);
  EXPECT_EQ(seen.step_runs.at(steps[2].id()), 1u);
}

TEST(RunnerEndToEndTest, StepFailingOnceIsRetriedInASecondInvocation) {
  int calls = 0;
  DurableRunner runner([&](const Json&, DurableContext& ctx) -> Json {
    return ctx.step(
        [&](StepContext& sc) {
          ++calls;
          if (sc.attempt() == 1) throw std::runtime_error("transient glitch");
          return sc.attempt();
        },
        "flaky", {.retry_strategy = retry_presets::fixed(Duration::from_seconds(7))});
  });
  const auto result = runner.run();
  ASSERT_EQ(result.status(), ExecutionStatus::Succeeded) << result;
  EXPECT_EQ(result.result(), 2);
  EXPECT_EQ(calls, 2);
  EXPECT_EQ(result.invocation_count(), 2u);
  const auto step = result.get_step("flaky");
  EXPECT_EQ(step.attempts(), 2);
  EXPECT_THAT(step, HasStatus(OperationStatus::Succeeded));

  // History: StepFailed with RetryDetails{1, 7}, then StepSucceeded with RetryDetails{2}.
  std::vector<Event> step_events;
  for (const auto& e : result.history()) {
    if (e.event_type == EventType::StepFailed || e.event_type == EventType::StepSucceeded) {
      step_events.push_back(e);
    }
  }
  ASSERT_EQ(step_events.size(), 2u);
  ASSERT_EQ(step_events[0].event_type, EventType::StepFailed);
  const auto& failed = std::get<StepFailedDetails>(step_events[0].details);
  EXPECT_EQ(failed.retry_details.current_attempt, 1);
  EXPECT_EQ(failed.retry_details.next_attempt_delay_seconds, 7);
  ASSERT_TRUE(failed.error.payload.has_value());
  EXPECT_EQ(failed.error.payload->error_message, "transient glitch");
  ASSERT_EQ(step_events[1].event_type, EventType::StepSucceeded);
  EXPECT_EQ(std::get<StepSucceededDetails>(step_events[1].details).retry_details.current_attempt,
            2);
}

TEST(RunnerEndToEndTest, OneYearWaitFinishesAtOnce) {
  DurableRunner runner([](const Json&, DurableContext& ctx) -> Json {
    ctx.wait(Duration::from_days(365), "a-year");
    return "awake";
  });
  const auto wall_start = std::chrono::steady_clock::now();
  const auto result = runner.run();
  const auto wall = std::chrono::steady_clock::now() - wall_start;
  ASSERT_EQ(result.status(), ExecutionStatus::Succeeded) << result;
  EXPECT_EQ(result.result(), "awake");
  EXPECT_LT(wall, std::chrono::seconds(5));
  const auto wait = result.get_wait("a-year");
  EXPECT_EQ(wait.duration_seconds(), 365 * 24 * 3600);
  EXPECT_THAT(wait, HasStatus(OperationStatus::Succeeded));
  ASSERT_TRUE(result.end_timestamp().has_value());
  EXPECT_GE(*result.end_timestamp() - result.start_timestamp(), std::chrono::hours(24 * 365));
}

TEST(RunnerEndToEndTest, ChildContextsWithNestedSteps) {
  DurableRunner runner([](const Json&, DurableContext& ctx) -> Json {
    const int a = ctx.run_in_child_context(
        [](DurableContext& child) {
          const int x = child.step([](StepContext&) { return 1; }, "inner");
          const int y = child.run_in_child_context(
              [](DurableContext& grandchild) {
                return grandchild.step([](StepContext&) { return 10; }, "inner");
              },
              "nested");
          return x + y;
        },
        "outer");
    return a;
  });
  const auto result = runner.run();
  ASSERT_EQ(result.status(), ExecutionStatus::Succeeded) << result;
  EXPECT_EQ(result.result(), 11);
  const auto outer = result.get_child_context("outer");
  EXPECT_EQ(outer.result<int>(), 11);
  EXPECT_EQ(outer.sub_type(), "RunInChildContext");
  EXPECT_EQ(outer.parent_id(), "");
  const auto kids = outer.children();
  ASSERT_EQ(kids.size(), 2u);
  EXPECT_EQ(kids[0].name(), "inner");
  EXPECT_EQ(kids[0].type(), OperationType::Step);
  EXPECT_EQ(kids[1].name(), "nested");
  const auto nested = result.get_context("nested");
  EXPECT_EQ(nested.parent_id(), outer.id());
  ASSERT_EQ(nested.children().size(), 1u);
  EXPECT_EQ(result.get_step("inner", 1).parent_id(), nested.id());
  EXPECT_EQ(result.get_step("inner", 1).result<int>(), 10);
}

TEST(RunnerEndToEndTest, FailingHandlerEndsFailedWithItsError) {
  DurableRunner runner([](const Json&, DurableContext& ctx) -> Json {
    ctx.step([](StepContext&) { return 1; }, "ok");
    throw std::invalid_argument("order total must be positive");
  });
  const auto result = runner.run();
  EXPECT_EQ(result.status(), ExecutionStatus::Failed);
  ASSERT_TRUE(result.error().has_value()) << result;
  EXPECT_EQ(result.error()->error_message, "order total must be positive");
  EXPECT_FALSE(result.error()->error_type.value_or("").empty());
  EXPECT_TRUE(result.result().is_null());
  EXPECT_EQ(result.invocations().back().output_status, durable::InvocationStatus::Failed);
  EXPECT_THAT(result.get_step("ok"), HasStatus(OperationStatus::Succeeded));
}

TEST(RunnerEndToEndTest, LookupsByNameOccurrenceTypeStatusAndId) {
  DurableRunner runner([](const Json&, DurableContext& ctx) -> Json {
    ctx.step([](StepContext&) { return 1; }, "same");
    ctx.wait(Duration::from_seconds(1), "pause");
    ctx.step([](StepContext&) { return 2; }, "same");
    ctx.run_in_child_context([](DurableContext& c) { return c.step([](StepContext&) { return 3; }, "same"); },
                             "box");
    return nullptr;
  });
  const auto result = runner.run();
  ASSERT_EQ(result.status(), ExecutionStatus::Succeeded) << result;
  EXPECT_EQ(result.result(), nullptr);
  EXPECT_EQ(result.get_step("same", 0).result<int>(), 1);
  EXPECT_EQ(result.get_step("same", 1).result<int>(), 2);
  EXPECT_EQ(result.get_step("same", 2).result<int>(), 3);
  EXPECT_THROW((void)result.get_step("same", 3), std::out_of_range);
  EXPECT_EQ(result.operation("pause").type(), OperationType::Wait);
  EXPECT_EQ(result.operations(OperationType::Step).size(), 3u);
  EXPECT_EQ(result.operations(OperationType::Wait).size(), 1u);
  EXPECT_EQ(result.operations(OperationType::Context).size(), 1u);
  EXPECT_EQ(result.operations(OperationType::Execution).size(), 1u);
  EXPECT_EQ(result.operations(OperationStatus::Started).size(), 0u);
  EXPECT_EQ(result.operations(OperationStatus::Succeeded).size(), result.operation_count());
  const auto second = result.get_step("same", 1);
  EXPECT_EQ(result.operation_by_id(second.id()).index(), second.index());
  EXPECT_EQ(result.operation_at(second.index()).id(), second.id());
}

TEST(RunnerEndToEndTest, LargeChildResultIsRebuiltThroughReplayChildren) {
  int big_step_runs = 0;
  std::string first_run_value;
  DurableRunner runner([&](const Json&, DurableContext& ctx) -> Json {
    const std::string big = ctx.run_in_child_context(
        [&](DurableContext& child) {
          const auto head = child.step([&](StepContext&) { ++big_step_runs; return std::string(300 * 1024, 'x'); },
                                       "make-big");
          const auto tail = child.step([](StepContext&) { return std::string("-end"); }, "tail");
          return head + tail;
        },
        "big-child");
    if (first_run_value.empty()) first_run_value = big;
    // The wait forces a second invocation that must rebuild `big` by replaying the children.
    ctx.wait(Duration::from_seconds(5), "settle");
    return Json{{"size", big.size()}, {"same_as_first_run", big == first_run_value},
                {"suffix", big.substr(big.size() - 4)}};
  });
  const auto result = runner.run();
  ASSERT_EQ(result.status(), ExecutionStatus::Succeeded) << result;
  EXPECT_EQ(result.invocation_count(), 2u);
  EXPECT_THAT(result.result(), JsonEq(Json{{"size", 300 * 1024 + 4},
                                           {"same_as_first_run", true},
                                           {"suffix", "-end"}}));
  EXPECT_EQ(big_step_runs, 1);
  const auto ctx = result.get_context("big-child");
  EXPECT_TRUE(ctx.replay_children());
  EXPECT_LT(ctx.result_payload().value_or("").size(), 256u * 1024u);
}

TEST(RunnerEndToEndTest, InitialStateIsPagedWithSmallPages) {
  std::atomic<int> body_runs{0};
  DurableRunner runner(
      [&](const Json&, DurableContext& ctx) -> Json {
        int sum = 0;
        for (int i = 0; i < 7; ++i) {
          sum += ctx.step([&, i](StepContext&) { ++body_runs; return i; }, "s" + std::to_string(i));
        }
        ctx.wait(Duration::from_seconds(1), "between");
        sum += ctx.step([&](StepContext&) { ++body_runs; return 100; }, "last");
        return sum;
      },
      {.initial_state_page_size = 2});
  const auto result = runner.run();
  ASSERT_EQ(result.status(), ExecutionStatus::Succeeded) << result;
  EXPECT_EQ(result.result(), 121);
  // Every step body ran once: the second invocation saw all of them through the pages.
  EXPECT_EQ(body_runs.load(), 8);
  EXPECT_EQ(result.invocation_count(), 2u);
}

TEST(RunnerEndToEndTest, LogLinesAreCapturedPerExecutionWithRequestIds) {
  DurableRunner runner([](const Json&, DurableContext& ctx) -> Json {
    ctx.logger().info("starting", Json{{"order", "o-1"}});
    ctx.step([](StepContext& sc) { sc.logger().info("inside step"); return 0; }, "work");
    ctx.wait(Duration::from_seconds(1));
    ctx.logger().info("finished");
    return 0;
  });
  const auto result = runner.run();
  ASSERT_EQ(result.status(), ExecutionStatus::Succeeded) << result;
  const auto entries = result.log_entries();
  std::vector<std::string> messages;
  for (const auto& e : entries) messages.push_back(e.value("message", ""));
  // Replay suppression: "starting" appears once although the handler ran twice.
  EXPECT_EQ(std::count(messages.begin(), messages.end(), "starting"), 1) << ::testing::PrintToString(messages);
  EXPECT_THAT(messages, Contains("inside step"));
  EXPECT_THAT(messages, Contains("finished"));
  for (const auto& e : entries) {
    if (e.value("message", "") == "starting") {
      EXPECT_EQ(e.value("requestId", ""), result.invocations()[0].request_id);
      EXPECT_EQ(e.value("order", ""), "o-1");
    }
    if (e.value("message", "") == "finished") {
      EXPECT_EQ(e.value("requestId", ""), result.invocations()[1].request_id);
    }
  }
  // A second execution gets its own log list.
  const auto again = runner.run();
  EXPECT_EQ(again.logs().size(), result.logs().size());
}

TEST(RunnerEndToEndTest, LogCaptureCanBeTurnedOff) {
  DurableRunner runner(
      [](const Json&, DurableContext& ctx) -> Json {
        ctx.logger().info("hello");
        return 0;
      },
      {.capture_logs = false});
  EXPECT_TRUE(runner.run().logs().empty());
}

TEST(RunnerEndToEndTest, TimelineNamesTheOperations) {
  DurableRunner runner([](const Json&, DurableContext& ctx) -> Json {
    ctx.step([](StepContext&) { return 1; }, "reserve-stock");
    ctx.wait(Duration::from_hours(2), "wait-for-shipping");
    ctx.step([](StepContext&) { return 2; }, "ship");
    return "ok";
  });
  const auto result = runner.run();
  const auto text = result.timeline();
  EXPECT_THAT(text, HasSubstr("\"reserve-stock\""));
  EXPECT_THAT(text, HasSubstr("\"wait-for-shipping\""));
  EXPECT_THAT(text, HasSubstr("\"ship\""));
  EXPECT_THAT(text, HasSubstr("Invocation 1 ["));
  EXPECT_THAT(text, HasSubstr("Invocation 2 ["));
  EXPECT_THAT(text, HasSubstr("wait 2h"));
  EXPECT_THAT(text, HasSubstr("Status: SUCCEEDED"));
  EXPECT_THAT(text, HasSubstr("Legend:"));
  std::ostringstream os;
  os << result;
  EXPECT_EQ(os.str(), "SUCCEEDED result \"ok\"\n" + text);
}

TEST(RunnerEndToEndTest, ThousandStepsAndAWaitAreFast) {
  DurableRunner runner(
      [](const Json&, DurableContext& ctx) -> Json {
        int sum = 0;
        for (int i = 0; i < 1000; ++i) sum += ctx.step([i](StepContext&) { return i; });
        ctx.wait(Duration::from_seconds(60));
        return sum;
      },
      {.capture_logs = false});
  const auto start = std::chrono::steady_clock::now();
  const auto result = runner.run();
  const auto elapsed = std::chrono::steady_clock::now() - start;
  ASSERT_EQ(result.status(), ExecutionStatus::Succeeded);
  EXPECT_EQ(result.result(), 499500);
  EXPECT_EQ(result.operation_count(), 1002u);
  // The release benchmark must stay under 50 ms; a Debug or sanitizer build gets headroom.
  EXPECT_LT(elapsed, std::chrono::seconds(5))
      << std::chrono::duration_cast<std::chrono::milliseconds>(elapsed).count() << " ms";
  RecordProperty("elapsed_ms", static_cast<int>(
      std::chrono::duration_cast<std::chrono::milliseconds>(elapsed).count()));
}

TEST(RunnerEndToEndTest, RejectsBadOptionsWithClearErrors) {
  auto handler = [](const Json&, DurableContext&) -> Json { return 0; };
  try {
    DurableRunner bad(handler, {.function_name = ""});
    FAIL() << "expected std::invalid_argument";
  } catch (const std::invalid_argument& e) {
    EXPECT_THAT(e.what(), HasSubstr("function_name"));
  }
  EXPECT_THROW(DurableRunner(Handler{}), std::invalid_argument);
  EXPECT_THROW(DurableRunner(handler, {.initial_state_page_size = 0}), std::invalid_argument);
  DurableRunner runner(handler);
  try {
    (void)runner.run({}, {.execution_timeout = std::chrono::seconds(0)});
    FAIL() << "expected std::invalid_argument";
  } catch (const std::invalid_argument& e) {
    EXPECT_THAT(e.what(), HasSubstr("execution_timeout"));
  }
  EXPECT_THROW((void)runner.run({}, {.timeout = std::chrono::milliseconds(0)}),
               std::invalid_argument);
  EXPECT_THROW(runner.register_durable_function("", handler), std::invalid_argument);
  try {
    runner.register_durable_function("other", Handler{});
    FAIL() << "expected std::invalid_argument";
  } catch (const std::invalid_argument& e) {
    EXPECT_THAT(e.what(), HasSubstr("\"other\""));
  }
}

TEST(RunnerEndToEndTest, RegisteredDurableFunctionsRunAsTheirOwnExecutions) {
  DurableRunner runner([](const Json&, DurableContext&) -> Json { return "main"; });
  runner.register_durable_function("helper", [](const Json& event, DurableContext& ctx) -> Json {
    return ctx.step([&](StepContext&) { return event["v"].get<int>() + 1; }, "inc");
  });
  EXPECT_TRUE(runner.registry().contains("helper"));
  // Start the helper directly on the runner's emulator, as a chained invoke would.
  emulator::StartExecutionRequest request;
  request.function_name = "helper";
  request.input = R"({"v":41})";
  const auto arn = runner.service().start_execution(request).durable_execution_arn;
  EXPECT_EQ(runner.run_until_idle(), 1u);
  GetDurableExecutionRequest get;
  get.durable_execution_arn = arn;
  const auto execution = runner.service().get_execution(get);
  EXPECT_EQ(execution.status, ExecutionStatus::Succeeded);
  EXPECT_EQ(execution.result, "42");
  // The main function is untouched.
  EXPECT_EQ(runner.run().result(), "main");
}

TEST(RunnerEndToEndTest, ChainedInvokeRunsARegisteredDurableFunction) {
  DurableRunner runner([](const Json& event, DurableContext& ctx) -> Json {
    const Json validated = ctx.invoke("validate-order", Json{{"order", event["order"]}}, "validate");
    return Json{{"valid", validated["valid"]}, {"checked", validated["checked"]}};
  });
  runner.register_durable_function("validate-order", [](const Json& event, DurableContext& ctx) -> Json {
    ctx.wait(Duration::from_minutes(5), "think");
    return ctx.step([&](StepContext&) {
      return Json{{"valid", true}, {"checked", event["order"]}};
    }, "check");
  });
  const auto result = runner.run({{"order", "o-7"}});
  ASSERT_EQ(result.status(), ExecutionStatus::Succeeded) << result;
  EXPECT_THAT(result.result(), JsonEq(Json{{"valid", true}, {"checked", "o-7"}}));
  const auto invoke = result.get_invoke("validate");
  EXPECT_THAT(invoke, HasStatus(OperationStatus::Succeeded));
  EXPECT_THAT(invoke.result<Json>(), JsonEq(Json{{"valid", true}, {"checked", "o-7"}}));

  // The target ran as its own execution; the history names it, and the runner can show it.
  std::string target_arn;
  for (const auto& e : result.history()) {
    if (const auto* d = std::get_if<ChainedInvokeStartedDetails>(&e.details)) {
      target_arn = d->durable_execution_arn.value_or("");
      EXPECT_EQ(d->function_name, "validate-order");
    }
  }
  ASSERT_FALSE(target_arn.empty()) << result;
  const auto target = runner.result(target_arn);
  EXPECT_EQ(target.status(), ExecutionStatus::Succeeded) << target;
  EXPECT_EQ(target.invocation_count(), 2u);
  EXPECT_EQ(target.get_wait("think").duration_seconds(), 300);
  EXPECT_EQ(target.invocations()[0].function_name, "validate-order");
}

TEST(RunnerEndToEndTest, ChainedInvokeOfAnUnknownFunctionFailsTheInvoke) {
  // With fail-fast off the emulator's own answer reaches the handler.
  DurableRunner runner(
      [](const Json&, DurableContext& ctx) -> Json {
        try {
          ctx.invoke("missing-fn", Json::object(), "call-missing");
          return "unexpected";
        } catch (const InvokeError& e) {
          return e.error_type();
        }
      },
      {.fail_on_unregistered_function = false});
  const auto result = runner.run();
  ASSERT_EQ(result.status(), ExecutionStatus::Succeeded) << result;
  EXPECT_EQ(result.result(), "ResourceNotFoundException");
  EXPECT_THAT(result.get_invoke("call-missing"), HasStatus(OperationStatus::Failed));
  EXPECT_THAT(result.get_invoke("call-missing").error()->error_message.value_or(""),
              HasSubstr("missing-fn"));
}

}  // namespace
}  // namespace durable::testing
