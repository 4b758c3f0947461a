// Options of parallel and map (SDK-SEMANTICS.md §4).
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "durable/batch_result.hpp"
#include "durable/completion_config.hpp"
#include "durable/serdes.hpp"

namespace durable {

class DurableContext;

// How branches are recorded (SDK-SEMANTICS.md §4, PROTOCOL.md §7.1).
//   Nested: each branch / item is its own child CONTEXT (START, SUCCEED/FAIL) under the batch.
//   Flat: branches are virtual contexts: nothing is checkpointed for the branch itself; its
//     operations keep ids derived from the branch's id but name the batch context as ParentId.
//     Fewer operations; a branch's outcome is re-derived by re-running it over its checkpoints.
enum class NestingType { Nested, Flat };

// One branch of parallel with an explicit operation name (unnamed: "parallel-branch-<i>").
template <class T>
struct ParallelBranch {
  std::string name;
  std::function<T(DurableContext&)> fn;
};

template <class T = Json>
struct ParallelConfig {
  // At most this many branches run at once; empty: all at once. 0 is a ValidationError.
  std::optional<std::size_t> max_concurrency{};
  // Default: no criterion, i.e. the first failure stops the batch (what all_successful() also
  // does). Empty rather than all_successful() so that setting one field, e.g.
  // tolerated_failure_count, leaves no hidden second rule behind: as for MapConfig.
  CompletionConfig completion_config{};
  // Encodes the whole BatchResult as the Parallel context's payload. Empty: JSON.
  std::shared_ptr<SerDes<BatchResult<T>>> serdes{};
  // Encodes each branch's result as its ParallelBranch context's payload. Empty: JSON.
  std::shared_ptr<SerDes<T>> item_serdes{};
  // When the encoded BatchResult exceeds 256 KiB, its output is checkpointed instead (with
  // ReplayChildren) and replay rebuilds the result from the branches' checkpoints.
  std::function<std::string(const BatchResult<T>&)> summary_generator{};
  NestingType nesting_type = NestingType::Nested;
};

template <class T = Json, class U = Json>
struct MapConfig {
  std::optional<std::size_t> max_concurrency{};
  // Default: no criterion, i.e. the first failure stops the batch.
  CompletionConfig completion_config{};
  std::shared_ptr<SerDes<BatchResult<T>>> serdes{};
  std::shared_ptr<SerDes<T>> item_serdes{};
  std::function<std::string(const BatchResult<T>&)> summary_generator{};
  // Names item `index` (default "map-item-<index>"). Called for every item on every run, so it
  // must be pure.
  std::function<std::string(const U& item, std::size_t index)> item_namer{};
  NestingType nesting_type = NestingType::Nested;
};

}  // namespace durable
