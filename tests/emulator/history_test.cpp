// History events (§6): shapes, EventId order, InvocationCompleted placement, data projection
// and paging.
#include "emulator_test_support.hpp"

namespace durable::emulator::testing {
namespace {

using std::chrono::seconds;
using ET = EventType;

using HistoryTest = EmulatorTest;

TEST_F(HistoryTest, StepFailsOnceThenSucceedsLikeConformance1_11) {
  start();
  auto first = invoke();
  auto first_start = clock_->now();
  auto s = step_start("step-1");
  s.name = "unreliable";
  checkpoint({s});
  checkpoint({step_retry("step-1", 1, error("Error", "try again"))});
  clock_->advance(seconds(0));
  complete(output(InvocationStatus::Pending));
  clock_->advance(seconds(1));
  service_.fire_due_timers();
  auto second = invoke();
  checkpoint({step_start("step-1")});
  checkpoint({step_succeed("step-1", "\"Operation succeeded\"")});
  clock_->advance(std::chrono::milliseconds(250));
  complete(output(InvocationStatus::Succeeded, "\"Operation succeeded\""));

  auto events = history();
  std::vector<ET> expected{ET::ExecutionStarted,    ET::StepStarted,  ET::StepFailed,
                           ET::InvocationCompleted, ET::StepStarted,  ET::StepSucceeded,
                           ET::InvocationCompleted, ET::ExecutionSucceeded};
  ASSERT_EQ(event_types(), expected);
  for (std::size_t i = 0; i < events.size(); ++i) EXPECT_EQ(events[i].event_id, i + 1);

  EXPECT_EQ(events[1].id, "step-1");
  EXPECT_EQ(events[1].name, "unreliable");
  EXPECT_EQ(events[1].sub_type, "Step");
  auto failed = std::get<StepFailedDetails>(events[2].details);
  EXPECT_EQ(failed.retry_details.current_attempt, 1);
  EXPECT_EQ(failed.retry_details.next_attempt_delay_seconds, 1);
  EXPECT_EQ(failed.error.truncated, false);

  auto inv1 = std::get<InvocationCompletedDetails>(events[3].details);
  EXPECT_EQ(inv1.request_id, first.request_id);
  EXPECT_EQ(inv1.start_timestamp, first_start);
  EXPECT_FALSE(inv1.error.has_value());
  EXPECT_FALSE(events[3].id.has_value());
  EXPECT_FALSE(events[3].sub_type.has_value());

  auto ok = std::get<StepSucceededDetails>(events[5].details);
  EXPECT_EQ(ok.retry_details.current_attempt, 2);
  EXPECT_FALSE(ok.retry_details.next_attempt_delay_seconds.has_value());
  EXPECT_EQ(ok.result.payload, "\"Operation succeeded\"");
  EXPECT_EQ(ok.result.truncated, false);

  auto inv2 = std::get<InvocationCompletedDetails>(events[6].details);
  EXPECT_EQ(inv2.request_id, second.request_id);
  EXPECT_EQ(inv2.end_timestamp - inv2.start_timestamp, std::chrono::milliseconds(250));
  auto done = std::get<ResultDetails>(events[7].details);
  EXPECT_EQ(done.result.payload, "\"Operation succeeded\"");
  auto e = execution();
  EXPECT_EQ(e.status, ExecutionStatus::Succeeded);
  EXPECT_EQ(e.result, "\"Operation succeeded\"");
  EXPECT_EQ(service_.operations(arn_)[0].status, OperationStatus::Succeeded);
}

TEST_F(HistoryTest, SequentialWaitsLikeConformance2_3) {
  start();
  for (int i = 1; i <= 2; ++i) {
    invoke();
    auto w = wait_start("w" + std::to_string(i), 2);
    w.name = "wait-" + std::to_string(i);
    checkpoint({w});
    complete(output(InvocationStatus::Pending));
    clock_->advance(seconds(2));
    service_.fire_due_timers();
  }
  invoke();
  complete(output(InvocationStatus::Succeeded, "{\"completedWaits\":2}"));
  std::vector<ET> expected{ET::ExecutionStarted, ET::WaitStarted,         ET::InvocationCompleted,
                           ET::WaitSucceeded,    ET::WaitStarted,         ET::InvocationCompleted,
                           ET::WaitSucceeded,    ET::InvocationCompleted, ET::ExecutionSucceeded};
  ASSERT_EQ(event_types(), expected);
  auto events = history();
  EXPECT_EQ(events[3].name, "wait-1");
  EXPECT_EQ(std::get<WaitSucceededDetails>(events[3].details).duration, 2);
  EXPECT_EQ(std::get<WaitStartedDetails>(events[4].details).duration, 2);
  EXPECT_EQ(events[6].event_timestamp, at_ms(kStartMs + 4000));
}

TEST_F(HistoryTest, ChildEventsCarryParentId) {
  start();
  invoke();
  auto ctx = context_start("ctx");
  ctx.name = "child";
  checkpoint({ctx, step_start("s", "ctx"), step_succeed("s", "\"x\""), wait_start("w", 1, "ctx")});
  complete(output(InvocationStatus::Pending));
  clock_->advance(seconds(1));
  service_.fire_due_timers();
  invoke();
  checkpoint({context_succeed("ctx", "\"x\"")});
  complete(output(InvocationStatus::Succeeded, "\"x\""));
  auto events = history();
  EXPECT_EQ(events[1].event_type, ET::ContextStarted);
  EXPECT_EQ(events[1].name, "child");
  EXPECT_EQ(events[1].sub_type, "RunInChildContext");
  EXPECT_EQ(events[2].parent_id, "ctx");
  EXPECT_EQ(events[4].event_type, ET::WaitStarted);
  EXPECT_EQ(events[4].parent_id, "ctx");
  EXPECT_EQ(events[6].event_type, ET::WaitSucceeded);
  EXPECT_EQ(events[6].parent_id, "ctx");
  EXPECT_EQ(events[7].event_type, ET::ContextSucceeded);
  EXPECT_EQ(std::get<ResultDetails>(events[7].details).result.payload, "\"x\"");
}

TEST_F(HistoryTest, HandlerFailureRecordsInvocationCompletedBeforeExecutionFailed) {
  start();
  invoke();
  complete(output(InvocationStatus::Failed, std::nullopt, error("CallbackError", "timed out")));
  std::vector<ET> expected{ET::ExecutionStarted, ET::InvocationCompleted, ET::ExecutionFailed};
  ASSERT_EQ(event_types(), expected);
  auto d = std::get<ErrorDetails>(history()[2].details);
  EXPECT_EQ(d.error->payload->error_type, "CallbackError");
  EXPECT_EQ(execution().error->error_message, "timed out");
}

TEST_F(HistoryTest, ExecutionDataCanBeLeftOut) {
  start("{\"secret\":1}");
  invoke();
  checkpoint({step_start("s"), step_succeed("s", "\"r\""), step_start("f"),
              step_fail("f", error("E", "m"))});
  complete(output(InvocationStatus::Succeeded, "\"done\""));
  auto with = history(true);
  auto input = std::get<ExecutionStartedDetails>(with[0].details).input;
  EXPECT_EQ(input.payload, "{\"secret\":1}");
  EXPECT_EQ(input.truncated, false);

  auto without = history(false);
  ASSERT_EQ(without.size(), with.size());
  auto in2 = std::get<ExecutionStartedDetails>(without[0].details).input;
  EXPECT_FALSE(in2.payload.has_value());
  EXPECT_EQ(in2.truncated, true);
  auto r = std::get<StepSucceededDetails>(without[2].details).result;
  EXPECT_FALSE(r.payload.has_value());
  EXPECT_EQ(r.truncated, true);
  auto err = std::get<StepFailedDetails>(without[4].details).error;
  EXPECT_FALSE(err.payload.has_value());
  EXPECT_EQ(err.truncated, true);
  auto res = std::get<ResultDetails>(without.back().details).result;
  EXPECT_FALSE(res.payload.has_value());
  // The default includes the data.
  GetDurableExecutionHistoryRequest r0;
  r0.durable_execution_arn = arn_;
  EXPECT_EQ(service_.get_history(r0).events, with);
}

TEST_F(HistoryTest, PagingAndReverseOrder) {
  start();
  invoke();
  std::vector<OperationUpdate> updates;
  for (int i = 0; i < 6; ++i) updates.push_back(step_start("s" + std::to_string(i)));
  checkpoint(updates);  // 7 events in all
  GetDurableExecutionHistoryRequest r;
  r.durable_execution_arn = arn_;
  r.max_items = 3;
  auto p1 = service_.get_history(r);
  ASSERT_EQ(p1.events.size(), 3u);
  EXPECT_EQ(p1.events[0].event_id, 1);
  ASSERT_TRUE(p1.next_marker.has_value());
  r.marker = p1.next_marker;
  auto p2 = service_.get_history(r);
  EXPECT_EQ(p2.events[0].event_id, 4);
  r.marker = p2.next_marker;
  auto p3 = service_.get_history(r);
  ASSERT_EQ(p3.events.size(), 1u);
  EXPECT_EQ(p3.events[0].event_id, 7);
  EXPECT_FALSE(p3.next_marker.has_value());

  r.marker.reset();
  r.reverse_order = true;
  auto rev = service_.get_history(r);
  EXPECT_EQ(rev.events[0].event_id, 7);
  EXPECT_EQ(rev.events[2].event_id, 5);
  r.marker = rev.next_marker;
  EXPECT_EQ(service_.get_history(r).events[0].event_id, 4);

  r.max_items = 0;  // default page of 100
  r.marker.reset();
  EXPECT_EQ(service_.get_history(r).events.size(), 7u);
  r.marker = "nope";
  try {
    service_.get_history(r);
    FAIL();
  } catch (const ApiError& e) {
    EXPECT_EQ(std::string(e.what()), "Invalid marker");
  }
  r.marker = "99";
  EXPECT_THROW(service_.get_history(r), ApiError);
  r.marker.reset();
  r.max_items = 1001;
  EXPECT_THROW(service_.get_history(r), ApiError);
}

}  // namespace
}  // namespace durable::emulator::testing
