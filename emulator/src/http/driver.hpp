// Driver: the background thread of the HTTP server that keeps executions moving. It runs every
// invocation the Service has ready (through an Executor on its own thread) and fires timers:
// with a real clock when they fall due, with a VirtualClock by jumping to the next one whenever
// nothing is left to run (so a 1-day wait ends at once) — except while a callback is open, when
// the virtual clock follows real time so that a client outside can still answer it.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "durable/emulator/function_registry.hpp"
#include "durable/emulator/service.hpp"

namespace durable::emulator::http {

class Driver {
 public:
  Driver(Service& service, FunctionRegistry registry, std::chrono::milliseconds poll);
  ~Driver();
  Driver(const Driver&) = delete;
  Driver& operator=(const Driver&) = delete;

  // Starts the thread; a second call does nothing.
  void start();
  // Wakes the thread now (new execution, callback, stop): work arrives without waiting a poll.
  // Any thread.
  void notify();
  // Joins the thread after the invocation it is running returns. Idempotent.
  void stop();

 private:
  void loop();
  // One round: runs ready invocations, fires timers. True when anything happened.
  bool step();
  void sleep_until_work();

  Service& service_;
  FunctionRegistry registry_;
  std::chrono::milliseconds poll_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool woken_ = false;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
  std::chrono::steady_clock::time_point last_step_{};  // driver thread only
};

}  // namespace durable::emulator::http
