// Clock: where the emulator reads "now". A VirtualClock only moves when told, which is how the
// test harness skips a one-year wait in microseconds; a SystemClock follows the wall clock.
#pragma once

#include <chrono>
#include <mutex>

#include "durable/model/json.hpp"

namespace durable::emulator {

class Clock {
 public:
  virtual ~Clock() = default;
  // Thread-safe.
  virtual Timestamp now() const = 0;
  // True when time only moves through advance_to()/advance(); the executor then jumps to the
  // next timer instead of sleeping.
  virtual bool is_virtual() const = 0;
};

class SystemClock final : public Clock {
 public:
  Timestamp now() const override;
  bool is_virtual() const override { return false; }
};

class VirtualClock final : public Clock {
 public:
  // Starts at `start` (default: the wall clock at construction, truncated to milliseconds).
  VirtualClock();
  explicit VirtualClock(Timestamp start);
  Timestamp now() const override;
  bool is_virtual() const override { return true; }
  // Moves time forward; moving backwards is ignored (time never goes back). Thread-safe.
  void advance(std::chrono::milliseconds by);
  void advance_to(Timestamp t);

 private:
  mutable std::mutex mu_;
  Timestamp now_;
};

}  // namespace durable::emulator
