// WorkerPool: the threads parallel and map borrow for their extra workers and their monitor
// (DESIGN.md §4 Concurrency). One pool serves the whole process: a thread that finished its task
// parks and the next task of any batch, of any invocation, takes it, so no OS thread is created
// per batch or per item group once the pool has warmed up. A thread parked longer than the idle
// timeout exits, so a burst of concurrency does not pin its threads for the process's lifetime.
//
// Why this cannot deadlock however small the pool is: a batch never waits for a pool thread to
// become free. The thread that calls parallel/map always runs items itself; pool threads only
// add overlap. When the pool is at its thread limit (or the system refuses a thread), run()
// returns false at once and the batch goes on with the workers it has. A pool thread that runs
// a branch which starts a nested batch is that batch's caller and runs its items itself.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace durable::detail {

class WorkerPool {
 public:
  // Tasks run through one group are waited for together (a batch's monitor and workers). The
  // count is guarded by the pool's mutex; a group must outlive its tasks (wait() ensures it).
  class Group {
   public:
    Group() = default;
    Group(const Group&) = delete;
    Group& operator=(const Group&) = delete;

   private:
    friend class WorkerPool;
    std::size_t running_ = 0;
    std::condition_variable done_;
  };

  // The process-wide pool (created on first use, stopped at exit).
  static WorkerPool& process();

  // `max_threads`: the most tasks running at once (and so threads alive, but for parked ones
  // about to idle out); `idle_timeout`: how long a parked thread
  // waits for a task before it exits.
  WorkerPool(std::size_t max_threads, std::chrono::milliseconds idle_timeout);
  // Wakes every parked thread and joins all threads; a task still running is waited for.
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  // Runs `task` on a parked thread, or on a new one, as long as fewer than max_threads tasks
  // run. Returns false, without running it, when that limit is reached or the system refused a
  // thread. The task must not throw (like a std::thread's function). The thread is
  // parked again before the task counts as done in `group`. Any thread may call it.
  bool run(Group& group, std::function<void()> task);
  // Blocks until every task run through `group` is done. Any thread may call it.
  void wait(Group& group);

  // Changes the limit of tasks running at once (tests bound the process pool with it); running
  // tasks above a lowered limit finish normally. Any thread may call it.
  void set_max_threads(std::size_t max_threads);
  std::size_t max_threads() const;
  // Threads created since the pool started, and threads alive now (for tests and benchmarks).
  std::size_t threads_created() const;
  std::size_t threads_alive() const;
  // Tasks run since the pool started.
  std::size_t tasks_run() const;

 private:
  struct Thread;
  void loop(Thread* self);
  // Joins threads that idled out (their std::thread objects are kept until then).
  void reap();

  mutable std::mutex mutex_;
  std::size_t max_threads_;
  std::chrono::milliseconds idle_timeout_;
  bool stopping_ = false;
  std::size_t created_ = 0;
  std::size_t tasks_ = 0;
  std::vector<std::unique_ptr<Thread>> alive_;
  std::vector<Thread*> parked_;  // most recently parked last: it is taken first (warm caches)
  std::vector<std::unique_ptr<Thread>> exited_;
};

}  // namespace durable::detail
