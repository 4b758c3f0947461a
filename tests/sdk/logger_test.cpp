// The replay-aware logger: JSON line fields, replay suppression, sink replacement.
#include <gtest/gtest.h>

#include "durable/durable.hpp"
#include "fake_checkpoint_client.hpp"

namespace durable {
namespace {

using test::FakeCheckpointClient;

struct Captured {
  std::vector<Json> lines;
  InvocationOptions options() {
    InvocationOptions o;
    o.log_sink = [this](std::string_view line) { lines.push_back(Json::parse(line)); };
    o.request_id = "req-1";
    return o;
  }
  std::vector<std::string> messages() const {
    std::vector<std::string> out;
    for (const auto& l : lines) out.push_back(l["message"]);
    return out;
  }
};

TEST(Logger, LinesCarryTheStandardFields) {
  FakeCheckpointClient client;
  Captured cap;
  run_invocation(
      [](const Json&, DurableContext& ctx) {
        ctx.logger().info("starting", {{"orderId", "o-1"}});
        ctx.step([](StepContext& sc) { sc.logger().warn("in step"); }, "charge");
        return Json();
      },
      client.next_input(), client, cap.options());
  ASSERT_EQ(cap.lines.size(), 2u);
  const Json& root = cap.lines[0];
  EXPECT_EQ(root["level"], "INFO");
  EXPECT_EQ(root["message"], "starting");
  EXPECT_EQ(root["executionArn"], test::kArn);
  EXPECT_EQ(root["requestId"], "req-1");
  EXPECT_EQ(root["orderId"], "o-1");
  EXPECT_FALSE(root.contains("operationId"));
  const std::string ts = root["timestamp"];
  EXPECT_EQ(ts.size(), 24u);
  EXPECT_EQ(ts.back(), 'Z');
  const Json& step = cap.lines[1];
  EXPECT_EQ(step["level"], "WARN");
  EXPECT_EQ(step["operationId"], operation_id(std::nullopt, 1));
  EXPECT_EQ(step["operationName"], "charge");
  EXPECT_EQ(step["attempt"], 1);
}

TEST(Logger, ReplayedPartSuppressedNewPartWritten) {
  FakeCheckpointClient client;
  Captured cap;
  Handler handler = [](const Json&, DurableContext& ctx) {
    ctx.logger().info("before step");
    ctx.step([](StepContext& sc) { sc.logger().info("step body"); });
    ctx.logger().info("before wait");
    ctx.wait(Duration::from_seconds(1));
    ctx.logger().info("after wait");
    return Json();
  };
  auto options = cap.options();
  run_invocation(handler, client.next_input(), client, options);
  EXPECT_EQ(cap.messages(), (std::vector<std::string>{"before step", "step body", "before wait"}));
  cap.lines.clear();
  client.advance_time();
  run_invocation(handler, client.next_input(), client, options);
  EXPECT_EQ(cap.messages(), (std::vector<std::string>{"after wait"}));
}

TEST(Logger, ReplayLoggingCopyWritesDuringReplayToo) {
  FakeCheckpointClient client;
  Captured cap;
  Handler handler = [](const Json&, DurableContext& ctx) {
    ctx.logger().info("suppressed on replay");
    ctx.logger().with_replay_logging().info("always");
    ctx.wait(Duration::from_seconds(1));
    return Json();
  };
  auto options = cap.options();
  run_invocation(handler, client.next_input(), client, options);
  EXPECT_EQ(cap.messages(), (std::vector<std::string>{"suppressed on replay", "always"}));
  cap.lines.clear();
  client.advance_time();
  run_invocation(handler, client.next_input(), client, options);
  EXPECT_EQ(cap.messages(), (std::vector<std::string>{"always"}));
}

TEST(Logger, RetriedStepBodiesAlwaysLog) {
  FakeCheckpointClient client;
  Captured cap;
  Handler handler = [](const Json&, DurableContext& ctx) {
    ctx.logger().info("root");
    ctx.step(
        [](StepContext& sc) {
          sc.logger().info("attempt " + std::to_string(sc.attempt()));
          if (sc.attempt() == 1) throw std::runtime_error("again");
        },
        std::nullopt,
        {.retry_strategy = [](const ErrorObject&, int) {
          return RetryDecision::retry(Duration::from_seconds(1));
        }});
    return Json();
  };
  auto options = cap.options();
  run_invocation(handler, client.next_input(), client, options);
  client.advance_time();
  run_invocation(handler, client.next_input(), client, options);
  EXPECT_EQ(cap.messages(), (std::vector<std::string>{"root", "attempt 1", "attempt 2"}));
  EXPECT_EQ(cap.lines[2]["attempt"], 2);
}

TEST(Logger, ChildContextLinesCarryTheContextIdAndAreSuppressedOnReplay) {
  FakeCheckpointClient client;
  Captured cap;
  Handler handler = [](const Json&, DurableContext& ctx) {
    ctx.run_in_child_context(
        [](DurableContext& child) {
          child.logger().info("child start");
          child.wait(Duration::from_seconds(1));
          child.logger().info("child resumed");
        },
        "kid");
    return Json();
  };
  auto options = cap.options();
  run_invocation(handler, client.next_input(), client, options);
  ASSERT_EQ(cap.lines.size(), 1u);
  EXPECT_EQ(cap.lines[0]["operationId"], operation_id(std::nullopt, 1));
  EXPECT_EQ(cap.lines[0]["operationName"], "kid");
  cap.lines.clear();
  client.advance_time();
  run_invocation(handler, client.next_input(), client, options);
  EXPECT_EQ(cap.messages(), (std::vector<std::string>{"child resumed"}));
}

TEST(Logger, LevelFilterAndEnabled) {
  FakeCheckpointClient client;
  Captured cap;
  auto options = cap.options();
  options.log_level = LogLevel::Warn;
  bool info_enabled = true, error_enabled = false;
  run_invocation(
      [&](const Json&, DurableContext& ctx) {
        ctx.logger().debug("d");
        ctx.logger().info("i");
        ctx.logger().error("e", Json(5));
        info_enabled = ctx.logger().enabled(LogLevel::Info);
        error_enabled = ctx.logger().enabled(LogLevel::Error);
        return Json();
      },
      client.next_input(), client, options);
  ASSERT_EQ(cap.lines.size(), 1u);
  EXPECT_EQ(cap.lines[0]["level"], "ERROR");
  EXPECT_EQ(cap.lines[0]["fields"], 5);
  EXPECT_FALSE(info_enabled);
  EXPECT_TRUE(error_enabled);
}

// A sink that throws must not turn logging into a failure of user code: the line is dropped, the
// handler goes on, and later lines still reach the sink.
TEST(Logger, SinkThatThrowsDoesNotReachUserCode) {
  FakeCheckpointClient client;
  InvocationOptions options;
  std::vector<std::string> kept;
  options.log_sink = [&kept](std::string_view line) {
    if (line.find("\"bad\"") != std::string_view::npos) throw std::runtime_error("sink full");
    kept.emplace_back(line);
  };
  bool after = false;
  auto out = run_invocation(
      [&](const Json&, DurableContext& ctx) {
        ctx.logger().info("bad");
        ctx.step([](StepContext& sc) { sc.logger().info("bad"); }, "s");
        ctx.logger().info("good");
        after = true;
        return Json(1);
      },
      client.next_input(), client, options);
  EXPECT_EQ(out.status, InvocationStatus::Succeeded);
  EXPECT_TRUE(after);
  ASSERT_EQ(kept.size(), 1u);
  EXPECT_EQ(Json::parse(kept[0])["message"], "good");
}

}  // namespace
}  // namespace durable
