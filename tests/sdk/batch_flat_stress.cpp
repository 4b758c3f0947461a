// FLAT nesting and group commit under random scheduling: the operations checkpointed must not
// depend on which branch runs first, and a checkpoint failure seen by a branch waiting on another
// branch's request ends the invocation the same way. Label `concurrency` (run under TSan).
#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <mutex>
#include <random>
#include <thread>

#include "durable/durable.hpp"
#include "fake_checkpoint_client.hpp"
#include "stress_support.hpp"

namespace durable {
namespace {

using test::FakeCheckpointClient;
using test::jitter;
using test::snapshot;

Json flat_workload(DurableContext& ctx) {
  std::vector<int> items(16);
  for (int i = 0; i < 16; ++i) items[static_cast<std::size_t>(i)] = i;
  auto r = ctx.map(
      items,
      [](DurableContext& c, const int& v, std::size_t, const std::vector<int>&) {
        jitter(200);
        const int a = c.step([&](StepContext&) {
          jitter(200);
          return v + 1;
        });
        jitter(200);
        const int b = c.run_in_child_context(
            [&](DurableContext& inner) { return inner.step([&](StepContext&) { return a * 3; }); });
        if (v % 4 == 3) c.wait(Duration::from_seconds(1));
        if (v == 9) throw std::runtime_error("nine");
        return a + b;
      },
      "flat",
      {.max_concurrency = 5,
       .completion_config = CompletionConfig::all_completed(),
       .nesting_type = NestingType::Flat});
  return Json{r.get_results(), r.failure_count()};
}

TEST(FlatConcurrency, OperationListIsIdenticalAcrossSchedulings) {
  std::optional<std::map<std::string, std::string>> reference;
  std::optional<std::string> reference_result;
  for (int run = 0; run < 20; ++run) {
    FakeCheckpointClient client;
    Handler handler = [](const Json&, DurableContext& ctx) { return flat_workload(ctx); };
    auto out = run_invocation(handler, client.next_input(), client);
    for (int i = 0; i < 4 && out.status == InvocationStatus::Pending; ++i) {
      client.advance_time();
      out = run_invocation(handler, client.next_input(), client);
    }
    ASSERT_EQ(out.status, InvocationStatus::Succeeded) << "run " << run;
    const auto ops = snapshot(client);
    if (!reference) {
      reference = ops;
      reference_result = out.result;
      continue;
    }
    EXPECT_EQ(*reference_result, *out.result) << "run " << run;
    EXPECT_EQ(*reference, ops) << "run " << run;
  }
}

TEST(GroupCommit, AFailedRequestFailsEveryBranchWaitingForIt) {
  for (int run = 0; run < 20; ++run) {
    FakeCheckpointClient client;
    int calls = 0;
    client.on_checkpoint = [&](const CheckpointDurableExecutionRequest&) {
      // Slow requests let other branches queue up behind the one in flight.
      std::this_thread::sleep_for(std::chrono::microseconds(300));
      if (++calls == 6) throw ApiError("InvalidParameterValueException", 400, "rejected");
    };
    Handler handler = [](const Json&, DurableContext& ctx) {
      std::vector<int> items(24, 1);
      auto r = ctx.map(items,
                       [](DurableContext& c, const int& v, std::size_t, const std::vector<int>&) {
                         return c.step([&](StepContext&) { return v; });
                       },
                       std::nullopt, {.max_concurrency = 6});
      return Json(r.success_count());
    };
    auto out = run_invocation(handler, client.next_input(), client);
    EXPECT_EQ(out.status, InvocationStatus::Failed) << "run " << run;
    ASSERT_TRUE(out.error.has_value());
    EXPECT_NE(out.error->error_message.value_or("").find("rejected"), std::string::npos);
  }
}

}  // namespace
}  // namespace durable
