#include "step_crash_fault.hpp"

#include <algorithm>
#include <utility>

#include "durable/model/api_error.hpp"

namespace durable::testing::detail {

StepCrashFault::StepCrashFault(std::chrono::milliseconds flush_window, OnCrash on_crash)
    : flush_window_(flush_window), on_crash_(std::move(on_crash)) {}

void StepCrashFault::add(std::string step, std::chrono::milliseconds after) {
  std::lock_guard lock(mu_);
  targets_.push_back({std::move(step), after});
}

std::string StepCrashFault::describe(const Target& t) const {
  return "step \"" + t.step + "\" ran, " + std::to_string(t.after.count()) +
         " ms after its body started";
}

void StepCrashFault::die(const std::string& why) {
  throw ApiError::service("Simulated crash: the process died while " + why +
                          "; this checkpoint never reached the service");
}

CheckpointDurableExecutionResponse StepCrashFault::checkpoint(
    const CheckpointDurableExecutionRequest& request, const Send& send) {
  std::lock_guard lock(mu_);
  if (crashed_) die(*crashed_);
  if (armed_) {
    // The body started after its START went out; whatever the invocation sends next comes after
    // the crash.
    const Target& t = targets_[*armed_];
    armed_.reset();
    crashed_ = describe(t);
    if (on_crash_) on_crash_(t.after);
    die(*crashed_);
  }
  const auto& updates = request.updates;
  for (std::size_t ti = 0; ti < targets_.size(); ++ti) {
    Target& t = targets_[ti];
    if (t.fired) continue;
    const auto start = std::find_if(updates.begin(), updates.end(), [&](const OperationUpdate& u) {
      return u.type == OperationType::Step && u.action == OperationAction::Start &&
             (u.id == t.step || u.name == t.step);
    });
    if (start == updates.end()) continue;
    t.fired = true;
    const bool body_ended_in_batch =
        std::any_of(start + 1, updates.end(), [&](const OperationUpdate& u) { return u.id == start->id; });
    if (!body_ended_in_batch) {
      // Sent before the body ran (AT_MOST_ONCE's synchronous START) or while it ran (a flush):
      // it reaches the service, and the process dies after it.
      armed_ = ti;
      return send(request);
    }
    // The batch holds the body's end, so in the crashed process it was never sent. The
    // background flush would have sent what was queued up to the START once the window passed.
    crashed_ = describe(t);
    if (flush_window_ > std::chrono::milliseconds(0) && t.after >= flush_window_) {
      CheckpointDurableExecutionRequest flushed = request;
      flushed.updates.resize(static_cast<std::size_t>(start - updates.begin()) + 1);
      try {
        (void)send(flushed);
      } catch (const ApiError&) {
        // Refused by the service (another injected fault): the process dies all the same.
      }
    }
    if (on_crash_) on_crash_(t.after);
    die(*crashed_);
  }
  return send(request);
}

void StepCrashFault::begin_invocation() {
  std::lock_guard lock(mu_);
  armed_.reset();
  crashed_.reset();
}

std::optional<ErrorObject> StepCrashFault::end_invocation(const std::string& request_id) {
  std::lock_guard lock(mu_);
  if (armed_) {
    const Target& t = targets_[*armed_];
    armed_.reset();
    crashed_ = describe(t);
    if (on_crash_) on_crash_(t.after);
  }
  if (!crashed_) return std::nullopt;
  ErrorObject error{"Runtime.ExitError",
                    "RequestId: " + request_id +
                        " Error: Runtime exited without providing a reason (simulated crash: " +
                        *crashed_ + ")",
                    std::nullopt, std::nullopt};
  crashed_.reset();
  return error;
}

}  // namespace durable::testing::detail
