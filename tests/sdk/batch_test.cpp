// parallel, map and BatchResult: checkpoints, completion rules, replay, validation.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <set>
#include <stdexcept>
#include <thread>

#include "durable/durable.hpp"
#include "fake_checkpoint_client.hpp"

namespace durable {
namespace {

using test::FakeCheckpointClient;

const std::string kId1 = operation_id(std::nullopt, 1);
const std::string kId2 = operation_id(std::nullopt, 2);

using Branch = std::function<std::string(DurableContext&)>;

Branch ok(std::string value) {
  return [value](DurableContext& ctx) {
    return ctx.step([value](StepContext&) { return value; });
  };
}
Branch boom(std::string message) {
  return [message](DurableContext&) -> std::string { throw std::runtime_error(message); };
}

Json projection(const BatchResult<std::string>& r) {
  return Json{{"completionReason", std::string(to_string(r.completion_reason()))},
              {"status", std::string(to_string(r.status()))},
              {"successCount", r.success_count()},
              {"failureCount", r.failure_count()},
              {"startedCount", r.started_count()},
              {"totalCount", r.total_count()}};
}

Json run_ok(FakeCheckpointClient& client, const Handler& handler) {
  auto out = run_invocation(handler, client.next_input(), client);
  EXPECT_EQ(out.status, InvocationStatus::Succeeded) << (out.error ? out.error->error_message.value_or("") : "");
  return out.result ? Json::parse(*out.result) : Json();
}

TEST(Parallel, CheckpointsOuterAndBranchContextsWithIndexIds) {
  FakeCheckpointClient client;
  Handler handler = [](const Json&, DurableContext& ctx) {
    auto r = ctx.parallel<std::string>({ok("a"), ok("b")}, "par", {.max_concurrency = 1});
    return Json(r.get_results());
  };
  EXPECT_EQ(run_ok(client, handler), Json({"a", "b"}));
  const Operation* outer = client.find(kId1);
  ASSERT_NE(outer, nullptr);
  EXPECT_EQ(outer->sub_type, "Parallel");
  EXPECT_EQ(outer->name, "par");
  EXPECT_EQ(outer->status, OperationStatus::Succeeded);
  const Json stored = Json::parse(*outer->context_details->result);
  EXPECT_EQ(stored["completionReason"], "ALL_COMPLETED");
  EXPECT_EQ(stored["all"][1]["result"], "b");
  EXPECT_EQ(stored["all"][1]["status"], "SUCCEEDED");
  for (std::size_t i = 0; i < 2; ++i) {
    const Operation* item = client.find(operation_id(kId1, i));
    ASSERT_NE(item, nullptr) << i;
    EXPECT_EQ(item->parent_id, kId1);
    EXPECT_EQ(item->sub_type, "ParallelBranch");
    EXPECT_EQ(item->name, "parallel-branch-" + std::to_string(i));
    EXPECT_EQ(item->status, OperationStatus::Succeeded);
  }
  // The step inside branch 1 lives in the branch's id namespace.
  const Operation* step = client.find(operation_id(operation_id(kId1, 1), 1));
  ASSERT_NE(step, nullptr);
  EXPECT_EQ(step->parent_id, operation_id(kId1, 1));
}

// An item's context SUCCEED is queued, as the TypeScript SDK does (its child context SUCCEED is
// not awaited): it rides with the next item's synchronous step SUCCEED, and the last one with the
// batch's own SUCCEED. So a map of one-step items costs one request per item, not two; the
// step's SUCCEED itself stays synchronous, and every item still ends SUCCEEDED in the service.
TEST(Map, ItemSucceedRidesWithTheNextSynchronousCheckpoint) {
  FakeCheckpointClient client;
  constexpr int kItems = 6;
  Handler handler = [](const Json&, DurableContext& ctx) {
    std::vector<int> items{0, 1, 2, 3, 4, 5};
    auto r = ctx.map(items,
                     [](DurableContext& c, const int& item, std::size_t, const std::vector<int>&) {
                       return c.step([item](StepContext&) { return item * 2; });
                     },
                     "map", {.max_concurrency = 1});
    return Json(r.get_results());
  };
  EXPECT_EQ(run_ok(client, handler), Json({0, 2, 4, 6, 8, 10}));
  EXPECT_EQ(client.batches.size(), static_cast<std::size_t>(kItems + 1));  // 2 * kItems + 1 before
  for (int i = 0; i < kItems; ++i) {
    const std::string item_id = operation_id(kId1, static_cast<std::uint64_t>(i));
    const Operation* item = client.find(item_id);
    ASSERT_NE(item, nullptr) << i;
    EXPECT_EQ(item->status, OperationStatus::Succeeded) << i;
    const Operation* step = client.find(operation_id(item_id, 1));
    ASSERT_NE(step, nullptr) << i;
    EXPECT_EQ(step->status, OperationStatus::Succeeded) << i;
  }
  // Every request ends with a synchronous update: a step's SUCCEED, or the batch's SUCCEED.
  for (const auto& batch : client.batches) {
    ASSERT_FALSE(batch.updates.empty());
    const OperationUpdate& last = batch.updates.back();
    EXPECT_EQ(last.action, OperationAction::Succeed);
    EXPECT_TRUE(last.type == OperationType::Step || last.id == kId1) << last.id;
  }
  // The last item's SUCCEED goes out in the batch's request, before the batch's own SUCCEED.
  const auto& final_updates = client.batches.back().updates;
  ASSERT_GE(final_updates.size(), 2u);
  EXPECT_EQ(final_updates[final_updates.size() - 2].id,
            operation_id(kId1, static_cast<std::uint64_t>(kItems - 1)));
}

// run_in_child_context keeps its synchronous SUCCEED (as the Python SDK and SDK-SEMANTICS.md
// §11.4 say): the request that carries it ends with it.
TEST(ChildContext, SucceedIsStillSynchronousOutsideBatches) {
  FakeCheckpointClient client;
  Handler handler = [](const Json&, DurableContext& ctx) {
    return Json(ctx.run_in_child_context(
        [](DurableContext& c) { return c.step([](StepContext&) { return 7; }); }, "child"));
  };
  EXPECT_EQ(run_ok(client, handler), Json(7));
  ASSERT_EQ(client.batches.size(), 2u);
  EXPECT_EQ(client.batches.back().updates.back().id, kId1);
  EXPECT_EQ(client.batches.back().updates.back().action, OperationAction::Succeed);
}

TEST(Parallel, NamedBranchesAndEmptyList) {
  FakeCheckpointClient client;
  Handler handler = [](const Json&, DurableContext& ctx) {
    auto r = ctx.parallel<std::string>(
        std::vector<ParallelBranch<std::string>>{{"first", ok("one")}, {"second", ok("two")}});
    auto empty = ctx.parallel<std::string>(std::vector<Branch>{});
    EXPECT_EQ(r.all()[0].name, "first");
    return Json{r.get_results(), empty.total_count(),
                std::string(to_string(empty.completion_reason()))};
  };
  EXPECT_EQ(run_ok(client, handler), Json::parse(R"([["one","two"],0,"ALL_COMPLETED"])"));
  EXPECT_EQ(client.find(operation_id(kId1, 1))->name, "second");
  EXPECT_EQ(client.find(kId2)->status, OperationStatus::Succeeded);
}

TEST(Parallel, FailFastStopsAfterFirstFailureAndLeavesLaterBranchesUnstarted) {
  FakeCheckpointClient client;
  Handler handler = [](const Json&, DurableContext& ctx) {
    auto r = ctx.parallel<std::string>({ok("ok"), boom("bad"), ok("never")}, "failfast",
                                       {.max_concurrency = 1,
                                        .completion_config = {.tolerated_failure_count = 0}});
    EXPECT_EQ(r.get_errors().at(0).error_message, "bad");
    EXPECT_THROW(r.throw_if_error(), ChildContextError);
    return projection(r);
  };
  const Json p = run_ok(client, handler);
  EXPECT_EQ(p["completionReason"], "FAILURE_TOLERANCE_EXCEEDED");
  EXPECT_EQ(p["status"], "FAILED");
  EXPECT_EQ(p["successCount"], 1);
  EXPECT_EQ(p["failureCount"], 1);
  EXPECT_EQ(p["totalCount"], 2);
  EXPECT_EQ(client.find(operation_id(kId1, 2)), nullptr);
  EXPECT_EQ(client.find(operation_id(kId1, 1))->status, OperationStatus::Failed);
  EXPECT_EQ(client.find(kId1)->status, OperationStatus::Succeeded);
}

TEST(Parallel, ToleranceRules) {
  struct Case {
    CompletionConfig config;
    std::vector<bool> succeed;
    const char* reason;
    int successes, failures, total;
  };
  const std::vector<Case> cases = {
      {{.tolerated_failure_count = 1}, {true, false, true}, "ALL_COMPLETED", 2, 1, 3},
      {{.tolerated_failure_count = 1}, {false, false, true}, "FAILURE_TOLERANCE_EXCEEDED", 0, 2, 2},
      {{.tolerated_failure_percentage = 25}, {false, true, false, true},
       "FAILURE_TOLERANCE_EXCEEDED", 1, 2, 3},
      {{.tolerated_failure_percentage = 25}, {true, false, true, true}, "ALL_COMPLETED", 3, 1, 4},
      {{.min_successful = 3}, {true, true, false}, "ALL_COMPLETED", 2, 1, 3},
      {{.min_successful = 3, .tolerated_failure_count = 1}, {false, false, true},
       "FAILURE_TOLERANCE_EXCEEDED", 0, 2, 2},
      {{.min_successful = 2}, {true, true, true, true}, "MIN_SUCCESSFUL_REACHED", 2, 0, 2},
      {CompletionConfig::first_successful(), {false, true, true}, "MIN_SUCCESSFUL_REACHED", 1, 1, 2},
      {CompletionConfig::all_completed(), {false, false, true}, "ALL_COMPLETED", 1, 2, 3},
      {CompletionConfig::all_successful(), {true, false, true}, "FAILURE_TOLERANCE_EXCEEDED", 1, 1, 2},
  };
  for (std::size_t c = 0; c < cases.size(); ++c) {
    FakeCheckpointClient client;
    const Case& k = cases[c];
    Handler handler = [&k](const Json&, DurableContext& ctx) {
      std::vector<Branch> branches;
      for (std::size_t i = 0; i < k.succeed.size(); ++i) {
        branches.push_back(k.succeed[i] ? ok("v" + std::to_string(i)) : boom("e"));
      }
      return projection(ctx.parallel<std::string>(
          branches, std::nullopt, {.max_concurrency = 1, .completion_config = k.config}));
    };
    const Json p = run_ok(client, handler);
    EXPECT_EQ(p["completionReason"], k.reason) << "case " << c;
    EXPECT_EQ(p["successCount"], k.successes) << "case " << c;
    EXPECT_EQ(p["failureCount"], k.failures) << "case " << c;
    EXPECT_EQ(p["totalCount"], k.total) << "case " << c;
  }
}

TEST(Parallel, BadArgumentsAreValidationErrorsBeforeAnyCheckpoint) {
  struct Case {
    ParallelConfig<std::string> config;
    const char* mentions;
  };
  const std::vector<Case> cases = {
      {{.max_concurrency = 0}, "max_concurrency"},
      {{.completion_config = {.min_successful = 0}}, "min_successful"},
      {{.completion_config = {.min_successful = 3}}, "min_successful"},
      {{.completion_config = {.tolerated_failure_percentage = 101}}, "tolerated_failure_percentage"},
      {{.completion_config = {.tolerated_failure_percentage = -1}}, "tolerated_failure_percentage"},
  };
  for (const auto& k : cases) {
    FakeCheckpointClient client;
    std::string message;
    Handler handler = [&](const Json&, DurableContext& ctx) {
      try {
        ctx.parallel<std::string>({ok("a"), ok("b")}, std::nullopt, k.config);
      } catch (const ValidationError& e) {
        message = e.what();
      }
      return Json();
    };
    run_ok(client, handler);
    EXPECT_NE(message.find(k.mentions), std::string::npos) << message;
    EXPECT_TRUE(client.updates().empty() ||
                client.updates()[0].type == OperationType::Execution);
  }
  FakeCheckpointClient client;
  std::string message;
  run_ok(client, [&](const Json&, DurableContext& ctx) {
    try {
      ctx.parallel<std::string>({ok("a"), Branch{}});
    } catch (const ValidationError& e) {
      message = e.what();
    }
    return Json();
  });
  EXPECT_NE(message.find("branch 1"), std::string::npos) << message;
}

TEST(Parallel, SuspendedBranchLetsOthersFinishAndReplaySkipsFinishedBranches) {
  FakeCheckpointClient client;
  std::atomic<int> b0_runs{0};
  Handler handler = [&](const Json&, DurableContext& ctx) {
    auto r = ctx.parallel<std::string>(
        {[&](DurableContext& c) {
           ++b0_runs;
           return c.step([](StepContext&) { return std::string("b0"); });
         },
         [](DurableContext& c) {
           c.wait(Duration::from_seconds(2));
           return std::string("b1");
         },
         ok("b2")});
    return Json(r.get_results());
  };
  auto first = run_invocation(handler, client.next_input(), client);
  EXPECT_EQ(first.status, InvocationStatus::Pending);
  EXPECT_EQ(client.find(operation_id(kId1, 0))->status, OperationStatus::Succeeded);
  EXPECT_EQ(client.find(operation_id(kId1, 2))->status, OperationStatus::Succeeded);
  EXPECT_EQ(client.find(kId1)->status, OperationStatus::Started);
  client.advance_time();
  EXPECT_EQ(run_ok(client, handler), Json({"b0", "b1", "b2"}));
  EXPECT_EQ(b0_runs.load(), 1);
  // Replay of the finished parallel returns the stored result without running branches.
  EXPECT_EQ(run_ok(client, handler), Json({"b0", "b1", "b2"}));
  EXPECT_EQ(b0_runs.load(), 1);
}

TEST(Parallel, EarlyCompletionStopsStragglersAndReportsThemStarted) {
  FakeCheckpointClient client;
  Handler handler = [](const Json&, DurableContext& ctx) {
    auto r = ctx.parallel<std::string>(
        {ok("fast"),
         [](DurableContext& c) {
           return c.step([](StepContext& sc) {
             while (!sc.stop_requested()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
             return std::string("slow");
           });
         }},
        std::nullopt, {.completion_config = CompletionConfig::first_successful()});
    return Json{projection(r), r.all().size() > 1 ? std::string(to_string(r.all()[1].status)) : ""};
  };
  const Json out = run_ok(client, handler);
  EXPECT_EQ(out[0]["completionReason"], "MIN_SUCCESSFUL_REACHED");
  EXPECT_EQ(out[0]["startedCount"], 1);
  EXPECT_EQ(out[1], "STARTED");
  // The straggler's step SUCCEED was never sent (it may not even have started).
  const Operation* slow_step = client.find(operation_id(operation_id(kId1, 1), 1));
  if (slow_step != nullptr) {
    EXPECT_NE(slow_step->status, OperationStatus::Succeeded);
  }
}

TEST(Parallel, WithALimitOfOneEveryBranchRunsOnTheCallingThread) {
  FakeCheckpointClient client;
  std::set<std::thread::id> body_threads;
  std::thread::id handler_thread;
  Handler handler = [&](const Json&, DurableContext& ctx) {
    handler_thread = std::this_thread::get_id();
    auto r = ctx.map(
        std::vector<int>{1, 2, 3},
        [&](DurableContext& c, const int& v, std::size_t, const std::vector<int>&) {
          return c.step([&, v](StepContext&) {
            body_threads.insert(std::this_thread::get_id());
            return v;
          });
        },
        "map", {.max_concurrency = 1});
    return Json(r.get_results());
  };
  EXPECT_EQ(run_ok(client, handler), Json({1, 2, 3}));
  EXPECT_EQ(body_threads, std::set<std::thread::id>{handler_thread});
}

TEST(Parallel, ABranchThatRanANestedBatchStillSuspendsAloneAfterIt) {
  // Branch 0 runs a nested map on its own thread (limit 1), then waits: only branch 0 suspends,
  // and branch 1 still finishes in the same invocation.
  FakeCheckpointClient client;
  Handler handler = [](const Json&, DurableContext& ctx) {
    auto r = ctx.parallel<int>(
        {[](DurableContext& c) {
           auto inner = c.map(
               std::vector<int>{1, 2},
               [](DurableContext& i, const int& v, std::size_t, const std::vector<int>&) {
                 return i.step([v](StepContext&) { return v; });
               },
               "inner", {.max_concurrency = 1});
           c.wait(Duration::from_seconds(1), "pause");
           return static_cast<int>(inner.get_results().size());
         },
         [](DurableContext& c) { return c.step([](StepContext&) { return 7; }); }},
        "outer", {.max_concurrency = 1});
    return Json(r.get_results());
  };
  auto first = run_invocation(handler, client.next_input(), client);
  ASSERT_EQ(first.status, InvocationStatus::Pending);
  const Operation* branch1 = client.find(operation_id(kId1, 1));
  ASSERT_NE(branch1, nullptr);
  EXPECT_EQ(branch1->status, OperationStatus::Succeeded);
}

TEST(Parallel, NestedParallelInsideBranch) {
  FakeCheckpointClient client;
  Handler handler = [](const Json&, DurableContext& ctx) {
    auto r = ctx.parallel<std::vector<std::string>>({[](DurableContext& c) {
      return c.parallel<std::string>({ok("i1"), ok("i2")}).get_results();
    }});
    return Json(r.get_results());
  };
  EXPECT_EQ(run_ok(client, handler), Json::parse(R"([["i1","i2"]])"));
  const std::string branch = operation_id(kId1, 0);
  const Operation* inner = client.find(operation_id(branch, 1));
  ASSERT_NE(inner, nullptr);
  EXPECT_EQ(inner->sub_type, "Parallel");
  EXPECT_EQ(client.find(operation_id(operation_id(branch, 1), 1))->parent_id,
            operation_id(branch, 1));
}

TEST(Parallel, FatalErrorInBranchFailsTheInvocation) {
  FakeCheckpointClient client;
  struct Opaque {};
  Handler handler = [](const Json&, DurableContext& ctx) {
    ctx.parallel<int>({[](DurableContext& c) {
      c.step([](StepContext&) { return 1; }, "s");
      return 1;
    }});
    return Json();
  };
  run_ok(client, handler);
  // Replay with a different operation at the branch's first position.
  Handler changed = [](const Json&, DurableContext& ctx) {
    ctx.parallel<int>({[](DurableContext& c) {
      c.wait(Duration::from_seconds(1));
      return 1;
    }});
    return Json();
  };
  // The outer parallel already succeeded, so the stored result is returned: no divergence seen.
  EXPECT_EQ(run_invocation(changed, client.next_input(), client).status,
            InvocationStatus::Succeeded);
  FakeCheckpointClient fresh;
  Handler throws_serdes = [](const Json&, DurableContext& ctx) {
    ctx.parallel<int>({[](DurableContext&) -> int { throw SerDesError("broken"); }});
    return Json();
  };
  EXPECT_EQ(run_invocation(throws_serdes, fresh.next_input(), fresh).status,
            InvocationStatus::Failed);
}

TEST(Map, ItemsIndexNamesAndSerdes) {
  FakeCheckpointClient client;
  struct Wrap final : SerDes<std::string> {
    std::string serialize(const std::string& v, const SerDesContext&) const override {
      return Json{{"wrapped", v}}.dump();
    }
    std::string deserialize(std::string_view d, const SerDesContext&) const override {
      return Json::parse(d)["wrapped"];
    }
  };
  Handler handler = [](const Json&, DurableContext& ctx) {
    const std::vector<int> items{10, 20, 30};
    auto r = ctx.map(
        items,
        [](DurableContext& c, const int& item, std::size_t index, const std::vector<int>& all) {
          return c.step([&](StepContext&) {
            return std::to_string(item + static_cast<int>(index)) + "/" + std::to_string(all.size());
          });
        },
        "m",
        {.max_concurrency = 2,
         .item_serdes = std::make_shared<Wrap>(),
         .item_namer = [](const int& item, std::size_t) { return "item-" + std::to_string(item); }});
    return Json(r.get_results());
  };
  EXPECT_EQ(run_ok(client, handler), Json({"10/3", "21/3", "32/3"}));
  EXPECT_EQ(client.find(kId1)->sub_type, "Map");
  const Operation* item1 = client.find(operation_id(kId1, 1));
  EXPECT_EQ(item1->sub_type, "MapIteration");
  EXPECT_EQ(item1->name, "item-20");
  EXPECT_EQ(*item1->context_details->result, R"({"wrapped":"21/3"})");
}

TEST(Map, DefaultCompletionIsFailFastAndOperationSerdesEncodesTheBatch) {
  FakeCheckpointClient client;
  struct Joined final : SerDes<BatchResult<std::string>> {
    std::string serialize(const BatchResult<std::string>& v, const SerDesContext&) const override {
      std::string out = "OPSERDE:";
      for (const auto& s : v.get_results()) out += s + (s == v.get_results().back() ? "" : ",");
      return out;
    }
    BatchResult<std::string> deserialize(std::string_view d, const SerDesContext&) const override {
      std::vector<BatchItem<std::string>> items;
      std::string rest(d.substr(8));
      std::size_t i = 0;
      while (!rest.empty()) {
        const auto comma = rest.find(',');
        items.push_back({i++, BatchItemStatus::Succeeded, rest.substr(0, comma), std::nullopt, ""});
        rest = comma == std::string::npos ? "" : rest.substr(comma + 1);
      }
      return BatchResult<std::string>(std::move(items), CompletionReason::AllCompleted);
    }
  };
  Handler handler = [](const Json&, DurableContext& ctx) {
    auto upper = ctx.map(std::vector<std::string>{"x", "y"},
                         [](DurableContext&, const std::string& s, std::size_t, const auto&) {
                           return s == "x" ? std::string("X") : std::string("Y");
                         },
                         "upper", {.serdes = std::make_shared<Joined>()});
    auto failing = ctx.map(std::vector<int>{1, 2, 3},
                           [](DurableContext&, const int& v, std::size_t, const auto&) -> int {
                             if (v == 2) throw std::runtime_error("two");
                             return v;
                           },
                           std::nullopt, {.max_concurrency = 1});
    return Json{upper.get_results(), std::string(to_string(failing.completion_reason())),
                failing.total_count()};
  };
  EXPECT_EQ(run_ok(client, handler), Json::parse(R"([["X","Y"],"FAILURE_TOLERANCE_EXCEEDED",2])"));
  EXPECT_EQ(*client.find(kId1)->context_details->result, "OPSERDE:X,Y");
}

TEST(Map, LargeResultIsSummarizedAndRebuiltOnReplay) {
  FakeCheckpointClient client;
  int runs = 0;
  Handler handler = [&](const Json&, DurableContext& ctx) {
    auto r = ctx.map(std::vector<int>{0, 1, 2},
                     [&](DurableContext& c, const int&, std::size_t, const auto&) {
                       return c.step([&](StepContext&) {
                         ++runs;
                         return std::string(100 * 1024, 'x');
                       });
                     },
                     "big",
                     {.max_concurrency = 1,
                      .summary_generator = [](const BatchResult<std::string>& b) {
                        return "summary of " + std::to_string(b.total_count());
                      }});
    ctx.wait(Duration::from_seconds(1));
    return Json{r.success_count(), r.get_results()[2].size()};
  };
  EXPECT_EQ(run_invocation(handler, client.next_input(), client).status, InvocationStatus::Pending);
  const Operation* outer = client.find(kId1);
  const Json envelope = Json::parse(*outer->context_details->result);
  EXPECT_EQ(envelope["summary"], "summary of 3");
  EXPECT_EQ(envelope["successCount"], 3);
  EXPECT_TRUE(outer->context_details->replay_children.value_or(false));
  client.advance_time();
  EXPECT_EQ(run_ok(client, handler), Json::parse("[3, 102400]"));
  EXPECT_EQ(runs, 3);
}

TEST(BatchResult, JsonRoundTripAndAccessors) {
  BatchResult<int> r({{0, BatchItemStatus::Succeeded, 5, std::nullopt, "a"},
                      {1, BatchItemStatus::Failed, std::nullopt,
                       ErrorObject{"E", "m", std::nullopt, std::nullopt}, "b"},
                      {2, BatchItemStatus::Started, std::nullopt, std::nullopt, "c"}},
                     CompletionReason::FailureToleranceExceeded);
  const Json j = r;
  EXPECT_EQ(j["completionReason"], "FAILURE_TOLERANCE_EXCEEDED");
  EXPECT_EQ(j["all"][0]["result"], 5);
  EXPECT_EQ(j["all"][1]["error"]["ErrorType"], "E");
  EXPECT_EQ(j["all"][2]["status"], "STARTED");
  const auto back = j.get<BatchResult<int>>();
  EXPECT_EQ(back.get_results(), std::vector<int>{5});
  EXPECT_EQ(back.failed().at(0).index, 1u);
  EXPECT_EQ(back.started_count(), 1u);
  EXPECT_EQ(back.total_count(), 3u);
  EXPECT_EQ(back.status(), BatchStatus::Failed);
  EXPECT_TRUE(back.has_failure());
  try {
    back.throw_if_error();
    FAIL();
  } catch (const ChildContextError& e) {
    EXPECT_EQ(e.error_type(), "E");
  }
  EXPECT_THROW((Json{{"all", Json::array({{{"index", 0}, {"status", "DONE"}}})},
                     {"completionReason", "ALL_COMPLETED"}}
                    .get<BatchResult<int>>()),
               std::invalid_argument);
  EXPECT_THROW(Json::object().get<BatchResult<int>>(), std::invalid_argument);
}

TEST(Threads, ContextFromForeignThreadIsRejected) {
  FakeCheckpointClient client;
  std::string message;
  run_ok(client, [&](const Json&, DurableContext& ctx) {
    std::thread t([&] {
      try {
        ctx.step([](StepContext&) { return 1; });
      } catch (const std::logic_error& e) {
        message = e.what();
      }
    });
    t.join();
    return Json();
  });
  EXPECT_NE(message.find("thread"), std::string::npos);
}

}  // namespace
}  // namespace durable
