// Background checkpointing (label `concurrency`, run under ThreadSanitizer): queued updates go out
// from the SDK's flusher thread while a step body runs longer than the flush window; short steps
// still cost one request for START+SUCCEED; a fatal error drops the queue; nothing is sent after
// the invocation's output.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "durable/durable.hpp"
#include "execution_state.hpp"
#include "fake_checkpoint_client.hpp"

namespace durable {
namespace {

using test::FakeCheckpointClient;
constexpr auto kLimit = std::chrono::seconds(30);  // only reached when the SDK is broken

InvocationOptions window(std::chrono::milliseconds w) {
  InvocationOptions options;
  options.checkpoint_flush_window = w;
  return options;
}

TEST(BackgroundCheckpoint, AShortStepIsOneRequestForStartAndSucceed) {
  FakeCheckpointClient client;
  Handler handler = [](const Json&, DurableContext& ctx) {
    int sum = 0;
    for (int i = 0; i < 3; ++i) sum += ctx.step([i](StepContext&) { return i; });
    return Json(sum);
  };
  // A window far longer than any body: the outcome cannot depend on the machine's speed.
  const auto out = run_invocation(handler, client.next_input(), client, window(std::chrono::hours(1)));
  ASSERT_EQ(out.status, InvocationStatus::Succeeded);
  ASSERT_EQ(client.batches.size(), 3u);
  for (const auto& batch : client.batches) {
    ASSERT_EQ(batch.updates.size(), 2u);
    EXPECT_EQ(batch.updates[0].action, OperationAction::Start);
    EXPECT_EQ(batch.updates[1].action, OperationAction::Succeed);
  }
}

// The flusher runs on a parked pool thread: back-to-back invocations (a warm Lambda
// environment, the in-process runner) reuse one thread instead of creating one each.
TEST(BackgroundCheckpoint, BackToBackInvocationsReuseOneFlusherThread) {
  detail::WorkerPool& pool = detail::background_flusher_pool();
  const std::size_t created_before = pool.threads_created();
  Handler handler = [](const Json&, DurableContext& ctx) {
    return Json(ctx.step([](StepContext&) { return 1; }));
  };
  for (int i = 0; i < 20; ++i) {
    FakeCheckpointClient client;
    const auto out =
        run_invocation(handler, client.next_input(), client, window(std::chrono::hours(1)));
    ASSERT_EQ(out.status, InvocationStatus::Succeeded);
    ASSERT_EQ(client.batches.size(), 1u);
  }
  // One thread at most: the first invocation's, unless an earlier test left one parked.
  EXPECT_LE(pool.threads_created() - created_before, 1u);
  EXPECT_GE(pool.tasks_run(), 20u);
}

TEST(BackgroundCheckpoint, ALongBodysStartAndItsContextsStartAreSentWhileItRuns) {
  FakeCheckpointClient client;
  std::mutex m;
  std::condition_variable cv;
  std::vector<std::vector<OperationUpdate>> seen;  // requests, as the service received them
  client.on_checkpoint = [&](const CheckpointDurableExecutionRequest& request) {
    const std::lock_guard<std::mutex> lock(m);
    seen.push_back(request.updates);
    cv.notify_all();
  };
  bool start_seen_in_body = false;
  Handler handler = [&](const Json&, DurableContext& ctx) {
    return Json(ctx.run_in_child_context(
        [&](DurableContext& child) {
          return child.step(
              [&](StepContext&) {
                // Returns once the service has the step's START: the body outlives the window.
                std::unique_lock<std::mutex> lock(m);
                start_seen_in_body = cv.wait_for(lock, kLimit, [&] { return !seen.empty(); });
                return 42;
              },
              "long");
        },
        "outer"));
  };
  const auto out =
      run_invocation(handler, client.next_input(), client, window(std::chrono::milliseconds(1)));
  ASSERT_EQ(out.status, InvocationStatus::Succeeded);
  EXPECT_TRUE(start_seen_in_body);
  const std::lock_guard<std::mutex> lock(m);
  ASSERT_GE(seen.size(), 2u);
  // The first request: the child context's START and the step's START, both queued before the
  // body began.
  ASSERT_EQ(seen[0].size(), 2u);
  EXPECT_EQ(seen[0][0].type, OperationType::Context);
  EXPECT_EQ(seen[0][0].action, OperationAction::Start);
  EXPECT_EQ(seen[0][1].type, OperationType::Step);
  EXPECT_EQ(seen[0][1].action, OperationAction::Start);
  EXPECT_EQ(seen[0][1].parent_id, seen[0][0].id);
  // Later: the step's SUCCEED (no second START) and the context's SUCCEED.
  std::size_t starts = 0;
  for (const auto& request : seen) {
    for (const auto& u : request) starts += u.action == OperationAction::Start ? 1 : 0;
  }
  EXPECT_EQ(starts, 2u);
  EXPECT_EQ(client.find(seen[0][1].id)->status, OperationStatus::Succeeded);
}

TEST(BackgroundCheckpoint, AFatalErrorDropsTheQueue) {
  FakeCheckpointClient client;
  struct Unencodable final : SerDes<int> {
    std::string serialize(const int&, const SerDesContext&) const override {
      throw std::runtime_error("cannot encode");
    }
    int deserialize(std::string_view, const SerDesContext&) const override { return 0; }
  };
  Handler handler = [](const Json&, DurableContext& ctx) {
    return Json(ctx.run_in_child_context([](DurableContext& child) {
      return child.step([](StepContext&) { return 1; }, "bad",
                        {.serdes = std::make_shared<Unencodable>()});
    }));
  };
  const auto out = run_invocation(handler, client.next_input(), client, window(std::chrono::hours(1)));
  ASSERT_EQ(out.status, InvocationStatus::Failed);
  EXPECT_EQ(out.error->error_type, "SerDesError");
  EXPECT_TRUE(client.batches.empty());  // the queued STARTs were dropped, as the reference SDKs do
}

TEST(BackgroundCheckpoint, NothingIsSentAfterTheOutput) {
  for (int round = 0; round < 20; ++round) {
    FakeCheckpointClient client;
    std::atomic<bool> returned{false};
    std::atomic<int> late{0};
    client.on_checkpoint = [&](const CheckpointDurableExecutionRequest&) {
      if (returned) ++late;
    };
    Handler handler = [](const Json&, DurableContext& ctx) {
      ctx.run_in_child_context([](DurableContext& child) {
        child.step([](StepContext&) {
          std::this_thread::sleep_for(std::chrono::milliseconds(2));
          return 1;
        });
      });
      ctx.run_in_child_context([](DurableContext& child) {
        child.step([](StepContext&) -> int { throw std::runtime_error("no"); }, "failing",
                   {.retry_strategy = [](const ErrorObject&, int) { return RetryDecision::no_retry(); }});
      });
      return Json();
    };
    const auto out =
        run_invocation(handler, client.next_input(), client, window(std::chrono::milliseconds(1)));
    returned = true;
    EXPECT_EQ(out.status, InvocationStatus::Failed);
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    EXPECT_EQ(late.load(), 0) << "round " << round;
  }
}

TEST(BackgroundCheckpoint, ANegativeWindowIsAValidationError) {
  FakeCheckpointClient client;
  const auto out = run_invocation([](const Json&, DurableContext&) { return Json(); },
                                  client.next_input(), client,
                                  window(std::chrono::milliseconds(-1)));
  ASSERT_EQ(out.status, InvocationStatus::Failed);
  EXPECT_EQ(out.error->error_type, "ValidationError");
  EXPECT_NE(out.error->error_message->find("checkpoint_flush_window"), std::string::npos);
}

}  // namespace
}  // namespace durable
