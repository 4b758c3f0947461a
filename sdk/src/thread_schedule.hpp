// ThreadSchedule: what the kernel's scheduler says about a thread, for the batch monitor
// (batch.cpp). A started item waits and no worker takes it: adding a worker helps when the busy
// ones are blocked (a slow request, a body that sleeps or waits) or computing (another CPU can
// overlap), but not when they are only waiting for a CPU (a loaded machine): there a new thread
// just competes for the same CPUs, and on Linux it costs a thread start and a malloc arena of
// fresh pages. The monitor tells the cases apart by a thread's run queue time.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>

namespace durable::detail {

// The calling thread's kernel id (gettid), cached per thread. Any thread may call it.
long current_thread_id();

// A thread's total time on a CPU and time runnable but waiting for one, in nanoseconds.
struct ScheduleTimes {
  std::int64_t run_ns = 0;
  std::int64_t wait_ns = 0;
};

// Reads the times of thread `tid` of this process (/proc/self/task/TID/schedstat); nothing where
// they cannot be read (not Linux, no /proc, the thread ended), and callers then decide as if the
// thread were not waiting for a CPU. Any thread may call it.
std::optional<ScheduleTimes> schedule_times(long tid);

// Whether a thread spent at least half of the time between two readings waiting for a CPU.
bool mostly_waited_for_cpu(const ScheduleTimes& before, const ScheduleTimes& after,
                           std::int64_t elapsed_ns);

// The longest the batch monitor holds a worker back because the thread that would need it was
// only waiting for a CPU (4 ms): on a machine that stays loaded, siblings that wait for each
// other (or a body that polls for another's result) must still get their thread. Any thread.
std::chrono::nanoseconds preempted_hold_limit();

// Tests replace the reader (nullptr restores it) and the hold limit (zero restores it). Not for
// production use; any thread may call them.
using ScheduleTimesReader = std::optional<ScheduleTimes> (*)(long tid);
void set_schedule_times_reader_for_testing(ScheduleTimesReader reader);
void set_preempted_hold_limit_for_testing(std::chrono::nanoseconds limit);

}  // namespace durable::detail
