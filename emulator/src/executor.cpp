#include "durable/emulator/executor.hpp"

#include <exception>
#include <thread>

#include "make_error.hpp"

namespace durable::emulator {
namespace {

using ::durable::emulator::detail::make_error;

bool is_done(Service& service, const std::string& arn) {
  return is_terminal(service.get_execution({arn}).status);
}

}  // namespace

Executor::Executor(Service& service, FunctionRegistry& registry)
    : service_(service), registry_(registry) {
  // Chained invokes resolve their targets in the same registrations.
  service_.set_function_registry(registry_);
}

std::size_t Executor::run_until_idle() {
  std::size_t count = 0;
  while (auto pending = service_.take_ready_invocation()) {
    ++count;
    InvocationOutcome outcome;
    auto fn = registry_.find(pending->function_name);
    if (!fn) {
      outcome.error = make_error("ResourceNotFoundException",
                                 "Function not found: " + pending->function_name +
                                     " is not registered with the emulator");
    } else {
      // The function runs without any emulator lock held: it calls back into the service.
      try {
        outcome.output = (*fn)(pending->input);
      } catch (const std::exception& e) {
        outcome.error = make_error("Runtime.UnhandledException", e.what());
      } catch (...) {
        outcome.error =
            make_error("Runtime.UnhandledException", "the function threw a non-standard exception");
      }
    }
    service_.complete_invocation(pending->durable_execution_arn, pending->request_id, outcome);
  }
  return count;
}

bool Executor::advance_to_next_timer() {
  auto clock = service_.shared_clock();
  if (clock->is_virtual()) {
    auto due = service_.next_timer_due();
    if (!due) return false;
    // Only VirtualClock reports is_virtual(), so the cast cannot fail for the shipped clocks.
    if (auto* vc = dynamic_cast<VirtualClock*>(clock.get())) vc->advance_to(*due);
    return service_.fire_due_timers() > 0;
  }
  return service_.fire_due_timers() > 0;
}

bool Executor::run_to_completion(const std::string& arn, std::chrono::milliseconds wall_limit) {
  const auto deadline = std::chrono::steady_clock::now() + wall_limit;
  const bool virtual_time = service_.clock().is_virtual();
  while (true) {
    if (is_done(service_, arn)) return true;
    run_until_idle();
    if (is_done(service_, arn)) return true;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    if (service_.has_invocation_work()) {
      // Another thread's invocation is running; give it the CPU instead of spinning.
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
      continue;
    }
    if (virtual_time) {
      if (!advance_to_next_timer()) return false;
      continue;
    }
    auto due = service_.next_timer_due();
    if (!due) return false;
    // Real time: sleep until the timer is due (bounded by the wall limit), then fire it.
    auto wait = *due - service_.clock().now();
    auto remaining = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (wait > remaining) wait = remaining;
    if (wait.count() > 0) std::this_thread::sleep_for(wait);
    service_.fire_due_timers();
  }
}

}  // namespace durable::emulator
