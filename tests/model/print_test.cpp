// Printers of the wire types a test compares (Operation, OperationUpdate, Event): GoogleTest
// shows their compact wire JSON, so a failing EXPECT_EQ over operations or history reads like the
// API's own output instead of bytes.
#include <gtest/gtest.h>

#include <chrono>

#include "durable/model/event.hpp"
#include "durable/model/operation.hpp"
#include "durable/model/operation_update.hpp"
#include "durable/model/print.hpp"

namespace durable {
namespace {

using ::testing::PrintToString;

Timestamp at_seconds(std::int64_t s) { return Timestamp(std::chrono::seconds(s)); }

TEST(ModelPrintTest, OperationPrintsItsWireJson) {
  Operation op;
  op.id = "s1";
  op.name = "charge";
  op.type = OperationType::Step;
  op.status = OperationStatus::Succeeded;
  op.start_timestamp = at_seconds(10);
  op.step_details = StepDetails{};
  op.step_details->result = "42";
  EXPECT_EQ(PrintToString(op),
            R"(Operation{"Id":"s1","Name":"charge","StartTimestamp":10,"Status":"SUCCEEDED",)"
            R"("StepDetails":{"Result":"42"},"Type":"STEP"})");
  // Inside containers too (what EXPECT_EQ over operations() shows).
  EXPECT_EQ(PrintToString(std::vector<Operation>{op}).rfind(R"({ Operation{"Id":"s1",)", 0), 0u);
}

TEST(ModelPrintTest, OperationUpdatePrintsItsWireJson) {
  OperationUpdate u;
  u.id = "s1";
  u.type = OperationType::Step;
  u.action = OperationAction::Succeed;
  u.payload = "1";
  EXPECT_EQ(PrintToString(u),
            R"(OperationUpdate{"Action":"SUCCEED","Id":"s1","Payload":"1","Type":"STEP"})");
}

TEST(ModelPrintTest, EventPrintsItsWireJson) {
  Event e;
  e.event_type = EventType::WaitStarted;
  e.event_id = 3;
  e.id = "w1";
  e.event_timestamp = at_seconds(5);
  e.details = WaitStartedDetails{60, at_seconds(65)};
  const std::string printed = PrintToString(e);
  EXPECT_EQ(printed.substr(0, 6), "Event{") << printed;
  EXPECT_NE(printed.find(R"("EventType":"WaitStarted")"), std::string::npos) << printed;
  EXPECT_NE(printed.find(R"("EventId":3)"), std::string::npos) << printed;
  EXPECT_EQ(printed.find("byte object"), std::string::npos) << printed;
}

}  // namespace
}  // namespace durable
