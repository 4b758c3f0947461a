// parallel/map results over 256 KiB: the batch context stores an envelope with ReplayChildren and
// replay rebuilds the same BatchResult from the items' checkpoints (SDK-SEMANTICS.md §5).
#include <gtest/gtest.h>

#include <atomic>
#include <stdexcept>

#include "durable/durable.hpp"
#include "fake_checkpoint_client.hpp"

namespace durable {
namespace {

using test::FakeCheckpointClient;

const std::string kId1 = operation_id(std::nullopt, 1);
constexpr std::size_t kBig = 140 * 1024;  // two successes exceed 256 KiB

Json run_ok(FakeCheckpointClient& client, const Handler& handler) {
  auto out = run_invocation(handler, client.next_input(), client);
  EXPECT_EQ(out.status, InvocationStatus::Succeeded)
      << (out.error ? out.error->error_message.value_or("") : "");
  return out.result ? Json::parse(*out.result) : Json();
}

// Everything about a BatchResult except the (large) values: statuses, errors, reason.
Json shape(const BatchResult<std::string>& r) {
  Json items = Json::array();
  for (const auto& item : r.all()) {
    items.push_back({item.index, std::string(to_string(item.status)),
                     item.result ? item.result->size() : 0,
                     item.error ? item.error->error_message.value_or("") : ""});
  }
  return Json{{"reason", std::string(to_string(r.completion_reason()))}, {"items", items}};
}

Json stored_envelope(FakeCheckpointClient& client) {
  const Operation* outer = client.find(kId1);
  EXPECT_NE(outer, nullptr);
  EXPECT_EQ(outer->status, OperationStatus::Succeeded);
  EXPECT_TRUE(outer->context_details->replay_children.value_or(false));
  return Json::parse(*outer->context_details->result);
}

// Map over 4 items, one at a time: item 0 fails, items 1 and 2 succeed with large values, and
// min_successful 2 ends the batch before item 3 starts. A wait afterwards forces a replay.
struct MinSuccessfulWorkload {
  std::atomic<int> item_runs{0};
  std::atomic<int> step_runs{0};
  Json first_shape;
  Json replay_shape;
  NestingType nesting = NestingType::Nested;
  bool with_summary = true;

  Handler handler() {
    return [this](const Json&, DurableContext& ctx) {
      MapConfig<std::string, int> config{
          .max_concurrency = 1,
          .completion_config = {.min_successful = 2},
      };
      config.nesting_type = nesting;
      if (with_summary) {
        config.summary_generator = [](const BatchResult<std::string>& b) {
          return "ok=" + std::to_string(b.success_count());
        };
      }
      auto r = ctx.map(
          std::vector<int>{0, 1, 2, 3},
          [this](DurableContext& c, const int& v, std::size_t, const std::vector<int>&) {
            ++item_runs;
            if (v == 0) throw std::runtime_error("item zero fails");
            return c.step([this](StepContext&) {
              ++step_runs;
              return std::string(kBig, 'v');
            });
          },
          "big-map", config);
      (first_shape.is_null() ? first_shape : replay_shape) = shape(r);
      ctx.wait(Duration::from_seconds(1));
      return Json(r.success_count());
    };
  }
};

TEST(LargeBatchResult, EnvelopeRecordsTheDecisionAndTheSummary) {
  FakeCheckpointClient client;
  MinSuccessfulWorkload w;
  Handler handler = w.handler();
  EXPECT_EQ(run_invocation(handler, client.next_input(), client).status,
            InvocationStatus::Pending);
  const Json envelope = stored_envelope(client);
  EXPECT_EQ(envelope["type"], "MapResult");
  EXPECT_EQ(envelope["totalCount"], 4);
  EXPECT_EQ(envelope["completionReason"], "MIN_SUCCESSFUL_REACHED");
  EXPECT_EQ(envelope["completedIndexes"], Json({0, 1, 2}));
  EXPECT_EQ(envelope["startedIndexes"], Json::array());
  EXPECT_EQ(envelope["startedCount"], 3);
  EXPECT_EQ(envelope["successCount"], 2);
  EXPECT_EQ(envelope["failureCount"], 1);
  EXPECT_EQ(envelope["status"], "FAILED");
  EXPECT_EQ(envelope["summary"], "ok=2");
}

TEST(LargeBatchResult, ReplayReproducesTheResultWithoutRunningItemFunctions) {
  FakeCheckpointClient client;
  MinSuccessfulWorkload w;
  Handler handler = w.handler();
  EXPECT_EQ(run_invocation(handler, client.next_input(), client).status,
            InvocationStatus::Pending);
  EXPECT_EQ(w.item_runs.load(), 3);
  client.advance_time();
  EXPECT_EQ(run_ok(client, handler), Json(2));
  EXPECT_EQ(w.item_runs.load(), 3) << "nested items replay from their own contexts";
  EXPECT_EQ(w.step_runs.load(), 2);
  EXPECT_EQ(w.replay_shape, w.first_shape);
  EXPECT_EQ(w.first_shape["reason"], "MIN_SUCCESSFUL_REACHED");
  EXPECT_EQ(w.first_shape["items"],
            Json::parse(R"([[0,"FAILED",0,"item zero fails"],[1,"SUCCEEDED",143360,""],)"
                        R"([2,"SUCCEEDED",143360,""]])"));
}

TEST(LargeBatchResult, FlatBatchReplaysItsItemsOverTheirStepCheckpoints) {
  FakeCheckpointClient client;
  MinSuccessfulWorkload w;
  w.nesting = NestingType::Flat;
  w.with_summary = false;
  Handler handler = w.handler();
  EXPECT_EQ(run_invocation(handler, client.next_input(), client).status,
            InvocationStatus::Pending);
  const Json envelope = stored_envelope(client);
  EXPECT_FALSE(envelope.contains("summary"));
  EXPECT_EQ(envelope["completedIndexes"], Json({0, 1, 2}));
  client.advance_time();
  EXPECT_EQ(run_ok(client, handler), Json(2));
  EXPECT_EQ(w.step_runs.load(), 2) << "step bodies are not run again";
  EXPECT_EQ(w.replay_shape, w.first_shape);
}

TEST(LargeBatchResult, TheRecordedDecisionWinsOverWhatTheChildrenShowNow) {
  FakeCheckpointClient client;
  MinSuccessfulWorkload w;
  Handler handler = w.handler();
  EXPECT_EQ(run_invocation(handler, client.next_input(), client).status,
            InvocationStatus::Pending);
  // Item 2 was (say) a straggler when the batch was decided: recorded as started, not finished.
  Operation* outer = client.find(kId1);
  Json envelope = Json::parse(*outer->context_details->result);
  envelope["completedIndexes"] = Json({0, 1});
  envelope["startedIndexes"] = Json({2});
  envelope["completionReason"] = "FAILURE_TOLERANCE_EXCEEDED";
  outer->context_details->result = envelope.dump();
  client.advance_time();
  EXPECT_EQ(run_ok(client, handler), Json(1));
  EXPECT_EQ(w.replay_shape["reason"], "FAILURE_TOLERANCE_EXCEEDED");
  EXPECT_EQ(w.replay_shape["items"][2], Json::parse(R"([2,"STARTED",0,""])"));
}

TEST(LargeBatchResult, ParallelEnvelopeIsTypedParallelResult) {
  FakeCheckpointClient client;
  Handler handler = [](const Json&, DurableContext& ctx) {
    auto big = [](DurableContext& c) {
      return c.step([](StepContext&) { return std::string(kBig, 'p'); });
    };
    auto r = ctx.parallel<std::string>({big, big}, "par");
    return Json(r.success_count());
  };
  EXPECT_EQ(run_ok(client, handler), Json(2));
  const Json envelope = stored_envelope(client);
  EXPECT_EQ(envelope["type"], "ParallelResult");
  EXPECT_EQ(envelope["completionReason"], "ALL_COMPLETED");
  EXPECT_EQ(envelope["status"], "SUCCEEDED");
  EXPECT_EQ(envelope["completedIndexes"], Json({0, 1}));
}

}  // namespace
}  // namespace durable
