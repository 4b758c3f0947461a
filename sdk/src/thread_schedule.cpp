#include "thread_schedule.hpp"

#include <atomic>
#include <cstdio>
#include <cstdlib>

#if defined(__linux__)
#include <fcntl.h>
#include <unistd.h>
#endif

namespace durable::detail {

namespace {
std::atomic<ScheduleTimesReader> test_reader{nullptr};
constexpr std::chrono::nanoseconds kPreemptedHoldLimit = std::chrono::milliseconds(4);
std::atomic<std::int64_t> test_hold_limit_ns{0};

std::optional<ScheduleTimes> read_proc(long tid) {
#if defined(__linux__)
  // open/read rather than stdio: no heap allocation, so the monitor's thread never needs a
  // malloc arena of its own.
  char path[64];
  std::snprintf(path, sizeof path, "/proc/self/task/%ld/schedstat", tid);
  const int fd = ::open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  char text[128];
  const ssize_t got = ::read(fd, text, sizeof text - 1);
  ::close(fd);
  if (got <= 0) return std::nullopt;
  text[got] = '\0';
  char* end = nullptr;
  const long long run = std::strtoll(text, &end, 10);
  if (end == text) return std::nullopt;
  char* after = nullptr;
  const long long wait = std::strtoll(end, &after, 10);
  if (after == end || run < 0 || wait < 0) return std::nullopt;
  return ScheduleTimes{run, wait};
#else
  (void)tid;
  return std::nullopt;
#endif
}
}  // namespace

long current_thread_id() {
#if defined(__linux__)
  thread_local const long id = static_cast<long>(::gettid());
  return id;
#else
  return 0;
#endif
}

std::optional<ScheduleTimes> schedule_times(long tid) {
  if (const ScheduleTimesReader reader = test_reader.load(std::memory_order_acquire)) {
    return reader(tid);
  }
  return read_proc(tid);
}

bool mostly_waited_for_cpu(const ScheduleTimes& before, const ScheduleTimes& after,
                           std::int64_t elapsed_ns) {
  if (elapsed_ns <= 0 || after.wait_ns < before.wait_ns) return false;
  return 2 * (after.wait_ns - before.wait_ns) >= elapsed_ns;
}

std::chrono::nanoseconds preempted_hold_limit() {
  const std::int64_t test = test_hold_limit_ns.load(std::memory_order_acquire);
  return test > 0 ? std::chrono::nanoseconds(test) : kPreemptedHoldLimit;
}

void set_preempted_hold_limit_for_testing(std::chrono::nanoseconds limit) {
  test_hold_limit_ns.store(limit.count(), std::memory_order_release);
}

void set_schedule_times_reader_for_testing(ScheduleTimesReader reader) {
  test_reader.store(reader, std::memory_order_release);
}

}  // namespace durable::detail
