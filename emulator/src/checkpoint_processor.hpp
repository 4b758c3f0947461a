// Checkpoint batches: validation of a whole batch against the stored operations (PROTOCOL.md
// §5.2, in the documented order, nothing applied when any update is rejected) and the in-order
// application of an accepted batch (§5.3) through the per-type OperationProcessors.
#pragma once

#include <vector>

#include "durable/model/operation_update.hpp"
#include "operations/operation_processor.hpp"

namespace durable::emulator::detail {

// Throws ApiError 400 with the service's exact message for the first rule `updates` breaks.
// Batch rules first (EXECUTION count and position, duplicate ids, parent ids), then each update
// in order: metadata consistency, error size, action and state. Later updates of the batch are
// judged against the state earlier ones leave behind.
void validate_batch(const ExecutionRecord& exec, const std::vector<OperationUpdate>& updates);

// Applies a batch validate_batch() accepted, in order.
void apply_batch(const std::vector<OperationUpdate>& updates, ApplyContext& ctx);

}  // namespace durable::emulator::detail
