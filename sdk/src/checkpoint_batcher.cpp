#include "checkpoint_batcher.hpp"

#include <cstddef>
#include <stdexcept>

namespace durable::detail {

CheckpointBatcher::CheckpointBatcher(BatchLimits limits) : limits_(limits) {
  if (limits_.max_updates == 0) throw std::invalid_argument("max_batch_updates must be at least 1");
  if (limits_.max_bytes == 0) throw std::invalid_argument("max_batch_bytes must be at least 1");
}

std::size_t CheckpointBatcher::update_size(const OperationUpdate& update) {
  return serialized_size(update);
}

std::size_t CheckpointBatcher::update_size_bound(const OperationUpdate& u) {
  // Member names, braces, enum names and five 20-digit integers take under 500 bytes (checked
  // by a test with every member present); twice that leaves room for new members.
  constexpr std::size_t kFixed = 1024;
  const auto text = [](const std::optional<std::string>& s) { return s ? 6 * s->size() : 0; };
  std::size_t n = kFixed + 6 * u.id.size() + text(u.parent_id) + text(u.name) + text(u.sub_type) +
                  text(u.payload);
  if (u.error) {
    n += text(u.error->error_type) + text(u.error->error_message) + text(u.error->error_data);
    if (u.error->stack_trace) {
      for (const auto& line : *u.error->stack_trace) n += 6 * line.size() + 4;
    }
  }
  if (u.chained_invoke_options) {
    n += 6 * u.chained_invoke_options->function_name.size() +
         text(u.chained_invoke_options->tenant_id);
  }
  return n;
}

void CheckpointBatcher::push(OperationUpdate&& update) {
  const std::size_t bound = update_size_bound(update);
  if (head_ > 0 && head_ >= updates_.size() - head_) {
    // Taken entries are at least half of the vector: drop them, so that a queue that is never
    // fully drained (batch limits hit while more arrives) does not grow without bound.
    const auto taken = static_cast<std::ptrdiff_t>(head_);
    updates_.erase(updates_.begin(), updates_.begin() + taken);
    bounds_.erase(bounds_.begin(), bounds_.begin() + taken);
    head_ = 0;
  }
  bounds_.reserve(bounds_.size() + 1);  // so that the update is not moved in when this throws
  updates_.push_back(std::move(update));
  bounds_.push_back(bound);
}

void CheckpointBatcher::take_batch(std::vector<OperationUpdate>& batch) {
  batch.clear();
  // Fast path: the first max_updates entries fit even by their upper bounds.
  const std::size_t queued = size();
  std::size_t count = 0;
  std::size_t bound = 0;
  while (count < queued && count < limits_.max_updates && bound <= limits_.max_bytes) {
    bound += bounds_[head_ + count++];
  }
  if (bound <= limits_.max_bytes) {
    if (head_ == 0 && count == updates_.size()) {
      // The whole queue: hand its vector over and keep the (empty) one passed in.
      batch.swap(updates_);
      clear();
      return;
    }
    for (std::size_t i = 0; i < count; ++i) batch.push_back(std::move(updates_[head_ + i]));
    head_ += count;
  } else {
    std::size_t bytes = 0;
    while (head_ < updates_.size() && batch.size() < limits_.max_updates) {
      OperationUpdate& next = updates_[head_];
      const std::size_t size = update_size(next);
      if (!batch.empty() && bytes + size > limits_.max_bytes) break;
      bytes += size;
      batch.push_back(std::move(next));
      ++head_;
    }
  }
  if (head_ == updates_.size()) clear();
}

}  // namespace durable::detail
