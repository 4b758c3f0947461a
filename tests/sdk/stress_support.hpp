// Helpers of the concurrency stress tests (label `concurrency`, run under ThreadSanitizer).
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <random>
#include <string>
#include <thread>

#include "durable/durable.hpp"
#include "fake_checkpoint_client.hpp"

namespace durable::test {

// The most bodies that ran at the same time: enter() when a body starts, leave() when it ends.
// Any thread.
class Overlap {
 public:
  void enter() {
    const int now = ++running_;
    int peak = peak_.load();
    while (now > peak && !peak_.compare_exchange_weak(peak, now)) {
    }
  }
  void leave() { --running_; }
  int peak() const { return peak_.load(); }

 private:
  std::atomic<int> running_{0};
  std::atomic<int> peak_{0};
};

// Holds every thread that calls wait() until open() is called; open for good after that. Tests
// use it to keep tasks busy until the test has submitted them all. Any thread.
class Gate {
 public:
  void wait() {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [&] { return open_; });
  }
  void open() {
    {
      const std::lock_guard<std::mutex> lock(mu_);
      open_ = true;
    }
    cv_.notify_all();
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool open_ = false;
};

// Sleeps a random 0..max_micros µs: placed right before SDK entry points to shuffle the
// interleaving of branch threads. Any thread.
inline void jitter(int max_micros = 300) {
  static std::mutex mutex;
  static std::mt19937 rng{std::random_device{}()};
  int micros = 0;
  {
    std::lock_guard<std::mutex> lock(mutex);
    micros = static_cast<int>(rng() % static_cast<unsigned>(max_micros));
  }
  std::this_thread::sleep_for(std::chrono::microseconds(micros));
}

// Every operation the fake service holds, by id, as JSON without its timestamps: what must not
// depend on the scheduling.
inline std::map<std::string, std::string> snapshot(const FakeCheckpointClient& client) {
  std::map<std::string, std::string> out;
  for (const auto& op : client.operations()) {
    Json j = op;
    j.erase("StartTimestamp");
    j.erase("EndTimestamp");
    out[op.id] = j.dump();
  }
  return out;
}

}  // namespace durable::test
