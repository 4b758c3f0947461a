// History keeps events in a compact form (identities shared per operation id, details sized to
// their alternative): what it hands back must be exactly what was appended, numbered from 1.
#include <gtest/gtest.h>

#include "history.hpp"

namespace durable::emulator::detail {
namespace {

Timestamp at(std::int64_t seconds) { return Timestamp{std::chrono::seconds(seconds)}; }

Operation step_op(std::string id, std::optional<std::string> name,
                  std::optional<std::string> parent) {
  Operation op;
  op.id = std::move(id);
  op.name = std::move(name);
  op.sub_type = "Step";
  op.parent_id = std::move(parent);
  return op;
}

TEST(HistoryStorage, ReturnsEveryFieldAsAppended) {
  History history;
  ExecutionStartedDetails started;
  started.input.payload = "{\"x\":1}";
  started.execution_timeout = 60;
  history.append(make_event(EventType::ExecutionStarted, at(1), started));
  const Operation op = step_op(std::string(64, 'a'), "charge", std::string(64, 'p'));
  history.append(make_op_event(EventType::StepStarted, op, at(2), EmptyDetails{}));
  StepSucceededDetails succeeded;
  succeeded.result.payload = "42";
  succeeded.retry_details.current_attempt = 1;
  history.append(make_op_event(EventType::StepSucceeded, op, at(3), succeeded));

  ASSERT_EQ(history.size(), 3u);
  Event first = history.at(0);
  EXPECT_EQ(first.event_id, 1);
  EXPECT_EQ(first.event_type, EventType::ExecutionStarted);
  EXPECT_EQ(first.event_timestamp, at(1));
  EXPECT_FALSE(first.id.has_value());
  EXPECT_FALSE(first.name.has_value());
  EXPECT_FALSE(first.sub_type.has_value());
  EXPECT_FALSE(first.parent_id.has_value());
  EXPECT_EQ(std::get<ExecutionStartedDetails>(first.details), started);

  Event expected = make_op_event(EventType::StepSucceeded, op, at(3), succeeded);
  expected.event_id = 3;
  EXPECT_EQ(history.at(2), expected);
  Event start = history.at(1);
  EXPECT_EQ(start.event_id, 2);
  EXPECT_EQ(start.id, op.id);
  EXPECT_EQ(start.name, op.name);
  EXPECT_EQ(start.sub_type, op.sub_type);
  EXPECT_EQ(start.parent_id, op.parent_id);
  EXPECT_TRUE(std::holds_alternative<EmptyDetails>(start.details));
}

TEST(HistoryStorage, StepSucceededDetailsComeBackAsAppendedInEveryShape) {
  // The usual shape is stored compactly; every other one as is. All must read back unchanged.
  const Operation op = step_op(std::string(64, 'b'), "s", std::nullopt);
  std::vector<StepSucceededDetails> shapes(6);
  shapes[0].result.payload = "7";
  shapes[0].retry_details.current_attempt = 1;
  shapes[1].retry_details.current_attempt = 3;  // no result
  shapes[2].result.payload = std::string(300, 'r');
  shapes[2].retry_details.current_attempt = 2;
  shapes[3].result.payload = "";
  shapes[3].result.truncated = false;
  shapes[3].retry_details.current_attempt = 1;
  shapes[4].result.payload = "1";
  shapes[4].retry_details = RetryDetails{2, 5};  // a wait_for_condition poll's
  shapes[5].result.payload = "x";  // no attempt at all
  History history;
  for (const auto& d : shapes) {
    history.append(make_op_event(EventType::StepSucceeded, op, at(1), d));
  }
  ASSERT_EQ(history.size(), shapes.size());
  for (std::size_t i = 0; i < shapes.size(); ++i) {
    EXPECT_EQ(std::get<StepSucceededDetails>(history.at(i).details), shapes[i]) << i;
  }
}

TEST(HistoryStorage, AbsentAndEmptyFieldsStayDistinct) {
  History history;
  // An empty name is not an absent one, and an absent parent is not an empty one.
  history.append(make_op_event(EventType::StepStarted, step_op("s1", "", std::nullopt), at(1),
                               EmptyDetails{}));
  history.append(make_op_event(EventType::StepStarted, step_op("s2", std::nullopt, ""), at(1),
                               EmptyDetails{}));
  EXPECT_EQ(history.at(0).name, std::optional<std::string>(""));
  EXPECT_FALSE(history.at(0).parent_id.has_value());
  EXPECT_FALSE(history.at(1).name.has_value());
  EXPECT_EQ(history.at(1).parent_id, std::optional<std::string>(""));
}

TEST(HistoryStorage, AnEventNamingOtherFieldsForAKnownIdKeepsItsOwn) {
  History history;
  history.append(
      make_op_event(EventType::StepStarted, step_op("s1", "a", std::nullopt), at(1), {}));
  history.append(make_op_event(EventType::StepSucceeded, step_op("s1", "b", "ctx"), at(2),
                               StepSucceededDetails{}));
  history.append(
      make_op_event(EventType::StepStarted, step_op("s1", "a", std::nullopt), at(3), {}));
  EXPECT_EQ(history.at(0).name, std::optional<std::string>("a"));
  EXPECT_EQ(history.at(1).name, std::optional<std::string>("b"));
  EXPECT_EQ(history.at(1).parent_id, std::optional<std::string>("ctx"));
  EXPECT_EQ(history.at(2).name, std::optional<std::string>("a"));
  EXPECT_FALSE(history.at(2).parent_id.has_value());
}

TEST(HistoryStorage, OperationEventsReadTheIdentityOfTheStoredOperation) {
  OperationStore ops;
  History history(&ops);
  OpRecord& parent = ops.create(step_op(std::string(64, 'p'), "ctx", std::nullopt));
  OpRecord& rec = ops.create(step_op(std::string(64, 'a'), "charge", parent.op.id));
  OpRecord& unnamed = ops.create(step_op("s3", std::nullopt, ""));
  StepSucceededDetails succeeded;
  succeeded.result.payload = "42";
  history.append(EventType::StepStarted, rec, at(2), EmptyDetails{});
  history.append(EventType::StepSucceeded, rec, at(3), succeeded);
  history.append(EventType::StepStarted, unnamed, at(4), EmptyDetails{});
  // A record of another store is stored as given.
  OperationStore other;
  OpRecord& foreign = other.create(step_op("x1", "elsewhere", std::nullopt));
  history.append(EventType::StepStarted, foreign, at(5), EmptyDetails{});
  // What later changes to an operation make of its status and details does not reach events.
  rec.op.status = OperationStatus::Succeeded;

  ASSERT_EQ(history.size(), 4u);
  const std::vector<Event> expected = {
      make_op_event(EventType::StepStarted, rec.op, at(2), EmptyDetails{}),
      make_op_event(EventType::StepSucceeded, rec.op, at(3), succeeded),
      make_op_event(EventType::StepStarted, unnamed.op, at(4), EmptyDetails{}),
      make_op_event(EventType::StepStarted, foreign.op, at(5), EmptyDetails{})};
  for (std::size_t i = 0; i < expected.size(); ++i) {
    Event want = expected[i];
    want.event_id = static_cast<std::int64_t>(i) + 1;
    EXPECT_EQ(history.at(i), want) << "event " << i + 1;
  }
  EXPECT_EQ(history.at(2).name, std::nullopt);
  EXPECT_EQ(history.at(2).parent_id, std::optional<std::string>(""));
}

TEST(HistoryStorage, PagesReadTheCompactEvents) {
  History history;
  for (int i = 0; i < 5; ++i) {
    history.append(make_op_event(EventType::StepStarted,
                                 step_op("s" + std::to_string(i), std::nullopt, std::nullopt),
                                 at(i), EmptyDetails{}));
  }
  GetDurableExecutionHistoryRequest request;
  request.max_items = 2;
  request.reverse_order = true;
  request.marker = "1";
  auto page = page_history(history, request);
  ASSERT_EQ(page.events.size(), 2u);
  EXPECT_EQ(page.events[0].event_id, 4);
  EXPECT_EQ(page.events[0].id, std::optional<std::string>("s3"));
  EXPECT_EQ(page.events[1].event_id, 3);
  EXPECT_EQ(page.next_marker, std::optional<std::string>("3"));
}

}  // namespace
}  // namespace durable::emulator::detail
