#include "durable/emulator/function_registry.hpp"

#include <map>
#include <mutex>
#include <stdexcept>

#include "function_names.hpp"

namespace durable::emulator {
namespace {

void validate_options(const std::string& who, const std::string& name,
                      const FunctionOptions& options, bool durable) {
  if (options.delay.count() < 0) {
    throw std::invalid_argument(who + ": negative delay (" +
                                std::to_string(options.delay.count()) + " ms) for " + name);
  }
  if (durable && options.delay.count() != 0) {
    throw std::invalid_argument(who + ": FunctionOptions.delay applies to plain functions only, "
                                      "not to the durable function " + name);
  }
  if (options.timeout && options.timeout->count() <= 0) {
    throw std::invalid_argument(who + ": FunctionOptions.timeout must be positive, got " +
                                std::to_string(options.timeout->count()) + " s for " + name);
  }
}

}  // namespace

struct FunctionRegistry::State {
  mutable std::mutex mu;
  std::map<std::string, RegisteredFunction, std::less<>> functions;

  void put(RegisteredFunction fn) {
    std::lock_guard lock(mu);
    functions[fn.name] = std::move(fn);
  }
};

FunctionRegistry::FunctionRegistry() : state_(std::make_shared<State>()) {}

void FunctionRegistry::register_durable_function(const std::string& name, DurableFunction fn,
                                                 FunctionOptions options) {
  if (name.empty()) throw std::invalid_argument("register_durable_function: empty function name");
  if (!fn) throw std::invalid_argument("register_durable_function: empty function for " + name);
  validate_options("register_durable_function", name, options, /*durable=*/true);
  state_->put(RegisteredFunction{name, std::move(fn), {}, options});
}

void FunctionRegistry::register_function(const std::string& name, PlainFunction fn,
                                         FunctionOptions options) {
  if (name.empty()) throw std::invalid_argument("register_function: empty function name");
  if (!fn) throw std::invalid_argument("register_function: empty function for " + name);
  validate_options("register_function", name, options, /*durable=*/false);
  state_->put(RegisteredFunction{name, {}, std::move(fn), options});
}

std::optional<RegisteredFunction> FunctionRegistry::lookup(const std::string& name) const {
  std::lock_guard lock(state_->mu);
  // An exact match first: a registered name may itself contain what looks like a qualifier.
  if (auto it = state_->functions.find(name); it != state_->functions.end()) return it->second;
  if (auto it = state_->functions.find(detail::bare_function_name(name));
      it != state_->functions.end()) {
    return it->second;
  }
  return std::nullopt;
}

std::optional<DurableFunction> FunctionRegistry::find(const std::string& name) const {
  auto fn = lookup(name);
  if (!fn || !fn->is_durable()) return std::nullopt;
  return fn->durable;
}

bool FunctionRegistry::contains(const std::string& name) const { return lookup(name).has_value(); }

std::vector<std::string> FunctionRegistry::names() const {
  std::lock_guard lock(state_->mu);
  std::vector<std::string> all;
  all.reserve(state_->functions.size());
  for (const auto& entry : state_->functions) all.push_back(entry.first);
  return all;
}

}  // namespace durable::emulator
