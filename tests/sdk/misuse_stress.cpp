// Misuse across threads (label `concurrency`, run under ThreadSanitizer): a parallel branch that
// calls another branch's context while that branch's step body runs gets OperationMisuseError,
// and the execution fails with it.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include "durable/durable.hpp"
#include "fake_checkpoint_client.hpp"

namespace durable {
namespace {

using ::testing::HasSubstr;

TEST(MisuseAcrossThreads, ABranchCallingAnotherBranchsContextDuringItsStepBodyIsCaught) {
  test::FakeCheckpointClient client;
  std::mutex m;
  std::condition_variable cv;
  DurableContext* first = nullptr;
  bool body_running = false;
  bool other_done = false;
  std::string caught;
  constexpr auto kLimit = std::chrono::seconds(30);  // only reached when the test is broken

  Handler handler = [&](const Json&, DurableContext& ctx) {
    std::vector<std::function<int(DurableContext&)>> branches = {
        [&](DurableContext& branch) {
          return branch.step(
              [&](StepContext&) {
                std::unique_lock<std::mutex> lock(m);
                first = &branch;
                body_running = true;
                cv.notify_all();
                cv.wait_for(lock, kLimit, [&] { return other_done; });
                return 1;
              },
              "slow");
        },
        [&](DurableContext&) {
          DurableContext* target = nullptr;
          {
            std::unique_lock<std::mutex> lock(m);
            cv.wait_for(lock, kLimit, [&] { return body_running; });
            target = first;
          }
          try {
            if (target) target->wait(Duration::from_seconds(1));
          } catch (const std::logic_error& e) {
            const std::lock_guard<std::mutex> lock(m);
            caught = e.what();
          }
          {
            const std::lock_guard<std::mutex> lock(m);
            other_done = true;
          }
          cv.notify_all();
          return 2;
        }};
    auto result = ctx.parallel<int>(branches, "pair", {.max_concurrency = 2});
    return Json(result.success_count());
  };
  const auto out = run_invocation(handler, client.next_input(), client);
  EXPECT_THAT(caught, HasSubstr("durable operation wait"));
  EXPECT_THAT(caught, HasSubstr("step 'slow'"));
  ASSERT_EQ(out.status, InvocationStatus::Failed);
  EXPECT_EQ(out.error->error_type, "OperationMisuseError");
}

}  // namespace
}  // namespace durable
