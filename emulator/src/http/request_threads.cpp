#include "http/request_threads.hpp"

#include <stdexcept>
#include <utility>

namespace durable::emulator::http {

RequestThreads::RequestThreads(std::size_t max_threads) : max_threads_(max_threads) {
  if (max_threads == 0) throw std::invalid_argument("RequestThreads: max_threads must be >= 1");
}

RequestThreads::~RequestThreads() { shutdown(); }

void RequestThreads::enqueue(std::function<void()> fn) {
  std::unique_lock lock(mu_);
  if (shutdown_) {
    // No thread is left to run it; the task still has to close its socket.
    lock.unlock();
    fn();
    return;
  }
  jobs_.push_back(std::move(fn));
  // Every queued job needs a thread of its own: a connection may hold it for minutes.
  if (jobs_.size() > idle_ && threads_.size() < max_threads_) {
    threads_.emplace_back([this] { work(); });
  }
  cv_.notify_one();
}

void RequestThreads::shutdown() {
  std::vector<std::thread> threads;
  {
    std::lock_guard lock(mu_);
    shutdown_ = true;
    threads.swap(threads_);
  }
  cv_.notify_all();
  for (auto& t : threads) t.join();
}

std::size_t RequestThreads::thread_count() const {
  std::lock_guard lock(mu_);
  return threads_.size();
}

void RequestThreads::work() {
  std::unique_lock lock(mu_);
  while (true) {
    ++idle_;
    cv_.wait(lock, [this] { return !jobs_.empty() || shutdown_; });
    --idle_;
    if (jobs_.empty()) return;  // shut down and nothing left to run
    auto job = std::move(jobs_.front());
    jobs_.pop_front();
    lock.unlock();
    job();
    lock.lock();
  }
}

}  // namespace durable::emulator::http
