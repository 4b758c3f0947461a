// CheckpointBatcher: the FIFO of updates waiting to be checkpointed and the rule that cuts it into
// requests (PROTOCOL.md §4.11): at most `max_updates` updates and `max_bytes` bytes of serialized
// updates per request; a single update larger than max_bytes still goes out, alone.
//
// Batching is done synchronously on the calling thread: asynchronous updates (AT_LEAST_ONCE step
// START, CONTEXT START) wait in the queue and ride with the next synchronous checkpoint, and the
// invocation boundary drains the queue before returning.
#pragma once

#include <cstddef>
#include <deque>
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

  void push(OperationUpdate update);
  bool empty() const { return queue_.empty(); }
  std::size_t size() const { return queue_.size(); }

  // Removes and returns the next request's updates, in FIFO order; empty when nothing is queued.
  std::vector<OperationUpdate> take_batch();
  // The same into `out` (cleared first), whose capacity is kept: a caller that sends request
  // after request reuses one buffer. Updates are ~0.5 KB each, so a fresh buffer of a few of them
  // is a large malloc request, and glibc consolidates its fast bins on every such request.
  void take_batch(std::vector<OperationUpdate>& out);

  // Drops everything queued (after a failed checkpoint the invocation ends anyway).
  void clear() { queue_.clear(); }

  // Bytes an update counts for: the length of its JSON text.
  static std::size_t update_size(const OperationUpdate& update);
  // A cheap upper bound of update_size (every character escaped to six bytes, generous room for
  // the member names and numbers): a request whose bounds fit needs no exact sizes.
  static std::size_t update_size_bound(const OperationUpdate& update);

 private:
  struct Entry {
    OperationUpdate update;
    std::size_t bound;
  };
  BatchLimits limits_;
  std::deque<Entry> queue_;
};

}  // namespace durable::detail
