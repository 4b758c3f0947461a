#include "durable/model/operation.hpp"

#include <gtest/gtest.h>

namespace durable {
namespace {

Timestamp ms(std::int64_t v) { return Timestamp(std::chrono::milliseconds(v)); }

Operation full_step() {
  Operation op;
  op.id = "abc";
  op.parent_id = "parent";
  op.name = "charge card";
  op.type = OperationType::Step;
  op.sub_type = "Step";
  op.start_timestamp = ms(1700000000123);
  op.end_timestamp = ms(1700000001000);
  op.status = OperationStatus::Pending;
  op.step_details = StepDetails{2, ms(1700000005000), "\"state\"",
                                ErrorObject{"TransientError", "boom", "{}", {{"at a", "at b"}}}};
  return op;
}

TEST(Operation, RoundTripsInSeconds) {
  Operation op = full_step();
  Json j = operation_to_json(op);
  EXPECT_EQ(j["StartTimestamp"], 1700000000.123);
  EXPECT_EQ(j["EndTimestamp"], 1700000001);
  EXPECT_EQ(j["StepDetails"]["Attempt"], 2);
  EXPECT_EQ(j["StepDetails"]["Error"]["StackTrace"][1], "at b");
  EXPECT_EQ(operation_from_json(j), op);
}

TEST(Operation, RoundTripsInMilliseconds) {
  Operation op = full_step();
  Json j = operation_to_json(op, TimeUnit::Milliseconds);
  EXPECT_EQ(j["StartTimestamp"], 1700000000123);
  EXPECT_EQ(operation_from_json(j, TimeUnit::Milliseconds), op);
}

TEST(Operation, EveryDetailsShapeRoundTrips) {
  Operation op;
  op.id = "x";
  op.type = OperationType::Execution;
  op.start_timestamp = ms(1000);
  op.execution_details = ExecutionDetails{"{\"a\":1}"};
  op.context_details = ContextDetails{true, "r", ErrorObject{"E", std::nullopt, {}, {}}};
  op.wait_details = WaitDetails{ms(5000)};
  op.callback_details = CallbackDetails{"cb==", "ok", std::nullopt};
  op.chained_invoke_details = ChainedInvokeDetails{std::nullopt, ErrorObject{{}, "m", {}, {}}};
  Json j = op;
  Operation back = j.get<Operation>();
  EXPECT_EQ(back, op);
  EXPECT_EQ(j["ContextDetails"]["ReplayChildren"], true);
  EXPECT_EQ(j["CallbackDetails"]["CallbackId"], "cb==");
}

TEST(Operation, AbsentOptionalsAreOmitted) {
  Operation op;
  op.id = "x";
  op.start_timestamp = ms(0);
  Json j = operation_to_json(op);
  EXPECT_FALSE(j.contains("ParentId"));
  EXPECT_FALSE(j.contains("Name"));
  EXPECT_FALSE(j.contains("StepDetails"));
  EXPECT_FALSE(j.contains("EndTimestamp"));
}

TEST(Operation, UnknownStatusNamesTheField) {
  Json j = operation_to_json(full_step());
  j["Status"] = "DONE";
  try {
    operation_from_json(j);
    FAIL() << "expected ModelError";
  } catch (const ModelError& e) {
    EXPECT_EQ(e.field(), "Status");
    EXPECT_NE(std::string(e.what()).find("DONE"), std::string::npos);
  }
}

TEST(Operation, WrongTypeNamesTheNestedField) {
  Json j = operation_to_json(full_step());
  j["StepDetails"]["Attempt"] = "two";
  try {
    operation_from_json(j);
    FAIL() << "expected ModelError";
  } catch (const ModelError& e) {
    EXPECT_EQ(e.field(), "StepDetails.Attempt");
  }
}

TEST(Operation, MissingRequiredFieldIsAnError) {
  Json j = operation_to_json(full_step());
  j.erase("Id");
  EXPECT_THROW(operation_from_json(j), ModelError);
  j = operation_to_json(full_step());
  j.erase("Type");
  EXPECT_THROW(operation_from_json(j), ModelError);
}

TEST(Operation, ListErrorsCarryTheIndex) {
  Json arr = Json::array({operation_to_json(full_step()), Json{{"Id", 1}}});
  try {
    operations_from_json(arr);
    FAIL() << "expected ModelError";
  } catch (const ModelError& e) {
    EXPECT_EQ(e.field(), "Operations[1].Id");
  }
}

TEST(Operation, NotAnObjectIsAnError) {
  EXPECT_THROW(operation_from_json(Json::array()), ModelError);
  EXPECT_THROW(operations_from_json(Json::object()), ModelError);
}

}  // namespace
}  // namespace durable
