// The history a TestResult exposes is the service's own, in its wire format.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "durable/durable.hpp"
#include "durable/testing.hpp"

namespace durable::testing {
namespace {

TEST(RunnerHistoryTest, EventIdsAreConsecutiveAndInvocationCompletedPrecedesTheEnd) {
  DurableRunner runner([](const Json&, DurableContext& ctx) -> Json {
    ctx.step([](StepContext&) { return 1; }, "one");
    ctx.wait(Duration::from_seconds(3), "pause");
    ctx.step([](StepContext&) { return 2; }, "two");
    return "done";
  });
  const auto result = runner.run();
  ASSERT_EQ(result.status(), ExecutionStatus::Succeeded) << result;
  const auto& events = result.history();
  ASSERT_GE(events.size(), 9u);
  for (std::size_t i = 0; i < events.size(); ++i) {
    EXPECT_EQ(events[i].event_id, static_cast<std::int64_t>(i + 1)) << "event " << i;
  }
  EXPECT_EQ(events.front().event_type, EventType::ExecutionStarted);
  EXPECT_EQ(events.back().event_type, EventType::ExecutionSucceeded);
  EXPECT_EQ(events[events.size() - 2].event_type, EventType::InvocationCompleted);

  std::vector<EventType> types;
  for (const auto& e : events) types.push_back(e.event_type);
  const std::vector<EventType> expected = {
      EventType::ExecutionStarted, EventType::StepStarted,        EventType::StepSucceeded,
      EventType::WaitStarted,      EventType::InvocationCompleted, EventType::WaitSucceeded,
      EventType::StepStarted,      EventType::StepSucceeded,       EventType::InvocationCompleted,
      EventType::ExecutionSucceeded};
  EXPECT_EQ(types, expected);

  // InvocationCompleted carries the request ids the runner recorded, in order.
  std::vector<std::string> request_ids;
  for (const auto& e : events) {
    if (const auto* d = std::get_if<InvocationCompletedDetails>(&e.details)) {
      request_ids.push_back(d->request_id);
    }
  }
  ASSERT_EQ(request_ids.size(), 2u);
  EXPECT_EQ(request_ids[0], result.invocations()[0].request_id);
  EXPECT_EQ(request_ids[1], result.invocations()[1].request_id);
}

TEST(RunnerHistoryTest, HistoryJsonIsTheWireBody) {
  DurableRunner runner([](const Json& event, DurableContext& ctx) -> Json {
    return ctx.step([&](StepContext&) { return event["x"]; }, "echo");
  });
  const auto result = runner.run({{"x", "hello"}});
  const auto body = result.history_json();
  ASSERT_TRUE(body.contains("Events")) << body.dump(2);
  const auto& events = body["Events"];
  ASSERT_EQ(events.size(), result.history().size());
  EXPECT_EQ(events[0]["EventType"], "ExecutionStarted");
  EXPECT_EQ(events[0]["EventId"], 1);
  EXPECT_EQ(Json::parse(events[0]["ExecutionStartedDetails"]["Input"]["Payload"].get<std::string>()),
            Json({{"x", "hello"}}));
  EXPECT_EQ(events[1]["EventType"], "StepStarted");
  EXPECT_EQ(events[1]["Name"], "echo");
  EXPECT_EQ(events[2]["StepSucceededDetails"]["Result"]["Payload"], "\"hello\"");
  EXPECT_EQ(events.back()["EventType"], "ExecutionSucceeded");
  // Parsing the body back gives the same events.
  GetDurableExecutionHistoryResponse parsed;
  from_json(body, parsed);
  EXPECT_EQ(parsed.events, result.history());
}

TEST(RunnerHistoryTest, HistoryOfManyEventsSpansSeveralPages) {
  DurableRunner runner([](const Json&, DurableContext& ctx) -> Json {
    for (int i = 0; i < 600; ++i) ctx.step([i](StepContext&) { return i; });
    return 0;
  }, {.capture_logs = false});
  const auto result = runner.run();
  ASSERT_EQ(result.status(), ExecutionStatus::Succeeded);
  // 1 start + 1200 step events + InvocationCompleted + end: more than one 1000-event page.
  ASSERT_EQ(result.history().size(), 1203u);
  EXPECT_EQ(result.history().back().event_id, 1203);
}

}  // namespace
}  // namespace durable::testing
