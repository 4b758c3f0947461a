// The store's records print readably in GoogleTest (a failing EXPECT_EQ over loaded rows shows
// their fields by name, never bytes).
#include <gtest/gtest.h>

#include <chrono>

#include "durable/emulator/execution_store.hpp"

namespace durable::emulator {
namespace {

using ::testing::PrintToString;

Timestamp at_seconds(std::int64_t s) { return Timestamp(std::chrono::seconds(s)); }

TEST(StorePrintTest, ExecutionPrintsItsFieldsByName) {
  StoredExecution e;
  e.key = 7;
  e.name = "order-1";
  e.function_name = "orders";
  e.status = ExecutionStatus::Succeeded;
  e.result = "42";
  e.token_sequence = 3;
  e.in_flight = StoredInvocation{"req-1", at_seconds(2)};
  const std::string printed = PrintToString(e);
  EXPECT_EQ(printed.rfind("StoredExecution{", 0), 0u) << printed;
  for (const char* part : {R"("key":7)", R"("name":"order-1")", R"("function_name":"orders")",
                           R"("status":"SUCCEEDED")", R"("result":"42")", R"("token_sequence":3)",
                           R"("in_flight":{"request_id":"req-1","start":2000})"}) {
    EXPECT_NE(printed.find(part), std::string::npos) << part << " in " << printed;
  }
}

TEST(StorePrintTest, OperationEventTimerAndTokenPrintTheirContents) {
  StoredOperation op;
  op.execution_key = 1;
  op.index = 2;
  op.op.id = "s1";
  op.invoke_options = ChainedInvokeOptions{"target", "tenant-a"};
  const std::string printed_op = PrintToString(op);
  EXPECT_EQ(printed_op.rfind("StoredOperation{", 0), 0u) << printed_op;
  EXPECT_NE(printed_op.find(R"("op":{"Id":"s1")"), std::string::npos) << printed_op;
  EXPECT_NE(printed_op.find(R"("invoke_options":{"FunctionName":"target","TenantId":"tenant-a"})"),
            std::string::npos)
      << printed_op;

  StoredEvent ev;
  ev.execution_key = 1;
  ev.event.event_id = 4;
  EXPECT_NE(PrintToString(ev).find(R"("EventId":4)"), std::string::npos) << PrintToString(ev);

  StoredTimer timer{1, "WaitEnd", "w1", at_seconds(60)};
  EXPECT_EQ(PrintToString(timer),
            R"(StoredTimer{"due":60000,"execution_key":1,"kind":"WaitEnd","op_id":"w1"})");

  StoredClientToken token;
  token.execution_key = 1;
  token.client_token = "c-1";
  const std::string printed_token = PrintToString(token);
  EXPECT_NE(printed_token.find(R"("client_token":"c-1")"), std::string::npos) << printed_token;
  EXPECT_EQ(printed_token.find("byte object"), std::string::npos) << printed_token;
}

}  // namespace
}  // namespace durable::emulator
