// Scheduler: decides when executions are invoked. It owns the ready queue (executions whose next
// invocation may start now, at most one in flight each) and the timer queue. Guarded by the
// Service's lock.
#pragma once

#include <deque>

#include "execution_record.hpp"
#include "timer_queue.hpp"

namespace durable::emulator::detail {

class Scheduler {
 public:
  // Something happened that the handler must see (timer fired, callback or invoke finished, a
  // failed invocation's back-off elapsed). Queues an invocation now, or — when one is in flight —
  // remembers to invoke again right after it (PROTOCOL.md §5.4). No-op on terminal executions.
  // A durable invoke target not yet invoked waits instead for the end of its caller's invocation
  // in flight (await_caller).
  void request_invocation(ExecutionRecord& exec);
  // Holds the first invocation of durable target `target` (whose parent has an invocation in
  // flight) until Service::complete_invocation of that invocation releases it: it is not handed
  // out before then, and is wanted again on recovery. Under the service's lock.
  void await_caller(ExecutionRecord& target);
  // Pops the next execution that may be invoked now, or nullptr.
  ExecutionRecord* take_ready();
  bool has_ready() const { return !ready_.empty(); }
  // The execution just became terminal: remembered, oldest first, for eviction.
  void note_finished(ExecutionRecord& exec) { finished_.push_back(&exec); }
  std::deque<ExecutionRecord*>& finished() { return finished_; }
  // Forgets `exec` (being evicted): drops it from the ready queue.
  void forget(const ExecutionRecord& exec) { std::erase(ready_, &exec); }

  TimerQueue& timers() { return timers_; }
  const TimerQueue& timers() const { return timers_; }

 private:
  std::deque<ExecutionRecord*> ready_;
  std::deque<ExecutionRecord*> finished_;  // terminal executions in the order they ended
  TimerQueue timers_;
};

}  // namespace durable::emulator::detail
