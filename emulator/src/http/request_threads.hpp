// RequestThreads: the task queue the HTTP server hands accepted connections to.
//
// cpp-httplib runs one task per connection, and the task keeps its thread for the connection's
// whole life: every keep-alive request, the idle wait between them, a slow client's headers and
// every long poll. httplib's own pool has a fixed 8 threads, so 8 idle keep-alive connections,
// 8 slow clients or 8 waiting Invokes stopped the server answering anyone. This queue starts a
// new thread whenever a connection arrives and no thread is free, up to `max_threads`; only
// beyond that do connections wait, first come first served. Threads are kept once started (a
// parked thread costs no CPU) and joined by shutdown().
//
// Threads: enqueue() is called by httplib's accept loop, shutdown() by that loop when the server
// stops; the counters may be read from any thread.
#pragma once

#include <httplib.h>

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace durable::emulator::http {

class RequestThreads final : public httplib::TaskQueue {
 public:
  // `max_threads` >= 1: the most connections served at once.
  explicit RequestThreads(std::size_t max_threads);
  ~RequestThreads() override;
  RequestThreads(const RequestThreads&) = delete;
  RequestThreads& operator=(const RequestThreads&) = delete;

  // Runs `fn` on a free thread, on a new one while fewer than max_threads exist, or else queues
  // it until a thread is free.
  void enqueue(std::function<void()> fn) override;
  // Runs what is queued, then joins every thread. Idempotent.
  void shutdown() override;

  std::size_t thread_count() const;

 private:
  void work();

  const std::size_t max_threads_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> jobs_;
  std::vector<std::thread> threads_;
  std::size_t idle_ = 0;
  bool shutdown_ = false;
};

}  // namespace durable::emulator::http
