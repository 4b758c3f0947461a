// Dispatcher: keeps the executions of a Service moving when no one drives them by hand (the HTTP
// server's background engine; DESIGN.md §7). It takes every invocation the Service has ready and
// starts it at once, so invocations of different executions run at the same time; the Service
// hands out at most one invocation per execution, so one execution never runs twice at once.
//
//   - In-process functions (the FunctionRegistry's) run on a bounded pool of worker threads.
//   - Functions routed with route() (runtime functions) are handed off without a thread: the
//     handoff queues the invocation for the function's own sandboxes and reports its outcome
//     later, from whichever thread settles it.
//   - Timers: with a real clock they fire when due. With a VirtualClock the clock jumps to the
//     next timer only when nothing is running or ready. While a callback is open, a jump that
//     would move its own execution's next timer is not made and time follows real time instead:
//     timers of other executions that fall before it are still jumped to.
//
// Threads and locks:
//   - the dispatcher thread (start()..stop()) alone takes ready invocations, fires timers and
//     moves the virtual clock; it runs no handler, except plain chained-invoke targets which the
//     Service calls from fire_due_timers();
//   - worker threads (options.workers) run in-process handlers, one invocation each, and report
//     the outcome to the Service themselves;
//   - `mu_` guards the wake flag and the worker task queue only; it is never held while a
//     handler runs or while the Service is called. The Service has its own lock.
//   - handoff completions may come from any thread (HTTP request threads, a queue's watchdog,
//     the Supervisor); they call Service::complete_invocation and notify().
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "durable/emulator/function_registry.hpp"
#include "durable/emulator/service.hpp"

namespace durable::emulator {

struct DispatcherOptions {
  // Threads that run in-process handlers. A hung handler holds one of them and nothing else.
  std::size_t workers = 8;
  // Real clock: the longest the dispatcher sleeps between looks for work it was not told about.
  std::chrono::milliseconds poll{20};
};

class Dispatcher {
 public:
  // Reports how one invocation ended; call exactly once, from any thread.
  using Completion = std::function<void(InvocationOutcome)>;
  // Starts an invocation somewhere else and returns without waiting for it.
  using Handoff = std::function<void(const PendingInvocation&, Completion)>;

  // Also hands `registry` to the Service, so chained invokes resolve their targets there.
  // Throws std::invalid_argument when options.workers is 0.
  Dispatcher(Service& service, FunctionRegistry registry, DispatcherOptions options = {});
  // As stop().
  ~Dispatcher();
  Dispatcher(const Dispatcher&) = delete;
  Dispatcher& operator=(const Dispatcher&) = delete;

  // Invocations of executions of function `name` (the bare name) go to `handoff` instead of a
  // worker. Any thread, before or after start().
  void route(const std::string& name, Handoff handoff);

  // Starts the dispatcher thread and the workers; a second call does nothing.
  void start();
  // Wakes the dispatcher now (new execution, checkpoint, callback): any thread.
  void notify();
  // Stops taking invocations, lets running in-process handlers return, joins every thread.
  // Handed-off invocations end when their owner settles them. Idempotent; not from a worker.
  void stop();

  // Invocations started and not yet reported (tests, logs).
  std::size_t running() const { return running_.load(); }

 private:
  void loop();
  // One round: starts ready invocations, fires timers. True when anything happened.
  bool step();
  void dispatch(const PendingInvocation& pending);
  void run_in_process(const PendingInvocation& pending);
  void complete(const std::string& arn, const std::string& request_id, InvocationOutcome outcome);
  bool advance_virtual_clock();
  void sleep_until_work();
  void worker_loop();

  Service& service_;
  FunctionRegistry registry_;
  DispatcherOptions options_;
  std::atomic<bool> stopping_{false};
  std::atomic<std::size_t> running_{0};

  std::mutex routes_mu_;  // guards routes_ only
  std::map<std::string, Handoff> routes_;

  std::mutex mu_;  // guards woken_ and tasks_
  std::condition_variable cv_;       // the dispatcher thread waits on it
  std::condition_variable work_cv_;  // workers wait on it
  bool woken_ = false;
  std::deque<PendingInvocation> tasks_;

  std::thread thread_;
  std::vector<std::thread> workers_;
  std::chrono::steady_clock::time_point last_step_{};  // dispatcher thread only
};

}  // namespace durable::emulator
