#include "durable/model/event.hpp"

#include <gtest/gtest.h>

namespace durable {
namespace {

Timestamp ms(std::int64_t v) { return Timestamp(std::chrono::milliseconds(v)); }

Event round_trip(const Event& e) {
  Json j = e;
  return j.get<Event>();
}

TEST(Event, StepFailedShapeMatchesTheService) {
  Event e;
  e.event_type = EventType::StepFailed;
  e.sub_type = "Step";
  e.event_id = 3;
  e.id = "id1";
  e.name = "flaky";
  e.event_timestamp = ms(1500);
  e.details = StepFailedDetails{EventError{ErrorObject{"E", "boom", {}, {}}, false},
                                RetryDetails{1, 2}};
  Json j = e;
  EXPECT_EQ(j["StepFailedDetails"]["RetryDetails"]["CurrentAttempt"], 1);
  EXPECT_EQ(j["StepFailedDetails"]["RetryDetails"]["NextAttemptDelaySeconds"], 2);
  EXPECT_EQ(j["StepFailedDetails"]["Error"]["Payload"]["ErrorMessage"], "boom");
  EXPECT_EQ(j["StepFailedDetails"]["Error"]["Truncated"], false);
  EXPECT_EQ(j["EventTimestamp"], 1.5);
  EXPECT_EQ(round_trip(e), e);
}

TEST(Event, EveryEventTypeRoundTripsWithItsDetails) {
  for (int t = 0; t <= static_cast<int>(EventType::InvocationCompleted); ++t) {
    Event e;
    e.event_type = static_cast<EventType>(t);
    e.event_id = t + 1;
    e.event_timestamp = ms(2000);
    e.details = default_details_for(e.event_type);
    // Construct rather than assign the required strings: g++ 12 at -O2 reports a false
    // -Wrestrict on std::string::operator=(const char*) here.
    if (std::holds_alternative<ChainedInvokeStartedDetails>(e.details)) {
      e.details = ChainedInvokeStartedDetails{.function_name = std::string("f")};
    }
    if (std::holds_alternative<CallbackStartedDetails>(e.details)) {
      e.details = CallbackStartedDetails{.callback_id = std::string("c")};
    }
    if (std::holds_alternative<InvocationCompletedDetails>(e.details)) {
      e.details = InvocationCompletedDetails{.request_id = std::string("r")};
    }
    Json j = e;
    ASSERT_TRUE(j.contains(details_member_name(e.event_type))) << j.dump();
    EXPECT_EQ(round_trip(e), e) << j.dump();
  }
}

TEST(Event, InvocationCompletedCarriesTimesAndError) {
  Event e;
  e.event_type = EventType::InvocationCompleted;
  e.event_id = 4;
  e.event_timestamp = ms(3000);
  e.details = InvocationCompletedDetails{ms(1000), ms(3000), "req-1",
                                         EventError{ErrorObject{"Runtime.ExitError", "x", {}, {}}, false}};
  Json j = e;
  EXPECT_EQ(j["InvocationCompletedDetails"]["RequestId"], "req-1");
  EXPECT_EQ(j["InvocationCompletedDetails"]["StartTimestamp"], 1);
  EXPECT_FALSE(j.contains("Id"));
  EXPECT_EQ(round_trip(e), e);
}

TEST(Event, MissingDetailsMemberIsAnError) {
  Json j = {{"EventType", "StepStarted"}, {"EventId", 2}, {"EventTimestamp", 1}};
  try {
    (void)j.get<Event>();
    FAIL();
  } catch (const ModelError& e) {
    EXPECT_EQ(e.field(), "StepStartedDetails");
  }
}

TEST(Event, UnknownEventTypeIsAnError) {
  Json j = {{"EventType", "StepExploded"}, {"EventId", 2}, {"EventTimestamp", 1}};
  try {
    (void)j.get<Event>();
    FAIL();
  } catch (const ModelError& e) {
    EXPECT_EQ(e.field(), "EventType");
  }
}

TEST(Event, WrongTypeInsideDetailsNamesThePath) {
  Json j = {{"EventType", "WaitStarted"},
            {"EventId", 2},
            {"EventTimestamp", 1},
            {"WaitStartedDetails", {{"Duration", "ten"}, {"ScheduledEndTimestamp", 5}}}};
  try {
    (void)j.get<Event>();
    FAIL();
  } catch (const ModelError& e) {
    EXPECT_EQ(e.field(), "WaitStartedDetails.Duration");
  }
}

}  // namespace
}  // namespace durable
