// parallel/map under random scheduling: the operations checkpointed (ids, parents, names, types,
// payloads) must not depend on which branch runs first. Label `concurrency` (run under TSan).
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

Json workload(DurableContext& ctx) {
  std::vector<int> items(12);
  for (int i = 0; i < 12; ++i) items[static_cast<std::size_t>(i)] = i;
  auto mapped = ctx.map(
      items,
      [](DurableContext& c, const int& item, std::size_t, const std::vector<int>&) {
        jitter();
        int a = c.step([&](StepContext&) {
          jitter();
          return item * 2;
        });
        jitter();
        c.logger().info("item");
        int b = c.run_in_child_context([&](DurableContext& inner) {
          jitter();
          return inner.step([&](StepContext&) { return a + 1; }, "inner");
        });
        if (item % 5 == 4) c.wait(Duration::from_seconds(1));
        return a + b;
      },
      "map", {.max_concurrency = 4, .completion_config = CompletionConfig::all_completed()});
  jitter();
  auto par = ctx.parallel<std::string>(
      {[](DurableContext& c) {
         jitter();
         return c.step([](StepContext&) { return std::string("p0"); });
       },
       [](DurableContext& c) {
         jitter();
         return c.parallel<std::string>({[](DurableContext& n) {
                                           jitter();
                                           return n.step([](StepContext&) { return std::string("n0"); });
                                         },
                                         [](DurableContext&) -> std::string {
                                           jitter();
                                           throw std::runtime_error("n1");
                                         }},
                                        "nested", {.completion_config = CompletionConfig::all_completed()})
             .get_results()
             .at(0);
       },
       [](DurableContext& c) {
         jitter();
         c.wait(Duration::from_seconds(1));
         return std::string("p2");
       }},
      "par");
  return Json{mapped.get_results(), par.get_results()};
}

TEST(Concurrency, OperationListIsIdenticalAcrossSchedulings) {
  std::optional<std::map<std::string, std::string>> reference;
  std::optional<std::string> reference_result;
  for (int run = 0; run < 25; ++run) {
    FakeCheckpointClient client;
    Handler handler = [](const Json&, DurableContext& ctx) { return workload(ctx); };
    InvocationOptions options;
    options.log_sink = [](std::string_view) {};
    auto first = run_invocation(handler, client.next_input(), client, options);
    ASSERT_EQ(first.status, InvocationStatus::Pending) << "run " << run;
    DurableExecutionInvocationOutput second = first;
    for (int i = 0; i < 4 && second.status == InvocationStatus::Pending; ++i) {
      client.advance_time();
      second = run_invocation(handler, client.next_input(), client, options);
    }
    ASSERT_EQ(second.status, InvocationStatus::Succeeded)
        << "run " << run << ": " << (second.error ? second.error->error_message.value_or("") : "");
    const auto ops = snapshot(client);
    if (!reference) {
      reference = ops;
      reference_result = second.result;
      continue;
    }
    EXPECT_EQ(*reference_result, *second.result) << "run " << run;
    ASSERT_EQ(reference->size(), ops.size()) << "run " << run;
    for (const auto& [id, text] : *reference) {
      auto it = ops.find(id);
      ASSERT_NE(it, ops.end()) << "run " << run << " lacks " << id;
      EXPECT_EQ(text, it->second) << "run " << run;
    }
  }
}

TEST(Concurrency, ManyBranchesWithTightConcurrencyLimit) {
  for (int run = 0; run < 10; ++run) {
    FakeCheckpointClient client;
    Handler handler = [](const Json&, DurableContext& ctx) {
      std::vector<int> items(60);
      for (std::size_t i = 0; i < items.size(); ++i) items[i] = static_cast<int>(i);
      auto r = ctx.map(items,
                       [](DurableContext& c, const int& v, std::size_t, const auto&) {
                         jitter();
                         return c.step([&](StepContext&) { return v * 2; });
                       },
                       std::nullopt, {.max_concurrency = 3});
      int sum = 0;
      for (int x : r.get_results()) sum += x;
      return Json(sum);
    };
    auto out = run_invocation(handler, client.next_input(), client);
    ASSERT_EQ(out.status, InvocationStatus::Succeeded);
    EXPECT_EQ(*out.result, "3540");
  }
}

}  // namespace
}  // namespace durable
