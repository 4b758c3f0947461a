#include "worker_pool.hpp"

#include <algorithm>

namespace durable::detail {

namespace {
// Enough for any batch a Lambda function's memory allows; a batch that asks for more overlap
// than this runs the rest of its items on the threads it has.
constexpr std::size_t kProcessMaxThreads = 1024;
// Long enough that the batches of one invocation, and back-to-back invocations, reuse the
// threads; short enough that a burst does not keep hundreds of parked threads around.
constexpr std::chrono::milliseconds kProcessIdleTimeout{10000};
}  // namespace

struct WorkerPool::Thread {
  std::thread thread;
  std::condition_variable wake;
  std::function<void()> task;  // guarded by the pool's mutex
  Group* group = nullptr;
};

WorkerPool& WorkerPool::process() {
  static WorkerPool pool(kProcessMaxThreads, kProcessIdleTimeout);
  return pool;
}

WorkerPool::WorkerPool(std::size_t max_threads, std::chrono::milliseconds idle_timeout)
    : max_threads_(max_threads), idle_timeout_(idle_timeout) {}

WorkerPool::~WorkerPool() {
  std::vector<std::unique_ptr<Thread>> all;
  {
    const std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
    for (Thread* t : parked_) t->wake.notify_one();
    all = std::move(alive_);
    for (auto& t : exited_) all.push_back(std::move(t));
  }
  for (auto& t : all) {
    if (!t->thread.joinable()) continue;
    // exit() called from a task: that thread cannot join itself.
    if (t->thread.get_id() == std::this_thread::get_id()) {
      t->thread.detach();
    } else {
      t->thread.join();
    }
  }
}

void WorkerPool::reap() {
  std::vector<std::unique_ptr<Thread>> done;
  {
    const std::lock_guard<std::mutex> lock(mutex_);
    if (exited_.empty()) return;
    done.swap(exited_);
  }
  for (auto& t : done) t->thread.join();
}

bool WorkerPool::run(Group& group, std::function<void()> task) {
  reap();
  std::unique_lock<std::mutex> lock(mutex_);
  if (stopping_ || alive_.size() - parked_.size() >= max_threads_) return false;
  if (!parked_.empty()) {
    Thread* t = parked_.back();
    parked_.pop_back();
    t->task = std::move(task);
    t->group = &group;
    ++group.running_;
    ++tasks_;
    t->wake.notify_one();
    return true;
  }
  auto fresh = std::make_unique<Thread>();
  Thread* t = fresh.get();
  t->task = std::move(task);
  t->group = &group;
  alive_.push_back(std::move(fresh));
  try {
    // The new thread blocks on mutex_ until this assignment is done.
    t->thread = std::thread([this, t] { loop(t); });
  } catch (...) {
    alive_.pop_back();
    return false;
  }
  ++created_;
  ++tasks_;
  ++group.running_;
  return true;
}

void WorkerPool::wait(Group& group) {
  std::unique_lock<std::mutex> lock(mutex_);
  group.done_.wait(lock, [&] { return group.running_ == 0; });
}

void WorkerPool::loop(Thread* self) {
  std::unique_lock<std::mutex> lock(mutex_);
  for (;;) {
    if (self->task) {
      std::function<void()> task = std::move(self->task);
      self->task = nullptr;
      Group* group = self->group;
      self->group = nullptr;
      lock.unlock();
      task();
      task = nullptr;  // its captures go before the group counts it done
      lock.lock();
      // Parked before the group is told: a batch that returns finds its threads free again.
      if (!stopping_) parked_.push_back(self);
      if (--group->running_ == 0) group->done_.notify_all();
      continue;
    }
    if (stopping_) return;
    if (self->wake.wait_for(lock, idle_timeout_) == std::cv_status::timeout && !self->task &&
        !stopping_) {
      // Idled out: leave the pool; the next run() (or the destructor) joins this thread.
      parked_.erase(std::find(parked_.begin(), parked_.end(), self));
      auto it = std::find_if(alive_.begin(), alive_.end(),
                             [self](const std::unique_ptr<Thread>& t) { return t.get() == self; });
      exited_.push_back(std::move(*it));
      alive_.erase(it);
      return;
    }
  }
}

void WorkerPool::set_max_threads(std::size_t max_threads) {
  const std::lock_guard<std::mutex> lock(mutex_);
  max_threads_ = max_threads;
}

std::size_t WorkerPool::max_threads() const {
  const std::lock_guard<std::mutex> lock(mutex_);
  return max_threads_;
}

std::size_t WorkerPool::threads_created() const {
  const std::lock_guard<std::mutex> lock(mutex_);
  return created_;
}

std::size_t WorkerPool::threads_alive() const {
  const std::lock_guard<std::mutex> lock(mutex_);
  return alive_.size();
}

std::size_t WorkerPool::tasks_run() const {
  const std::lock_guard<std::mutex> lock(mutex_);
  return tasks_;
}

}  // namespace durable::detail
