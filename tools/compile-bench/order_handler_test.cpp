// Compile-time benchmark fixture: a typical test translation unit of a user's project (the shape
// of the 16-test file). GoogleTest with the DurableRunner, mock_function, the matchers,
// checkpoint and function faults, callback rules, virtual time, plus handlers written inline.
// tools/compile-bench.sh times compiling it at -O0 -g against the installed headers. It is not
// built into a test program here, but it is a working test file: linked against the libraries
// (durable::testing, gmock_main) its 20 tests pass.
#include <durable/testing.hpp>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

using durable::Duration;
using durable::Json;
using durable::OperationStatus;
using durable::OperationType;
using durable::testing::DurableRunner;
using durable::testing::ExecutionStatus;
using ::testing::_;
using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::Return;
using ::testing::SizeIs;

namespace {

// The handler under test: validate, invoke a fraud check, charge with retries, wait for the
// shipping window, ship in a child context, send a receipt with a timeout.
Json process_order(const Json& event, durable::DurableContext& context) {
  const auto order_id = event.at("order_id").get<std::string>();
  bool valid = context.step([&](durable::StepContext&) { return event.at("amount") > 0; },
                            "validate-order");
  if (!valid) return {{"status", "rejected"}};

  Json fraud = context.invoke("fraud-check", {{"order_id", order_id}}, "fraud-check");
  if (fraud.value("blocked", false)) return {{"status", "blocked"}};

  durable::StepConfig<std::string> retry;
  retry.retry_strategy = durable::retry_presets::transient();
  auto txn = context.step(
      [&](durable::StepContext& step) {
        context.logger().info("charging, attempt " + std::to_string(step.attempt()));
        Json charged = Json{{"order_id", order_id}, {"attempt", step.attempt()}};
        return "txn-" + order_id + "-" + charged["attempt"].dump();
      },
      "charge-payment", retry);

  context.wait(Duration::from_days(2), "shipping-window");

  auto tracking = context.run_in_child_context(
      [&](durable::DurableContext& child) {
        return child.step([&](durable::StepContext&) { return "TRACK-" + order_id; }, "label");
      },
      "ship");

  durable::InvokeConfig config{.timeout = Duration::from_minutes(5)};
  Json receipt = context.invoke("send-receipt", Json{{"order_id", order_id}}, "receipt", config);
  return {{"status", "completed"}, {"transaction_id", txn}, {"tracking", tracking},
          {"receipt", receipt}};
}

// Waits for an approval callback, then books the order.
Json approve_order(const Json& event, durable::DurableContext& context) {
  auto approval = context.wait_for_callback<Json>(
      [&](const std::string& callback_id, durable::WaitForCallbackContext& wc) {
        wc.logger().info("approval requested: " + callback_id);
      },
      "approval", {.timeout = Duration::from_hours(24)});
  if (!approval.value("approved", false)) return {{"status", "declined"}};
  auto booked = context.step([&](durable::StepContext&) { return event.at("order_id"); }, "book");
  return {{"status", "booked"}, {"order", booked}};
}

// Fans out over items with map and collects the results.
Json reserve_items(const Json& event, durable::DurableContext& context) {
  const auto skus = event.at("skus").get<std::vector<std::string>>();
  auto batch = context.map(
      skus,
      [](durable::DurableContext& item, const std::string& sku, std::size_t,
         const std::vector<std::string>&) {
        return item.step([&](durable::StepContext&) { return "reserved-" + sku; }, "reserve");
      },
      "reserve-all");
  return {{"reserved", batch.get_results()}, {"failed", batch.failure_count()}};
}

Json order_input(double amount = 100.0) { return {{"order_id", "order-123"}, {"amount", amount}}; }

class ProcessOrderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    runner_.register_function("fraud-check", [](const Json&) { return Json{{"blocked", false}}; });
    runner_.register_function("send-receipt",
                              [](const Json& payload) { return Json{{"sent", payload["order_id"]}}; });
  }
  DurableRunner runner_{process_order, {.function_name = "process-order"}};
};

TEST_F(ProcessOrderTest, SucceedsAndReturnsTheTracking) {
  auto result = runner_.run(order_input());
  EXPECT_EQ(result.status(), ExecutionStatus::Succeeded);
  EXPECT_EQ(result.result()["status"], "completed");
  EXPECT_EQ(result.result()["tracking"], "TRACK-order-123");
  EXPECT_THAT(result, durable::testing::Succeeded());
}

TEST_F(ProcessOrderTest, StepsAreCheckpointed) {
  auto result = runner_.run(order_input());
  EXPECT_EQ(result.get_step("validate-order").status(), OperationStatus::Succeeded);
  EXPECT_EQ(result.get_step("charge-payment").attempts(), 1);
  EXPECT_THAT(result.get_step("charge-payment"), durable::testing::HasStatus(OperationStatus::Succeeded));
  EXPECT_EQ(result.get_step("charge-payment").result<std::string>().rfind("txn-order-123", 0), 0u);
}

TEST_F(ProcessOrderTest, WaitsTwoDaysOnTheVirtualClock) {
  auto result = runner_.run(order_input());
  EXPECT_EQ(result.get_wait("shipping-window").duration_seconds(), 2 * 24 * 3600);
  EXPECT_GE(result.invocation_count(), 2u);
}

TEST_F(ProcessOrderTest, RejectsAnEmptyOrder) {
  auto result = runner_.run(order_input(0));
  EXPECT_EQ(result.result(), (Json{{"status", "rejected"}}));
  EXPECT_THAT(result.operations(OperationType::ChainedInvoke), SizeIs(0));
}

TEST_F(ProcessOrderTest, ShipsInAChildContext) {
  auto result = runner_.run(order_input());
  auto ship = result.get_context("ship");
  EXPECT_EQ(ship.status(), OperationStatus::Succeeded);
  EXPECT_THAT(ship.children(), SizeIs(1));
  EXPECT_THAT(result.operations(OperationType::Step), Contains(durable::testing::HasName("label")));
}

TEST_F(ProcessOrderTest, InvokesTheFraudCheckWithTheOrder) {
  auto& fraud = runner_.mock_function("fraud-check", durable::testing::MockStrictness::Strict);
  EXPECT_CALL(fraud, Call(durable::testing::JsonEq({{"order_id", "order-123"}})))
      .WillOnce(Return(Json{{"blocked", false}}));
  auto result = runner_.run(order_input());
  EXPECT_THAT(result.get_invoke("fraud-check"), durable::testing::IsInvokeOf("fraud-check"));
  EXPECT_THAT(result.get_invoke("fraud-check"),
              durable::testing::HasPayload(durable::testing::JsonEq({{"order_id", "order-123"}})));
}

TEST_F(ProcessOrderTest, StopsABlockedOrder) {
  auto& fraud = runner_.mock_function("fraud-check");
  EXPECT_CALL(fraud, Call(_)).WillOnce(Return(Json{{"blocked", true}}));
  auto result = runner_.run(order_input());
  EXPECT_EQ(result.result()["status"], "blocked");
  EXPECT_FALSE(result.find_operation("charge-payment").has_value());
}

TEST_F(ProcessOrderTest, AFailingFraudCheckFailsTheExecution) {
  runner_.fail_function("fraud-check", "FraudServiceDown", "the fraud service is down");
  auto result = runner_.run(order_input());
  EXPECT_EQ(result.status(), ExecutionStatus::Failed);
  EXPECT_THAT(result.get_invoke("fraud-check"), durable::testing::Failed());
  EXPECT_THAT(result.get_invoke("fraud-check"),
              durable::testing::HasErrorType("FraudServiceDown"));
}

TEST_F(ProcessOrderTest, AReceiptThatTimesOutFailsWithInvokeTimeout) {
  runner_.time_out_function("send-receipt", Duration::from_minutes(10));
  auto result = runner_.run(order_input());
  EXPECT_EQ(result.status(), ExecutionStatus::Failed);
  ASSERT_TRUE(result.error().has_value());
  EXPECT_THAT(result.error()->error_message.value_or(""), HasSubstr("timed out"));
}

TEST_F(ProcessOrderTest, SurvivesACrashAfterTheSecondCheckpoint) {
  runner_.crash_after_checkpoint(2);
  auto result = runner_.run(order_input());
  EXPECT_EQ(result.status(), ExecutionStatus::Succeeded);
  EXPECT_GE(result.step_runs("validate-order"), 1u);
}

TEST_F(ProcessOrderTest, SurvivesThrottledCheckpoints) {
  runner_.fail_checkpoint(1, durable::testing::CheckpointFault::Throttle);
  runner_.fail_checkpoint(3, durable::testing::CheckpointFault::ServiceError);
  auto result = runner_.run(order_input());
  EXPECT_EQ(result.status(), ExecutionStatus::Succeeded);
  EXPECT_GT(result.checkpoint_request_count(), 3u);
}

TEST_F(ProcessOrderTest, StepByStepThroughTheWait) {
  runner_.start(order_input());
  runner_.run_until_idle();
  EXPECT_EQ(runner_.status(), ExecutionStatus::Running);
  runner_.advance_clock(std::chrono::hours(48));
  auto result = runner_.wait_for_result();
  EXPECT_EQ(result.status(), ExecutionStatus::Succeeded);
  EXPECT_THAT(result.logs(), Contains(HasSubstr("charging, attempt")));
}

TEST(ApproveOrder, ARuleApprovesTheCallback) {
  DurableRunner runner(approve_order, {.function_name = "approve-order"});
  runner.on_callback("approval").succeed({{"approved", true}}).after(Duration::from_hours(3));
  auto result = runner.run({{"order_id", "o-7"}});
  EXPECT_EQ(result.result()["status"], "booked");
  EXPECT_EQ(result.get_callback("approval create callback id").status(), OperationStatus::Succeeded);
}

TEST(ApproveOrder, StepByStepDecline) {
  DurableRunner runner(approve_order);
  runner.start({{"order_id", "o-8"}});
  const std::string callback_id = runner.wait_for_callback("approval");
  runner.send_callback_heartbeat(callback_id);
  runner.send_callback_success(callback_id, {{"approved", false}});
  auto result = runner.wait_for_result();
  EXPECT_EQ(result.result(), (Json{{"status", "declined"}}));
}

TEST(ApproveOrder, ACallbackFailureFailsTheExecution) {
  DurableRunner runner(approve_order);
  runner.on_callback("approval").fail("Rejected", "the approver said no");
  auto result = runner.run({{"order_id", "o-9"}});
  EXPECT_EQ(result.status(), ExecutionStatus::Failed);
  EXPECT_THAT(result, durable::testing::HasErrorMessage("the approver said no"));
}

TEST(ApproveOrder, ATimedOutCallbackFails) {
  DurableRunner runner(approve_order);
  runner.on_callback("approval").time_out();
  auto result = runner.run({{"order_id", "o-10"}});
  EXPECT_EQ(result.status(), ExecutionStatus::Failed);
  EXPECT_THAT(result.get_callback("approval create callback id"), durable::testing::HasStatus(OperationStatus::TimedOut));
}

TEST(ReserveItems, ReservesEveryItem) {
  DurableRunner runner(reserve_items);
  auto result = runner.run({{"skus", {"a", "b", "c"}}});
  EXPECT_EQ(result.result()["reserved"], (Json{"reserved-a", "reserved-b", "reserved-c"}));
  EXPECT_EQ(result.result()["failed"], 0);
  EXPECT_THAT(result.operations(OperationType::Step), SizeIs(3));
}

TEST(InlineHandler, RetriesAStepThatFailsOnce) {
  int calls = 0;
  DurableRunner runner([&](const Json&, durable::DurableContext& context) -> Json {
    durable::StepConfig<int> config;
    config.retry_strategy = durable::retry_presets::transient();
    return context.step(
        [&](durable::StepContext&) {
          if (++calls == 1) throw std::runtime_error("flaky");
          return 7;
        },
        "flaky", config);
  });
  auto result = runner.run();
  EXPECT_EQ(result.result(), 7);
  EXPECT_EQ(result.get_step("flaky").attempts(), 2);
  EXPECT_THAT(result.get_step("flaky"), durable::testing::HasResult(durable::testing::JsonEq(7)));
}

TEST(InlineHandler, WaitsForAConditionOnTheVirtualClock) {
  DurableRunner runner([](const Json&, durable::DurableContext& context) -> Json {
    durable::WaitForConditionConfig<int> config;
    config.initial_state = 0;
    config.wait_strategy = [](const int& state, int) {
      return state >= 3 ? durable::WaitForConditionDecision::stop_polling()
                        : durable::WaitForConditionDecision::continue_waiting(Duration::from_minutes(1));
    };
    return context.wait_for_condition<int>(
        [](const int& state, durable::WaitForConditionCheckContext&) { return state + 1; }, config,
        "poll");
  });
  auto result = runner.run();
  EXPECT_EQ(result.status(), ExecutionStatus::Succeeded);
  EXPECT_EQ(result.result(), 3);
}

TEST(InlineHandler, ParallelBranchesAllRun) {
  DurableRunner runner([](const Json&, durable::DurableContext& context) -> Json {
    auto batch = context.parallel<int>(
        {[](durable::DurableContext& c) { return c.step([](durable::StepContext&) { return 1; }); },
         [](durable::DurableContext& c) { return c.step([](durable::StepContext&) { return 2; }); }},
        "both");
    return batch.get_results();
  });
  auto result = runner.run();
  EXPECT_EQ(result.result(), (Json{1, 2}));
  std::cout << result.timeline();
}

}  // namespace
