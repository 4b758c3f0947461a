#include "durable/emulator/function_registry.hpp"

#include <stdexcept>
#include <string_view>

namespace durable::emulator {
namespace {

// The bare function name of `name`: a full ARN
// (arn:aws:lambda:<region>:<account>:function:<fn>[:<qualifier>]) or a partial
// `<fn>:<qualifier>` both reduce to `<fn>`, because invoke targets may be spelt either way.
std::string_view bare_name(std::string_view name) {
  constexpr std::string_view kFunctionMarker = ":function:";
  if (name.starts_with("arn:")) {
    auto pos = name.find(kFunctionMarker);
    if (pos != std::string_view::npos) name.remove_prefix(pos + kFunctionMarker.size());
  }
  auto colon = name.find(':');
  if (colon != std::string_view::npos) name = name.substr(0, colon);
  return name;
}

}  // namespace

void FunctionRegistry::register_durable_function(const std::string& name, DurableFunction fn) {
  if (name.empty()) throw std::invalid_argument("register_durable_function: empty function name");
  if (!fn) throw std::invalid_argument("register_durable_function: empty function for " + name);
  std::lock_guard lock(mu_);
  durable_[name] = std::move(fn);
}

std::optional<DurableFunction> FunctionRegistry::find(const std::string& name) const {
  std::lock_guard lock(mu_);
  if (auto it = durable_.find(name); it != durable_.end()) return it->second;
  if (auto it = durable_.find(bare_name(name)); it != durable_.end()) return it->second;
  return std::nullopt;
}

bool FunctionRegistry::contains(const std::string& name) const { return find(name).has_value(); }

}  // namespace durable::emulator
