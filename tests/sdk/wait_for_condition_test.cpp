// DurableContext::wait_for_condition and create_wait_strategy: polls, RETRY payloads, replay,
// exhaustion, check failure, serdes, validation.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "durable/durable.hpp"
#include "fake_checkpoint_client.hpp"

namespace durable {
namespace {

using test::FakeCheckpointClient;
using test::run_to_completion;

const std::string kId1 = operation_id(std::nullopt, 1);

DurableExecutionInvocationOutput run_once(const Handler& handler, FakeCheckpointClient& client) {
  return run_invocation(handler, client.next_input(), client);
}

WaitStrategy<int> until_at_least(int threshold, Duration delay = Duration::from_seconds(2)) {
  return [threshold, delay](const int& state, int) {
    return state >= threshold ? WaitForConditionDecision::stop_polling()
                              : WaitForConditionDecision::continue_waiting(delay);
  };
}

Handler counter_handler(int threshold, std::vector<int>* seen = nullptr,
                        std::vector<int>* attempts = nullptr) {
  return [=](const Json&, DurableContext& ctx) {
    int v = ctx.wait_for_condition(
        [=](const int& state, WaitForConditionCheckContext& cc) {
          if (seen) seen->push_back(state);
          if (attempts) attempts->push_back(cc.attempt());
          EXPECT_EQ(cc.operation_id(), kId1);
          return state + 1;
        },
        WaitForConditionConfig<int>{until_at_least(threshold), 0, nullptr}, "poll-status");
    return Json(v);
  };
}

TEST(WaitForCondition, EachContinueIsARetryCarryingTheStateWithoutError) {
  FakeCheckpointClient client;
  std::vector<int> seen, attempts;
  Handler handler = counter_handler(3, &seen, &attempts);
  EXPECT_EQ(run_once(handler, client).status, InvocationStatus::Pending);
  auto u = client.updates();
  ASSERT_EQ(u.size(), 2u);
  EXPECT_EQ(u[0].id, kId1);
  EXPECT_EQ(u[0].type, OperationType::Step);
  EXPECT_EQ(u[0].action, OperationAction::Start);
  EXPECT_EQ(u[0].sub_type, "WaitForCondition");
  EXPECT_EQ(u[0].name, "poll-status");
  EXPECT_EQ(u[1].action, OperationAction::Retry);
  EXPECT_EQ(u[1].payload, "1");
  EXPECT_FALSE(u[1].error.has_value());
  EXPECT_EQ(u[1].step_options->next_attempt_delay_seconds, 2);
  EXPECT_EQ(client.batches.size(), 1u);  // START rides with the RETRY

  // Delay not over: suspends without running the check.
  EXPECT_EQ(run_once(handler, client).status, InvocationStatus::Pending);
  EXPECT_EQ(seen.size(), 1u);

  client.advance_time();
  EXPECT_EQ(run_once(handler, client).status, InvocationStatus::Pending);
  u = client.updates();
  EXPECT_EQ(u[2].action, OperationAction::Start);  // a START per poll
  EXPECT_EQ(u[3].action, OperationAction::Retry);
  EXPECT_EQ(u[3].payload, "2");

  client.advance_time();
  auto out = run_once(handler, client);
  ASSERT_EQ(out.status, InvocationStatus::Succeeded);
  EXPECT_EQ(out.result, "3");
  EXPECT_EQ(client.updates().back().action, OperationAction::Succeed);
  EXPECT_EQ(client.updates().back().payload, "3");
  EXPECT_EQ(seen, (std::vector<int>{0, 1, 2}));
  EXPECT_EQ(attempts, (std::vector<int>{1, 2, 3}));

  // Replay of the finished operation returns the stored state without checking.
  EXPECT_EQ(run_once(handler, client).result, "3");
  EXPECT_EQ(seen.size(), 3u);
}

TEST(WaitForCondition, AlreadySatisfiedStopsAfterOneCheck) {
  FakeCheckpointClient client;
  auto out = run_once(
      [](const Json&, DurableContext& ctx) {
        return Json(ctx.wait_for_condition(
            [](const int& s, WaitForConditionCheckContext&) { return s; },
            WaitForConditionConfig<int>{until_at_least(5), 5, nullptr}));
      },
      client);
  EXPECT_EQ(out.result, "5");
  const auto u = client.updates();
  ASSERT_EQ(u.size(), 2u);
  EXPECT_EQ(u[0].action, OperationAction::Start);
  EXPECT_EQ(u[1].action, OperationAction::Succeed);
}

TEST(WaitForCondition, ObjectStateAndNullResult) {
  FakeCheckpointClient client;
  Handler handler = [](const Json&, DurableContext& ctx) {
    Json s = ctx.wait_for_condition(
        [](const Json& st, WaitForConditionCheckContext&) {
          int n = st["attempts"].get<int>() + 1;
          return Json{{"status", n >= 2 ? "DONE" : "PENDING"}, {"attempts", n}};
        },
        WaitForConditionConfig<Json>{
            [](const Json& st, int) {
              return st["status"] == "DONE" ? WaitForConditionDecision::stop_polling()
                                            : WaitForConditionDecision::continue_waiting(
                                                  Duration::from_seconds(1));
            },
            Json{{"status", "PENDING"}, {"attempts", 0}}, nullptr});
    Json n = ctx.wait_for_condition(
        [](const Json&, WaitForConditionCheckContext&) { return Json(); },
        WaitForConditionConfig<Json>{
            [](const Json&, int) { return WaitForConditionDecision::stop_polling(); }, Json(1),
            nullptr});
    return Json{s, n};
  };
  auto out = run_to_completion(handler, client);
  EXPECT_EQ(Json::parse(*out.result),
            Json::parse(R"([{"status":"DONE","attempts":2},null])"));
}

TEST(WaitForCondition, CheckFailureFailsTheStepWithoutRetry) {
  FakeCheckpointClient client;
  int checks = 0;
  Handler handler = [&](const Json&, DurableContext& ctx) {
    try {
      ctx.wait_for_condition(
          [&](const int&, WaitForConditionCheckContext&) -> int {
            ++checks;
            throw std::runtime_error("probe failed");
          },
          WaitForConditionConfig<int>{until_at_least(3), 0, nullptr}, "probe");
      return Json("no");
    } catch (const WaitForConditionError& e) {
      return Json{e.error_type(), e.what()};
    }
  };
  auto out = run_once(handler, client);
  EXPECT_EQ(out.result, R"(["runtime_error","probe failed"])");
  const OperationUpdate fail = client.updates().back();
  EXPECT_EQ(fail.action, OperationAction::Fail);
  EXPECT_EQ(fail.sub_type, "WaitForCondition");
  EXPECT_EQ(fail.error->error_message, "probe failed");
  // Replay re-throws without checking again.
  EXPECT_EQ(run_once(handler, client).result, out.result);
  EXPECT_EQ(checks, 1);
}

TEST(WaitForCondition, UncaughtCheckFailureFailsTheExecution) {
  FakeCheckpointClient client;
  auto out = run_once(
      [](const Json&, DurableContext& ctx) {
        return Json(ctx.wait_for_condition(
            [](const int&, WaitForConditionCheckContext&) -> int { throw std::logic_error("x"); },
            WaitForConditionConfig<int>{until_at_least(1), 0, nullptr}));
      },
      client);
  ASSERT_EQ(out.status, InvocationStatus::Failed);
  EXPECT_EQ(out.error->error_type, "logic_error");
}

TEST(WaitForCondition, ExhaustedStrategyFailsOnTheLastAttempt) {
  FakeCheckpointClient client;
  WaitStrategyConfig<int> cfg;
  cfg.should_continue_polling = [](const int&) { return true; };
  cfg.max_attempts = 3;
  cfg.initial_delay = Duration::from_seconds(2);
  cfg.backoff_rate = 1.0;
  cfg.jitter = JitterStrategy::None;
  Handler handler = [&](const Json&, DurableContext& ctx) {
    return Json(ctx.wait_for_condition(
        [](const int& s, WaitForConditionCheckContext&) { return s + 1; },
        WaitForConditionConfig<int>{create_wait_strategy(cfg), 0, nullptr}));
  };
  auto out = run_to_completion(handler, client);
  ASSERT_EQ(out.status, InvocationStatus::Failed);
  EXPECT_EQ(out.error->error_type, "WaitForConditionError");
  EXPECT_NE(out.error->error_message->find("after 3 attempts"), std::string::npos);
  const auto u = client.updates();
  ASSERT_EQ(u.size(), 6u);  // START RETRY START RETRY START FAIL
  EXPECT_EQ(u[1].step_options->next_attempt_delay_seconds, 2);
  EXPECT_EQ(u[3].step_options->next_attempt_delay_seconds, 2);
  EXPECT_EQ(u[5].action, OperationAction::Fail);
  EXPECT_EQ(u[5].error->error_type, "WaitForConditionError");
}

TEST(WaitForCondition, SubSecondDelaysAreSentAsOneSecond) {
  FakeCheckpointClient client;
  run_once(
      [](const Json&, DurableContext& ctx) {
        return Json(ctx.wait_for_condition(
            [](const int& s, WaitForConditionCheckContext&) { return s + 1; },
            WaitForConditionConfig<int>{until_at_least(9, Duration::from_milliseconds(300)), 0,
                                        nullptr}));
      },
      client);
  EXPECT_EQ(client.updates().back().step_options->next_attempt_delay_seconds, 1);
}

// Doubles each character on the way out, halves on the way in.
class DoublingSerDes : public SerDes<std::string> {
 public:
  std::string serialize(const std::string& v, const SerDesContext&) const override {
    std::string out;
    for (char c : v) out += std::string(2, c);
    return out;
  }
  std::string deserialize(std::string_view d, const SerDesContext&) const override {
    std::string out;
    for (std::size_t i = 0; i < d.size(); i += 2) out += d[i];
    return out;
  }
};

TEST(WaitForCondition, CustomSerDesRoundTripsTheStateAcrossSuspension) {
  FakeCheckpointClient client;
  Handler handler = [](const Json&, DurableContext& ctx) {
    return Json(ctx.wait_for_condition(
        [](const std::string& s, WaitForConditionCheckContext&) { return s + "x"; },
        WaitForConditionConfig<std::string>{
            [](const std::string& s, int) {
              return s.size() >= 2 ? WaitForConditionDecision::stop_polling()
                                   : WaitForConditionDecision::continue_waiting(
                                         Duration::from_seconds(1));
            },
            "", std::make_shared<DoublingSerDes>()}));
  };
  run_once(handler, client);
  EXPECT_EQ(client.updates().back().payload, "xx");
  client.advance_time();
  auto out = run_once(handler, client);
  EXPECT_EQ(out.result, "\"xx\"");
  EXPECT_EQ(client.updates().back().payload, "xxxx");
}

TEST(WaitForCondition, InterruptedCheckRunsAgainWithoutASecondStart) {
  FakeCheckpointClient client;
  Operation op;
  op.id = kId1;
  op.type = OperationType::Step;
  op.sub_type = "WaitForCondition";
  op.status = OperationStatus::Started;
  op.step_details = StepDetails{1, std::nullopt, "4", std::nullopt};
  client.put(op);
  std::vector<int> seen;
  auto out = run_once(
      [&](const Json&, DurableContext& ctx) {
        return Json(ctx.wait_for_condition(
            [&](const int& s, WaitForConditionCheckContext& cc) {
              seen.push_back(s);
              EXPECT_EQ(cc.attempt(), 2);
              return s + 1;
            },
            WaitForConditionConfig<int>{until_at_least(5), 0, nullptr}));
      },
      client);
  EXPECT_EQ(out.result, "5");
  EXPECT_EQ(seen, (std::vector<int>{4}));
  ASSERT_EQ(client.updates().size(), 1u);
  EXPECT_EQ(client.updates()[0].action, OperationAction::Succeed);
}

TEST(WaitForCondition, TwoSequentialOperationsHaveDistinctIds) {
  FakeCheckpointClient client;
  Handler handler = [](const Json&, DurableContext& ctx) {
    auto step = [](const int& s, WaitForConditionCheckContext&) { return s + 1; };
    int a = ctx.wait_for_condition(step, WaitForConditionConfig<int>{until_at_least(2), 0, nullptr});
    int b = ctx.wait_for_condition(step, WaitForConditionConfig<int>{until_at_least(4), a, nullptr});
    return Json(b);
  };
  auto out = run_to_completion(handler, client);
  EXPECT_EQ(out.result, "4");
  EXPECT_NE(client.find(operation_id(std::nullopt, 2)), nullptr);
}

TEST(WaitForCondition, UndecodableStoredStateIsAFatalSerDesError) {
  FakeCheckpointClient client;
  Operation op;
  op.id = kId1;
  op.type = OperationType::Step;
  op.sub_type = "WaitForCondition";
  op.name = "poll-status";
  op.status = OperationStatus::Ready;
  op.step_details = StepDetails{1, std::nullopt, "not json", std::nullopt};
  client.put(op);
  auto out = run_once(counter_handler(3), client);
  ASSERT_EQ(out.status, InvocationStatus::Failed);
  EXPECT_EQ(out.error->error_type, "SerDesError");
}

TEST(WaitForCondition, ReplayMeetingAPlainStepIsNonDeterministic) {
  FakeCheckpointClient client;
  run_once([](const Json&, DurableContext& ctx) {
    return Json(ctx.step([](StepContext&) { return 1; }, "poll-status"));
  }, client);
  auto out = run_once(counter_handler(3), client);
  EXPECT_EQ(out.error->error_type, "NonDeterministicExecutionError");
}

TEST(WaitForConditionValidation, MissingWaitStrategyIsRejectedBeforeAnyCheckpoint) {
  FakeCheckpointClient client;
  auto out = run_once(
      [](const Json&, DurableContext& ctx) {
        return Json(ctx.wait_for_condition(
            [](const int& s, WaitForConditionCheckContext&) { return s; },
            WaitForConditionConfig<int>{}));
      },
      client);
  EXPECT_EQ(out.error->error_type, "ValidationError");
  EXPECT_NE(out.error->error_message->find("wait_strategy is required"), std::string::npos);
  EXPECT_TRUE(client.batches.empty());
}

// --- create_wait_strategy

TEST(WaitStrategy, DefaultsMatchTheReference) {
  WaitStrategyConfig<int> cfg;
  EXPECT_EQ(cfg.max_attempts, 60);
  EXPECT_EQ(cfg.initial_delay, Duration::from_seconds(5));
  EXPECT_EQ(cfg.max_delay, Duration::from_seconds(300));
  EXPECT_EQ(cfg.backoff_rate, 1.5);
  EXPECT_EQ(cfg.jitter, JitterStrategy::Full);
}

TEST(WaitStrategy, ExponentialDelaysWithoutJitterAreCapped) {
  WaitStrategyConfig<int> cfg;
  cfg.should_continue_polling = [](const int& s) { return s < 100; };
  cfg.jitter = JitterStrategy::None;
  auto strategy = create_wait_strategy(cfg);
  // 5 × 1.5^(n−1): 5, 7.5→8, 11.25→12, ...; capped at 300.
  EXPECT_EQ(strategy(0, 1), WaitForConditionDecision::continue_waiting(Duration::from_seconds(5)));
  EXPECT_EQ(strategy(0, 2), WaitForConditionDecision::continue_waiting(Duration::from_seconds(8)));
  EXPECT_EQ(strategy(0, 3), WaitForConditionDecision::continue_waiting(Duration::from_seconds(12)));
  EXPECT_EQ(strategy(0, 40), WaitForConditionDecision::continue_waiting(Duration::from_seconds(300)));
}

TEST(WaitStrategy, MetConditionWinsOverExhaustion) {
  WaitStrategyConfig<int> cfg;
  cfg.should_continue_polling = [](const int& s) { return s < 3; };
  cfg.max_attempts = 2;
  auto strategy = create_wait_strategy(cfg);
  EXPECT_EQ(strategy(3, 2), WaitForConditionDecision::stop_polling());
  EXPECT_EQ(strategy(3, 99), WaitForConditionDecision::stop_polling());
  EXPECT_THROW(strategy(1, 2), WaitForConditionError);
}

TEST(WaitStrategy, FullJitterUsesTheRandomSource) {
  WaitStrategyConfig<int> cfg;
  cfg.should_continue_polling = [](const int&) { return true; };
  cfg.random = [] { return 0.5; };
  auto strategy = create_wait_strategy(cfg);
  EXPECT_EQ(strategy(0, 1).delay, Duration::from_seconds(3));  // ceil(0.5 × 5)
  cfg.random = [] { return 0.0; };
  EXPECT_EQ(create_wait_strategy(cfg)(0, 1).delay, Duration::from_seconds(1));  // at least 1 s
}

TEST(WaitStrategy, BadConfigIsAValidationErrorNamingTheField) {
  WaitStrategyConfig<int> missing;
  try {
    create_wait_strategy(missing);
    FAIL();
  } catch (const ValidationError& e) {
    EXPECT_NE(std::string(e.what()).find("should_continue_polling"), std::string::npos);
  }
  WaitStrategyConfig<int> cfg;
  cfg.should_continue_polling = [](const int&) { return true; };
  auto expect_field = [](WaitStrategyConfig<int> c, const std::string& field) {
    try {
      create_wait_strategy(std::move(c));
      ADD_FAILURE() << field;
    } catch (const ValidationError& e) {
      EXPECT_NE(std::string(e.what()).find("WaitStrategyConfig." + field), std::string::npos)
          << e.what();
    }
  };
  auto c1 = cfg;
  c1.max_attempts = 0;
  expect_field(c1, "max_attempts");
  auto c2 = cfg;
  c2.backoff_rate = 0.5;
  expect_field(c2, "backoff_rate");
  auto c3 = cfg;
  c3.max_delay = Duration::from_seconds(1);
  expect_field(c3, "max_delay");
}

// The check runs without the SDK lock, like a step body: a check waiting for another parallel
// branch's step sees that step complete. (With the lock held, the other branch could not reach its
// step and the check would give up after its bound.)
TEST(WaitForCondition, CheckDoesNotHoldUpOtherParallelBranches) {
  FakeCheckpointClient client;
  std::atomic<bool> step_ran{false};
  std::atomic<bool> check_started{false};
  const auto wait_for = [](const std::atomic<bool>& flag) {
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (!flag && std::chrono::steady_clock::now() < until) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  };
  Handler handler = [&](const Json&, DurableContext& ctx) {
    using Branch = std::function<std::string(DurableContext&)>;
    std::vector<Branch> branches{
        [&](DurableContext& c) {
          const int seen = c.wait_for_condition(
              [&](const int&, WaitForConditionCheckContext&) {
                check_started = true;
                wait_for(step_ran);
                return step_ran ? 1 : 0;
              },
              WaitForConditionConfig<int>{until_at_least(0), 0, nullptr}, "watch");
          return std::to_string(seen);
        },
        [&](DurableContext& c) {
          std::string done = c.step(
              [&](StepContext&) {
                wait_for(check_started);  // the check is running now
                return std::string("done");
              },
              "work");
          step_ran = true;  // after the step's SDK code, which needs the SDK lock
          return done;
        }};
    auto r = ctx.parallel<std::string>(branches, "both", {.max_concurrency = 2});
    return Json(r.get_results());
  };
  const auto out = run_invocation(handler, client.next_input(), client);
  ASSERT_EQ(out.status, InvocationStatus::Succeeded);
  EXPECT_EQ(Json::parse(out.result.value_or("null")), Json({"1", "done"}));
}

}  // namespace
}  // namespace durable
