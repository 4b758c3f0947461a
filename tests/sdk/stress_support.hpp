// Helpers of the concurrency stress tests (label `concurrency`, run under ThreadSanitizer).
#pragma once

#include <chrono>
#include <map>
#include <mutex>
#include <random>
#include <string>
#include <thread>

#include "durable/durable.hpp"
#include "fake_checkpoint_client.hpp"

namespace durable::test {

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
