// CheckpointBatcher: the FIFO of updates waiting to be checkpointed and the rule that cuts it into
// requests (PROTOCOL.md §4.11): at most `max_updates` updates and `max_bytes` bytes of serialized
// updates per request; a single update larger than max_bytes still goes out, alone.
//
// Batching is done synchronously on the calling thread: asynchronous updates (AT_LEAST_ONCE step
// START, CONTEXT START) wait in the queue and ride with the next synchronous checkpoint, and the
// invocation boundary drains the queue before returning.
#pragma once

#include <cstddef>
#include <vector>

#include "durable/model/operation_update.hpp"

namespace durable::detail {

struct BatchLimits {
  std::size_t max_updates = 250;
  std::size_t max_bytes = 750 * 1024;
};

class CheckpointBatcher {
 public:
  explicit CheckpointBatcher(BatchLimits limits);

  // Takes `update` over (moved from once: an update is over 500 bytes, and every checkpointed
  // operation passes through here).
  void push(OperationUpdate&& update);
  bool empty() const { return head_ == updates_.size(); }
  std::size_t size() const { return updates_.size() - head_; }

  // Replaces the contents of `out` with the next request's updates, removed from the queue in
  // FIFO order; `out` is left empty when nothing is queued. When the batch is the whole queue,
  // `out` and the queue swap storage (no update is moved); otherwise `out` keeps its own. Either
  // way a caller that passes the same vector to every flush allocates no batch storage once the
  // two buffers have grown.
  void take_batch(std::vector<OperationUpdate>& out);
  // As above, into a new vector (tests).
  std::vector<OperationUpdate> take_batch() {
    std::vector<OperationUpdate> out;
    take_batch(out);
    return out;
  }

  // Drops everything queued (after a failed checkpoint the invocation ends anyway).
  void clear() {
    updates_.clear();
    bounds_.clear();
    head_ = 0;
  }

  // Bytes an update counts for: the length of its JSON text.
  static std::size_t update_size(const OperationUpdate& update);
  // A cheap upper bound of update_size (every character escaped to six bytes, generous room for
  // the member names and numbers): a request whose bounds fit needs no exact sizes.
  static std::size_t update_size_bound(const OperationUpdate& update);

 private:
  BatchLimits limits_;
  // The FIFO is updates_[head_, size) with each one's update_size_bound in bounds_ at the same
  // index: taking a batch only advances head_, and the vectors are cleared (keeping their
  // capacity) once all is taken, so the usual pattern (a few updates queued, then all of them
  // sent) allocates nothing after the first request. When a batch takes the whole queue, the
  // queue's vector itself is swapped into the request (the updates are not moved at all). A
  // std::deque would allocate a block per update here: an OperationUpdate is larger than its
  // 512-byte blocks.
  std::vector<OperationUpdate> updates_;
  std::vector<std::size_t> bounds_;
  std::size_t head_ = 0;
};

}  // namespace durable::detail
