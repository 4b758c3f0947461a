#include "scheduler.hpp"

namespace durable::emulator::detail {

void Scheduler::request_invocation(ExecutionRecord& exec) {
  if (exec.terminal()) return;
  exec.mark_changed();
  if (exec.in_flight) {
    exec.reinvoke_after_current = true;
    return;
  }
  // Lambda starts a durable invoke target asynchronously, well after the caller that checkpointed
  // its START has suspended; the service's recorded histories show the caller's
  // InvocationCompleted before the target's outcome. So a target's first invocation waits for
  // the end of its caller's invocation in flight (Service::complete_invocation releases it).
  if (exec.parent != nullptr && exec.invocations_started == 0 && exec.parent->in_flight) {
    await_caller(exec);
    return;
  }
  if (exec.queued) return;
  exec.queued = true;
  ready_.push_back(&exec);
}

void Scheduler::await_caller(ExecutionRecord& target) {
  if (target.awaiting_caller) return;
  target.awaiting_caller = true;
  target.mark_changed();
  target.parent->targets_awaiting_invocation_end.push_back(target.arn);
}

ExecutionRecord* Scheduler::take_ready() {
  while (!ready_.empty()) {
    ExecutionRecord* exec = ready_.front();
    ready_.pop_front();
    exec->queued = false;
    exec->mark_changed();
    // An execution may have ended (stop, timeout) after it was queued.
    if (!exec->terminal() && !exec->in_flight && !exec->awaiting_caller) return exec;
  }
  return nullptr;
}

}  // namespace durable::emulator::detail
