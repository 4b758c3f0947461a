#include "http/driver.hpp"

#include <algorithm>
#include <exception>
#include <utility>

#include "durable/emulator/clock.hpp"
#include "durable/emulator/executor.hpp"

namespace durable::emulator::http {

Driver::Driver(Service& service, FunctionRegistry registry, std::chrono::milliseconds poll)
    : service_(service), registry_(std::move(registry)), poll_(poll) {
  // Chained invokes resolve their targets in the same registry the driver runs from.
  service_.set_function_registry(registry_);
}

Driver::~Driver() { stop(); }

void Driver::start() {
  if (thread_.joinable()) return;
  stopping_ = false;
  last_step_ = std::chrono::steady_clock::now();
  thread_ = std::thread([this] { loop(); });
}

void Driver::notify() {
  {
    std::lock_guard lock(mu_);
    woken_ = true;
  }
  cv_.notify_all();
}

void Driver::stop() {
  stopping_ = true;
  notify();
  if (thread_.joinable()) thread_.join();
}

void Driver::loop() {
  while (!stopping_) {
    bool progressed = false;
    try {
      progressed = step();
    } catch (const std::exception&) {
      // The executor records handler failures itself; anything reaching here is a service
      // refusal of a racing request. The next round retries from the service's current state.
      progressed = false;
    }
    if (!progressed) sleep_until_work();
  }
}

bool Driver::step() {
  Executor executor(service_, registry_);
  const std::size_t ran = executor.run_until_idle();
  bool fired = false;
  const auto real_now = std::chrono::steady_clock::now();
  const auto real_elapsed = real_now - last_step_;
  last_step_ = real_now;
  if (service_.clock().is_virtual()) {
    // Skip time only when nothing can run: an invocation in flight may still arm a sooner timer.
    if (!service_.has_invocation_work()) {
      const auto clock = std::dynamic_pointer_cast<VirtualClock>(service_.shared_clock());
      if (clock != nullptr && service_.has_open_callbacks()) {
        // A client outside holds a callback id: jumping to the next timer would time the
        // callback out before anyone could answer it. Time runs at real speed until it closes.
        clock->advance(std::chrono::duration_cast<std::chrono::milliseconds>(real_elapsed));
        fired = service_.fire_due_timers() > 0;
      } else {
        fired = executor.advance_to_next_timer();
      }
    }
  } else {
    fired = service_.fire_due_timers() > 0;
  }
  return ran > 0 || fired;
}

void Driver::sleep_until_work() {
  auto wait = poll_;
  if (!service_.clock().is_virtual()) {
    if (auto due = service_.next_timer_due()) {
      const auto until = *due - service_.clock().now();
      wait = std::clamp(std::chrono::duration_cast<std::chrono::milliseconds>(until),
                        std::chrono::milliseconds(0), poll_);
    }
  }
  std::unique_lock lock(mu_);
  cv_.wait_for(lock, wait, [this] { return woken_ || stopping_.load(); });
  woken_ = false;
}

}  // namespace durable::emulator::http
