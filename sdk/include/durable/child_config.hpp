// ChildConfig: options of run_in_child_context (SDK-SEMANTICS.md §3.7, PROTOCOL.md §10.4).
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <type_traits>

#include "durable/serdes.hpp"

namespace durable {

namespace detail {
template <class T>
struct SummaryGenerator {
  using type = std::function<std::string(const T&)>;
};
template <>
struct SummaryGenerator<void> {
  using type = std::function<std::string()>;
};
}  // namespace detail

template <class T = Json>
struct ChildConfig {
  // Empty: JsonSerDes<T>.
  std::shared_ptr<SerDes<T>> serdes{};
  // Used only when the serialized result exceeds 256 KiB: its output becomes the checkpointed
  // Payload (with ContextOptions.ReplayChildren=true) instead of the result. Empty: "".
  typename detail::SummaryGenerator<T>::type summary_generator{};
};

}  // namespace durable
