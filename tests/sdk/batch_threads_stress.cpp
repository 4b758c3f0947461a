// parallel/map borrow their workers from the process-wide WorkerPool: threads are reused across
// item groups, batches and invocations, max_concurrency still bounds the overlap, nested batches
// finish however small the pool is, and pool threads carry nothing from one batch to the next.
// Label `concurrency` (run under ThreadSanitizer).
#include <gtest/gtest.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <dirent.h>
#include <mutex>
#include <set>
#include <stdexcept>
#include <thread>

#include "durable/durable.hpp"
#include "fake_checkpoint_client.hpp"
#include "stress_support.hpp"
#include "thread_schedule.hpp"
#include "worker_pool.hpp"

namespace durable {
namespace {

using namespace std::chrono_literals;
using detail::WorkerPool;
using test::FakeCheckpointClient;
using test::Overlap;

long this_tid() { return static_cast<long>(::syscall(SYS_gettid)); }

// The ids of the threads alive in this process now.
std::set<long> live_tids() {
  std::set<long> out;
  if (DIR* dir = ::opendir("/proc/self/task")) {
    while (const dirent* entry = ::readdir(dir)) {
      if (entry->d_name[0] != '.') out.insert(std::stol(entry->d_name));
    }
    ::closedir(dir);
  }
  return out;
}

// The threads that ran item bodies (thread-safe).
class Tids {
 public:
  void record() {
    const std::lock_guard<std::mutex> lock(mu_);
    tids_.insert(this_tid());
  }
  std::set<long> get() const {
    const std::lock_guard<std::mutex> lock(mu_);
    return tids_;
  }
  std::size_t count_not_in(const std::set<long>& before) const {
    const std::lock_guard<std::mutex> lock(mu_);
    std::size_t n = 0;
    for (long t : tids_) n += before.count(t) == 0 ? 1 : 0;
    return n;
  }

 private:
  mutable std::mutex mu_;
  std::set<long> tids_;
};

// Bodies that each wait until `n` of them run at once (or 20 s pass): only a batch that gives
// them n threads lets them through, so the batch provably used n - 1 workers.
class Rendezvous {
 public:
  explicit Rendezvous(int n) : n_(n) {}
  bool arrive() {
    std::unique_lock<std::mutex> lock(mu_);
    ++arrived_;
    all_in_.notify_all();
    return all_in_.wait_for(lock, 20s, [&] { return arrived_ >= n_; });
  }

 private:
  int n_;
  std::mutex mu_;
  std::condition_variable all_in_;
  int arrived_ = 0;
};

// Caps the process pool for one test and restores the cap after.
class PoolCap {
 public:
  explicit PoolCap(std::size_t max) : before_(WorkerPool::process().max_threads()) {
    WorkerPool::process().set_max_threads(max);
  }
  ~PoolCap() { WorkerPool::process().set_max_threads(before_); }
  PoolCap(const PoolCap&) = delete;
  PoolCap& operator=(const PoolCap&) = delete;

 private:
  std::size_t before_;
};

DurableExecutionInvocationOutput run(FakeCheckpointClient& client, const Handler& handler) {
  return run_invocation(handler, client.next_input(), client);
}

Json run_ok(FakeCheckpointClient& client, const Handler& handler) {
  auto out = run(client, handler);
  EXPECT_EQ(out.status, InvocationStatus::Succeeded)
      << (out.error ? out.error->error_message.value_or("") : "");
  return out.result ? Json::parse(*out.result) : Json();
}

TEST(BatchThreads, ItemGroupsOfOneMapShareAFewThreads) {
  // Every eighth item is slow, so workers are added while it runs and retire when the short
  // items after it run back to back: each such group used to cost a new OS thread. Now only a
  // handful of threads is ever new (the pool may be empty when the test starts); the bound is
  // twice the limit because a retiring worker's thread parks a moment after it leaves its batch.
  FakeCheckpointClient client;
  Tids tids;
  constexpr std::size_t kLimit = 4;
  std::set<long> before;
  Handler handler = [&](const Json&, DurableContext& ctx) {
    before = live_tids();
    std::vector<int> items(400);
    for (std::size_t i = 0; i < items.size(); ++i) items[i] = static_cast<int>(i);
    auto r = ctx.map(items,
                     [&](DurableContext& c, const int& item, std::size_t, const std::vector<int>&) {
                       return c.step([&](StepContext&) {
                         tids.record();
                         if (item % 8 == 0) std::this_thread::sleep_for(2ms);
                         return item;
                       });
                     },
                     "map", {.max_concurrency = kLimit});
    long sum = 0;
    for (int v : r.get_results()) sum += v;
    return Json(sum);
  };
  EXPECT_EQ(run_ok(client, handler), Json(399 * 400 / 2));
  EXPECT_LE(tids.count_not_in(before), 2 * kLimit) << tids.get().size() << " threads ran items";
}

TEST(BatchThreads, ASecondBatchAndASecondInvocationCreateNoThread) {
  // Each batch needs three workers at once (its bodies wait for each other): the first batch
  // may create them, the second batch of the same invocation and the batch of the next
  // invocation find them parked in the pool.
  std::set<long> after_first;
  Tids later;
  auto batch = [](DurableContext& ctx, const char* name, Tids* record) {
    auto rendezvous = std::make_shared<Rendezvous>(4);
    std::vector<int> items{0, 1, 2, 3};
    return ctx
        .map(items,
             [rendezvous, record](DurableContext& c, const int&, std::size_t,
                                  const std::vector<int>&) {
               return c.step([rendezvous, record](StepContext&) {
                 if (record) record->record();
                 return rendezvous->arrive();
               });
             },
             name, {.max_concurrency = 4})
        .get_results();
  };
  {
    FakeCheckpointClient client;
    Handler handler = [&](const Json&, DurableContext& ctx) {
      Json first = batch(ctx, "first", nullptr);
      after_first = live_tids();
      Json second = batch(ctx, "second", &later);
      return Json::array({first, second});
    };
    EXPECT_EQ(run_ok(client, handler),
              Json::array({{true, true, true, true}, {true, true, true, true}}));
  }
  {
    FakeCheckpointClient client;
    Handler handler = [&](const Json&, DurableContext& ctx) {
      return Json(batch(ctx, "third", &later));
    };
    EXPECT_EQ(run_ok(client, handler), Json({true, true, true, true}));
  }
  EXPECT_EQ(later.count_not_in(after_first), 0u) << "threads were created after the first batch";
}

TEST(BatchThreads, MaxConcurrencyStillBoundsTheOverlapWithAWarmPool) {
  // Warm the pool with more threads than the limit, then check a map and two nested maps never
  // run more bodies at once than their limits.
  {
    FakeCheckpointClient client;
    auto rendezvous = std::make_shared<Rendezvous>(8);
    Handler warm = [&](const Json&, DurableContext& ctx) {
      std::vector<int> items(8, 0);
      return Json(ctx.map(items,
                          [&](DurableContext& c, const int&, std::size_t, const std::vector<int>&) {
                            return c.step([&](StepContext&) { return rendezvous->arrive(); });
                          })
                      .get_results());
    };
    run_ok(client, warm);
  }
  FakeCheckpointClient client;
  Overlap flat;
  Overlap inner_a;
  Overlap inner_b;
  auto slow_map = [](DurableContext& ctx, Overlap& overlap, std::size_t limit) {
    std::vector<int> items(12, 1);
    return ctx
        .map(items,
             [&overlap](DurableContext& c, const int& item, std::size_t, const std::vector<int>&) {
               return c.step([&overlap, item](StepContext&) {
                 overlap.enter();
                 std::this_thread::sleep_for(5ms);
                 overlap.leave();
                 return item;
               });
             },
             "slow", {.max_concurrency = limit})
        .get_results()
        .size();
  };
  Handler handler = [&](const Json&, DurableContext& ctx) {
    const std::size_t a = slow_map(ctx, flat, 3);
    auto nested = ctx.parallel<std::size_t>(
        {[&](DurableContext& c) { return slow_map(c, inner_a, 2); },
         [&](DurableContext& c) { return slow_map(c, inner_b, 2); }});
    return Json::array({a, nested.get_results()});
  };
  EXPECT_EQ(run_ok(client, handler), Json::array({12, {12, 12}}));
  EXPECT_LE(flat.peak(), 3);
  EXPECT_LE(inner_a.peak(), 2);
  EXPECT_LE(inner_b.peak(), 2);
  EXPECT_GE(flat.peak(), 1);
}

// parallel branches, each a child context running a map whose items run a small parallel:
// batches three deep, with slow steps so every level wants workers.
Handler nested_handler() {
  return [](const Json&, DurableContext& ctx) {
    auto branch = [](int base) {
      return [base](DurableContext& b) {
        return b.run_in_child_context(
            [base](DurableContext& child) {
              std::vector<int> items{1, 2, 3, 4, 5, 6};
              auto r = child.map(
                  items,
                  [base](DurableContext& c, const int& item, std::size_t,
                         const std::vector<int>&) {
                    auto inner = c.parallel<int>(
                        {[item](DurableContext& p) {
                           return p.step([item](StepContext&) {
                             std::this_thread::sleep_for(1ms);
                             return item;
                           });
                         },
                         [base](DurableContext& p) {
                           return p.step([base](StepContext&) { return base; });
                         }});
                    int sum = 0;
                    for (int v : inner.get_results()) sum += v;
                    return sum;
                  },
                  "items", {.max_concurrency = 3});
              int sum = 0;
              for (int v : r.get_results()) sum += v;
              return sum;
            },
            "child");
      };
    };
    auto r = ctx.parallel<int>({branch(100), branch(200), branch(300)});
    return Json(r.get_results());
  };
}

TEST(BatchThreads, NestedBatchesFinishOnABoundedPool) {
  // A pool thread that runs a branch is the caller of the branch's nested batch and runs its
  // items itself; it never waits for a free pool thread. So the nested batches finish with a
  // pool of any size, none at all included.
  const Json expected = {21 + 600, 21 + 1200, 21 + 1800};
  for (std::size_t cap : {0u, 1u, 2u, 5u}) {
    PoolCap bound(cap);
    FakeCheckpointClient client;
    EXPECT_EQ(run_ok(client, nested_handler()), expected) << "pool of " << cap << " threads";
  }
}

TEST(BatchThreads, PoolThreadsCarryNothingFromOneBatchToTheNext) {
  // Failures, suspensions and stopped stragglers end items on pool threads; the next invocation's
  // batches on the same threads behave as on fresh ones.
  {
    FakeCheckpointClient client;
    Handler failing = [](const Json&, DurableContext& ctx) {
      std::vector<int> items{0, 1, 2, 3, 4, 5};
      auto r = ctx.map(
          items,
          [](DurableContext& c, const int& item, std::size_t, const std::vector<int>&) {
            return c.step([item](StepContext&) -> int {
              std::this_thread::sleep_for(1ms);
              if (item % 2 == 1) throw std::runtime_error("odd " + std::to_string(item));
              return item;
            },
                          "s", {.retry_strategy = retry_presets::none()});
          },
          "map", {.max_concurrency = 3, .completion_config = CompletionConfig{std::nullopt, 3, std::nullopt}});
      return Json{{"failed", r.failure_count()}, {"succeeded", r.success_count()}};
    };
    EXPECT_EQ(run_ok(client, failing), (Json{{"failed", 3}, {"succeeded", 3}}));
  }
  {
    FakeCheckpointClient client;
    Handler suspending = [](const Json&, DurableContext& ctx) {
      auto r = ctx.parallel<int>(
          {[](DurableContext& c) {
             c.wait(Duration::from_seconds(1));
             return 1;
           },
           [](DurableContext& c) {
             return c.step([](StepContext&) {
               std::this_thread::sleep_for(2ms);
               return 2;
             });
           }});
      return Json(r.get_results());
    };
    EXPECT_EQ(run(client, suspending).status, InvocationStatus::Pending);
    client.advance_time();
    EXPECT_EQ(run_ok(client, suspending), Json({1, 2}));
  }
  {
    FakeCheckpointClient client;
    Handler first_wins = [](const Json&, DurableContext& ctx) {
      auto r = ctx.parallel<int>(
          {[](DurableContext& c) {
             for (int i = 0; i < 20; ++i) {
               c.step([](StepContext&) {
                 std::this_thread::sleep_for(2ms);
                 return 0;
               });
             }
             return 0;
           },
           [](DurableContext& c) { return c.step([](StepContext&) { return 7; }); }},
          "first", {.completion_config = CompletionConfig::first_successful()});
      return Json(r.get_results());
    };
    EXPECT_EQ(run_ok(client, first_wins), Json({7}));
  }
  FakeCheckpointClient client;
  EXPECT_EQ(run_ok(client, nested_handler()), Json({621, 1221, 1821}));
}

TEST(BatchThreads, ABatchThatCannotUseWorkersRunsNoPoolTask) {
  // A limit of one, or a single item, leaves nothing for a monitor to add: no pool task starts.
  FakeCheckpointClient client;
  const std::size_t before = WorkerPool::process().tasks_run();
  Handler handler = [](const Json&, DurableContext& ctx) {
    std::vector<int> items(50, 2);
    auto one_at_a_time = ctx.map(
        items,
        [](DurableContext& c, const int& item, std::size_t, const std::vector<int>&) {
          return c.step([item](StepContext&) { return item; });
        },
        "serial", {.max_concurrency = 1});
    auto single = ctx.parallel<int>({[](DurableContext& c) {
      return c.step([](StepContext&) { return 1; });
    }});
    return Json::array({one_at_a_time.get_results().size(), single.get_results()});
  };
  EXPECT_EQ(run_ok(client, handler), Json::array({50, {1}}));
  EXPECT_EQ(WorkerPool::process().tasks_run(), before);
}

// --- the monitor asks the scheduler before it adds a worker

// Replaces the scheduler readings for one test and restores the real ones after.
// `hold`: how long the monitor may hold a worker back (zero: the SDK's own limit).
class ScheduleReader {
 public:
  explicit ScheduleReader(detail::ScheduleTimesReader reader,
                          std::chrono::nanoseconds hold = std::chrono::nanoseconds(0)) {
    detail::set_schedule_times_reader_for_testing(reader);
    detail::set_preempted_hold_limit_for_testing(hold);
  }
  ~ScheduleReader() {
    detail::set_schedule_times_reader_for_testing(nullptr);
    detail::set_preempted_hold_limit_for_testing(std::chrono::nanoseconds(0));
  }
  ScheduleReader(const ScheduleReader&) = delete;
  ScheduleReader& operator=(const ScheduleReader&) = delete;
};

// Every reading finds an hour more spent waiting for a CPU: a thread that is only preempted.
std::optional<detail::ScheduleTimes> always_waiting_for_cpu(long) {
  static std::atomic<std::int64_t> hours{0};
  return detail::ScheduleTimes{0, ++hours * 3'600'000'000'000};
}
// Every reading finds no time spent waiting for a CPU: a thread that is blocked or computing.
std::optional<detail::ScheduleTimes> never_waiting_for_cpu(long) {
  return detail::ScheduleTimes{1'000'000, 0};
}

Handler sleeping_map(int items, int max_concurrency) {
  return [items, max_concurrency](const Json&, DurableContext& ctx) {
    std::vector<int> values(static_cast<std::size_t>(items), 1);
    auto batch = ctx.map(
        values,
        [](DurableContext& c, const int& v, std::size_t, const std::vector<int>&) {
          return c.step([v](StepContext&) {
            std::this_thread::sleep_for(3ms);
            return v;
          });
        },
        "sleepy", {.max_concurrency = max_concurrency});
    return Json(batch.get_results().size());
  };
}

TEST(BatchThreads, APreemptedCallerGetsNoWorker) {
  // The caller sleeps in every body, so the monitor sees a stall each time; the scheduler says
  // the caller was only waiting for a CPU, so a worker would not help and none is added (the
  // hold limit raised to an hour, so that no stall is long enough to add one anyway).
  const ScheduleReader reader(always_waiting_for_cpu, std::chrono::hours(1));
  FakeCheckpointClient client;
  const std::size_t before = WorkerPool::process().tasks_run();
  EXPECT_EQ(run_ok(client, sleeping_map(8, 4)), Json(8));
  EXPECT_EQ(WorkerPool::process().tasks_run() - before, 1u);  // the monitor only
}

TEST(BatchThreads, APreemptedCallerStillGetsAWorkerAfterTheHoldLimit) {
  // Siblings that wait for each other on a machine that stays loaded: the monitor holds the
  // worker back only for the hold limit, then adds it, and both get through.
  const ScheduleReader reader(always_waiting_for_cpu);
  FakeCheckpointClient client;
  Rendezvous two(2);
  std::atomic<int> through{0};
  Handler handler = [&](const Json&, DurableContext& ctx) {
    std::vector<int> values(2, 1);
    auto batch = ctx.map(
        values,
        [&](DurableContext& c, const int& v, std::size_t, const std::vector<int>&) {
          return c.step([&, v](StepContext&) {
            if (two.arrive()) ++through;
            return v;
          });
        },
        "together", {.max_concurrency = 2});
    return Json(batch.get_results().size());
  };
  EXPECT_EQ(run_ok(client, handler), Json(2));
  EXPECT_EQ(through.load(), 2);
}

TEST(BatchThreads, ABlockedCallerStillGetsWorkersUpToTheLimit) {
  // Bodies that wait for each other: only workers let them through, and the scheduler says the
  // caller is not waiting for a CPU (it is blocked), so the monitor adds them.
  const ScheduleReader reader(never_waiting_for_cpu);
  FakeCheckpointClient client;
  Rendezvous three(3);
  std::atomic<int> through{0};
  Handler handler = [&](const Json&, DurableContext& ctx) {
    std::vector<int> values(3, 1);
    auto batch = ctx.map(
        values,
        [&](DurableContext& c, const int& v, std::size_t, const std::vector<int>&) {
          return c.step([&, v](StepContext&) {
            if (three.arrive()) ++through;
            return v;
          });
        },
        "together", {.max_concurrency = 3});
    return Json(batch.get_results().size());
  };
  EXPECT_EQ(run_ok(client, handler), Json(3));
  EXPECT_EQ(through.load(), 3);
}

TEST(BatchThreads, ReadingsTheSchedulerCannotGiveLeaveTheOldRule) {
  // No readings (no /proc, say): the monitor adds workers as it did without the check.
  const ScheduleReader reader([](long) -> std::optional<detail::ScheduleTimes> {
    return std::nullopt;
  });
  FakeCheckpointClient client;
  Rendezvous two(2);
  std::atomic<int> through{0};
  Handler handler = [&](const Json&, DurableContext& ctx) {
    auto branch = [&](DurableContext& c) {
      return c.step([&](StepContext&) { return two.arrive() ? ++through : 0; });
    };
    auto batch = ctx.parallel<int>({branch, branch});
    return Json(batch.get_results().size());
  };
  EXPECT_EQ(run_ok(client, handler), Json(2));
  EXPECT_EQ(through.load(), 2);
}

TEST(ThreadSchedule, ReadsThisThreadsTimes) {
  const auto times = detail::schedule_times(detail::current_thread_id());
  ASSERT_TRUE(times.has_value());  // Linux with /proc
  EXPECT_GT(times->run_ns, 0);
  EXPECT_GE(times->wait_ns, 0);
  EXPECT_EQ(detail::current_thread_id(), this_tid());
  EXPECT_FALSE(detail::schedule_times(-1).has_value());
}

TEST(ThreadSchedule, MostlyWaitedMeansAtLeastHalfTheTime) {
  const detail::ScheduleTimes before{1000, 5000};
  EXPECT_TRUE(detail::mostly_waited_for_cpu(before, {1100, 5500}, 1000));
  EXPECT_TRUE(detail::mostly_waited_for_cpu(before, {1000, 6000}, 1000));
  EXPECT_FALSE(detail::mostly_waited_for_cpu(before, {1900, 5100}, 1000));  // computing
  EXPECT_FALSE(detail::mostly_waited_for_cpu(before, {1000, 5000}, 1000));  // blocked
  EXPECT_FALSE(detail::mostly_waited_for_cpu(before, {1000, 4000}, 1000));  // bad reading
  EXPECT_FALSE(detail::mostly_waited_for_cpu(before, {1000, 9000}, 0));
}

// --- the pool on its own

TEST(WorkerPool, ReusesAParkedThreadAndWaitsForAGroup) {
  WorkerPool pool(4, 60s);
  WorkerPool::Group group;
  std::atomic<int> ran{0};
  for (int i = 0; i < 20; ++i) {
    ASSERT_TRUE(pool.run(group, [&] { ++ran; }));
    pool.wait(group);  // the thread is parked again once its task counts as done
  }
  EXPECT_EQ(ran.load(), 20);
  EXPECT_EQ(pool.threads_created(), 1u);
  EXPECT_EQ(pool.tasks_run(), 20u);
}

TEST(WorkerPool, RefusesATaskWhenEveryAllowedThreadIsBusy) {
  WorkerPool pool(2, 60s);
  WorkerPool::Group group;
  test::Gate gate;
  auto blocked = [&] { gate.wait(); };
  ASSERT_TRUE(pool.run(group, blocked));
  ASSERT_TRUE(pool.run(group, blocked));
  EXPECT_FALSE(pool.run(group, [] {}));
  gate.open();
  pool.wait(group);
  EXPECT_TRUE(pool.run(group, [] {}));
  pool.wait(group);
  EXPECT_EQ(pool.threads_created(), 2u);
}

TEST(WorkerPool, ParkedThreadsIdleOut) {
  WorkerPool pool(4, 5ms);
  WorkerPool::Group group;
  // Each task holds its thread until all three are submitted: a task that finished early would
  // park its thread, and the next run() would reuse it instead of creating a third.
  test::Gate gate;
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(pool.run(group, [&] { gate.wait(); }));
  gate.open();
  pool.wait(group);
  EXPECT_EQ(pool.threads_created(), 3u);
  const auto deadline = std::chrono::steady_clock::now() + 20s;
  while (pool.threads_alive() > 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(1ms);
  }
  EXPECT_EQ(pool.threads_alive(), 0u);
  // A task after that gets a new thread.
  ASSERT_TRUE(pool.run(group, [] {}));
  pool.wait(group);
  EXPECT_EQ(pool.threads_created(), 4u);
}

}  // namespace
}  // namespace durable
