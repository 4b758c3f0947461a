// DurableContext::step: first-run checkpoints, replay, retries, step semantics, serdes.
#include <gtest/gtest.h>

#include <stdexcept>

#include "durable/durable.hpp"
#include "fake_checkpoint_client.hpp"

namespace durable {
namespace {

using test::FakeCheckpointClient;
using test::run_to_completion;

struct TransientError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

const std::string kId1 = operation_id(std::nullopt, 1);
const std::string kId2 = operation_id(std::nullopt, 2);

RetryStrategy always_retry(Duration delay) {
  return [delay](const ErrorObject&, int) { return RetryDecision::retry(delay); };
}

TEST(Step, FirstRunQueuesStartAndSendsItWithSucceed) {
  FakeCheckpointClient client;
  int runs = 0;
  auto out = run_invocation(
      [&](const Json&, DurableContext& ctx) {
        int v = ctx.step([&](StepContext&) { ++runs; return 42; }, "compute");
        return Json(v + 1);
      },
      client.next_input(), client);
  ASSERT_EQ(out.status, InvocationStatus::Succeeded);
  EXPECT_EQ(out.result, "43");
  EXPECT_EQ(runs, 1);
  ASSERT_EQ(client.batches.size(), 1u);
  const auto& u = client.batches[0].updates;
  ASSERT_EQ(u.size(), 2u);
  EXPECT_EQ(u[0].id, kId1);
  EXPECT_EQ(u[0].type, OperationType::Step);
  EXPECT_EQ(u[0].action, OperationAction::Start);
  EXPECT_EQ(u[0].sub_type, "Step");
  EXPECT_EQ(u[0].name, "compute");
  EXPECT_FALSE(u[0].parent_id.has_value());
  EXPECT_EQ(u[1].action, OperationAction::Succeed);
  EXPECT_EQ(u[1].payload, "42");
  EXPECT_EQ(client.batches[0].checkpoint_token, "token-1");
}

TEST(Step, UsesTheRotatedTokenForTheNextCheckpoint) {
  FakeCheckpointClient client;
  run_invocation(
      [](const Json&, DurableContext& ctx) {
        ctx.step([](StepContext&) { return 1; });
        ctx.step([](StepContext&) { return 2; });
        return Json();
      },
      client.next_input(), client);
  ASSERT_EQ(client.batches.size(), 2u);
  EXPECT_EQ(client.batches[0].checkpoint_token, "token-1");
  EXPECT_EQ(client.batches[1].checkpoint_token, "token-2");
  EXPECT_EQ(client.batches[1].updates[0].id, kId2);
}

TEST(Step, ReplayReturnsStoredResultWithoutRunningTheBody) {
  FakeCheckpointClient client;
  int runs = 0;
  Handler handler = [&](const Json&, DurableContext& ctx) {
    auto s = ctx.step([&](StepContext&) { ++runs; return std::string("first"); });
    ctx.wait(Duration::from_seconds(10));
    return Json(s);
  };
  auto first = run_invocation(handler, client.next_input(), client);
  EXPECT_EQ(first.status, InvocationStatus::Pending);
  client.advance_time();
  const auto batches_before = client.batches.size();
  auto second = run_invocation(handler, client.next_input(), client);
  EXPECT_EQ(second.status, InvocationStatus::Succeeded);
  EXPECT_EQ(second.result, "\"first\"");
  EXPECT_EQ(runs, 1);
  EXPECT_EQ(client.batches.size(), batches_before);
}

TEST(Step, VoidBodySucceedsWithoutPayload) {
  FakeCheckpointClient client;
  bool ran = false;
  auto out = run_invocation(
      [&](const Json&, DurableContext& ctx) {
        ctx.step([&](StepContext&) { ran = true; });
        return Json("ok");
      },
      client.next_input(), client);
  EXPECT_EQ(out.status, InvocationStatus::Succeeded);
  EXPECT_TRUE(ran);
  EXPECT_FALSE(client.updates().back().payload.has_value());
}

struct Point {
  int x = 0;
  int y = 0;
};
void to_json(Json& j, const Point& p) { j = Json{{"x", p.x}, {"y", p.y}}; }
void from_json(const Json& j, Point& p) {
  p.x = j.at("x").get<int>();
  p.y = j.at("y").get<int>();
}

TEST(Step, UserTypesUseTheirToJsonAndFromJson) {
  FakeCheckpointClient client;
  auto out = run_invocation(
      [](const Json&, DurableContext& ctx) {
        Point p = ctx.step([](StepContext&) { return Point{3, 4}; });
        return Json(p.x * p.y);
      },
      client.next_input(), client);
  EXPECT_EQ(out.result, "12");
  EXPECT_EQ(Json::parse(client.updates().back().payload.value()), (Json{{"x", 3}, {"y", 4}}));
}

// Stores text reversed, so a first-run value that skipped the round trip would show.
class ReversingSerDes : public SerDes<std::string> {
 public:
  std::string serialize(const std::string& v, const SerDesContext& ctx) const override {
    seen_arn = ctx.durable_execution_arn;
    seen_id = ctx.operation_id;
    return std::string(v.rbegin(), v.rend());
  }
  std::string deserialize(std::string_view d, const SerDesContext&) const override {
    return "<" + std::string(d) + ">";
  }
  mutable std::string seen_arn, seen_id;
};

TEST(Step, FirstRunReturnsTheSerDesRoundTrip) {
  FakeCheckpointClient client;
  auto serdes = std::make_shared<ReversingSerDes>();
  auto out = run_invocation(
      [&](const Json&, DurableContext& ctx) {
        std::string v = ctx.step([](StepContext&) { return std::string("abc"); }, "s",
                                 {.serdes = serdes});
        return Json(v);
      },
      client.next_input(), client);
  EXPECT_EQ(out.result, "\"<cba>\"");
  EXPECT_EQ(client.updates().back().payload, "cba");
  EXPECT_EQ(serdes->seen_arn, test::kArn);
  EXPECT_EQ(serdes->seen_id, kId1);
}

class BrokenSerDes : public SerDes<int> {
 public:
  std::string serialize(const int& v, const SerDesContext&) const override {
    return std::to_string(v);
  }
  int deserialize(std::string_view, const SerDesContext&) const override {
    throw std::runtime_error("corrupt payload");
  }
};

TEST(Step, DeserializationFailureIsFatalEvenWhenCaught) {
  FakeCheckpointClient client;
  auto out = run_invocation(
      [](const Json&, DurableContext& ctx) {
        try {
          ctx.step([](StepContext&) { return 1; }, std::nullopt,
                   {.serdes = std::make_shared<BrokenSerDes>()});
        } catch (...) {
        }
        return Json("swallowed");
      },
      client.next_input(), client);
  ASSERT_EQ(out.status, InvocationStatus::Failed);
  EXPECT_EQ(out.error->error_type, "SerDesError");
  EXPECT_NE(out.error->error_message->find("corrupt payload"), std::string::npos);
}

TEST(Step, SerializationFailureFailsTheExecutionWithoutRetry) {
  FakeCheckpointClient client;
  int runs = 0;
  auto out = run_invocation(
      [&](const Json&, DurableContext& ctx) {
        // Invalid UTF-8 cannot be written as JSON text.
        ctx.step([&](StepContext&) { ++runs; return std::string("\xff\xfe"); }, std::nullopt,
                 {.retry_strategy = always_retry(Duration::from_seconds(1))});
        return Json();
      },
      client.next_input(), client);
  ASSERT_EQ(out.status, InvocationStatus::Failed);
  EXPECT_EQ(out.error->error_type, "SerDesError");
  EXPECT_EQ(runs, 1);
  for (const auto& u : client.updates()) EXPECT_NE(u.action, OperationAction::Retry);
}

TEST(Step, FailedAttemptCheckpointsRetryAndSuspends) {
  FakeCheckpointClient client;
  std::vector<std::pair<ErrorObject, int>> seen;
  std::vector<int> attempts;
  Handler handler = [&](const Json&, DurableContext& ctx) {
    int v = ctx.step(
        [&](StepContext& sc) {
          attempts.push_back(sc.attempt());
          if (sc.attempt() < 2) throw TransientError("flaky backend");
          return 7;
        },
        "flaky",
        {.retry_strategy = [&](const ErrorObject& e, int n) {
          seen.emplace_back(e, n);
          return RetryDecision::retry(Duration::from_seconds(3));
        }});
    return Json(v);
  };
  auto first = run_invocation(handler, client.next_input(), client);
  EXPECT_EQ(first.status, InvocationStatus::Pending);
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].first.error_type, "TransientError");
  EXPECT_EQ(seen[0].first.error_message, "flaky backend");
  EXPECT_EQ(seen[0].second, 1);
  const auto updates = client.updates();
  ASSERT_EQ(updates.size(), 2u);
  EXPECT_EQ(updates[1].action, OperationAction::Retry);
  EXPECT_EQ(updates[1].error->error_type, "TransientError");
  ASSERT_TRUE(updates[1].step_options.has_value());
  EXPECT_EQ(updates[1].step_options->next_attempt_delay_seconds, 3);

  // Still PENDING (delay not elapsed): suspends again without running the body.
  auto pending = run_invocation(handler, client.next_input(), client);
  EXPECT_EQ(pending.status, InvocationStatus::Pending);
  EXPECT_EQ(attempts.size(), 1u);

  client.advance_time();  // PENDING -> READY
  auto second = run_invocation(handler, client.next_input(), client);
  ASSERT_EQ(second.status, InvocationStatus::Succeeded);
  EXPECT_EQ(second.result, "7");
  EXPECT_EQ(attempts, (std::vector<int>{1, 2}));
  const auto all = client.updates();
  EXPECT_EQ(all[all.size() - 2].action, OperationAction::Start);  // READY -> new START
  EXPECT_EQ(all.back().action, OperationAction::Succeed);
}

TEST(Step, RetryDelayIsAtLeastOneSecond) {
  FakeCheckpointClient client;
  run_invocation(
      [](const Json&, DurableContext& ctx) {
        ctx.step([](StepContext&) -> int { throw std::runtime_error("x"); }, std::nullopt,
                 {.retry_strategy = always_retry(Duration::from_milliseconds(200))});
        return Json();
      },
      client.next_input(), client);
  EXPECT_EQ(client.updates().back().step_options->next_attempt_delay_seconds, 1);
}

TEST(Step, ExhaustedRetriesThrowStepErrorOnFirstRunAndReplay) {
  FakeCheckpointClient client;
  int runs = 0;
  Handler handler = [&](const Json&, DurableContext& ctx) {
    std::string caught;
    try {
      ctx.step([&](StepContext&) -> int { ++runs; throw TransientError("boom"); }, "s",
               {.retry_strategy = retry_presets::none()});
    } catch (const StepError& e) {
      caught = e.error_type() + ":" + e.error_message() + ":" + e.what();
    }
    ctx.wait(Duration::from_seconds(1));
    return Json(caught);
  };
  auto first = run_invocation(handler, client.next_input(), client);
  EXPECT_EQ(first.status, InvocationStatus::Pending);
  const auto updates = client.updates();
  ASSERT_GE(updates.size(), 2u);
  EXPECT_EQ(updates[1].action, OperationAction::Fail);
  EXPECT_EQ(updates[1].error->error_type, "TransientError");
  client.advance_time();
  auto second = run_invocation(handler, client.next_input(), client);
  ASSERT_EQ(second.status, InvocationStatus::Succeeded);
  EXPECT_EQ(second.result, "\"TransientError:boom:boom\"");
  EXPECT_EQ(runs, 1);
}

TEST(Step, DefaultStrategyRetries) {
  FakeCheckpointClient client;
  run_invocation(
      [](const Json&, DurableContext& ctx) {
        ctx.step([](StepContext&) -> int { throw std::runtime_error("x"); });
        return Json();
      },
      client.next_input(), client);
  const auto u = client.updates().back();
  EXPECT_EQ(u.action, OperationAction::Retry);
  EXPECT_GE(u.step_options->next_attempt_delay_seconds.value(), 1);
}

TEST(Step, AtMostOnceSendsStartBeforeTheBodyRuns) {
  FakeCheckpointClient client;
  std::size_t batches_when_running = 0;
  run_invocation(
      [&](const Json&, DurableContext& ctx) {
        ctx.step([&](StepContext&) { batches_when_running = client.batches.size(); return 1; },
                 "once", {.step_semantics = StepSemantics::AtMostOncePerRetry});
        return Json();
      },
      client.next_input(), client);
  EXPECT_EQ(batches_when_running, 1u);
  ASSERT_EQ(client.batches.size(), 2u);
  EXPECT_EQ(client.batches[0].updates.size(), 1u);
  EXPECT_EQ(client.batches[0].updates[0].action, OperationAction::Start);
}

Operation started_step(const std::string& id, std::int64_t finished_attempts,
                       std::optional<std::string> name = std::nullopt) {
  Operation op;
  op.id = id;
  op.type = OperationType::Step;
  op.sub_type = "Step";
  op.name = std::move(name);
  op.status = OperationStatus::Started;
  op.step_details = StepDetails{finished_attempts, std::nullopt, std::nullopt, std::nullopt};
  return op;
}

TEST(Step, AtMostOnceStartedOnReplayIsInterrupted) {
  FakeCheckpointClient client;
  client.put(started_step(kId1, 0));
  int runs = 0;
  std::vector<std::pair<ErrorObject, int>> seen;
  auto out = run_invocation(
      [&](const Json&, DurableContext& ctx) {
        ctx.step([&](StepContext&) { ++runs; return 1; }, std::nullopt,
                 {.retry_strategy =
                      [&](const ErrorObject& e, int n) {
                        seen.emplace_back(e, n);
                        return RetryDecision::retry(Duration::from_seconds(2));
                      },
                  .step_semantics = StepSemantics::AtMostOncePerRetry});
        return Json();
      },
      client.next_input(), client);
  EXPECT_EQ(out.status, InvocationStatus::Pending);
  EXPECT_EQ(runs, 0);
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].first.error_type, "StepInterruptedError");
  EXPECT_EQ(seen[0].second, 1);
  ASSERT_EQ(client.updates().size(), 1u);
  EXPECT_EQ(client.updates()[0].action, OperationAction::Retry);
  EXPECT_EQ(client.updates()[0].error->error_type, "StepInterruptedError");
}

TEST(Step, AtMostOnceInterruptedWithoutRetryThrowsStepError) {
  FakeCheckpointClient client;
  client.put(started_step(kId1, 2));
  auto out = run_invocation(
      [&](const Json&, DurableContext& ctx) {
        ctx.step([&](StepContext&) { return 1; }, std::nullopt,
                 {.retry_strategy = retry_presets::none(),
                  .step_semantics = StepSemantics::AtMostOncePerRetry});
        return Json();
      },
      client.next_input(), client);
  ASSERT_EQ(out.status, InvocationStatus::Failed);
  EXPECT_EQ(out.error->error_type, "StepInterruptedError");
  EXPECT_EQ(client.updates().back().action, OperationAction::Fail);
}

TEST(Step, AtLeastOnceStartedOnReplayRerunsWithoutNewStart) {
  FakeCheckpointClient client;
  client.put(started_step(kId1, 1));
  int attempt = 0;
  auto out = run_invocation(
      [&](const Json&, DurableContext& ctx) {
        return Json(ctx.step([&](StepContext& sc) { attempt = sc.attempt(); return 5; }));
      },
      client.next_input(), client);
  EXPECT_EQ(out.result, "5");
  EXPECT_EQ(attempt, 2);
  ASSERT_EQ(client.updates().size(), 1u);
  EXPECT_EQ(client.updates()[0].action, OperationAction::Succeed);
}

TEST(Step, ContextLessBodiesAreNotDurable) {
  // StepContext exposes the step's identity but no operations (compile-time property); check
  // the identity it does expose.
  FakeCheckpointClient client;
  std::string id;
  run_invocation(
      [&](const Json&, DurableContext& ctx) {
        ctx.step([&](StepContext& sc) { id = sc.operation_id(); });
        return Json();
      },
      client.next_input(), client);
  EXPECT_EQ(id, kId1);
}

TEST(Step, OperationIdsFollowTheRootCounter) {
  FakeCheckpointClient client;
  run_to_completion(
      [](const Json&, DurableContext& ctx) {
        ctx.step([](StepContext&) { return 1; });
        ctx.wait(Duration::from_seconds(1));
        ctx.step([](StepContext&) { return 2; });
        return Json();
      },
      client);
  std::vector<std::string> ids;
  for (const auto& u : client.updates()) {
    if (ids.empty() || ids.back() != u.id) ids.push_back(u.id);
  }
  EXPECT_EQ(ids, (std::vector<std::string>{kId1, kId2, operation_id(std::nullopt, 3)}));
}

}  // namespace
}  // namespace durable
