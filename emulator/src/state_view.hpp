// What the handler is shown of an execution's operations (GetDurableExecutionState and the
// envelope's InitialExecutionState): creation order, without the descendants of a completed
// CONTEXT unless that context has ReplayChildren (PROTOCOL.md §4.3), paged with markers
// "<tokenSequence>:<index>" (§9.4), the index being a position in creation order.
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

// The page of at most `limit` visible operations starting at position `start` of the store (0,
// or an index from a marker this function made); next_marker is set (for `sequence`) to the
// position of the next visible operation when one follows. A page costs time in its own size
// and the operations it skips, not in the size of the whole execution, so paging in a long
// execution's state stays linear.
StatePage page_state(const OperationStore& store, std::size_t start, std::size_t limit,
                     std::uint64_t sequence);

}  // namespace durable::emulator::detail
