// FunctionRegistry: the functions the emulator can invoke, by name. A durable function receives
// the invocation envelope and returns the invocation output, exactly as a Lambda function with a
// DurableConfig does; it runs as its own durable execution when a CHAINED_INVOKE targets it. A
// plain (on-demand) function receives the invoke payload as JSON text and returns its result as
// JSON text, or throws to fail the invoke.
//
// A FunctionRegistry is a handle: copies share the same registrations, so the Service can hold
// one (Service::set_function_registry) while the test harness keeps registering through another.
// Every member is thread-safe.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>
#include <utility>

#include "durable/model/envelope.hpp"
#include "durable/model/error_object.hpp"

namespace durable::emulator {

using DurableFunction =
    std::function<DurableExecutionInvocationOutput(const DurableExecutionInvocationInput&)>;
// Called with the invoke's Payload (JSON text; "{}" when the caller sent none). Returns the
// result as JSON text (empty text means null); an exception fails the invoke, its dynamic type
// name (without namespaces) becoming the ErrorType and what() the ErrorMessage.
using PlainFunction = std::function<std::string(const std::string& payload_json)>;

// Thrown by a plain function to fail the invoke with exactly this ErrorObject (type, message,
// data, stack trace) instead of one derived from the exception's class name and what(); the
// test harness uses it to make a function fail with a chosen error.
class FunctionError : public std::runtime_error {
 public:
  explicit FunctionError(ErrorObject error)
      : std::runtime_error(error.error_message.value_or("")), error_(std::move(error)) {}
  const ErrorObject& error() const noexcept { return error_; }

 private:
  ErrorObject error_;
};

// How a registered function behaves when a CHAINED_INVOKE runs it (fault hooks for the harness).
struct FunctionOptions {
  // Plain functions only: virtual run time. The function is called, and its outcome applied to
  // the caller's operation, when the service's clock reaches invoke start + delay. Must be >= 0.
  std::chrono::milliseconds delay{0};
  // The Lambda function timeout. Plain function: when delay >= timeout, the invoke ends TIMED_OUT
  // at start + timeout with ErrorType "Sandbox.Timedout" (the function is still called, its
  // outcome discarded). Durable function: its ExecutionTimeout as a chained-invoke target (default
  // 86400 s); the target execution timing out makes the invoke TIMED_OUT. Must be > 0.
  std::optional<std::chrono::seconds> timeout;
};

// One registration, as found by lookup(): exactly one of `durable` / `plain` is set.
struct RegisteredFunction {
  std::string name;
  DurableFunction durable;
  PlainFunction plain;
  FunctionOptions options;
  bool is_durable() const { return static_cast<bool>(durable); }
};

class FunctionRegistry {
 public:
  FunctionRegistry();

  // Registers (or replaces, whatever its kind) `name`. Throws std::invalid_argument for an empty
  // name, an empty function, a negative delay, a timeout <= 0, or a delay on a durable function
  // (a durable target's time is its own execution's business).
  void register_durable_function(const std::string& name, DurableFunction fn,
                                 FunctionOptions options = {});
  void register_function(const std::string& name, PlainFunction fn, FunctionOptions options = {});

  // The registration of `name`, which may be qualified (`fn:$LATEST`, `fn:1`) or a full or
  // partial ARN (`arn:aws:lambda:<region>:<account>:function:fn[:qualifier]`); std::nullopt when
  // nothing is registered under it. The returned copy may be called without holding any lock.
  std::optional<RegisteredFunction> lookup(const std::string& name) const;
  // The durable function registered under `name` (resolved as lookup() does), or std::nullopt —
  // also for a plain function, which cannot be the target of an execution.
  std::optional<DurableFunction> find(const std::string& name) const;
  // True when `name` resolves to a registration of either kind.
  bool contains(const std::string& name) const;
  // Every registered name (durable and plain), sorted; for listings such as the web console's.
  std::vector<std::string> names() const;

 private:
  struct State;
  std::shared_ptr<State> state_;
};

}  // namespace durable::emulator
