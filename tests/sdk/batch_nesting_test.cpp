// parallel/map with NestingType::Flat: branches are virtual contexts (PROTOCOL.md §7.1).
#include <gtest/gtest.h>

#include <atomic>
#include <stdexcept>

#include "durable/durable.hpp"
#include "fake_checkpoint_client.hpp"

namespace durable {
namespace {

using test::FakeCheckpointClient;

const std::string kId1 = operation_id(std::nullopt, 1);

Json run_ok(FakeCheckpointClient& client, const Handler& handler) {
  auto out = run_invocation(handler, client.next_input(), client);
  EXPECT_EQ(out.status, InvocationStatus::Succeeded)
      << (out.error ? out.error->error_message.value_or("") : "");
  return out.result ? Json::parse(*out.result) : Json();
}

std::size_t count_sub_type(const FakeCheckpointClient& client, const std::string& sub_type) {
  std::size_t n = 0;
  for (const auto& op : client.operations()) n += op.sub_type == sub_type ? 1 : 0;
  return n;
}

TEST(FlatNesting, MapRecordsNoItemContextsAndParentsItemOperationsToTheBatch) {
  FakeCheckpointClient client;
  Handler handler = [](const Json&, DurableContext& ctx) {
    auto r = ctx.map(
        std::vector<int>{1, 2, 3},
        [](DurableContext& c, const int& v, std::size_t, const std::vector<int>&) {
          return c.step([v](StepContext&) { return v * 10; }, "times-ten");
        },
        "flat-map", {.max_concurrency = 2, .nesting_type = NestingType::Flat});
    return Json(r.get_results());
  };
  EXPECT_EQ(run_ok(client, handler), Json({10, 20, 30}));
  EXPECT_EQ(count_sub_type(client, "MapIteration"), 0u);
  const Operation* outer = client.find(kId1);
  ASSERT_NE(outer, nullptr);
  EXPECT_EQ(outer->sub_type, "Map");
  EXPECT_EQ(outer->status, OperationStatus::Succeeded);
  for (std::size_t i = 0; i < 3; ++i) {
    // Ids still derive from the (virtual) item id; the parent is the Map context.
    const Operation* step = client.find(operation_id(operation_id(kId1, i), 1));
    ASSERT_NE(step, nullptr) << "item " << i;
    EXPECT_EQ(step->type, OperationType::Step);
    EXPECT_EQ(step->parent_id, kId1);
    EXPECT_EQ(step->name, "times-ten");
    EXPECT_EQ(client.find(operation_id(kId1, i)), nullptr) << "no context for item " << i;
  }
  // Outer context, three steps, and the execution itself.
  EXPECT_EQ(client.operations().size(), 5u);
}

TEST(FlatNesting, FailedBranchIsReportedWithItsErrorAndNothingIsCheckpointedForIt) {
  FakeCheckpointClient client;
  Handler handler = [](const Json&, DurableContext& ctx) {
    auto r = ctx.parallel<std::string>(
        {ParallelBranch<std::string>{"good",
                                     [](DurableContext& c) {
                                       return c.step([](StepContext&) { return std::string("g"); });
                                     }},
         ParallelBranch<std::string>{"bad",
                                     [](DurableContext&) -> std::string {
                                       throw std::invalid_argument("bad branch");
                                     }}},
        "par",
        {.max_concurrency = 1,
         .completion_config = CompletionConfig::all_completed(),
         .nesting_type = NestingType::Flat});
    const auto failed = r.failed();
    return Json{std::string(to_string(r.completion_reason())), r.get_results(),
                failed.at(0).index, failed.at(0).name, failed.at(0).error->error_type.value_or(""),
                failed.at(0).error->error_message.value_or("")};
  };
  EXPECT_EQ(run_ok(client, handler),
            Json::parse(R"(["ALL_COMPLETED",["g"],1,"bad","invalid_argument","bad branch"])"));
  EXPECT_EQ(count_sub_type(client, "ParallelBranch"), 0u);
  for (const auto& u : client.updates()) {
    EXPECT_NE(u.sub_type, "ParallelBranch");
  }
}

TEST(FlatNesting, SuspendedBranchResumesAndFinishedBranchesReplayTheirSteps) {
  FakeCheckpointClient client;
  std::atomic<int> step_runs{0};
  Handler handler = [&](const Json&, DurableContext& ctx) {
    auto r = ctx.map(
        std::vector<int>{0, 1, 2},
        [&](DurableContext& c, const int& v, std::size_t, const std::vector<int>&) {
          const int x = c.step([&](StepContext&) {
            ++step_runs;
            return v + 100;
          });
          if (v == 1) c.wait(Duration::from_seconds(5), "pause");
          return x;
        },
        "m", {.nesting_type = NestingType::Flat});
    return Json(r.get_results());
  };
  auto first = run_invocation(handler, client.next_input(), client);
  EXPECT_EQ(first.status, InvocationStatus::Pending);
  EXPECT_EQ(step_runs.load(), 3);
  const Operation* wait = client.find(operation_id(operation_id(kId1, 1), 2));
  ASSERT_NE(wait, nullptr);
  EXPECT_EQ(wait->type, OperationType::Wait);
  EXPECT_EQ(wait->parent_id, kId1);
  client.advance_time();
  EXPECT_EQ(run_ok(client, handler), Json({100, 101, 102}));
  EXPECT_EQ(step_runs.load(), 3) << "finished steps replay instead of running again";
  EXPECT_EQ(count_sub_type(client, "MapIteration"), 0u);
}

TEST(FlatNesting, ContextsInsideAFlatBranchKeepTheirOwnParentage) {
  FakeCheckpointClient client;
  Handler handler = [](const Json&, DurableContext& ctx) {
    auto r = ctx.map(
        std::vector<int>{7},
        [](DurableContext& c, const int& v, std::size_t, const std::vector<int>&) {
          return c.run_in_child_context(
              [v](DurableContext& inner) {
                return inner.step([v](StepContext&) { return v + 1; }, "inner");
              },
              "child");
        },
        "m", {.nesting_type = NestingType::Flat});
    return Json(r.get_results());
  };
  EXPECT_EQ(run_ok(client, handler), Json({8}));
  const std::string child_id = operation_id(operation_id(kId1, 0), 1);
  const Operation* child = client.find(child_id);
  ASSERT_NE(child, nullptr);
  EXPECT_EQ(child->sub_type, "RunInChildContext");
  EXPECT_EQ(child->parent_id, kId1);
  const Operation* inner = client.find(operation_id(child_id, 1));
  ASSERT_NE(inner, nullptr);
  EXPECT_EQ(inner->parent_id, child_id);
}

TEST(FlatNesting, NestedIsTheDefaultAndRecordsOneContextPerItem) {
  FakeCheckpointClient client;
  Handler handler = [](const Json&, DurableContext& ctx) {
    auto r = ctx.map(std::vector<int>{1, 2},
                     [](DurableContext& c, const int& v, std::size_t, const std::vector<int>&) {
                       return c.step([v](StepContext&) { return v; });
                     });
    return Json(r.get_results());
  };
  EXPECT_EQ((MapConfig<int, int>{}.nesting_type), NestingType::Nested);
  EXPECT_EQ(ParallelConfig<int>{}.nesting_type, NestingType::Nested);
  EXPECT_EQ(run_ok(client, handler), Json({1, 2}));
  EXPECT_EQ(count_sub_type(client, "MapIteration"), 2u);
  EXPECT_EQ(client.find(operation_id(operation_id(kId1, 0), 1))->parent_id,
            operation_id(kId1, 0));
}

}  // namespace
}  // namespace durable
