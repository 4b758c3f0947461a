// The logger from parallel branches: the invocation's LogSink is called by one thread at a time
// and every line arrives whole. Label `concurrency` (run under ThreadSanitizer).
#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <vector>

#include "durable/durable.hpp"
#include "fake_checkpoint_client.hpp"
#include "stress_support.hpp"

namespace durable {
namespace {

using test::FakeCheckpointClient;
using test::Overlap;

TEST(LoggerStress, SinkCallsFromBranchesNeverOverlap) {
  FakeCheckpointClient client;
  Overlap overlap;
  std::vector<std::string> lines;  // written only inside the sink: the sink's caller serializes
  InvocationOptions options;
  options.log_sink = [&](std::string_view line) {
    overlap.enter();
    lines.emplace_back(line);
    overlap.leave();
  };
  constexpr int kItems = 8;
  constexpr int kLinesPerItem = 50;
  auto out = run_invocation(
      [&](const Json&, DurableContext& ctx) {
        std::vector<int> items(kItems);
        for (int i = 0; i < kItems; ++i) items[static_cast<std::size_t>(i)] = i;
        ctx.map(items,
                [](DurableContext& c, const int& item, std::size_t, const std::vector<int>&) {
                  return c.step([item](StepContext& sc) {
                    for (int k = 0; k < kLinesPerItem; ++k) {
                      test::jitter(50);
                      sc.logger().info("line", {{"item", item}, {"k", k}});
                    }
                    return item;
                  });
                },
                "map", {.max_concurrency = kItems});
        return Json();
      },
      client.next_input(), client, options);
  ASSERT_EQ(out.status, InvocationStatus::Succeeded);
  EXPECT_EQ(overlap.peak(), 1);
  ASSERT_EQ(lines.size(), static_cast<std::size_t>(kItems * kLinesPerItem));
  for (const auto& line : lines) EXPECT_EQ(Json::parse(line)["message"], "line");
}

}  // namespace
}  // namespace durable
