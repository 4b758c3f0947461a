#include "durable/model/enums.hpp"

#include <gtest/gtest.h>

namespace durable {
namespace {

TEST(Enums, RoundTripEveryOperationType) {
  for (auto t : {OperationType::Execution, OperationType::Context, OperationType::Step,
                 OperationType::Wait, OperationType::Callback, OperationType::ChainedInvoke}) {
    EXPECT_EQ(enum_from_string<OperationType>(to_string(t)), t);
  }
  EXPECT_EQ(to_string(OperationType::ChainedInvoke), "CHAINED_INVOKE");
}

TEST(Enums, WireSpellings) {
  EXPECT_EQ(to_string(OperationStatus::TimedOut), "TIMED_OUT");
  EXPECT_EQ(to_string(OperationAction::Retry), "RETRY");
  EXPECT_EQ(to_string(ExecutionStatus::Running), "RUNNING");
  EXPECT_EQ(to_string(InvocationStatus::Pending), "PENDING");
  EXPECT_EQ(to_string(EventType::InvocationCompleted), "InvocationCompleted");
}

TEST(Enums, UnknownTextIsRejected) {
  EXPECT_FALSE(enum_from_string<OperationStatus>("DONE"));
  EXPECT_FALSE(enum_from_string<OperationType>("step"));  // case matters on the wire
  EXPECT_FALSE(enum_from_string<EventType>(""));
}

TEST(Enums, TerminalStatuses) {
  EXPECT_TRUE(is_terminal(OperationStatus::Succeeded));
  EXPECT_TRUE(is_terminal(OperationStatus::Cancelled));
  EXPECT_TRUE(is_terminal(OperationStatus::Stopped));
  EXPECT_FALSE(is_terminal(OperationStatus::Pending));
  EXPECT_FALSE(is_terminal(OperationStatus::Ready));
  EXPECT_FALSE(is_terminal(ExecutionStatus::Running));
  EXPECT_TRUE(is_terminal(ExecutionStatus::TimedOut));
}

}  // namespace
}  // namespace durable
