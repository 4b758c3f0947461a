#include "durable/testing/conformance/handler_registry.hpp"

#include <algorithm>
#include <stdexcept>

#include "durable/testing/conformance/requirement.hpp"

namespace durable::testing::conformance {

void HandlerRegistry::register_handler(const std::string& id, Handler handler,
                                       RequirementSettings settings) {
  if (id.empty()) throw std::invalid_argument("register_handler: empty requirement id");
  if (!handler) throw std::invalid_argument("register_handler: empty handler for requirement " + id);
  if (handlers_.count(id) != 0) {
    throw std::invalid_argument("register_handler: requirement " + id + " already has a handler");
  }
  handlers_.emplace(id, RegisteredHandler{std::move(handler), std::move(settings)});
}

void HandlerRegistry::skip(const std::string& id, const std::string& reason) {
  if (id.empty()) throw std::invalid_argument("skip: empty requirement id");
  if (reason.empty()) throw std::invalid_argument("skip: requirement " + id + " needs a reason");
  skipped_[id] = reason;
}

const RegisteredHandler* HandlerRegistry::find(const std::string& id) const {
  auto it = handlers_.find(id);
  return it == handlers_.end() ? nullptr : &it->second;
}

std::optional<std::string> HandlerRegistry::skip_reason(const std::string& id) const {
  auto it = skipped_.find(id);
  if (it == skipped_.end()) return std::nullopt;
  return it->second;
}

std::vector<std::string> HandlerRegistry::ids() const {
  std::vector<std::string> out;
  for (const auto& [id, _] : handlers_) out.push_back(id);
  std::sort(out.begin(), out.end(), requirement_id_less);
  return out;
}

}  // namespace durable::testing::conformance
