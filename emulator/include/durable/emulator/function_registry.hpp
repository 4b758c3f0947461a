// FunctionRegistry: the functions the emulator can invoke, by name. A durable function receives
// the invocation envelope and returns the invocation output, exactly as a Lambda function with a
// DurableConfig does.
#pragma once

#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "durable/model/envelope.hpp"

namespace durable::emulator {

using DurableFunction =
    std::function<DurableExecutionInvocationOutput(const DurableExecutionInvocationInput&)>;

class FunctionRegistry {
 public:
  // Registers (or replaces) `name`. Thread-safe.
  void register_durable_function(const std::string& name, DurableFunction fn);
  // The function registered under `name` (qualifier suffixes like ":$LATEST" are ignored), or
  // std::nullopt. Thread-safe; the returned copy may be called without holding any lock.
  std::optional<DurableFunction> find(const std::string& name) const;
  bool contains(const std::string& name) const;

 private:
  mutable std::mutex mu_;
  std::map<std::string, DurableFunction, std::less<>> durable_;
};

}  // namespace durable::emulator
