// The parallel/map worker pool: it starts with one thread and adds threads, up to the concurrency
// limit, while every worker waits on a slow step body. Label `concurrency` (run under TSan).
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "durable/durable.hpp"
#include "fake_checkpoint_client.hpp"
#include "stress_support.hpp"

namespace durable {
namespace {

using namespace std::chrono_literals;
using test::FakeCheckpointClient;
using test::Overlap;

Json run_ok(FakeCheckpointClient& client, const Handler& handler) {
  auto out = run_invocation(handler, client.next_input(), client);
  EXPECT_EQ(out.status, InvocationStatus::Succeeded)
      << (out.error ? out.error->error_message.value_or("") : "");
  return out.result ? Json::parse(*out.result) : Json();
}

TEST(BatchPool, SlowBodiesOverlapUpToMaxConcurrency) {
  FakeCheckpointClient client;
  Overlap overlap;
  Handler handler = [&](const Json&, DurableContext& ctx) {
    std::vector<int> items{0, 1, 2, 3, 4, 5, 6, 7};
    auto r = ctx.map(items,
                     [&](DurableContext& c, const int& item, std::size_t, const std::vector<int>&) {
                       return c.step([&](StepContext&) {
                         overlap.enter();
                         std::this_thread::sleep_for(100ms);
                         overlap.leave();
                         return item * 10;
                       });
                     },
                     "map", {.max_concurrency = 4});
    return Json(r.get_results());
  };
  EXPECT_EQ(run_ok(client, handler), Json({0, 10, 20, 30, 40, 50, 60, 70}));
  // Never past the limit. How far it grows within 100 ms depends on the machine's load; that the
  // pool does grow is proven without timing by BodiesThatWaitForEachOtherAllGetAThread.
  EXPECT_LE(overlap.peak(), 4);
  EXPECT_GE(overlap.peak(), 1);
}

TEST(BatchPool, BodiesThatWaitForEachOtherAllGetAThread) {
  // Each body waits until all five are running: only a pool that grows to five threads while its
  // workers are blocked lets any of them finish (a body gives up after 20 s and reports it).
  FakeCheckpointClient client;
  std::mutex mu;
  std::condition_variable all_in;
  int arrived = 0;
  Handler handler = [&](const Json&, DurableContext& ctx) {
    std::vector<int> items{0, 1, 2, 3, 4};
    auto r = ctx.map(
        items,
        [&](DurableContext& c, const int&, std::size_t, const std::vector<int>&) {
          return c.step([&](StepContext&) {
            std::unique_lock<std::mutex> lock(mu);
            ++arrived;
            all_in.notify_all();
            return all_in.wait_for(lock, 20s, [&] { return arrived == 5; });
          });
        },
        "map");
    return Json(r.get_results());
  };
  EXPECT_EQ(run_ok(client, handler), Json({true, true, true, true, true}));
}

TEST(BatchPool, SlowBranchesOfANestedBatchOverlapToo) {
  // Each body waits until all four run (20 s at most), so a loaded machine that starts a thread
  // late only slows the test down; the peak is four only if every branch got a thread.
  FakeCheckpointClient client;
  Overlap overlap;
  std::mutex mu;
  std::condition_variable all_in;
  int arrived = 0;
  auto slow = [&](int value) {
    return [&, value](DurableContext& c) {
      return c.step([&, value](StepContext&) {
        overlap.enter();
        {
          std::unique_lock<std::mutex> lock(mu);
          ++arrived;
          all_in.notify_all();
          all_in.wait_for(lock, 20s, [&] { return arrived == 4; });
        }
        overlap.leave();
        return value;
      });
    };
  };
  Handler handler = [&](const Json&, DurableContext& ctx) {
    auto r =
        ctx.parallel<std::vector<int>>({[&](DurableContext& c) {
                                          return c.parallel<int>({slow(1), slow(2)}).get_results();
                                        },
                                        [&](DurableContext& c) {
                                          return c.parallel<int>({slow(3), slow(4)}).get_results();
                                        }});
    return Json(r.get_results());
  };
  EXPECT_EQ(run_ok(client, handler), Json({{1, 2}, {3, 4}}));
  EXPECT_EQ(overlap.peak(), 4);
}

TEST(BatchPool, ABranchBusyBetweenItsStepsDoesNotHoldBackItsSiblings) {
  // Branch 0 computes between many short steps (under the SDK lock, with no slow body) until
  // branch 1's slow step has started; branch 1 must get its own thread while branch 0 is still
  // busy. Were branch 1 only run after branch 0, branch 0 would spin until its deadline. No
  // bound on how soon: a loaded machine under a sanitizer may take long to schedule the worker.
  FakeCheckpointClient client;
  std::atomic<bool> slow_started{false};
  std::atomic<bool> gave_up{false};
  Handler handler = [&](const Json&, DurableContext& ctx) {
    auto r = ctx.parallel<int>(
        {[&](DurableContext& c) {
           const auto deadline = std::chrono::steady_clock::now() + 20s;
           while (!slow_started) {
             if (std::chrono::steady_clock::now() > deadline) {
               gave_up = true;
               break;
             }
             const auto until = std::chrono::steady_clock::now() + 500us;
             while (std::chrono::steady_clock::now() < until) {
             }
             c.step([](StepContext&) { return 1; });
           }
           return 0;
         },
         [&](DurableContext& c) {
           return c.step([&](StepContext&) {
             slow_started = true;
             std::this_thread::sleep_for(50ms);
             return 1;
           });
         }});
    return Json(r.get_results());
  };
  EXPECT_EQ(run_ok(client, handler), Json({0, 1}));
  EXPECT_FALSE(gave_up.load()) << "branch 1 did not start while branch 0 was busy";
}

TEST(BatchPool, SiblingsWaitingOnEachOtherThroughStepsMakeProgress) {
  // Branch 0 polls with steps until branch 1's step has run: with one thread doing branch 0's
  // loop, branch 1 would only start once branch 0 gave up.
  FakeCheckpointClient client;
  std::atomic<bool> flag{false};
  std::atomic<int> polls{0};
  Handler handler = [&](const Json&, DurableContext& ctx) {
    auto r = ctx.parallel<int>(
        {[&](DurableContext& c) {
           const auto deadline = std::chrono::steady_clock::now() + 20s;
           while (!flag && std::chrono::steady_clock::now() < deadline) {
             c.step([&](StepContext&) {
               ++polls;
               std::this_thread::sleep_for(20us);
               return 0;
             });
           }
           return flag ? 1 : 0;
         },
         [&](DurableContext& c) {
           return c.step([&](StepContext&) {
             flag = true;
             return 1;
           });
         }});
    return Json(r.get_results());
  };
  // {1, 1}: branch 1 ran while branch 0 was still polling. How many polls that took depends on
  // how soon the machine schedules the second thread, so it is not asserted.
  EXPECT_EQ(run_ok(client, handler), Json({1, 1}));
  EXPECT_GT(polls.load(), 0);
}

TEST(BatchPool, StoppingABranchStopsTheBatchItRuns) {
  // Branch 0 runs a nested map of slow items; branch 1 succeeds at once, which completes the
  // parallel (first successful): branch 0 is stopped, and with it the items of its nested map.
  // The first item waits until branch 1's body has run, so however late branch 1 gets a thread,
  // the stop reaches the map while nearly all of its 200 items are still to run.
  FakeCheckpointClient client;
  std::atomic<int> inner_runs{0};
  std::atomic<bool> branch1_ran{false};
  Handler handler = [&](const Json&, DurableContext& ctx) {
    auto r = ctx.parallel<int>(
        {[&](DurableContext& c) {
           std::vector<int> items(200, 0);
           auto inner = c.map(
               items,
               [&](DurableContext& i, const int&, std::size_t, const std::vector<int>&) {
                 return i.step([&](StepContext&) {
                   if (++inner_runs == 1) {
                     const auto deadline = std::chrono::steady_clock::now() + 20s;
                     while (!branch1_ran && std::chrono::steady_clock::now() < deadline) {
                       std::this_thread::sleep_for(1ms);
                     }
                   }
                   std::this_thread::sleep_for(2ms);
                   return 1;
                 });
               },
               "inner", {.max_concurrency = 1});
           return static_cast<int>(inner.get_results().size());
         },
         [&](DurableContext& c) {
           return c.step([&](StepContext&) {
             branch1_ran = true;
             return 7;
           });
         }},
        "outer", {.completion_config = CompletionConfig::first_successful()});
    return Json{{"reason", std::string(to_string(r.completion_reason()))},
                {"results", r.get_results()}};
  };
  const Json out = run_ok(client, handler);
  EXPECT_EQ(out["reason"], "MIN_SUCCESSFUL_REACHED");
  EXPECT_EQ(out["results"], Json({7}));
  EXPECT_TRUE(branch1_ran.load());
  EXPECT_LT(inner_runs.load(), 200);  // not all: the nested items saw the stop
}

}  // namespace
}  // namespace durable
