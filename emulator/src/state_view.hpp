// What the handler is shown of an execution's operations (GetDurableExecutionState and the
// envelope's InitialExecutionState): creation order, without the descendants of a completed
// CONTEXT unless that context has ReplayChildren (PROTOCOL.md §4.3), paged with markers
// "<tokenSequence>:<index>" (§9.4).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "operation_store.hpp"

namespace durable::emulator::detail {

// The visible operations in creation order.
std::vector<const Operation*> visible_operations(const OperationStore& store);

struct StatePage {
  std::vector<Operation> operations;
  std::optional<std::string> next_marker;
};

// The page of visible operations starting at `start`, at most `limit` long; next_marker is set
// (for `sequence`) when more follow.
StatePage page_state(const OperationStore& store, std::size_t start, std::size_t limit,
                     std::uint64_t sequence);

}  // namespace durable::emulator::detail
