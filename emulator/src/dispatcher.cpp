#include "dispatcher.hpp"

#include <algorithm>
#include <exception>
#include <stdexcept>
#include <utility>

#include "durable/emulator/clock.hpp"
#include "make_error.hpp"

namespace durable::emulator {
namespace {

using ::durable::emulator::detail::make_error;

}  // namespace

Dispatcher::Dispatcher(Service& service, FunctionRegistry registry, DispatcherOptions options)
    : service_(service), registry_(std::move(registry)), options_(options) {
  if (options_.workers == 0) throw std::invalid_argument("Dispatcher: workers must be > 0");
  service_.set_function_registry(registry_);
}

Dispatcher::~Dispatcher() { stop(); }

void Dispatcher::route(const std::string& name, Handoff handoff) {
  std::lock_guard lock(routes_mu_);
  routes_[name] = std::move(handoff);
}

void Dispatcher::start() {
  if (thread_.joinable()) return;
  stopping_ = false;
  last_step_ = std::chrono::steady_clock::now();
  for (std::size_t i = 0; i < options_.workers; ++i) {
    workers_.emplace_back([this] { worker_loop(); });
  }
  thread_ = std::thread([this] { loop(); });
}

void Dispatcher::notify() {
  {
    std::lock_guard lock(mu_);
    woken_ = true;
  }
  cv_.notify_all();
}

void Dispatcher::stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
    woken_ = true;
  }
  cv_.notify_all();
  work_cv_.notify_all();
  if (thread_.joinable()) thread_.join();
  for (auto& w : workers_) {
    if (w.joinable()) w.join();
  }
  workers_.clear();
  // Invocations taken but never started: report them, so their executions are retried by a
  // later run instead of staying "in flight" forever.
  std::deque<PendingInvocation> left;
  {
    std::lock_guard lock(mu_);
    left.swap(tasks_);
  }
  for (const auto& pending : left) {
    InvocationOutcome outcome{
        std::nullopt,
        make_error("Runtime.ExitError", "the emulator stopped before the invocation started")};
    outcome.abandoned_by_host = true;
    complete(pending.durable_execution_arn, pending.request_id, std::move(outcome));
  }
}

void Dispatcher::loop() {
  while (!stopping_) {
    bool progressed = false;
    try {
      progressed = step();
    } catch (const std::exception&) {
      // A Service refusal of a racing request (e.g. an execution stopped meanwhile): the next
      // round starts from the Service's current state.
      progressed = false;
    }
    if (!progressed) sleep_until_work();
  }
}

bool Dispatcher::step() {
  std::size_t started = 0;
  while (!stopping_) {
    auto pending = service_.take_ready_invocation();
    if (!pending) break;
    ++started;
    dispatch(*pending);
  }
  bool fired = false;
  if (service_.clock().is_virtual()) {
    fired = advance_virtual_clock();
  } else {
    fired = service_.fire_due_timers() > 0;
  }
  return started > 0 || fired;
}

void Dispatcher::dispatch(const PendingInvocation& pending) {
  ++running_;
  Handoff handoff;
  {
    std::lock_guard lock(routes_mu_);
    auto it = routes_.find(pending.function_name);
    if (it != routes_.end()) handoff = it->second;
  }
  if (handoff) {
    auto done = [this, arn = pending.durable_execution_arn,
                 id = pending.request_id](InvocationOutcome outcome) {
      complete(arn, id, std::move(outcome));
    };
    try {
      handoff(pending, std::move(done));
    } catch (const std::exception& e) {
      // The handoff refused before taking ownership: the invocation failed to start.
      complete(pending.durable_execution_arn, pending.request_id,
               InvocationOutcome{std::nullopt, make_error("Runtime.ExitError", e.what())});
    }
    return;
  }
  {
    std::lock_guard lock(mu_);
    tasks_.push_back(pending);
  }
  work_cv_.notify_one();
}

void Dispatcher::worker_loop() {
  while (true) {
    PendingInvocation pending;
    {
      std::unique_lock lock(mu_);
      work_cv_.wait(lock, [this] { return stopping_ || !tasks_.empty(); });
      if (tasks_.empty()) return;  // stopping, nothing left to start
      if (stopping_) return;       // stop() reports what was never started
      pending = std::move(tasks_.front());
      tasks_.pop_front();
    }
    run_in_process(pending);
  }
}

void Dispatcher::run_in_process(const PendingInvocation& pending) {
  InvocationOutcome outcome;
  auto fn = registry_.find(pending.function_name);
  if (!fn) {
    outcome.error = make_error("ResourceNotFoundException",
                               "Function not found: " + pending.function_name +
                                   " is not registered with the emulator");
  } else {
    // No emulator lock is held here: the handler calls back into the Service.
    try {
      outcome.output = (*fn)(pending.input);
    } catch (const std::exception& e) {
      outcome.error = make_error("Runtime.UnhandledException", e.what());
    } catch (...) {
      outcome.error = make_error("Runtime.UnhandledException",
                                 "the function threw a non-standard exception");
    }
  }
  complete(pending.durable_execution_arn, pending.request_id, std::move(outcome));
}

void Dispatcher::complete(const std::string& arn, const std::string& request_id,
                          InvocationOutcome outcome) {
  try {
    service_.complete_invocation(arn, request_id, outcome);
  } catch (const std::exception&) {
    // The execution is gone or no longer waits for this invocation (stopped and evicted):
    // there is nobody left to tell.
  }
  --running_;
  notify();
}

bool Dispatcher::advance_virtual_clock() {
  const auto real_now = std::chrono::steady_clock::now();
  const auto real_elapsed = real_now - last_step_;
  last_step_ = real_now;
  // Skip time only when nothing can run: an invocation in flight may still arm a sooner timer.
  // The Service decides and moves the clock under its lock (an execution started meanwhile must
  // not be skipped past); running_ also covers an invocation between its completion and here.
  if (running_.load() > 0) return false;
  return service_.skip_virtual_time(
             std::chrono::duration_cast<std::chrono::milliseconds>(real_elapsed)) > 0;
}

void Dispatcher::sleep_until_work() {
  auto wait = options_.poll;
  if (!service_.clock().is_virtual()) {
    if (auto due = service_.next_timer_due()) {
      const auto until = *due - service_.clock().now();
      wait = std::clamp(std::chrono::duration_cast<std::chrono::milliseconds>(until),
                        std::chrono::milliseconds(0), options_.poll);
    }
  }
  std::unique_lock lock(mu_);
  cv_.wait_for(lock, wait, [this] { return woken_ || stopping_.load(); });
  woken_ = false;
}

}  // namespace durable::emulator
