// Checks the model against the published API model: every member the spec lists for the shapes we
// serialize is spelled the same way, so a typo in a field name cannot slip through.
#include <gtest/gtest.h>

#include <fstream>

#include "durable/model.hpp"

namespace durable {
namespace {

const Json& spec() {
  static const Json s = [] {
    std::ifstream in(DURABLE_SPEC_FILE);
    return Json::parse(in);
  }();
  return s;
}

// Every key of `j` must be a member of spec shape `shape`.
void expect_members_exist(const Json& j, const std::string& shape) {
  const Json& members = spec()["shapes"][shape]["members"];
  ASSERT_TRUE(members.is_object()) << shape;
  for (const auto& [key, value] : j.items()) {
    EXPECT_TRUE(members.contains(key)) << shape << " has no member " << key;
  }
}

TEST(SpecConformance, OperationMembers) {
  Operation op;
  op.id = "a";
  op.parent_id = "p";
  op.name = "n";
  op.sub_type = "Step";
  op.end_timestamp = Timestamp{};
  op.execution_details = ExecutionDetails{"x"};
  op.context_details = ContextDetails{true, "r", ErrorObject{"t", "m", "d", {{"s"}}}};
  op.step_details = StepDetails{1, Timestamp{}, "r", ErrorObject{}};
  op.wait_details = WaitDetails{Timestamp{}};
  op.callback_details = CallbackDetails{"c", "r", ErrorObject{}};
  op.chained_invoke_details = ChainedInvokeDetails{"r", ErrorObject{}};
  Json j = op;
  expect_members_exist(j, "Operation");
  expect_members_exist(j["ContextDetails"], "ContextDetails");
  expect_members_exist(j["StepDetails"], "StepDetails");
  expect_members_exist(j["WaitDetails"], "WaitDetails");
  expect_members_exist(j["CallbackDetails"], "CallbackDetails");
  expect_members_exist(j["ChainedInvokeDetails"], "ChainedInvokeDetails");
  expect_members_exist(j["ExecutionDetails"], "ExecutionDetails");
  expect_members_exist(j["ContextDetails"]["Error"], "ErrorObject");
}

TEST(SpecConformance, OperationUpdateMembers) {
  OperationUpdate u;
  u.id = "a";
  u.parent_id = "p";
  u.name = "n";
  u.sub_type = "s";
  u.payload = "x";
  u.error = ErrorObject{};
  u.context_options = ContextOptions{true};
  u.step_options = StepOptions{1};
  u.wait_options = WaitOptions{1};
  u.callback_options = CallbackOptions{1, 1};
  u.chained_invoke_options = ChainedInvokeOptions{"f", "t"};
  Json j = u;
  expect_members_exist(j, "OperationUpdate");
  expect_members_exist(j["ContextOptions"], "ContextOptions");
  expect_members_exist(j["StepOptions"], "StepOptions");
  expect_members_exist(j["WaitOptions"], "WaitOptions");
  expect_members_exist(j["CallbackOptions"], "CallbackOptions");
  expect_members_exist(j["ChainedInvokeOptions"], "ChainedInvokeOptions");
}

TEST(SpecConformance, EveryEventDetailsShape) {
  for (int t = 0; t <= static_cast<int>(EventType::InvocationCompleted); ++t) {
    Event e;
    e.event_type = static_cast<EventType>(t);
    e.sub_type = "s";
    e.id = "i";
    e.name = "n";
    e.parent_id = "p";
    e.details = default_details_for(e.event_type);
    std::visit(
        [](auto& d) {
          using D = std::decay_t<decltype(d)>;
          if constexpr (std::is_same_v<D, ErrorDetails>) d.error = EventError{ErrorObject{}, false};
          if constexpr (std::is_same_v<D, WaitSucceededDetails>) d.duration = 1;
          if constexpr (std::is_same_v<D, ChainedInvokeStartedDetails>) {
            d.tenant_id = "t";
            d.input = EventInput{"x", false};
            d.executed_version = "1";
            d.durable_execution_arn = "a";
          }
          if constexpr (std::is_same_v<D, CallbackStartedDetails>) {
            d.heartbeat_timeout = 1;
            d.timeout = 1;
          }
          if constexpr (std::is_same_v<D, InvocationCompletedDetails>) {
            d.error = EventError{ErrorObject{}, false};
          }
        },
        e.details);
    Json j = e;
    expect_members_exist(j, "Event");
    const std::string member = details_member_name(e.event_type);
    ASSERT_TRUE(spec()["shapes"].contains(member)) << member;
    expect_members_exist(j[member], member);
    for (const auto& req : spec()["shapes"][member].value("required", Json::array())) {
      EXPECT_TRUE(j[member].contains(req.get<std::string>())) << member << " lacks " << req;
    }
  }
}

TEST(SpecConformance, EnumsMatchTheSpec) {
  auto check = [](const std::string& shape, auto parse) {
    for (const auto& v : spec()["shapes"][shape]["enum"]) {
      EXPECT_TRUE(parse(v.get<std::string>())) << shape << " " << v;
    }
  };
  check("OperationType", [](const std::string& s) { return enum_from_string<OperationType>(s).has_value(); });
  check("OperationStatus", [](const std::string& s) { return enum_from_string<OperationStatus>(s).has_value(); });
  check("OperationAction", [](const std::string& s) { return enum_from_string<OperationAction>(s).has_value(); });
  check("ExecutionStatus", [](const std::string& s) { return enum_from_string<ExecutionStatus>(s).has_value(); });
  check("EventType", [](const std::string& s) { return enum_from_string<EventType>(s).has_value(); });
}

TEST(SpecConformance, ResponsesUseSpecMembers) {
  GetDurableExecutionResponse g;
  g.input_payload = "i";
  g.result = "r";
  g.error = ErrorObject{};
  g.end_timestamp = Timestamp{};
  g.version = "v";
  g.trace_header = TraceHeader{"t"};
  expect_members_exist(Json(g), "GetDurableExecutionResponse");
  CheckpointDurableExecutionResponse c;
  c.checkpoint_token = "t";
  c.new_execution_state.next_marker = "m";
  expect_members_exist(Json(c), "CheckpointDurableExecutionResponse");
  expect_members_exist(Json(c)["NewExecutionState"], "CheckpointUpdatedExecutionState");
  CheckpointDurableExecutionRequest r;
  r.client_token = "c";
  expect_members_exist(Json(r), "CheckpointDurableExecutionRequest");
}

}  // namespace
}  // namespace durable
