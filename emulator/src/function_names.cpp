#include "function_names.hpp"

namespace durable::emulator::detail {
namespace {

constexpr std::string_view kFunctionMarker = ":function:";
constexpr std::string_view kLatest = "$LATEST";

// The `<name>[:<qualifier>]` part of `name`.
std::string_view unqualified_tail(std::string_view name) {
  if (name.starts_with("arn:")) {
    auto pos = name.find(kFunctionMarker);
    if (pos != std::string_view::npos) name.remove_prefix(pos + kFunctionMarker.size());
  }
  return name;
}

}  // namespace

std::string bare_function_name(std::string_view name) {
  name = unqualified_tail(name);
  auto colon = name.find(':');
  if (colon != std::string_view::npos) name = name.substr(0, colon);
  return std::string(name);
}

std::string function_qualifier(std::string_view name) {
  name = unqualified_tail(name);
  auto colon = name.find(':');
  if (colon == std::string_view::npos || colon + 1 == name.size()) return std::string(kLatest);
  return std::string(name.substr(colon + 1));
}

}  // namespace durable::emulator::detail
