// Cross-cutting behaviour of invoke, callbacks, wait_for_callback and wait_for_condition:
// replay-aware logging, sticky suspension, void results, types without JSON conversion.
#include <gtest/gtest.h>

#include "durable/durable.hpp"
#include "fake_checkpoint_client.hpp"

namespace durable {
namespace {

using test::FakeCheckpointClient;

const std::string kId1 = operation_id(std::nullopt, 1);
const std::string kId2 = operation_id(std::nullopt, 2);
const std::string kId3 = operation_id(std::nullopt, 3);
const std::string kId4 = operation_id(std::nullopt, 4);

struct Captured {
  std::vector<Json> lines;
  InvocationOptions options() {
    InvocationOptions o;
    o.log_sink = [this](std::string_view line) { lines.push_back(Json::parse(line)); };
    return o;
  }
  std::vector<std::string> take() {
    std::vector<std::string> out;
    for (const auto& l : lines) out.push_back(l["message"]);
    lines.clear();
    return out;
  }
};

TEST(CompositeOperations, LogsOfReplayedCodeAreSuppressedAcrossEveryNewOperation) {
  FakeCheckpointClient client;
  Captured cap;
  const auto options = cap.options();
  Handler handler = [](const Json&, DurableContext& ctx) {
    ctx.logger().info("1 before invoke");
    ctx.invoke("f", 1, "inv");
    ctx.logger().info("2 before callback");
    auto cb = ctx.create_callback("cb");
    cb.result();
    ctx.logger().info("3 before wait_for_callback");
    ctx.wait_for_callback([](const std::string&, WaitForCallbackContext& wc) {
      wc.logger().info("submitting");
    });
    ctx.logger().info("4 before wait_for_condition");
    ctx.wait_for_condition(
        [](const int& s, WaitForConditionCheckContext& cc) {
          cc.logger().info("check");
          return s + 1;
        },
        WaitForConditionConfig<int>{
            [](const int& s, int) {
              return s >= 2 ? WaitForConditionDecision::stop_polling()
                            : WaitForConditionDecision::continue_waiting(Duration::from_seconds(1));
            },
            0, nullptr});
    ctx.logger().info("5 done");
    return Json();
  };
  auto run = [&] { return run_invocation(handler, client.next_input(), client, options); };
  run();
  EXPECT_EQ(cap.take(), (std::vector<std::string>{"1 before invoke"}));
  client.complete_invoke(kId1, OperationStatus::Succeeded, "1");
  run();
  EXPECT_EQ(cap.take(), (std::vector<std::string>{"2 before callback"}));
  client.complete_callback(kId2, OperationStatus::Succeeded, "\"x\"");
  run();
  EXPECT_EQ(cap.take(), (std::vector<std::string>{"3 before wait_for_callback", "submitting"}));
  client.complete_callback(operation_id(kId3, 1), OperationStatus::Succeeded, "\"y\"");
  run();
  EXPECT_EQ(cap.take(), (std::vector<std::string>{"4 before wait_for_condition", "check"}));
  client.advance_time();
  auto out = run();
  EXPECT_EQ(out.status, InvocationStatus::Succeeded);
  const auto last = cap.lines;
  EXPECT_EQ(cap.take(), (std::vector<std::string>{"check", "5 done"}));
  ASSERT_EQ(last.size(), 2u);
  EXPECT_EQ(last[0]["operationId"], kId4);
  EXPECT_EQ(last[0]["attempt"], 2);
}

TEST(CompositeOperations, CodeAfterAResumedChildContextLogs) {
  FakeCheckpointClient client;
  Captured cap;
  const auto options = cap.options();
  Handler handler = [](const Json&, DurableContext& ctx) {
    ctx.run_in_child_context([](DurableContext& c) { c.wait(Duration::from_seconds(1)); });
    ctx.logger().info("after child");
    return Json();
  };
  run_invocation(handler, client.next_input(), client, options);
  EXPECT_TRUE(cap.take().empty());
  client.advance_time();
  run_invocation(handler, client.next_input(), client, options);
  EXPECT_EQ(cap.take(), (std::vector<std::string>{"after child"}));
}

TEST(CompositeOperations, SuspensionIsStickyAfterAPendingInvoke) {
  FakeCheckpointClient client;
  bool second_call_suspended = false;
  auto out = run_invocation(
      [&](const Json&, DurableContext& ctx) {
        try {
          ctx.invoke("f", 1);
        } catch (...) {  // user code swallowing everything
        }
        try {
          ctx.create_callback("cb");
        } catch (const SuspendExecution&) {
          second_call_suspended = true;
          throw;
        }
        return Json("escaped");
      },
      client.next_input(), client);
  EXPECT_EQ(out.status, InvocationStatus::Pending);
  EXPECT_TRUE(second_call_suspended);
  EXPECT_EQ(client.updates().size(), 1u);
}

TEST(CompositeOperations, InvokeWithVoidResultIgnoresTheResult) {
  FakeCheckpointClient client;
  Handler handler = [](const Json&, DurableContext& ctx) {
    ctx.invoke<void>("notify", Json{{"to", "a"}});
    return Json("sent");
  };
  run_invocation(handler, client.next_input(), client);
  client.complete_invoke(kId1, OperationStatus::Succeeded, "whatever");
  EXPECT_EQ(run_invocation(handler, client.next_input(), client).result, "\"sent\"");
}

struct Opaque {
  int value = 0;
};

class OpaqueSerDes : public SerDes<Opaque> {
 public:
  std::string serialize(const Opaque& o, const SerDesContext&) const override {
    return std::to_string(o.value);
  }
  Opaque deserialize(std::string_view d, const SerDesContext&) const override {
    return Opaque{d.empty() ? 0 : std::stoi(std::string(d))};
  }
};

TEST(CompositeOperations, TypesWithoutJsonConversionWorkWithASerDes) {
  FakeCheckpointClient client;
  auto serdes = std::make_shared<OpaqueSerDes>();
  Handler handler = [&](const Json&, DurableContext& ctx) {
    Opaque r = ctx.invoke<Opaque>("f", Opaque{41}, std::nullopt,
                                  {.serdes_payload = serdes, .serdes_result = serdes});
    return Json(r.value + 1);
  };
  run_invocation(handler, client.next_input(), client);
  EXPECT_EQ(client.updates()[0].payload, "41");
  client.complete_invoke(kId1, OperationStatus::Succeeded, "99");
  EXPECT_EQ(run_invocation(handler, client.next_input(), client).result, "100");
}

TEST(CompositeOperations, TypesWithoutJsonConversionAndNoSerDesAreAValidationError) {
  FakeCheckpointClient client;
  auto out = run_invocation(
      [](const Json&, DurableContext& ctx) {
        ctx.create_callback<Opaque>("cb");
        return Json();
      },
      client.next_input(), client);
  ASSERT_EQ(out.status, InvocationStatus::Failed);
  EXPECT_EQ(out.error->error_type, "ValidationError");
  EXPECT_NE(out.error->error_message->find("no SerDes configured"), std::string::npos);
  EXPECT_TRUE(client.batches.empty());
}

}  // namespace
}  // namespace durable
