// Which C++ handler answers which conformance requirement, and how the runner must be set up
// for it. The registry is filled before the driver runs (fixtures register through
// durable::fixtures::register_conformance_handlers) and only read afterwards; it is not
// thread-safe while being filled.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "durable/emulator/function_registry.hpp"
#include "durable/emulator/service.hpp"
#include "durable/invocation.hpp"
#include "durable/plugin.hpp"

namespace durable::testing::conformance {

// A plain (on-demand, non-durable) function a handler invokes, with its fault hooks.
struct PlainTarget {
  emulator::PlainFunction function;
  emulator::FunctionOptions options{};
};

// A fault the service injects into the k-th (1-based) checkpoint call of the requirement's own
// execution. kCrashAfterApply is how a handler "kills the process" (1-17, 1-18): the checkpoint
// is applied, then the invocation is lost, InvocationCompleted carries Runtime.ExitError, and
// the service invokes the function again.
struct CheckpointFaultInjection {
  std::uint64_t k = 1;
  emulator::CheckpointFaultKind kind = emulator::CheckpointFaultKind::kCrashAfterApply;
};

// Per-requirement runner settings.
struct RequirementSettings {
  // Further durable functions the handler reaches (chained invoke targets), by name.
  std::map<std::string, Handler> durable_functions;
  // Plain functions the handler reaches through chained invokes, by name.
  std::map<std::string, PlainTarget> plain_functions;
  // Faults injected into the execution's checkpoints before its first invocation.
  std::vector<CheckpointFaultInjection> checkpoint_faults;
  // DurableConfig.ExecutionTimeout for the run, when the requirement depends on it.
  std::optional<std::chrono::seconds> execution_timeout;
  // Instrumentation plugins of the handler (plugin requirements 10-*), in registration order.
  // Shared by every run of the requirement, so they should keep no per-execution state.
  std::vector<std::shared_ptr<Plugin>> plugins;
};

struct RegisteredHandler {
  Handler handler;
  RequirementSettings settings;
};

class HandlerRegistry {
 public:
  // Registers the handler for requirement `id` ("1-1"). Throws std::invalid_argument when the id
  // is empty, the handler is empty, or the id is already registered (two fixtures claiming the
  // same requirement is a bug worth stopping for).
  void register_handler(const std::string& id, Handler handler, RequirementSettings settings = {});

  // Sets requirement `id` aside: the driver reports it as skipped with `reason` and does not run
  // it, whether or not a handler is registered. Throws std::invalid_argument for an empty id or
  // reason.
  void skip(const std::string& id, const std::string& reason);

  // The handler for `id`, or nullptr.
  const RegisteredHandler* find(const std::string& id) const;
  // The reason `id` is set aside, if it is.
  std::optional<std::string> skip_reason(const std::string& id) const;
  // Registered ids in requirement order.
  std::vector<std::string> ids() const;
  std::size_t size() const { return handlers_.size(); }

 private:
  std::map<std::string, RegisteredHandler> handlers_;
  std::map<std::string, std::string> skipped_;
};

}  // namespace durable::testing::conformance
