// StepCrashFault: DurableRunner::crash_during_step for one execution. It stands between the SDK's
// checkpoint calls and the service and decides, per request, what of it the service would have
// seen had the process died `after` into the named step's body, given the SDK's background flush
// window. See DurableRunner::crash_during_step for the contract.
//
// Thread-safety: checkpoint() may be called from any thread of an invocation (the SDK's flush
// thread, branch threads); begin_invocation()/end_invocation() from the runner's thread between
// invocations. One mutex guards the state and is held while a request reaches the service, so
// a request racing the crash is either wholly before it or refused.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "durable/model/api.hpp"
#include "durable/model/error_object.hpp"

namespace durable::testing::detail {

class StepCrashFault {
 public:
  using Send = std::function<CheckpointDurableExecutionResponse(
      const CheckpointDurableExecutionRequest&)>;
  // Called once when the process dies, with the delay to move the virtual clock by.
  using OnCrash = std::function<void(std::chrono::milliseconds after)>;

  // `flush_window`: the InvocationOptions::checkpoint_flush_window of the handler's invocations
  // (zero: no background flush, so nothing queued is ever sent early).
  StepCrashFault(std::chrono::milliseconds flush_window, OnCrash on_crash);

  // Adds a step to crash in (each fires once, in declaration order when one request matches
  // several).
  void add(std::string step, std::chrono::milliseconds after);

  // Forwards `request` through `send`, forwards only the part the background flush would have
  // sent, or refuses it (ApiError 500) when the process is dead. Rethrows what `send` throws.
  CheckpointDurableExecutionResponse checkpoint(const CheckpointDurableExecutionRequest& request,
                                                const Send& send);

  void begin_invocation();
  // The Runtime.ExitError the service must record for the invocation that just ended, or nullopt
  // when it did not crash. A crash armed by a START whose body never checkpointed again happens
  // here.
  std::optional<ErrorObject> end_invocation(const std::string& request_id);

 private:
  struct Target {
    std::string step;
    std::chrono::milliseconds after;
    bool fired = false;
  };

  [[noreturn]] void die(const std::string& why);
  std::string describe(const Target& t) const;

  std::chrono::milliseconds flush_window_;
  OnCrash on_crash_;
  std::mutex mu_;
  std::vector<Target> targets_;
  // The invocation in flight: a START sent while the body runs arms the crash for the next call.
  std::optional<std::size_t> armed_;
  std::optional<std::string> crashed_;  // why, once dead
};

}  // namespace durable::testing::detail
