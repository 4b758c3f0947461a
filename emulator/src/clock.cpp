#include "durable/emulator/clock.hpp"

namespace durable::emulator {
namespace {

Timestamp wall_now() {
  return std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());
}

}  // namespace

Timestamp SystemClock::now() const { return wall_now(); }

VirtualClock::VirtualClock() : now_(wall_now()) {}
VirtualClock::VirtualClock(Timestamp start) : now_(start) {}

Timestamp VirtualClock::now() const {
  std::lock_guard lock(mu_);
  return now_;
}

void VirtualClock::advance(std::chrono::milliseconds by) {
  std::lock_guard lock(mu_);
  // A negative step would move time backwards, which the contract forbids.
  if (by.count() > 0) now_ += by;
}

void VirtualClock::advance_to(Timestamp t) {
  std::lock_guard lock(mu_);
  if (t > now_) now_ = t;
}

}  // namespace durable::emulator
