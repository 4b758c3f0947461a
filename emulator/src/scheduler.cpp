#include "scheduler.hpp"

namespace durable::emulator::detail {

void Scheduler::request_invocation(ExecutionRecord& exec) {
  if (exec.terminal()) return;
  exec.mark_changed();
  if (exec.in_flight) {
    exec.reinvoke_after_current = true;
    return;
  }
  if (exec.queued) return;
  exec.queued = true;
  ready_.push_back(&exec);
}

ExecutionRecord* Scheduler::take_ready() {
  while (!ready_.empty()) {
    ExecutionRecord* exec = ready_.front();
    ready_.pop_front();
    exec->queued = false;
    exec->mark_changed();
    // An execution may have ended (stop, timeout) after it was queued.
    if (!exec->terminal() && !exec->in_flight) return exec;
  }
  return nullptr;
}

}  // namespace durable::emulator::detail
