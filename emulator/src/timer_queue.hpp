// TimerQueue: every armed timer of every execution, ordered by due time. Each timer has a key
// (execution, kind, operation id); arming a key again replaces its previous timer, so a timer never
// fires twice and cancelled timers leave nothing behind. Guarded by the Service's lock.
// Every change to an execution's timers marks it (ExecutionRecord::mark_timers_changed), so a
// Service with a store writes its timers again.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "execution_record.hpp"

namespace durable::emulator::detail {

enum class TimerKind {
  kWaitEnd,            // WAIT reaches ScheduledEndTimestamp → SUCCEEDED
  kStepRetry,          // STEP PENDING reaches NextAttemptTimestamp → READY
  kCallbackTimeout,    // CALLBACK TimeoutSeconds elapsed → TIMED_OUT
  kCallbackHeartbeat,  // CALLBACK HeartbeatTimeoutSeconds without heartbeat → TIMED_OUT
  kExecutionTimeout,   // ExecutionTimeout elapsed → execution TIMED_OUT
  kInvocationRetry,    // back-off after a failed invocation elapsed → invoke again
  kInvokeTarget,       // CHAINED_INVOKE with a plain or unknown target: call it / fail it now
};

// The kind's stable name, as a store records it ("WaitEnd", "StepRetry", ...), and back
// (std::nullopt for a name no kind has).
const char* timer_kind_id(TimerKind kind);
std::optional<TimerKind> timer_kind_from_id(std::string_view id);

struct TimerRef {
  ExecutionRecord* exec = nullptr;
  TimerKind kind = TimerKind::kWaitEnd;
  std::string op_id;  // empty for execution-level timers
  Timestamp due{};
};

class TimerQueue {
 public:
  void arm(ExecutionRecord& exec, TimerKind kind, const std::string& op_id, Timestamp due);
  void cancel(ExecutionRecord& exec, TimerKind kind, const std::string& op_id);
  void cancel_all(ExecutionRecord& exec);
  std::optional<Timestamp> next_due() const;
  // Removes and returns the timers due at or before `now`, earliest first.
  std::vector<TimerRef> pop_due(Timestamp now);
  // Same, restricted to `exec` and to operation timers (not execution timeout or invocation retry).
  std::vector<TimerRef> pop_due_operation_timers(ExecutionRecord& exec, Timestamp now);
  // The timers armed for `exec`, earliest first.
  std::vector<TimerRef> armed_for(const ExecutionRecord& exec) const;

 private:
  using Key = std::tuple<std::uint64_t, TimerKind, std::string>;
  // A key to look one up with, without copying the operation id (a step's SUCCEED cancels its
  // retry timer, armed or not).
  using KeyView = std::tuple<std::uint64_t, TimerKind, std::string_view>;
  using Queue = std::multimap<Timestamp, TimerRef>;
  Queue queue_;
  std::map<Key, Queue::iterator, std::less<>> slots_;
};

}  // namespace durable::emulator::detail
