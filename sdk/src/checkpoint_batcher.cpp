#include "checkpoint_batcher.hpp"

#include <stdexcept>

namespace durable::detail {

CheckpointBatcher::CheckpointBatcher(BatchLimits limits) : limits_(limits) {
  if (limits_.max_updates == 0) throw std::invalid_argument("max_batch_updates must be at least 1");
  if (limits_.max_bytes == 0) throw std::invalid_argument("max_batch_bytes must be at least 1");
}

std::size_t CheckpointBatcher::update_size(const OperationUpdate& update) {
  return serialized_size(update);
}

void CheckpointBatcher::push(OperationUpdate update) {
  const std::size_t bytes = update_size(update);
  queue_.push_back(Entry{std::move(update), bytes});
}

std::vector<OperationUpdate> CheckpointBatcher::take_batch() {
  std::vector<OperationUpdate> batch;
  std::size_t bytes = 0;
  while (!queue_.empty() && batch.size() < limits_.max_updates) {
    Entry& next = queue_.front();
    if (!batch.empty() && bytes + next.bytes > limits_.max_bytes) break;
    bytes += next.bytes;
    batch.push_back(std::move(next.update));
    queue_.pop_front();
  }
  return batch;
}

}  // namespace durable::detail
