// ContextFactory: the one place outside DurableContext allowed to build a root context.
#pragma once

#include <memory>

#include "durable/durable_context.hpp"

namespace durable::detail {

struct ContextFactory {
  // The root context of an invocation: no id prefix, replaying when the state already holds the
  // root's first operation.
  static std::unique_ptr<DurableContext> make_root(std::shared_ptr<ExecutionState> state);
};

}  // namespace durable::detail
