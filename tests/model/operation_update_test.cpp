#include "durable/model/operation_update.hpp"

#include <gtest/gtest.h>

namespace durable {
namespace {

TEST(OperationUpdate, RoundTripsEveryOption) {
  OperationUpdate u;
  u.id = "id-1";
  u.parent_id = "p";
  u.name = "n";
  u.type = OperationType::ChainedInvoke;
  u.sub_type = "ChainedInvoke";
  u.action = OperationAction::Start;
  u.payload = "{}";
  u.error = ErrorObject{"T", "M", std::nullopt, std::nullopt};
  u.context_options = ContextOptions{true};
  u.step_options = StepOptions{5};
  u.wait_options = WaitOptions{60};
  u.callback_options = CallbackOptions{10, 0};
  u.chained_invoke_options = ChainedInvokeOptions{"fn:1", "tenant-a"};
  Json j = u;
  EXPECT_EQ(j["Action"], "START");
  EXPECT_EQ(j["Type"], "CHAINED_INVOKE");
  EXPECT_EQ(j["StepOptions"]["NextAttemptDelaySeconds"], 5);
  EXPECT_EQ(j["WaitOptions"]["WaitSeconds"], 60);
  EXPECT_EQ(j["CallbackOptions"]["HeartbeatTimeoutSeconds"], 0);
  EXPECT_EQ(j["ChainedInvokeOptions"]["TenantId"], "tenant-a");
  EXPECT_EQ(j.get<OperationUpdate>(), u);
}

TEST(OperationUpdate, MinimalUpdateHasOnlyRequiredFields) {
  OperationUpdate u;
  u.id = "a";
  u.type = OperationType::Step;
  u.action = OperationAction::Succeed;
  Json j = u;
  EXPECT_EQ(j.size(), 3u);
}

TEST(OperationUpdate, UnknownActionNamesTheField) {
  Json j = {{"Id", "a"}, {"Type", "STEP"}, {"Action", "FINISH"}};
  try {
    (void)j.get<OperationUpdate>();
    FAIL();
  } catch (const ModelError& e) {
    EXPECT_EQ(e.field(), "Action");
  }
}

TEST(OperationUpdate, WrongOptionTypeNamesThePath) {
  Json j = {{"Id", "a"}, {"Type", "WAIT"}, {"Action", "START"}, {"WaitOptions", {{"WaitSeconds", "5"}}}};
  try {
    (void)j.get<OperationUpdate>();
    FAIL();
  } catch (const ModelError& e) {
    EXPECT_EQ(e.field(), "WaitOptions.WaitSeconds");
  }
}

TEST(OperationUpdate, ChainedInvokeOptionsRequireFunctionName) {
  Json j = {{"Id", "a"}, {"Type", "CHAINED_INVOKE"}, {"Action", "START"},
            {"ChainedInvokeOptions", Json::object()}};
  try {
    (void)j.get<OperationUpdate>();
    FAIL();
  } catch (const ModelError& e) {
    EXPECT_EQ(e.field(), "ChainedInvokeOptions.FunctionName");
  }
}

}  // namespace
}  // namespace durable

namespace durable {
namespace {

TEST(OperationUpdateSize, EqualsTheDumpedLengthForEveryShape) {
  std::vector<OperationUpdate> cases;
  OperationUpdate minimal;
  minimal.id = "a";
  cases.push_back(minimal);
  OperationUpdate full;
  full.id = "id-1";
  full.parent_id = "parent";
  full.name = "quote \" back\\slash \n\t\r\b\f ctrl\x01 é ✓";
  full.type = OperationType::ChainedInvoke;
  full.sub_type = "ChainedInvoke";
  full.action = OperationAction::Retry;
  full.payload = std::string(1000, 'x') + "\"";
  full.error = ErrorObject{"T", "M\n", "D", {{"a", "b\"", ""}}};
  full.context_options = ContextOptions{false};
  full.step_options = StepOptions{-1234567};
  full.wait_options = WaitOptions{31622400};
  full.callback_options = CallbackOptions{0, 9};
  full.chained_invoke_options = ChainedInvokeOptions{"fn", "tenant"};
  cases.push_back(full);
  OperationUpdate empties;
  empties.id = "e";
  empties.payload = "";
  empties.error = ErrorObject{};
  empties.context_options = ContextOptions{};
  empties.step_options = StepOptions{};
  empties.wait_options = WaitOptions{0};
  empties.callback_options = CallbackOptions{};
  empties.error->stack_trace = std::vector<std::string>{};
  cases.push_back(empties);
  for (const auto& u : cases) {
    EXPECT_EQ(serialized_size(u), Json(u).dump().size()) << Json(u).dump();
  }
}

}  // namespace
}  // namespace durable
