// Which C++ handler answers which conformance requirement, and how the runner must be set up
// for it. The registry is filled before the driver runs (fixtures register through
// durable::fixtures::register_conformance_handlers) and only read afterwards; it is not
// thread-safe while being filled.
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "durable/invocation.hpp"

namespace durable::testing::conformance {

// Per-requirement runner settings.
struct RequirementSettings {
  // Further durable functions the handler reaches (chained invoke targets), by name.
  std::map<std::string, Handler> durable_functions;
  // DurableConfig.ExecutionTimeout for the run, when the requirement depends on it.
  std::optional<std::chrono::seconds> execution_timeout;
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
