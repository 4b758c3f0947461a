// Timeline rendering over a hand-built history: invocation blocks, service events between them,
// offsets, attempts and durations.
#include <gtest/gtest.h>

#include "timeline.hpp"

namespace durable::testing::detail {
namespace {

using std::chrono::milliseconds;

Timestamp at(std::int64_t ms) { return Timestamp(milliseconds(ms)); }

Event ev(std::int64_t id, EventType type, std::int64_t t_ms, std::optional<std::string> op_id = {},
         std::optional<std::string> name = {}) {
  Event e;
  e.event_id = id;
  e.event_type = type;
  e.event_timestamp = at(t_ms);
  e.id = std::move(op_id);
  e.name = std::move(name);
  e.details = default_details_for(type);
  return e;
}

TEST(TimelineFormatTest, Durations) {
  EXPECT_EQ(format_duration(milliseconds(0)), "0ms");
  EXPECT_EQ(format_duration(milliseconds(999)), "999ms");
  EXPECT_EQ(format_duration(milliseconds(1000)), "1s");
  EXPECT_EQ(format_duration(milliseconds(1250)), "1.250s");
  EXPECT_EQ(format_duration(milliseconds(200'000)), "3m 20s");
  EXPECT_EQ(format_duration(std::chrono::hours(24 * 365)), "365d");
  EXPECT_EQ(format_duration(std::chrono::hours(25)), "1d 1h");
  EXPECT_EQ(format_offset(milliseconds(5)), "+5ms");
  EXPECT_EQ(format_offset(milliseconds(-2000)), "-2s");
}

TEST(TimelineRenderTest, InvocationBlocksAndServiceEvents) {
  TestResult::Snapshot snap;
  snap.execution_arn = "arn:test";
  snap.status = ExecutionStatus::Succeeded;
  snap.start_timestamp = at(0);
  snap.end_timestamp = at(60'010);
  snap.result = R"("done")";
  InvocationRecord r1;
  r1.request_id = "req-1";
  r1.output_status = durable::InvocationStatus::Pending;
  InvocationRecord r2 = r1;
  r2.request_id = "req-2";
  r2.output_status = durable::InvocationStatus::Succeeded;
  snap.invocations = {r1, r2};

  std::vector<Event> h;
  h.push_back(ev(1, EventType::ExecutionStarted, 0, "exec"));
  h.push_back(ev(2, EventType::StepStarted, 1, "s1", "charge-card"));
  auto failed = ev(3, EventType::StepFailed, 3, "s1", "charge-card");
  failed.details = StepFailedDetails{EventError{ErrorObject{"Declined", "no funds", {}, {}}, false},
                                     RetryDetails{1, 60}};
  h.push_back(failed);
  auto inv1 = ev(4, EventType::InvocationCompleted, 4);
  inv1.details = InvocationCompletedDetails{at(0), at(4), "req-1", std::nullopt};
  h.push_back(inv1);
  h.push_back(ev(5, EventType::StepStarted, 60'003, "s1", "charge-card"));
  auto ok = ev(6, EventType::StepSucceeded, 60'005, "s1", "charge-card");
  ok.details = StepSucceededDetails{EventResult{"1", false}, RetryDetails{2, std::nullopt}};
  h.push_back(ok);
  auto wait = ev(7, EventType::WaitStarted, 60'006, "w1", "cool-down");
  wait.details = WaitStartedDetails{5, at(65'006)};
  h.push_back(wait);
  auto inv2 = ev(8, EventType::InvocationCompleted, 60'007);
  inv2.details = InvocationCompletedDetails{at(60'000), at(60'007), "req-2", std::nullopt};
  h.push_back(inv2);
  h.push_back(ev(9, EventType::WaitSucceeded, 65'006, "w1", "cool-down"));
  h.push_back(ev(10, EventType::ExecutionSucceeded, 65'010, "exec"));

  const auto text = render_timeline(snap, h);
  SCOPED_TRACE(text);
  const auto pos = [&](const std::string& s) { return text.find(s); };
  EXPECT_NE(pos("Invocation 1 [req-1] +0ms .. +4ms  returned PENDING"), std::string::npos);
  EXPECT_NE(pos("Invocation 2 [req-2] +1m .. +1m 0.007s  returned SUCCEEDED"),
            std::string::npos);
  EXPECT_NE(pos("attempt 1, retry in 1m  Declined: no funds"), std::string::npos);
  EXPECT_NE(pos("attempt 2  (took 2ms)"), std::string::npos);
  EXPECT_NE(pos("wait 5s, until +1m 5.006s"), std::string::npos);
  EXPECT_NE(pos("\"charge-card\""), std::string::npos);
  // The timer that fired between invocations is marked as a service event, after invocation 2.
  EXPECT_GT(pos("~ +1m 5.006s"), pos("Invocation 2"));
  EXPECT_LT(pos("Invocation 1"), pos("Invocation 2"));
  EXPECT_NE(pos("Status: SUCCEEDED at +1m 0.010s, 2 invocation(s)"), std::string::npos);
  EXPECT_NE(pos("Result: \"done\""), std::string::npos);
}

TEST(TimelineRenderTest, EventsOfAnInvocationInFlight) {
  TestResult::Snapshot snap;
  snap.status = ExecutionStatus::Running;
  std::vector<Event> h;
  h.push_back(ev(1, EventType::ExecutionStarted, 0, "exec"));
  h.push_back(ev(2, EventType::StepStarted, 1, "s1", "work"));
  const auto text = render_timeline(snap, h);
  EXPECT_NE(text.find("Invocation 1 (in progress)"), std::string::npos) << text;
  EXPECT_NE(text.find("Status: RUNNING, 0 invocation(s)"), std::string::npos) << text;
}

TEST(TimelineRenderTest, FullNamesAlignedAndALegend) {
  TestResult::Snapshot snap;
  snap.status = ExecutionStatus::Running;
  const std::string long_name = "reserve every item of the order in the warehouse";
  std::vector<Event> h;
  h.push_back(ev(1, EventType::ExecutionStarted, 0, "exec"));
  h.push_back(ev(2, EventType::StepStarted, 1, "s1", long_name));
  h.push_back(ev(3, EventType::StepStarted, 2, "s2", "short"));
  const auto text = render_timeline(snap, h);
  SCOPED_TRACE(text);
  EXPECT_NE(text.find("\"" + long_name + "\" STARTED"), std::string::npos);
  // The status column lines up after the longest name.
  const auto long_line = text.find(long_name);
  const auto short_line = text.find("\"short\"");
  ASSERT_NE(short_line, std::string::npos);
  const auto column = [&](std::size_t at) {
    const auto start = text.rfind('\n', at) + 1;
    return text.find("STARTED", at) - start;
  };
  EXPECT_EQ(column(long_line), column(short_line));
  EXPECT_NE(text.find("Legend:"), std::string::npos);
  EXPECT_NE(text.find("~        an event the service produced between invocations"),
            std::string::npos);
  EXPECT_NE(text.find("=        the execution's end"), std::string::npos);
}

}  // namespace
}  // namespace durable::testing::detail
